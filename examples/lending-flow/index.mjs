// Lendwire lending flow: one loan from application to paid off, driven by the test clock.
//
//   LENDWIRE_API_KEY=$(cat ../../.lendwire/root-key) node index.mjs
//
// Needs a platform test key (the root key is one): it creates a partner account and a key for it; the
// partner applies, accepts and sets up a mandate; the platform, acting for the partner, approves and
// disburses; then the test clock moves through the six monthly installments, each collected through
// the mandate (the account ending 0005 fails each installment's first attempt; the retry succeeds).
import { Lendwire } from '@lendwire/sdk';

const apiKey = process.env.LENDWIRE_API_KEY;
const baseUrl = process.env.LENDWIRE_BASE_URL || 'http://127.0.0.1:8787';
if (!apiKey) {
  console.error(
    'Set LENDWIRE_API_KEY to a platform test key, e.g. LENDWIRE_API_KEY=$(cat .lendwire/root-key) (the gateway prints it on first start).',
  );
  process.exit(1);
}

const DAY = 86_400;
const PRINCIPAL = 10_000_000; // 100,000.00 NGN, in kobo

const step = (title) => console.log(`\n== ${title}`);
const show = (label, value) => console.log(`   ${label.padEnd(18)} ${value}`);
/** Minor units as `NGN 1,234.56`. */
const fmt = (money) =>
  `${money.currency} ${(money.amount / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const platform = new Lendwire({ apiKey, baseUrl });

step(`Who am I? (GET /v1/me on ${baseUrl})`);
const me = await platform.me.retrieve();
show('account', `${me.account.name} (${me.account.id}), ${me.livemode ? 'live' : 'test'} mode`);
const needed = ['accounts:admin', 'loans:review', 'operations:write'];
const missing = needed.filter((scope) => !me.scopes.includes(scope));
if (!me.account.platform || missing.length > 0 || me.livemode) {
  console.error(
    `This example needs a platform TEST key holding ${needed.join(', ')} (the root key is one); this key ${
      me.livemode ? 'is a live key' : !me.account.platform ? 'is a partner key' : `lacks ${missing.join(', ')}`
    }.`,
  );
  process.exit(1);
}

step('Create a partner account and its key (platform key)');
const account = await platform.accounts.create({
  name: 'Acme Lending (lending flow)',
  contactEmail: 'dev@acme-lending.example',
  metadata: { source: 'lending-flow' },
});
show('account', `${account.name} (${account.id})`);
/** The platform acting for the partner account (`Lendwire-Account`), to review and fund its loans. */
const forPartner = new Lendwire({ apiKey, baseUrl, account: account.id });
const key = await forPartner.apiKeys.create({
  name: 'Lending backend',
  scopes: ['customers:write', 'loans:write', 'wallets:write', 'events:read'],
});
show('key', `${key.id}: ${key.scopes.join(', ')}`);
const partner = new Lendwire({ apiKey: key.secret, baseUrl });

step('The partner applies for a loan for a customer');
const customer = await partner.customers.create({ name: 'Ada Obi', email: 'ada@example.com' });
show('customer', `${customer.name} (${customer.id})`);
const application = await partner.loanApplications.create({
  customerId: customer.id,
  amount: { amount: PRINCIPAL, currency: 'NGN' },
  termMonths: 6,
  purpose: 'Stock for the shop',
});
show(
  'application',
  `${application.id}: ${fmt(application.amount)} over ${application.termMonths} months, ${application.status}`,
);

step('The platform approves it with an offer (loans:review)');
const approved = await forPartner.loanApplications.approve(application.id, {
  offer: {
    principal: { amount: PRINCIPAL, currency: 'NGN' },
    annualInterestRateBps: 2400,
    termMonths: 6,
    amortization: 'equal_installments',
    originationFeeBps: 100,
  },
});
const offer = approved.offer;
show('application', approved.status);
show('offer', `${offer.id}: ${offer.annualInterestRateBps / 100}% a year, ${offer.amortization}, ${offer.status}`);
show('installment', `${fmt(offer.installmentAmount)} a month`);
show('total repayable', fmt(offer.totalRepayable));
show('origination fee', fmt(offer.originationFee));
show('expires', offer.expiresAt);

step('The partner accepts the offer');
const accepted = await partner.loanOffers.accept(offer.id);
const loanId = accepted.loanId;
show('offer', accepted.status);
show('loan', `${loanId}: ${accepted.loan.status}`);

step('The partner sets up a direct-debit mandate (account ending 0005)');
let mandate = await partner.mandates.create({
  customerId: customer.id,
  bankCode: '058',
  accountNumber: '0123450005',
  accountName: 'Ada Obi',
});
show('mandate', `${mandate.id} on ${mandate.bankAccount.bankCode} ****${mandate.bankAccount.last4}: ${mandate.status}`);
// The bank answers asynchronously: a gateway with workers sets it up at once, and in test mode a
// clock advance (even one second) runs the account's pending work.
for (let tries = 0; mandate.status === 'pending' && tries < 10; tries++) {
  await partner.testHelpers.clock.advance({ seconds: 1 });
  mandate = await partner.mandates.retrieve(mandate.id);
}
show('mandate', mandate.status);
if (mandate.status !== 'active') throw new Error(`the mandate did not become active: ${mandate.status}`);

step('The platform disburses the loan (operations:write)');
const disbursed = await forPartner.loans.disburse(loanId);
show('loan', `${disbursed.status}, disbursed at ${disbursed.disbursedAt}`);
show('outstanding', fmt(disbursed.outstanding.total));
const [wallet] = await partner.wallets.list().toArray();
show('vendor wallet', `${fmt(wallet.available)} available (principal less the fee)`);

step('The repayment schedule');
const schedule = (await partner.loans.schedule(loanId)).data;
for (const i of schedule) {
  show(`#${i.number} ${i.dueDate}`, `${fmt(i.total)} (principal ${fmt(i.principal)}, interest ${fmt(i.interest)})`);
}

// Events already shown, so each step prints only what is new.
const seen = new Set((await partner.events.list({ limit: 100 }).toArray()).map((e) => e.id));
async function newEvents() {
  const fresh = (await partner.events.list({ limit: 100 }).toArray()).filter((e) => !seen.has(e.id)).reverse();
  for (const event of fresh) {
    seen.add(event.id);
    show('event', describe(event));
  }
}
/** One line per event, narrowing on `type`. */
function describe(event) {
  switch (event.type) {
    case 'repayment.upcoming':
      return `${event.type}: #${event.data.object.installmentNumber} of ${fmt(event.data.object.amountDue)} due ${event.data.object.dueDate}`;
    case 'repayment.failed':
      return `${event.type}: ${fmt(event.data.object.amount)} (${event.data.object.failureCode})`;
    case 'repayment.succeeded':
      return `${event.type}: ${fmt(event.data.object.amount)}`;
    case 'loan.overdue':
      return `${event.type}: ${event.data.object.daysPastDue} day(s) past due (${event.data.object.delinquencyBucket})`;
    default:
      return event.type;
  }
}

let today = (await partner.testHelpers.clock.advance({ seconds: 1 })).now.slice(0, 10);
const daysUntil = (date) => Math.round((Date.parse(date) - Date.parse(today)) / (DAY * 1000));
for (const installment of schedule) {
  // To the day after the due date: the clock steps through each day, so the reminder (3 days
  // before), the failed first attempt (on the due date), the overdue mark and the retry (the day
  // after) happen in order.
  const days = daysUntil(installment.dueDate) + 1;
  step(`Advance the test clock ${days} days, past installment #${installment.number} (due ${installment.dueDate})`);
  today = (await partner.testHelpers.clock.advance({ seconds: days * DAY })).now.slice(0, 10);
  show('test clock', today);
  await newEvents();
  const loan = await partner.loans.retrieve(loanId);
  const now = (await partner.loans.schedule(loanId)).data[installment.number - 1];
  show(`installment #${now.number}`, `${now.status}, paid ${fmt(now.paid)}`);
  show('loan', `${loan.status}, outstanding ${fmt(loan.outstanding.total)}, next due ${loan.nextDueDate ?? '-'}`);
}

step('The loan is paid off');
const loan = await partner.loans.retrieve(loanId);
const repayments = await partner.loans.repayments.list(loanId).toArray();
const [walletAfter] = await partner.wallets.list().toArray();
show('status', loan.status);
show('outstanding', fmt(loan.outstanding.total));
show(
  'repayments',
  `${repayments.filter((r) => r.status === 'succeeded').length} succeeded, ${repayments.filter((r) => r.status === 'failed').length} failed`,
);
show('vendor wallet', `${fmt(walletAfter.available)} available (collections go to the platform)`);
console.log('\nFinal loan:');
console.log(JSON.stringify(loan, null, 2));

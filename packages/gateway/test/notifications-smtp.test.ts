import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@lendwire/contract';
import { channelsOf, createNotifier, NOTIFICATION_TYPES, rowsOf } from '@lendwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../core/test/support.js';
import { loadConfig } from '../src/config.js';
import { createJsonLogger } from '../src/logger.js';
import { type RunningGateway, startGateway } from '../src/node/index.js';
import { type ReceivedEmail, startSmtpServer, type TestSmtpServer } from './support/smtp.js';

/**
 * Notification e-mail end to end (issue 10): the real gateway (`startGateway`, workers in process)
 * sends through a real SMTP server started here (`smtp-server`), and every message is parsed with
 * postal-mime. For every type of the catalog with an e-mail template a test performs the domain
 * action over HTTP and checks what arrives: recipient(s) per the type's audience, subject, and the
 * key facts in both the text and the HTML part. Then SMTP failures: temporary refusals are retried
 * and every message is delivered exactly once; one refused for good ends `failed`; no recipient
 * address reaches the log. On PGlite and Postgres.
 */

type NotificationTypeName = keyof typeof NOTIFICATION_TYPES;

const FROM = 'notifications@lendwire.test';
/** Retries of a notification send after the first attempt (3 attempts in all), 1 s apart at first. */
const RETRIES = 2;

let store: TestStore;
let running: RunningGateway;
let smtp: TestSmtpServer;
const logs: string[] = [];
const rootKey = generateApiKey('test');
const dataDir = mkdtempSync(join(tmpdir(), 'lendwire-notify-smtp-'));
/** Every customer name, e-mail address and phone number the tests give the gateway (none may reach the log). */
const personal = new Set<string>(['Ada Obi']);
let seq = 0;
const uid = () => `${Date.now().toString(36)}${(++seq).toString(36)}`;

beforeAll(async () => {
  smtp = await startSmtpServer();
  store = await openTestStore();
  running = await startGateway(
    loadConfig({
      PORT: '0',
      LENDWIRE_DATA_DIR: dataDir,
      LENDWIRE_ROOT_KEY: rootKey,
      LENDWIRE_LOG_LEVEL: 'debug',
      SMTP_URL: smtp.url,
      LENDWIRE_EMAIL_FROM: `Lendwire Test <${FROM}>`,
      LENDWIRE_NOTIFICATION_RETRIES: String(RETRIES),
      LENDWIRE_NOTIFICATION_RETRY_DELAY: '1',
      LENDWIRE_RATELIMIT_TIERS: JSON.stringify({ free: { requests: 10_000, windowSeconds: 60 } }),
    }),
    { db: store.handle, logger: createJsonLogger({ level: 'debug', write: (line) => logs.push(line) }) },
  );
});
afterAll(async () => {
  await running?.close();
  await smtp?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// --- HTTP -------------------------------------------------------------------------------------

interface Tenant {
  accountId: string;
  key: string;
  name: string;
  email: string;
}
interface Person {
  id: string;
  name: string;
  email: string;
}

async function call(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${running.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'POST' ? { 'idempotency-key': `k-${uid()}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any, text };
}

/** `call` that expects `status` and returns the body. */
async function ok(
  status: number,
  method: string,
  path: string,
  key: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await call(method, path, key, body, headers);
  expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
  return res.body;
}

/** The root key acting for `p`. */
const asPlatform = (p: Pick<Tenant, 'accountId'>) => ({ 'lendwire-account': p.accountId });
const scopeOf = (p: Tenant) => ({ accountId: p.accountId, livemode: false });

/** A partner account made by the platform (its contact e-mail on `domain`) and an all-scope test key. */
async function partner(label: string, domain = 'partner.test'): Promise<Tenant> {
  const email = `ops-${uid()}@${domain}`;
  personal.add(email);
  const name = `${label} Lending`;
  const account = await ok(201, 'POST', '/v1/accounts', rootKey, { name, contactEmail: email });
  const key = await ok(
    201,
    'POST',
    '/v1/api-keys',
    rootKey,
    { name: 'partner', scopes: ['*'] },
    asPlatform({
      accountId: account.id,
    }),
  );
  return { accountId: account.id, key: key.secret, name, email };
}

/** A customer of `p` with an e-mail address (on `domain`) and a phone number. */
async function customer(p: Tenant, domain = 'customer.test'): Promise<Person> {
  const email = `ada-${uid()}@${domain}`;
  const phone = `+23480${String(10_000_000 + seq * 7919).slice(-8)}`;
  personal.add(email);
  personal.add(phone);
  const made = await ok(201, 'POST', '/v1/customers', p.key, { name: 'Ada Obi', email, phone });
  return { id: made.id, name: 'Ada Obi', email };
}

async function rejectedApplication(p: Tenant, c: Person, amount: number, reason: string) {
  const app = await ok(201, 'POST', '/v1/loan-applications', p.key, {
    customerId: c.id,
    amount: { amount, currency: 'NGN' },
    termMonths: 6,
    purpose: 'Inventory for the shop',
  });
  await ok(200, 'POST', `/v1/loan-applications/${app.id}/reject`, rootKey, { reason }, asPlatform(p));
  return app as { id: string };
}

/** Approves an application for `c` with 24 % over 6 months (1 % fee); returns the open offer. */
async function offerFor(p: Tenant, c: Person, principal = 10_000_000) {
  const app = await ok(201, 'POST', '/v1/loan-applications', p.key, {
    customerId: c.id,
    amount: { amount: principal, currency: 'NGN' },
    termMonths: 6,
    purpose: 'Inventory for the shop',
  });
  const approved = await ok(
    200,
    'POST',
    `/v1/loan-applications/${app.id}/approve`,
    rootKey,
    {
      offer: {
        principal: { amount: principal, currency: 'NGN' },
        annualInterestRateBps: 2400,
        termMonths: 6,
        amortization: 'equal_installments',
        originationFeeBps: 100,
      },
    },
    asPlatform(p),
  );
  return approved.offer as {
    id: string;
    installmentAmount: { amount: number };
    totalRepayable: { amount: number };
    expiresAt: string;
  };
}

/** Advances `p`'s test clock to `target` (at least 1 s); returns the clock's new time. */
async function advanceTo(p: Tenant, target: number, from: number): Promise<number> {
  const seconds = Math.max(1, Math.ceil((target - from) / 1000));
  const res = await ok(200, 'POST', '/v1/test-helpers/clock/advance', p.key, { seconds });
  return Date.parse(res.now);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// --- What the e-mail should say -------------------------------------------------------------------

/** NGN minor units as the en-NG locale writes them (₦100,000.00), computed here, not by the gateway. */
const naira = (minor: number) =>
  new Intl.NumberFormat('en-NG', { style: 'currency', currency: 'NGN' }).format(minor / 100);
/** A calendar date or instant as en-NG writes it in UTC (3 January 2027). */
const dateLong = (value: string) =>
  new Intl.DateTimeFormat('en-NG', { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value),
  );
/** What the HTML part shows for text (the templates escape every variable). */
const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

/** The delivery rows of the e-mail channel, straight from the store (the delivery log). */
async function emailDeliveries(accountId: string) {
  if (!/^acct_[0-9a-z]+$/.test(accountId)) throw new Error(`bad account id ${accountId}`);
  return rowsOf<{
    id: string;
    notification_id: string;
    status: string;
    attempts: number;
    reason: string | null;
    last_error: string | null;
    provider_message_id: string | null;
  }>(
    await store.handle.db.execute(
      `select id, notification_id, status, attempts, reason, last_error, provider_message_id
       from notification_deliveries where account_id = '${accountId}' and channel = 'email' order by id`,
    ),
  );
}

/** E-mail types a test below covers (filled as the tests are declared), and those whose message was checked. */
const declared = new Set<NotificationTypeName>();
const asserted = new Set<NotificationTypeName>();

/** A test of the e-mail of `types`. */
function emailTest(types: NotificationTypeName[], name: string, fn: () => Promise<void>, timeoutMs?: number) {
  for (const type of types) declared.add(type);
  it(`${types.join(' + ')}: ${name}`, fn, timeoutMs);
}

/**
 * Waits for the one message of `type` to `to` with `subject`, and checks it: sent from the
 * configured address to that recipient only, greeting the recipient by name, signed by the account,
 * every fact in the text part and (escaped) in the HTML part, nothing of `absent` in either, and
 * its Message-ID naming a delivery the log shows `sent` after one attempt.
 */
async function expectEmail(
  type: NotificationTypeName,
  expected: {
    to: string;
    name: string;
    account: Tenant;
    subject: string;
    facts: string[];
    absent?: string[];
  },
): Promise<ReceivedEmail> {
  const [message, ...more] = await smtp.waitFor(
    `${type} to ${expected.to}`,
    (m) => m.to.includes(expected.to) && m.subject === expected.subject,
  );
  expect(more, `one ${type} e-mail to ${expected.to}`).toEqual([]);
  const m = message!;
  expect(m.to).toEqual([expected.to]);
  expect(m.from).toBe(FROM);
  expect(m.text).toContain(`Hello ${expected.name},`);
  expect(m.text).toContain(`— ${expected.account.name}`);
  expect(m.html).toContain(`<p>Hello ${escapeHtml(expected.name)},</p>`);
  expect(m.html).toContain(`Sent by ${escapeHtml(expected.account.name)} through Lendwire.`);
  for (const fact of expected.facts) {
    expect(m.text, `${type}: text part`).toContain(fact);
    expect(m.html, `${type}: HTML part`).toContain(escapeHtml(fact));
  }
  for (const word of expected.absent ?? []) {
    expect(m.text).not.toContain(word);
    expect(m.html).not.toContain(word);
  }
  const deliveryId = /^<(ntd_[0-9a-z]+)@lendwire\.notifications>$/.exec(m.messageId)?.[1];
  expect(deliveryId, m.messageId).toBeDefined();
  const delivery = await until(`delivery ${deliveryId} sent`, async () =>
    (await emailDeliveries(expected.account.accountId)).find((d) => d.id === deliveryId && d.status === 'sent'),
  );
  expect(delivery).toMatchObject({ attempts: 1, last_error: null, provider_message_id: m.messageId });
  asserted.add(type);
  return m;
}

/** Everything `address` received, by subject: exactly `subjects` (nothing for types it is not an audience of). */
function expectOnly(address: string, subjects: string[]) {
  expect(
    smtp
      .to(address)
      .map((m) => m.subject)
      .sort(),
  ).toEqual([...subjects].sort());
}

// --- One test per e-mail type ------------------------------------------------------------------------

describe('notification e-mail over SMTP: every e-mail type of the catalog', () => {
  emailTest(['loan_application.rejected'], 'the customer and the account get the reason and next steps', async () => {
    const p = await partner('Rejection');
    const c = await customer(p);
    // Markup in the reason is escaped in the HTML part and kept as is in the text part.
    const reason = 'Income < 3x the installment & no <b>bank statement</b>';
    const app = await rejectedApplication(p, c, 10_000_000, reason);
    const subject = 'Your loan application for ₦100,000.00 was not approved';
    const facts = [
      `The loan application ${app.id} for ₦100,000.00 over 6 months was not approved.`,
      `Reason: ${reason}.`,
    ];
    const toCustomer = await expectEmail('loan_application.rejected', {
      to: c.email,
      name: c.name,
      account: p,
      subject,
      facts: [...facts, 'Next steps: you may apply again', `Reply to ${p.email}.`],
    });
    expect(toCustomer.html).not.toContain('<b>bank statement</b>');
    // The account's copy is written to the lender: which application, and that the customer was told.
    const accountSubject = `Loan application ${app.id} for ₦100,000.00 was not approved`;
    const toAccount = await expectEmail('loan_application.rejected', {
      to: p.email,
      name: p.name,
      account: p,
      subject: accountSubject,
      facts: [...facts, 'Next steps: the customer has been told, with the reason'],
    });
    expect(toAccount.text).not.toContain('you may apply again');
    expectOnly(c.email, [subject]);
    expectOnly(p.email, [accountSubject]);
  });

  emailTest(
    ['loan_offer.created'],
    'off by default; with e-mail turned on, the customer and the account get amount, installment, total and expiry',
    async () => {
      const p = await partner('Offers');
      const c = await customer(p);
      const other = await customer(p);
      const enable = [{ type: 'loan_offer.created' as const, channel: 'email' as const, enabled: true }];
      await running.services.notifications.putPreferences(scopeOf(p), { recipientId: c.id, preferences: enable });
      await running.services.notifications.putPreferences(scopeOf(p), { preferences: enable });

      const offer = await offerFor(p, c);
      const subject = 'A loan offer of ₦100,000.00 is waiting for you';
      const facts = [
        `Offer ${offer.id}: ₦100,000.00 over 6 months at 24.00 % a year.`,
        `Each installment is ${naira(offer.installmentAmount.amount)}; ${naira(offer.totalRepayable.amount)} in all.`,
        `The offer is open until ${dateLong(offer.expiresAt)}.`,
      ];
      await expectEmail('loan_offer.created', { to: c.email, name: c.name, account: p, subject, facts });
      await expectEmail('loan_offer.created', { to: p.email, name: p.name, account: p, subject, facts });

      // A customer who kept the default gets the offer in the app only.
      const second = await offerFor(p, other, 5_000_000);
      const secondSubject = 'A loan offer of ₦50,000.00 is waiting for you';
      await expectEmail('loan_offer.created', {
        to: p.email,
        name: p.name,
        account: p,
        subject: secondSubject,
        facts: [`Offer ${second.id}: ₦50,000.00 over 6 months`],
      });
      const list = await running.services.notifications.list(scopeOf(p), {
        limit: 10,
        recipientId: other.id,
        type: 'loan_offer.created',
      });
      expect(list.data).toHaveLength(1);
      expect(list.data[0]!.channels).toEqual([
        expect.objectContaining({ channel: 'in_app', status: 'sent' }),
        expect.objectContaining({ channel: 'email', status: 'skipped', reason: 'preference', attempts: 0 }),
      ]);
      expectOnly(other.email, []);
      expectOnly(c.email, [subject]);
      expectOnly(p.email, [subject, secondSubject]);
    },
  );

  emailTest(
    [
      'loan.disbursed',
      'repayment.upcoming',
      'repayment.failed',
      'loan.overdue',
      'repayment.succeeded',
      'loan.paid_off',
    ],
    'a loan from disbursement to payoff, with a direct debit that fails once (0005), on the test clock',
    async () => {
      const p = await partner('Lifecycle');
      const c = await customer(p);
      const offer = await offerFor(p, c);
      const accepted = await ok(200, 'POST', `/v1/loan-offers/${offer.id}/accept`, p.key);
      const loan = await ok(200, 'POST', `/v1/loans/${accepted.loanId}/disburse`, rootKey, undefined, asPlatform(p));
      const schedule = (await ok(200, 'GET', `/v1/loans/${loan.id}/schedule`, p.key)).data as {
        number: number;
        dueDate: string;
        total: { amount: number };
      }[];
      expect(schedule).toHaveLength(6);
      const [first, last] = [schedule[0]!, schedule[5]!];
      const customerSubjects: string[] = [];
      const accountSubjects: string[] = [];

      // loan.disbursed: to the customer (the account has it in the app only).
      let subject = 'Your loan of ₦100,000.00 has been disbursed';
      customerSubjects.push(subject);
      await expectEmail('loan.disbursed', {
        to: c.email,
        name: c.name,
        account: p,
        subject,
        facts: [
          `The loan ${loan.id} of ₦100,000.00 was disbursed on ${dateLong(loan.disbursedAt)}.`,
          `Schedule: 6 monthly installments of about ${naira(first.total.amount)}, the first due ${dateLong(first.dueDate)} and the last ${dateLong(last.dueDate)}; ${naira(loan.outstanding.total.amount)} to repay in all.`,
        ],
      });

      // A mandate whose collections fail once (0005); a 1-second advance activates it.
      await ok(201, 'POST', '/v1/mandates', p.key, {
        customerId: c.id,
        bankCode: '058',
        accountNumber: '0123450005',
        accountName: 'Ada Obi',
      });
      let now = await advanceTo(p, 0, 0);
      const due = Date.parse(`${first.dueDate}T01:00:00Z`);

      // repayment.upcoming, 3 days before the due date.
      now = await advanceTo(p, due - 3 * 86_400_000, now);
      subject = `Reminder: ${naira(first.total.amount)} due on ${dateLong(first.dueDate)}`;
      customerSubjects.push(subject);
      await expectEmail('repayment.upcoming', {
        to: c.email,
        name: c.name,
        account: p,
        subject,
        facts: [
          `Installment 1 of your loan ${loan.id}, ${naira(first.total.amount)}, is due on ${dateLong(first.dueDate)}.`,
          'It will be collected from your bank account by direct debit on that day',
        ],
      });

      // repayment.failed on the due date: to the customer and to the account.
      now = await advanceTo(p, due, now);
      const repayments = async () =>
        (await ok(200, 'GET', `/v1/loans/${loan.id}/repayments`, p.key)).data as {
          id: string;
          status: string;
          amount: { amount: number };
          failureCode: string | null;
          failureMessage: string | null;
        }[];
      const failed = (await repayments()).find((r) => r.status === 'failed')!;
      expect(failed).toMatchObject({ failureCode: 'insufficient_funds' });
      const afterFailure = await ok(200, 'GET', `/v1/loans/${loan.id}`, p.key);
      subject = `Your repayment of ${naira(failed.amount.amount)} failed`;
      const failedFacts = [
        `The repayment ${failed.id} of ${naira(failed.amount.amount)} on loan ${loan.id} failed: ${failed.failureMessage} (insufficient_funds).`,
        'a direct debit is retried 1 and 3 days after the due date',
        `Remaining balance: ${naira(afterFailure.outstanding.total.amount)}.`,
      ];
      const failedForAccount = `Repayment of ${naira(failed.amount.amount)} on loan ${loan.id} failed`;
      customerSubjects.push(subject);
      accountSubjects.push(failedForAccount);
      await expectEmail('repayment.failed', { to: c.email, name: c.name, account: p, subject, facts: failedFacts });
      await expectEmail('repayment.failed', {
        to: p.email,
        name: p.name,
        account: p,
        subject: failedForAccount,
        facts: [...failedFacts, 'the customer has been asked to fund their account or pay directly'],
      });

      // The next day: loan.overdue (1 day past due), then the retry succeeds (repayment.succeeded).
      now = await advanceTo(p, due + 86_400_000, now);
      const overdueEvent = (await ok(200, 'GET', '/v1/events?type=loan.overdue', p.key)).data[0];
      expect(overdueEvent.data.object).toMatchObject({ id: loan.id, daysPastDue: 1 });
      subject = 'Your loan payment is overdue';
      customerSubjects.push(subject);
      await expectEmail('loan.overdue', {
        to: c.email,
        name: c.name,
        account: p,
        subject,
        facts: [
          `A payment on loan ${loan.id} is 1 day(s) past due. ${naira(overdueEvent.data.object.outstanding.total.amount)} is outstanding.`,
        ],
      });
      const collected = (await repayments()).find((r) => r.status === 'succeeded')!;
      const afterRetry = await ok(200, 'GET', `/v1/loans/${loan.id}`, p.key);
      expect(afterRetry.nextDueDate).toBe(schedule[1]!.dueDate);
      subject = `We received your repayment of ${naira(collected.amount.amount)}`;
      customerSubjects.push(subject);
      await expectEmail('repayment.succeeded', {
        to: c.email,
        name: c.name,
        account: p,
        subject,
        facts: [
          `Your repayment ${collected.id} of ${naira(collected.amount.amount)} on loan ${loan.id} succeeded.`,
          `Remaining balance: ${naira(afterRetry.outstanding.total.amount)}.`,
          `Next due date: ${dateLong(schedule[1]!.dueDate)}.`,
        ],
      });

      // Paying the rest: repayment.succeeded (nothing more due) and loan.paid_off.
      const rest = afterRetry.outstanding.total.amount as number;
      const payoff = await ok(201, 'POST', `/v1/loans/${loan.id}/repayments`, p.key, { amount: rest });
      subject = `We received your repayment of ${naira(rest)}`;
      customerSubjects.push(subject);
      await expectEmail('repayment.succeeded', {
        to: c.email,
        name: c.name,
        account: p,
        subject,
        facts: [
          `Your repayment ${payoff.id} of ${naira(rest)} on loan ${loan.id} succeeded.`,
          'Remaining balance: ₦0.00.',
          'Nothing more is due: the loan is repaid.',
        ],
      });
      subject = 'Your loan is fully repaid';
      customerSubjects.push(subject);
      await expectEmail('loan.paid_off', {
        to: c.email,
        name: c.name,
        account: p,
        subject,
        facts: [`The loan ${loan.id} of ₦100,000.00 is fully repaid. Thank you!`],
      });
      expectOnly(c.email, customerSubjects);
      expectOnly(p.email, accountSubjects);
    },
    60_000,
  );

  emailTest(
    ['repayment.succeeded'],
    'two repayments in a row: each e-mail gives the balance and next due date after that repayment, not after the last',
    async () => {
      const p = await partner('Balances');
      const c = await customer(p);
      const offer = await offerFor(p, c);
      const accepted = await ok(200, 'POST', `/v1/loan-offers/${offer.id}/accept`, p.key);
      const loan = await ok(200, 'POST', `/v1/loans/${accepted.loanId}/disburse`, rootKey, undefined, asPlatform(p));
      const schedule = (await ok(200, 'GET', `/v1/loans/${loan.id}/schedule`, p.key)).data as {
        dueDate: string;
        total: { amount: number };
      }[];
      // Back to back, so the notifier usually sees both events in one pass.
      const first = await ok(201, 'POST', `/v1/loans/${loan.id}/repayments`, p.key, { amount: 2_000_000 });
      const second = await ok(201, 'POST', `/v1/loans/${loan.id}/repayments`, p.key, { amount: 3_000_000 });
      /** The due date of the first installment not fully paid once `paid` has been repaid, oldest first. */
      const nextDue = (paid: number) => {
        let covered = 0;
        return schedule.find((i) => {
          covered += i.total.amount;
          return covered > paid;
        })!.dueDate;
      };
      const total = loan.outstanding.total.amount as number;
      for (const [repayment, paid] of [
        [first, 2_000_000],
        [second, 5_000_000],
      ] as const) {
        await expectEmail('repayment.succeeded', {
          to: c.email,
          name: c.name,
          account: p,
          subject: `We received your repayment of ${naira(repayment.amount.amount)}`,
          facts: [
            `Your repayment ${repayment.id} of ${naira(repayment.amount.amount)} on loan ${loan.id} succeeded.`,
            `Remaining balance: ${naira(total - paid)}.`,
            `Next due date: ${dateLong(nextDue(paid))}.`,
          ],
        });
      }
    },
  );

  emailTest(
    ['withdrawal.succeeded', 'withdrawal.failed'],
    'the account gets amount, last 4 digits (never the full number), reference, fee, and the reason',
    async () => {
      const p = await partner('Payouts');
      await ok(200, 'POST', '/v1/test-helpers/wallets/fund', p.key, { amount: 1_000_000 });
      const bank = async (accountNumber: string) =>
        ok(201, 'POST', '/v1/bank-accounts', p.key, {
          bankCode: '058',
          accountNumber,
          accountName: 'Ada Obi',
          currency: 'NGN',
        });
      const good = await bank('0123451234');
      const closed = await bank('0123450002');
      const paid = await ok(201, 'POST', '/v1/withdrawals', p.key, { amount: 250_000, bankAccountId: good.id });
      const bounced = await ok(201, 'POST', '/v1/withdrawals', p.key, { amount: 120_000, bankAccountId: closed.id });
      const settled = (id: string) =>
        until(`withdrawal ${id} settled`, async () => {
          const wd = await ok(200, 'GET', `/v1/withdrawals/${id}`, p.key);
          return wd.status === 'succeeded' || wd.status === 'failed' ? wd : undefined;
        });
      const [wdPaid, wdFailed] = [await settled(paid.id), await settled(bounced.id)];
      expect(wdPaid.status).toBe('succeeded');
      expect(wdFailed).toMatchObject({ status: 'failed', failureCode: 'account_closed' });

      const paidSubject = '₦2,500.00 sent to your bank account ending 1234';
      await expectEmail('withdrawal.succeeded', {
        to: p.email,
        name: p.name,
        account: p,
        subject: paidSubject,
        facts: [
          `The withdrawal ${wdPaid.id} of ₦2,500.00 reached the bank account ending 1234.`,
          `Bank reference: ${wdPaid.reference}. Fee: ${naira(wdPaid.fee.amount)}.`,
        ],
        absent: ['0123451234'],
      });
      const failedSubject = 'Your withdrawal of ₦1,200.00 failed';
      await expectEmail('withdrawal.failed', {
        to: p.email,
        name: p.name,
        account: p,
        subject: failedSubject,
        facts: [
          `The withdrawal ${wdFailed.id} of ₦1,200.00 to the bank account ending 0002 failed: ${wdFailed.failureMessage} (account_closed).`,
          `The amount and the fee of ${naira(wdFailed.fee.amount)} are back`,
          'Next steps: check the bank account (the bank says it is closed: add another one), then create a new withdrawal.',
          `Reference for your bank: ${wdFailed.reference}.`,
        ],
        absent: ['0123450002'],
      });
      // withdrawal.created and bank_account.added are in-app only.
      expectOnly(p.email, [paidSubject, failedSubject]);
    },
  );

  emailTest(['credit_assessment.completed'], 'the account gets the score, category and a summary', async () => {
    const p = await partner('Scoring');
    const c = await customer(p);
    // Three months of a 250,000.00 salary and 100,000.00 rent: 752, very_good (see the credit assessment tests).
    const rows = ['01', '02', '03'].flatMap((month, i) => [
      {
        date: `2026-${month}-02`,
        amount: 25_000_000,
        description: 'Salary ACME',
        balance: 27_000_000 + i * 15_000_000,
      },
      { date: `2026-${month}-05`, amount: -10_000_000, description: 'Rent', balance: 17_000_000 + i * 15_000_000 },
    ]);
    const created = await ok(201, 'POST', '/v1/credit-assessments', p.key, { customerId: c.id, transactions: rows });
    await advanceTo(p, 0, 0);
    const done = await ok(200, 'GET', `/v1/credit-assessments/${created.id}`, p.key);
    expect(done).toMatchObject({ status: 'completed', score: 752, category: 'very_good' });
    const subject = 'Credit assessment complete: 752 (very_good)';
    await expectEmail('credit_assessment.completed', {
      to: p.email,
      name: p.name,
      account: p,
      subject,
      facts: [
        `The credit assessment ${created.id} is complete: score 752, category very_good.`,
        'Summary: income +90, income regularity +150, net cash flow +100, balance health +100, history length +12.',
      ],
    });
    // The account is the audience, not the customer assessed; the upload itself is in-app only.
    expectOnly(c.email, []);
    expectOnly(p.email, [subject]);
  });

  emailTest(
    ['account.suspended', 'account.unsuspended'],
    'the account is told when the platform suspends and reinstates it',
    async () => {
      const p = await partner('Paused');
      await ok(200, 'POST', `/v1/accounts/${p.accountId}/suspend`, rootKey);
      const suspended = `Your Lendwire account ${p.name} is suspended`;
      await expectEmail('account.suspended', {
        to: p.email,
        name: p.name,
        account: p,
        subject: suspended,
        facts: [
          `The account ${p.name} was suspended by the platform.`,
          'Its API keys now get 403 account_suspended on every route but /v1/me.',
          'contact the platform operator',
        ],
      });
      await ok(200, 'POST', `/v1/accounts/${p.accountId}/unsuspend`, rootKey);
      const reinstated = `Your Lendwire account ${p.name} is active again`;
      await expectEmail('account.unsuspended', {
        to: p.email,
        name: p.name,
        account: p,
        subject: reinstated,
        facts: [`The account ${p.name} was reinstated: its API keys work again.`],
      });
      expectOnly(p.email, [suspended, reinstated]);
    },
  );

  emailTest(
    ['api_key.rotated', 'api_key.expiring'],
    'the account is told of a rotation (with the grace period) and of a key expiring within 7 days, never the secret',
    async () => {
      const p = await partner('Keys');
      const deploy = await ok(201, 'POST', '/v1/api-keys', p.key, { name: 'CI deploy', scopes: ['customers:read'] });
      const rotated = await ok(200, 'POST', `/v1/api-keys/${deploy.id}/rotate`, p.key, { gracePeriodSeconds: 3600 });
      expect(rotated.previousSecretExpiresAt).toEqual(expect.any(String));
      const rotatedSubject = 'API key CI deploy was rotated';
      await expectEmail('api_key.rotated', {
        to: p.email,
        name: p.name,
        account: p,
        subject: rotatedSubject,
        facts: [
          `The API key CI deploy (${deploy.id}) was given a new secret, starting ${rotated.start}.`,
          `The old secret keeps working until ${dateLong(rotated.previousSecretExpiresAt)}: deploy the new one before then.`,
          'If you did not do this, revoke the key now and contact the platform.',
        ],
        absent: [rotated.secret, deploy.secret],
      });

      // A key expiring in 3 days. The notifier looks for such keys once a minute in its loop; the test
      // runs that same check now, through a notifier on the gateway's own services (the send job it
      // enqueues is worked by the gateway, through SMTP, like any other).
      const expiresAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
      const nightly = await ok(201, 'POST', '/v1/api-keys', p.key, {
        name: 'Nightly export',
        scopes: ['events:read'],
        expiresAt,
      });
      const check = createNotifier(running.services.ctx);
      // 1, or 0 if the gateway's own minute check got there first.
      expect(await check.raiseExpiringKeys()).toBeLessThanOrEqual(1);
      const expiringSubject = `API key Nightly export expires on ${dateLong(expiresAt)}`;
      await expectEmail('api_key.expiring', {
        to: p.email,
        name: p.name,
        account: p,
        subject: expiringSubject,
        facts: [
          `The API key Nightly export (${nightly.id}, starting ${nightly.start}) expires on ${dateLong(expiresAt)}.`,
          'Create a new key and deploy it before then, or requests made with this one will get 401.',
        ],
        absent: [nightly.secret],
      });
      // Once per key and expiry.
      expect(await check.raiseExpiringKeys()).toBe(0);
      expectOnly(p.email, [rotatedSubject, expiringSubject]);
    },
  );

  emailTest(
    ['webhook_endpoint.disabled'],
    'an endpoint answering 410 Gone is disabled and the account is told how to recover',
    async () => {
      let hits = 0;
      const receiver: Server = createServer((req, res) => {
        hits++;
        req.resume();
        req.on('end', () => res.writeHead(410).end('gone'));
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      try {
        const host = `127.0.0.1:${(receiver.address() as AddressInfo).port}`;
        const p = await partner('Hooks');
        const endpoint = await ok(201, 'POST', '/v1/webhook-endpoints', p.key, {
          url: `http://${host}/hooks`,
          enabledEvents: ['api_key.created'],
        });
        await ok(201, 'POST', '/v1/api-keys', p.key, { name: 'trigger', scopes: ['events:read'] });
        const subject = `Webhook endpoint ${host} was disabled`;
        await expectEmail('webhook_endpoint.disabled', {
          to: p.email,
          name: p.name,
          account: p,
          subject,
          facts: [
            `The webhook endpoint ${endpoint.id} (${host}) was disabled: it answered 410 Gone.`,
            'Events are kept.',
            `re-enable the endpoint (PATCH /v1/webhook-endpoints/${endpoint.id} with status enabled), then POST /v1/webhook-endpoints/${endpoint.id}/recover`,
          ],
        });
        expect(hits).toBe(1);
        expect(await ok(200, 'GET', `/v1/webhook-endpoints/${endpoint.id}`, p.key)).toMatchObject({
          status: 'disabled',
          disabledReason: 'gone',
        });
        expectOnly(p.email, [subject]);
      } finally {
        receiver.closeAllConnections();
        await new Promise((resolve) => receiver.close(resolve));
      }
    },
  );
});

// --- SMTP failures ----------------------------------------------------------------------------------

describe('SMTP failures', () => {
  it('temporary refusals are retried: every message is delivered exactly once; one refused for good ends failed; no address is logged', async () => {
    const logsBefore = logs.length;
    // Every message to @flaky.test is refused twice after DATA (451, then 421 closing the
    // connection) and accepted the third time, the last attempt allowed; @bounce.test is refused
    // at RCPT TO every time.
    smtp.refuseFirst(/@flaky\.test$/, [451, 421]);
    smtp.refuseAlways(/@bounce\.test$/);
    const p = await partner('Flaky', 'flaky.test');
    const c1 = await customer(p, 'flaky.test');
    const c2 = await customer(p, 'flaky.test');
    const c3 = await customer(p, 'bounce.test');
    const a1 = await rejectedApplication(p, c1, 10_000_000, 'Too little income');
    const a2 = await rejectedApplication(p, c2, 5_000_000, 'Too little income');
    const a3 = await rejectedApplication(p, c3, 7_000_000, 'Too little income');
    const key = await ok(201, 'POST', '/v1/api-keys', p.key, { name: 'Rotated', scopes: ['events:read'] });
    await ok(200, 'POST', `/v1/api-keys/${key.id}/rotate`, p.key, {});
    const expected = [
      { to: c1.email, subject: 'Your loan application for ₦100,000.00 was not approved' },
      { to: c2.email, subject: 'Your loan application for ₦50,000.00 was not approved' },
      { to: p.email, subject: `Loan application ${a1.id} for ₦100,000.00 was not approved` },
      { to: p.email, subject: `Loan application ${a2.id} for ₦50,000.00 was not approved` },
      { to: p.email, subject: `Loan application ${a3.id} for ₦70,000.00 was not approved` },
      { to: p.email, subject: 'API key Rotated was rotated' },
    ];
    const flaky = (m: ReceivedEmail) => m.to.some((t) => t.endsWith('@flaky.test'));

    // All six arrive (each on its third attempt) ...
    await smtp.waitFor('the six @flaky.test messages', flaky, { count: expected.length, timeoutMs: 30_000 });
    // ... and the one to @bounce.test has failed for good after its three attempts.
    const all = await until(
      'every e-mail delivery settled',
      async () => {
        const rows = await emailDeliveries(p.accountId);
        return rows.length === expected.length + 1 && rows.every((d) => d.status === 'sent' || d.status === 'failed')
          ? rows
          : undefined;
      },
      30_000,
    );
    // Give a stray retry time to show up (it would come within the 1-2 s first retry delay).
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const received = smtp.received.filter(flaky);
    expect(received.map((m) => ({ to: m.to[0], subject: m.subject })).sort(byKey)).toEqual([...expected].sort(byKey));
    // None twice: unique by Message-ID and by recipient + subject.
    expect(new Set(received.map((m) => m.messageId)).size).toBe(expected.length);
    expect(new Set(received.map((m) => `${m.to[0]} ${m.subject}`)).size).toBe(expected.length);
    // Each was refused exactly twice (451, then 421) before it was accepted, under the same Message-ID.
    for (const m of received) {
      expect(
        smtp.refused.filter((r) => r.messageId === m.messageId).map((r) => [r.stage, r.code]),
        m.subject,
      ).toEqual([
        ['data', 451],
        ['data', 421],
      ]);
    }
    // The delivery log: sent on the third attempt, each attempt recorded, the error without the address.
    const sent = all.filter((d) => d.status === 'sent');
    expect(sent.map((d) => `<${d.id}@lendwire.notifications>`).sort()).toEqual(received.map((m) => m.messageId).sort());
    for (const d of sent) expect(d).toMatchObject({ attempts: RETRIES + 1, last_error: null, reason: null });
    const [bounced] = all.filter((d) => d.status === 'failed');
    expect(bounced).toMatchObject({ attempts: RETRIES + 1, reason: 'transport_failed', provider_message_id: null });
    // The server's reply names the recipient; what is stored (and logged) does not.
    expect(bounced!.last_error).toContain('451 <[redacted]>: Recipient address temporarily unavailable');
    expect(bounced!.last_error).not.toContain('@');
    expect(smtp.to(c3.email)).toEqual([]);
    expect(smtp.refused.filter((r) => r.to.includes(c3.email))).toHaveLength(RETRIES + 1);
    const attempts = rowsOf<{ delivery_id: string; ok: boolean; error: string | null }>(
      await store.handle.db.execute(
        `select delivery_id, ok, error from notification_attempts where delivery_id in (${all
          .map((d) => `'${d.id}'`)
          .join(', ')}) order by id`,
      ),
    );
    expect(attempts).toHaveLength((RETRIES + 1) * all.length);
    for (const a of attempts) if (a.error) expect(a.error).not.toMatch(/@|\+234/);
    expect(attempts.filter((a) => a.ok)).toHaveLength(expected.length);

    // What GET /v1/notifications shows: the e-mail channel sent after 3 attempts, or failed.
    const inbox = await running.services.notifications.list(scopeOf(p), { limit: 50 });
    const emailChannels = inbox.data.flatMap((n) => n.channels.filter((ch) => ch.channel === 'email'));
    expect(emailChannels.filter((ch) => ch.status === 'sent')).toHaveLength(expected.length);
    for (const ch of emailChannels) expect(ch.attempts).toBe(RETRIES + 1);
    expect(emailChannels.find((ch) => ch.status === 'failed')).toMatchObject({ reason: 'transport_failed' });

    // The failed attempts were logged, without any recipient's address or phone number.
    const during = logs.slice(logsBefore);
    expect(during.filter((line) => line.includes('job attempt failed')).length).toBeGreaterThanOrEqual(
      expected.length * 2 + RETRIES,
    );
    // The servers' replies reached the log, with the recipient masked.
    expect(during.some((line) => line.includes('<[redacted]>'))).toBe(true);
    for (const line of logs) {
      for (const value of personal) expect(line).not.toContain(value);
      expect(line).not.toMatch(/@(flaky|bounce|customer|partner)\.test/);
    }
  }, 60_000);
});

const byKey = (a: { to?: string; subject: string }, b: { to?: string; subject: string }) =>
  `${a.to} ${a.subject}`.localeCompare(`${b.to} ${b.subject}`);

describe('quiet hours on the running gateway', () => {
  it('holds a customer e-mail until the window ends on the test clock, then a clock advance sends it', async () => {
    const p = await partner('Quiet');
    const c = await customer(p);
    // A window around the test clock's "now" (the partner is new: its clock is real time), in UTC.
    const now = new Date();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const start = new Date(now.getTime() - 3_600_000);
    const end = new Date(now.getTime() + 2 * 3_600_000);
    await running.services.notifications.putPreferences(scopeOf(p), {
      recipientId: c.id,
      quietHours: { start: hhmm(start), end: hhmm(end), timeZone: 'UTC' },
    });
    const app = await rejectedApplication(p, c, 10_000_000, 'Income too low');
    // The account (no quiet hours) is told at once; the customer's e-mail is held.
    await smtp.waitFor('the account copy', (m) => m.to.includes(p.email) && m.subject.includes(app.id));
    const held = await until('the customer e-mail held', async () => {
      const list = await running.services.notifications.list(scopeOf(p), { limit: 5, recipientId: c.id });
      const email = list.data[0]?.channels.find((ch) => ch.channel === 'email');
      return email?.status === 'held' ? email : undefined;
    });
    const endsAt = Date.parse(held.heldUntil!);
    expect(endsAt).toBeGreaterThan(now.getTime() + 3_600_000);
    expect(new Date(endsAt).toISOString().slice(11, 16)).toBe(hhmm(end));
    // Its job waits: nothing reaches the customer while the window lasts.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(smtp.to(c.email)).toEqual([]);
    // Past the end of the window on the test clock, the held message goes out.
    await ok(200, 'POST', '/v1/test-helpers/clock/advance', p.key, { seconds: 3 * 3600 });
    const [sent] = await smtp.waitFor('the held e-mail', (m) => m.to.includes(c.email));
    expect(sent!.subject).toBe('Your loan application for ₦100,000.00 was not approved');
    const after = await running.services.notifications.list(scopeOf(p), { limit: 5, recipientId: c.id });
    expect(after.data[0]?.channels.find((ch) => ch.channel === 'email')).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

describe('catalog coverage', () => {
  const withEmail = (Object.keys(NOTIFICATION_TYPES) as NotificationTypeName[])
    .filter((type) => channelsOf(type).includes('email'))
    .sort();

  it('every type with an e-mail template has a test above, and no test names a type without one', () => {
    expect([...declared].sort()).toEqual(withEmail);
  });

  it('every e-mail type had its message received and checked in this run', () => {
    expect([...asserted].sort()).toEqual(withEmail);
    // And no message arrived twice in the whole file.
    const ids = smtp.received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

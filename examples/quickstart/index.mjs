// Lendwire quickstart: a tour of the SDK against a running gateway.
//
//   LENDWIRE_API_KEY=$(cat ../../.lendwire/root-key) node index.mjs
//
// With a platform key (the root key is one) it creates a partner account and a key scoped to it, then
// works as that partner. With a partner key it works in that key's own account.
import { AuthenticationError, Lendwire, NotFoundError } from '@lendwire/sdk';

const apiKey = process.env.LENDWIRE_API_KEY;
const baseUrl = process.env.LENDWIRE_BASE_URL || 'http://127.0.0.1:8787';
if (!apiKey) {
  console.error(
    'Set LENDWIRE_API_KEY, e.g. LENDWIRE_API_KEY=$(cat .lendwire/root-key) (the gateway prints it on first start).',
  );
  process.exit(1);
}

const step = (title) => console.log(`\n== ${title}`);
const show = (label, value) => console.log(`   ${label.padEnd(18)} ${value}`);

const lendwire = new Lendwire({ apiKey, baseUrl });

step(`Who am I? (GET /v1/me on ${baseUrl})`);
const me = await lendwire.me.retrieve();
show('account', `${me.account.name} (${me.account.id})${me.account.platform ? ', the platform account' : ''}`);
show('key', `${me.apiKey.name} (${me.apiKey.id}), ${me.livemode ? 'live' : 'test'} mode`);
show('scopes', me.scopes.length > 6 ? `${me.scopes.length} scopes` : me.scopes.join(', '));
show('rate limit', `${me.rateLimit.requests} requests / ${me.rateLimit.windowSeconds} s (tier ${me.tier})`);

// The key the rest of the tour works with: a new key of a new partner account when we hold a platform
// key, else a new key of our own account when we may create keys, else the key we were given.
let partnerKey;
/** Options that make a platform key act for the partner account (`Lendwire-Account`). */
let actFor = {};

if (me.account.platform && me.scopes.includes('accounts:admin')) {
  step('Create a partner account (platform key)');
  const account = await lendwire.accounts.create({
    name: 'Acme Lending (quickstart)',
    contactEmail: 'dev@acme-lending.example',
    metadata: { source: 'quickstart' },
  });
  show('account', `${account.name} (${account.id}), tier ${account.tier}, ${account.status}`);
  actFor = { account: account.id };

  step('Create a key scoped to it (acting for the account)');
  partnerKey = await lendwire.apiKeys.create({ name: 'Quickstart backend', scopes: ['customers:write'] }, actFor);
} else if (me.scopes.includes('keys:write')) {
  step('Create a key scoped to customers in this account');
  partnerKey = await lendwire.apiKeys.create({ name: 'Quickstart backend', scopes: ['customers:write'] });
}

let partner = lendwire;
if (partnerKey) {
  show('key', `${partnerKey.name} (${partnerKey.id}) for ${partnerKey.account}`);
  show('scopes', partnerKey.scopes.join(', '));
  show('secret', `${partnerKey.start}… (shown once: store it somewhere safe)`);
  partner = new Lendwire({ apiKey: partnerKey.secret, baseUrl });
}

step('Create customers with the partner key');
const names = ['Ada Obi', 'Bola Adeyemi', 'Chidi Okafor'];
const customers = [];
for (const name of names) {
  // Each create sends an Idempotency-Key, reused if the SDK retries, so a retry never makes two.
  const customer = await partner.customers.create({ name, metadata: { source: 'quickstart' } });
  customers.push(customer);
  show('created', `${customer.name} (${customer.id})`);
}

step('List them with for await (pages of 2, fetched as needed)');
let listed = 0;
for await (const customer of partner.customers.list({ limit: 2 })) {
  show(`#${++listed}`, `${customer.name} (${customer.id})`);
  if (listed === customers.length) break;
}

step('Update one');
const [first] = customers;
const updated = await partner.customers.update(first.id, { email: 'ada@example.com', phone: '+2348012345678' });
show('updated', `${updated.name}: ${updated.email}, ${updated.phone}`);

step('Request id and rate limit with .withResponse()');
const { data, requestId, rateLimit, response } = await partner.customers.retrieve(first.id).withResponse();
show('customer', `${data.name} (HTTP ${response.status})`);
show('request id', `${requestId} (quote it to support)`);
if (rateLimit) {
  show(
    'rate limit',
    `${rateLimit.remaining} of ${rateLimit.limit} left, window resets in ${rateLimit.resetSeconds} s (policy ${rateLimit.policy})`,
  );
}

step('Errors are typed');
try {
  await partner.customers.retrieve('cus_01jd8x3k5w9q4r7t2m6n0p8s1v');
} catch (error) {
  if (!(error instanceof NotFoundError)) throw error;
  show('caught', `${error.name}: status ${error.status}, code ${error.code}`);
  show('request id', error.requestId);
}

if (partnerKey) {
  step('Rotate the partner key with a 1 hour grace period');
  const rotated = await lendwire.apiKeys.rotate(partnerKey.id, { gracePeriodSeconds: 3600 }, actFor);
  show('new secret', `${rotated.start}… (shown once)`);
  show('old secret', `works until ${rotated.previousSecretExpiresAt}`);
  const withOld = await partner.me.retrieve();
  show('old still works', `GET /v1/me as ${withOld.apiKey.id}`);
  const withNew = await new Lendwire({ apiKey: rotated.secret, baseUrl }).me.retrieve();
  show('new works', `GET /v1/me as ${withNew.apiKey.id}`);

  step('Revoke it: every secret stops at once');
  const revoked = await lendwire.apiKeys.revoke(partnerKey.id, actFor);
  show('status', `${revoked.status} at ${revoked.revokedAt}`);
  try {
    await new Lendwire({ apiKey: rotated.secret, baseUrl, maxRetries: 0 }).me.retrieve();
    throw new Error('expected the revoked key to be refused');
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    show('refused', `${error.name}: status ${error.status}, code ${error.code}`);
  }
}

console.log('\nDone. Next: the API reference at', `${baseUrl}/docs`);

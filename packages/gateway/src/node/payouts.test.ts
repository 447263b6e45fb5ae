import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../../core/test/support.js';
import { loadConfig } from '../config.js';
import { createJsonLogger } from '../logger.js';
import { type RunningGateway, startGateway } from './index.js';

/**
 * Withdrawals end to end on the Node entry: the request enqueues the payout in its transaction, the
 * in-process worker pays it out through the rail simulator, and the test clock's advance runs due
 * retries before it answers. Over real HTTP, on PGlite and Postgres.
 */

let store: TestStore;
let running: RunningGateway;
const rootKey = generateApiKey('test');
const dataDir = mkdtempSync(join(tmpdir(), 'lendwire-payouts-'));
let n = 0;

beforeAll(async () => {
  store = await openTestStore();
  running = await startGateway(
    loadConfig({ PORT: '0', LENDWIRE_DATA_DIR: dataDir, LENDWIRE_ROOT_KEY: rootKey, LENDWIRE_LOG_LEVEL: 'silent' }),
    { db: store.handle, logger: createJsonLogger({ level: 'silent' }), jobs: { retryDelaySeconds: 30 } },
  );
});
afterAll(async () => {
  await running?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${running.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'POST' ? { 'idempotency-key': `k-${++n}-${Date.now()}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** A partner with a funded test wallet and a bank account ending in `last4`; its key. */
async function partner(last4: string, funds = 1_000_000) {
  const account = await call('POST', '/v1/accounts', rootKey, { name: `P${last4}`, contactEmail: 'p@example.com' });
  // The root key acts for the partner to make its key.
  const made = await fetch(`${running.url}/v1/api-keys`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${rootKey}`,
      'content-type': 'application/json',
      'lendwire-account': account.body.id,
    },
    body: JSON.stringify({ name: 'partner', scopes: ['*'] }),
  }).then((r) => r.json() as Promise<any>);
  const secret = made.secret as string;
  if (funds > 0)
    expect((await call('POST', '/v1/test-helpers/wallets/fund', secret, { amount: funds })).status).toBe(200);
  const bank = await call('POST', '/v1/bank-accounts', secret, {
    bankCode: '058',
    accountNumber: `012345${last4}`,
    accountName: 'Ada Obi',
    currency: 'NGN',
  });
  expect(bank.status).toBe(201);
  return { key: secret, accountId: account.body.id as string, bankAccountId: bank.body.id as string };
}

async function settled(key: string, id: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const wd = await call('GET', `/v1/withdrawals/${id}`, key);
    if (wd.body.status === 'succeeded' || wd.body.status === 'failed') return wd.body;
    if (Date.now() > deadline) throw new Error(`withdrawal ${id} still ${wd.body.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('payouts through the in-process worker', () => {
  it('/readyz checks the job queue too', async () => {
    const res = await fetch(`${running.url}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(res.status).toBe(200);
    expect(body.checks.jobs).toEqual({ ok: true });
  });

  it('a withdrawal is paid out: succeeded, pending cleared, withdrawal.succeeded written', async () => {
    const p = await partner('1234');
    const wd = await call('POST', '/v1/withdrawals', p.key, { amount: 200_000, bankAccountId: p.bankAccountId });
    expect(wd.status).toBe(201);
    const done = await settled(p.key, wd.body.id);
    expect(done.status).toBe('succeeded');
    const wallet = (await call('GET', '/v1/wallets', p.key)).body.data[0];
    expect(wallet).toMatchObject({ available: { amount: 1_000_000 - 200_000 - 1_500 }, pending: { amount: 0 } });
    const events = await call('GET', '/v1/events?type=withdrawal.*', p.key);
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
      'withdrawal.succeeded',
      'withdrawal.created',
    ]);
  });

  it('0002: the payout fails account_closed and amount + fee go back to available', async () => {
    const p = await partner('0002');
    const wd = await call('POST', '/v1/withdrawals', p.key, { amount: 50_000, bankAccountId: p.bankAccountId });
    const done = await settled(p.key, wd.body.id);
    expect(done).toMatchObject({ status: 'failed', failureCode: 'account_closed' });
    const wallet = (await call('GET', '/v1/wallets', p.key)).body.data[0];
    expect(wallet).toMatchObject({ available: { amount: 1_000_000 }, pending: { amount: 0 } });
  });

  it('0003: bank_unavailable is retried later; advancing the test clock runs the retry before answering', async () => {
    const p = await partner('0003');
    const wd = await call('POST', '/v1/withdrawals', p.key, { amount: 10_000, bankAccountId: p.bankAccountId });
    // The first attempt fails and the retry waits 30 s of (test) time.
    const deadline = Date.now() + 10_000;
    while ((await call('GET', `/v1/withdrawals/${wd.body.id}`, p.key)).body.status !== 'processing') {
      if (Date.now() > deadline) throw new Error('first attempt did not run');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await call('GET', `/v1/withdrawals/${wd.body.id}`, p.key)).body.status).toBe('processing');
    const advanced = await call('POST', '/v1/test-helpers/clock/advance', p.key, { seconds: 3600 });
    expect(advanced.status).toBe(200);
    expect(advanced.body.object).toBe('test_clock');
    expect(new Date(advanced.body.now).getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    // Returned once the due retry ran.
    expect((await call('GET', `/v1/withdrawals/${wd.body.id}`, p.key)).body.status).toBe('succeeded');
  });

  it('the clock advance is for test keys only, and refuses bad input', async () => {
    const p = await partner('4321', 0);
    const bad = await call('POST', '/v1/test-helpers/clock/advance', p.key, { seconds: 0 });
    expect(bad.status).toBe(400);
    const live = await store.services.apiKeys.create(
      { accountId: p.accountId, livemode: true },
      { name: 'live', scopes: ['*'] },
    );
    const refused = await call('POST', '/v1/test-helpers/clock/advance', live.secret, { seconds: 60 });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('test_mode_only');
  });
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExampleDir,
  ensureSdkBuilt,
  exampleDir,
  type LiveGateway,
  run,
  SDK_DIR,
  startLiveGateway,
} from './support.js';

let gateway: LiveGateway;
let exampleDirPath: string;
let example: ExampleDir | undefined;

beforeAll(async () => {
  ensureSdkBuilt();
  example = exampleDir('lending-flow', 'sdk', SDK_DIR);
  exampleDirPath = example.dir;
  gateway = await startLiveGateway();
});

afterAll(async () => {
  await gateway?.close();
  example?.cleanup();
});

const runExample = (apiKey: string, timeoutMs = 30_000) =>
  run(process.execPath, [join(exampleDirPath, 'index.mjs')], {
    cwd: exampleDirPath,
    env: { LENDWIRE_API_KEY: apiKey, LENDWIRE_BASE_URL: gateway.url },
    timeoutMs,
  });

describe('examples/lending-flow', () => {
  it('takes one loan from application to paid off with the root key and exits 0', { timeout: 150_000 }, async () => {
    const out = await runExample(gateway.rootKey, 140_000);
    expect(out.code, `${out.stderr}\n${out.stdout}`).toBe(0);
    const lines = out.stdout;
    expect(lines).toMatch(/account +Acme Lending \(lending flow\) \(acct_\w+\)/);
    expect(lines).toMatch(/key +key_\w+: customers:write, loans:write, wallets:write, events:read/);
    expect(lines).toMatch(/application +lap_\w+: NGN 100,000\.00 over 6 months, submitted/);
    expect(lines).toMatch(/offer +lof_\w+: 24% a year, equal_installments, open/);
    expect(lines).toMatch(/installment +NGN 17,852\.58 a month/);
    expect(lines).toMatch(/origination fee +NGN 1,000\.00/);
    expect(lines).toMatch(/loan +loan_\w+: pending_disbursement/);
    expect(lines).toMatch(/mandate +mdt_\w+ on 058 \*\*\*\*0005: (pending|active)\n +mandate +active\n/);
    expect(lines).toMatch(/vendor wallet +NGN 99,000\.00 available \(principal less the fee\)/);
    expect(lines.match(/^ +#\d \d{4}-\d{2}-\d{2} +NGN /gm)).toHaveLength(6);

    // Each installment: reminded, first attempt fails, overdue, the retry collects it.
    const events = [...lines.matchAll(/^ +event +([a-z_.]+)/gm)].map((m) => m[1]);
    const perInstallment = ['repayment.upcoming', 'repayment.failed', 'loan.overdue', 'repayment.succeeded'];
    expect(events).toEqual([...Array.from({ length: 6 }, () => perInstallment).flat(), 'loan.paid_off']);
    expect(lines).toMatch(/event +repayment\.failed: NGN 17,852\.58 \(insufficient_funds\)/);
    expect(lines).toMatch(/event +loan\.overdue: 1 day\(s\) past due \(1_30\)/);
    expect(lines.match(/installment #\d +paid, paid NGN /g)).toHaveLength(6);

    expect(lines).toMatch(/repayments +6 succeeded, 6 failed/);
    expect(lines).toMatch(/vendor wallet +NGN 99,000\.00 available \(collections go to the platform\)/);
    const final = JSON.parse(lines.slice(lines.indexOf('Final loan:') + 'Final loan:'.length));
    expect(final).toMatchObject({
      object: 'loan',
      status: 'paid_off',
      principal: { amount: 10_000_000, currency: 'NGN' },
      outstanding: { total: { amount: 0, currency: 'NGN' } },
      nextDueDate: null,
      livemode: false,
    });
    // The partner key's secret is never printed.
    expect(lines).not.toMatch(/lw_test_[0-9A-Za-z]{20,}/);
  });

  it('exits 1 with a hint when LENDWIRE_API_KEY is missing', async () => {
    const out = await runExample('');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/Set LENDWIRE_API_KEY/);
  });

  it('exits 1 with a hint when the key is a partner key', async () => {
    const auth = { Authorization: `Bearer ${gateway.rootKey}`, 'Content-Type': 'application/json' };
    const account = (await (
      await fetch(`${gateway.url}/v1/accounts`, {
        method: 'POST',
        headers: { ...auth, 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ name: 'Partner for lending flow', contactEmail: 'p@example.com' }),
      })
    ).json()) as { id: string };
    const key = (await (
      await fetch(`${gateway.url}/v1/api-keys`, {
        method: 'POST',
        headers: { ...auth, 'Idempotency-Key': crypto.randomUUID(), 'Lendwire-Account': account.id },
        body: JSON.stringify({ name: 'Partner admin', scopes: ['*'] }),
      })
    ).json()) as { secret: string };

    const out = await runExample(key.secret);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/needs a platform TEST key .* this key is a partner key/);
    expect(out.stdout).not.toMatch(/Create a partner account/);
  });
});

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
  example = exampleDir('quickstart', 'sdk', SDK_DIR);
  exampleDirPath = example.dir;
  gateway = await startLiveGateway();
});

afterAll(async () => {
  await gateway?.close();
  example?.cleanup();
});

const runQuickstart = (apiKey: string) =>
  run(process.execPath, [join(exampleDirPath, 'index.mjs')], {
    cwd: exampleDirPath,
    env: { LENDWIRE_API_KEY: apiKey, LENDWIRE_BASE_URL: gateway.url },
    timeoutMs: 30_000,
  });

describe('examples/quickstart', () => {
  it('walks the whole tour with the root (platform) key and exits 0', async () => {
    const out = await runQuickstart(gateway.rootKey);
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout;
    expect(lines).toMatch(/account +Platform \(acct_\w+\), the platform account/);
    expect(lines).toMatch(/account +Acme Lending \(quickstart\) \(acct_\w+\), tier free, active/);
    expect(lines).toMatch(/scopes +customers:write/);
    expect(lines.match(/created +\S.* \(cus_\w+\)/g)).toHaveLength(3);
    expect(lines).toMatch(/#1 +Chidi Okafor/);
    expect(lines).toMatch(/#3 +Ada Obi/);
    expect(lines).toMatch(/updated +Ada Obi: ada@example.com, \+2348012345678/);
    expect(lines).toMatch(/request id +req_\w+ \(quote it to support\)/);
    expect(lines).toMatch(/rate limit +\d+ of \d+ left, window resets in \d+ s \(policy free\)/);
    expect(lines).toMatch(/caught +NotFoundError: status 404, code not_found/);
    expect(lines).toMatch(/old still works +GET \/v1\/me as key_\w+/);
    expect(lines).toMatch(/new works +GET \/v1\/me as key_\w+/);
    expect(lines).toMatch(/refused +AuthenticationError: status 401, code api_key_revoked/);
    expect(lines).toMatch(/^Done\./m);
    // Secrets are shown by their prefix only.
    expect(lines).not.toMatch(/lw_test_[0-9A-Za-z]{20,}/);
  });

  it('works in its own account with a partner key that may create keys', async () => {
    const auth = { Authorization: `Bearer ${gateway.rootKey}`, 'Content-Type': 'application/json' };
    const account = (await (
      await fetch(`${gateway.url}/v1/accounts`, {
        method: 'POST',
        headers: { ...auth, 'Idempotency-Key': crypto.randomUUID() },
        body: JSON.stringify({ name: 'Partner for quickstart', contactEmail: 'p@example.com' }),
      })
    ).json()) as { id: string };
    const key = (await (
      await fetch(`${gateway.url}/v1/api-keys`, {
        method: 'POST',
        headers: { ...auth, 'Idempotency-Key': crypto.randomUUID(), 'Lendwire-Account': account.id },
        body: JSON.stringify({ name: 'Partner admin', scopes: ['*'] }),
      })
    ).json()) as { secret: string };

    const out = await runQuickstart(key.secret);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`account +Partner for quickstart \\(${account.id}\\)\\n`));
    expect(out.stdout).not.toMatch(/Create a partner account/);
    expect(out.stdout).toMatch(/Create a key scoped to customers in this account/);
    expect(out.stdout).toMatch(/refused +AuthenticationError: status 401, code api_key_revoked/);
  });

  it('exits 1 with a hint when LENDWIRE_API_KEY is missing', async () => {
    const out = await run(process.execPath, [join(exampleDirPath, 'index.mjs')], {
      cwd: exampleDirPath,
      env: { LENDWIRE_API_KEY: '', LENDWIRE_BASE_URL: gateway.url },
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/Set LENDWIRE_API_KEY/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { bankAccountBody, fundedPartner } from '../../../test/support/money.js';
import { authMatrix, type Operation } from '../../../test/support/security.js';

let gw: TestGateway;
let owner: Partner;
let intruder: Partner;
let bankAccountId: string;
beforeAll(async () => {
  gw = await createTestGateway();
  const funded = await fundedPartner(gw, 0);
  owner = funded.partner;
  bankAccountId = funded.bankAccount.id;
  intruder = await gw.createPartner({ name: 'Intruder' });
});
afterAll(() => gw.close());

// Operation.path is fixed, so DELETE uses a well-formed id: the matrix's cases all fail before any lookup.
const operations = (): Operation[] => [
  { method: 'POST', path: '/v1/bank-accounts', body: bankAccountBody(), scope: 'wallets:write' },
  { method: 'GET', path: '/v1/bank-accounts', scope: 'wallets:read' },
  { method: 'DELETE', path: '/v1/bank-accounts/ba_01jd8x3k5w9q4r7t2m6n0p8s1v', scope: 'wallets:write' },
];

for (const index of [0, 1, 2]) {
  describe(`bank accounts security: ${['POST', 'GET list', 'DELETE one'][index]}`, () => {
    authMatrix(
      () => gw,
      () => operations()[index]!,
    );
  });
}

describe('bank accounts: tenancy', () => {
  it("404 (never 403) for another partner's bank account on GET and DELETE; the owner still sees it verified", async () => {
    const get = await gw.request('GET', `/v1/bank-accounts/${bankAccountId}`, { key: intruder.key });
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('not_found');
    const del = await gw.request('DELETE', `/v1/bank-accounts/${bankAccountId}`, { key: intruder.key });
    expect(del.status).toBe(404);
    expect(del.body.code).toBe('not_found');
    const still = await gw.request('GET', `/v1/bank-accounts/${bankAccountId}`, { key: owner.key });
    expect(still.status).toBe(200);
    expect(still.body.status).toBe('verified');
    const list = await gw.request('GET', '/v1/bank-accounts', { key: owner.key });
    expect(list.body.data.map((b: { id: string }) => b.id)).toContain(bankAccountId);
  });

  it("another partner's list never includes the account", async () => {
    const res = await gw.request('GET', '/v1/bank-accounts', { key: intruder.key });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });
});

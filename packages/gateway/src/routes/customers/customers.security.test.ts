import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
let owner: Partner;
let intruder: Partner;
let customerId: string;
beforeAll(async () => {
  gw = await createTestGateway();
  owner = await gw.createPartner({ name: 'Owner' });
  intruder = await gw.createPartner({ name: 'Intruder' });
  const res = await gw.request('POST', '/v1/customers', { key: owner.key, body: { name: 'Private' } });
  customerId = res.body.id;
});
afterAll(() => gw.close());

const operations = () => [
  { method: 'POST', path: '/v1/customers', body: { name: 'X' }, scope: 'customers:write' },
  { method: 'GET', path: '/v1/customers', scope: 'customers:read' },
  { method: 'GET', path: `/v1/customers/${customerId}`, scope: 'customers:read' },
  { method: 'PATCH', path: `/v1/customers/${customerId}`, body: { name: 'Y' }, scope: 'customers:write' },
];

for (const index of [0, 1, 2, 3]) {
  describe(`customers security: operation ${index}`, () => {
    authMatrix(
      () => gw,
      () => operations()[index]!,
    );
  });
}

describe('customers: tenancy', () => {
  it("404 (never 403) for another account's customer on GET and PATCH", async () => {
    const get = await gw.request('GET', `/v1/customers/${customerId}`, { key: intruder.key });
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('not_found');
    const patch = await gw.request('PATCH', `/v1/customers/${customerId}`, {
      key: intruder.key,
      body: { name: 'pwned' },
    });
    expect(patch.status).toBe(404);
    const still = await gw.request('GET', `/v1/customers/${customerId}`, { key: owner.key });
    expect(still.body.name).toBe('Private');
  });

  it("lists never include another account's customers, even with its cursor", async () => {
    const res = await gw.request('GET', `/v1/customers?startingAfter=cus_zzzzzzzzzzzzzzzzzzzzzzzzzz`, {
      key: intruder.key,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { id: string }) => c.id)).not.toContain(customerId);
  });

  it('test keys do not see live data', async () => {
    const live = await gw.createKey(owner.accountId, { name: 'live' }, true);
    const res = await gw.request('GET', `/v1/customers/${customerId}`, { key: live.secret });
    expect(res.status).toBe(404);
  });

  it('a partner key cannot act for another account with Lendwire-Account', async () => {
    const res = await gw.request('GET', '/v1/customers', {
      key: intruder.key,
      headers: { 'lendwire-account': owner.accountId },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_header_not_allowed');
  });

  it('403 account_suspended for a suspended account', async () => {
    const suspended = await gw.createPartner();
    const ok = await gw.request('POST', `/v1/accounts/${suspended.accountId}/suspend`);
    expect(ok.status).toBe(200);
    for (const o of operations()) {
      const res = await gw.request(o.method, o.path, { key: suspended.key, body: o.body });
      expect(res.status, `${o.method} ${o.path}`).toBe(403);
      expect(res.body.code).toBe('account_suspended');
    }
  });
});

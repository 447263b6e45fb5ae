import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import {
  approveApplication,
  createCustomer,
  DEFAULT_OFFER,
  platformFor,
  submitApplication,
} from '../../../test/support/lending.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const WELL_FORMED_APPLICATION = 'lap_01jd8x3k5w9q4r7t2m6n0p8s1v';
const applicationBody = (customerId = 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v') => ({
  customerId,
  amount: { amount: 10_000_000, currency: 'NGN' },
  termMonths: 6,
  purpose: 'Inventory',
});

describe('POST /v1/loan-applications', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'POST', path: '/v1/loan-applications', scope: 'loans:write', body: applicationBody() }),
  ));
describe('GET /v1/loan-applications', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: '/v1/loan-applications', scope: 'loans:read' }),
  ));
describe('GET /v1/loan-applications/{id}', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: `/v1/loan-applications/${WELL_FORMED_APPLICATION}`, scope: 'loans:read' }),
  ));
describe('POST /v1/loan-applications/{id}/withdraw', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'POST', path: `/v1/loan-applications/${WELL_FORMED_APPLICATION}/withdraw`, scope: 'loans:write' }),
  ));
describe('POST /v1/loan-applications/{id}/approve', () =>
  authMatrix(
    () => gw,
    () => ({
      method: 'POST',
      path: `/v1/loan-applications/${WELL_FORMED_APPLICATION}/approve`,
      scope: 'loans:review',
      platformOnly: true,
      body: { offer: DEFAULT_OFFER },
    }),
  ));
describe('POST /v1/loan-applications/{id}/reject', () =>
  authMatrix(
    () => gw,
    () => ({
      method: 'POST',
      path: `/v1/loan-applications/${WELL_FORMED_APPLICATION}/reject`,
      scope: 'loans:review',
      platformOnly: true,
      body: { reason: 'No' },
    }),
  ));

describe('loan applications: scopes', () => {
  it('401 api_key_missing without a key, and nothing is created', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const res = await gw.request('POST', '/v1/loan-applications', { key: null, body: applicationBody(customer.id) });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('api_key_missing');
    expect((await gw.request('GET', '/v1/loan-applications', { key: p.key })).body.data).toEqual([]);
  });

  it.each(['approve', 'reject'])(
    'a partner’s all-scope key cannot %s its own application (403 insufficient_scope naming loans:review)',
    async (action) => {
      const p = await gw.createPartner();
      const app = await submitApplication(gw, p);
      const body = action === 'approve' ? { offer: DEFAULT_OFFER } : { reason: 'self-service' };
      const res = await gw.request('POST', `/v1/loan-applications/${app.id}/${action}`, { key: p.key, body });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
      expect(res.body.detail).toContain('loans:review');
      expect((await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: p.key })).body).toMatchObject({
        status: 'submitted',
        offerId: null,
      });
      expect((await gw.request('GET', '/v1/loan-offers', { key: p.key })).body.data).toEqual([]);
    },
  );

  it('a partner cannot give itself loans:review: POST /v1/api-keys refuses the scope (403)', async () => {
    const p = await gw.createPartner();
    const res = await gw.request('POST', '/v1/api-keys', {
      key: p.key,
      body: { name: 'reviewer', scopes: ['loans:review'] },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('platform_scope_not_allowed');
    expect(res.body.detail).toContain('loans:review');
  });

  it('a partner key cannot act for another account with Lendwire-Account', async () => {
    const a = await gw.createPartner();
    const b = await gw.createPartner();
    const appOfB = await submitApplication(gw, b);
    const res = await gw.request('GET', `/v1/loan-applications/${appOfB.id}`, {
      key: a.key,
      headers: { 'lendwire-account': b.accountId },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_header_not_allowed');
  });

  it('a loans:read key can list and get but not create or withdraw (403 naming loans:write)', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    const reader = await gw.createKey(p.accountId, { scopes: ['loans:read'] });
    const create = await gw.request('POST', '/v1/loan-applications', {
      key: reader.secret,
      body: applicationBody(app.customerId),
    });
    expect(create.status).toBe(403);
    expect(create.body.code).toBe('insufficient_scope');
    expect(create.body.detail).toContain('loans:write');
    const withdraw = await gw.request('POST', `/v1/loan-applications/${app.id}/withdraw`, { key: reader.secret });
    expect(withdraw.status).toBe(403);
    expect(withdraw.body.detail).toContain('loans:write');

    const list = await gw.request('GET', '/v1/loan-applications', { key: reader.secret });
    expect(list.status).toBe(200);
    expect(list.body.data.map((a: { id: string }) => a.id)).toEqual([app.id]);
    const one = await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: reader.secret });
    expect(one.status).toBe(200);
    expect(one.body.status).toBe('submitted');
  });

  it('a customers:write key can add a customer but not apply for it (403 naming loans:write) nor list (loans:read)', async () => {
    const p = await gw.createPartner();
    const crm = await gw.createKey(p.accountId, { scopes: ['customers:write'] });
    const customer = await gw.request('POST', '/v1/customers', { key: crm.secret, body: { name: 'Ada' } });
    expect(customer.status).toBe(201);
    const apply = await gw.request('POST', '/v1/loan-applications', {
      key: crm.secret,
      body: applicationBody(customer.body.id),
    });
    expect(apply.status).toBe(403);
    expect(apply.body.detail).toContain('loans:write');
    const list = await gw.request('GET', '/v1/loan-applications', { key: crm.secret });
    expect(list.status).toBe(403);
    expect(list.body.detail).toContain('loans:read');
    expect((await gw.request('GET', '/v1/loan-applications', { key: p.key })).body.data).toEqual([]);
  });
});

describe('loan applications: tenancy', () => {
  let a: Partner;
  let b: Partner;
  let appOfA: { id: string; customerId: string };
  beforeAll(async () => {
    a = await gw.createPartner();
    b = await gw.createPartner();
    appOfA = await submitApplication(gw, a);
  });

  it('another tenant’s application is 404 on get and withdraw, and is not listed', async () => {
    const get = await gw.request('GET', `/v1/loan-applications/${appOfA.id}`, { key: b.key });
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('not_found');
    const withdraw = await gw.request('POST', `/v1/loan-applications/${appOfA.id}/withdraw`, { key: b.key });
    expect(withdraw.status).toBe(404);
    const list = await gw.request('GET', '/v1/loan-applications', { key: b.key });
    expect(list.body.data).toEqual([]);
    const byCustomer = await gw.request('GET', `/v1/loan-applications?customerId=${appOfA.customerId}`, {
      key: b.key,
    });
    expect(byCustomer.body.data).toEqual([]);
    expect((await gw.request('GET', `/v1/loan-applications/${appOfA.id}`, { key: a.key })).body.status).toBe(
      'submitted',
    );
  });

  it('the platform acting for B cannot see, approve or reject A’s application (404)', async () => {
    const get = await gw.request('GET', `/v1/loan-applications/${appOfA.id}`, platformFor(b));
    expect(get.status).toBe(404);
    const list = await gw.request('GET', '/v1/loan-applications', platformFor(b));
    expect(list.body.data).toEqual([]);
    const approve = await gw.request('POST', `/v1/loan-applications/${appOfA.id}/approve`, {
      ...platformFor(b),
      body: { offer: DEFAULT_OFFER },
    });
    expect(approve.status).toBe(404);
    const reject = await gw.request('POST', `/v1/loan-applications/${appOfA.id}/reject`, {
      ...platformFor(b),
      body: { reason: 'No' },
    });
    expect(reject.status).toBe(404);
    expect((await gw.request('GET', `/v1/loan-applications/${appOfA.id}`, { key: a.key })).body.status).toBe(
      'submitted',
    );
  });

  it('the platform’s key without Lendwire-Account works on its own tenant only (404 for A’s)', async () => {
    const res = await gw.request('GET', `/v1/loan-applications/${appOfA.id}`);
    expect(res.status).toBe(404);
    const approve = await gw.request('POST', `/v1/loan-applications/${appOfA.id}/approve`, {
      body: { offer: DEFAULT_OFFER },
    });
    expect(approve.status).toBe(404);
    const list = await gw.request('GET', '/v1/loan-applications');
    expect(list.body.data.map((x: { id: string }) => x.id)).not.toContain(appOfA.id);
  });

  it('the platform acting for B cannot submit for A’s customer (404)', async () => {
    const res = await gw.request('POST', '/v1/loan-applications', {
      ...platformFor(b),
      body: applicationBody(appOfA.customerId),
    });
    expect(res.status).toBe(404);
    expect((await gw.request('GET', '/v1/loan-applications', { key: b.key })).body.data).toEqual([]);
  });

  it('a live key does not see test-mode applications', async () => {
    const live = await gw.createKey(a.accountId, { name: 'live' }, true);
    const get = await gw.request('GET', `/v1/loan-applications/${appOfA.id}`, { key: live.secret });
    expect(get.status).toBe(404);
    const withdraw = await gw.request('POST', `/v1/loan-applications/${appOfA.id}/withdraw`, { key: live.secret });
    expect(withdraw.status).toBe(404);
    const list = await gw.request('GET', '/v1/loan-applications', { key: live.secret });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    // Nor can it apply for a test-mode customer.
    const create = await gw.request('POST', '/v1/loan-applications', {
      key: live.secret,
      body: applicationBody(appOfA.customerId),
    });
    expect(create.status).toBe(404);
    expect((await gw.request('GET', `/v1/loan-applications/${appOfA.id}`, { key: a.key })).body.status).toBe(
      'submitted',
    );
  });
});

describe('loan applications: suspended accounts', () => {
  it('a suspended account cannot apply (403 account_suspended), neither with its key nor through the platform', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const submitted = await submitApplication(gw, p, { customerId: customer.id });
    const suspend = await gw.request('POST', `/v1/accounts/${p.accountId}/suspend`);
    expect(suspend.status).toBe(200);

    const own = await gw.request('POST', '/v1/loan-applications', { key: p.key, body: applicationBody(customer.id) });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('account_suspended');
    const viaPlatform = await gw.request('POST', '/v1/loan-applications', {
      ...platformFor(p),
      body: applicationBody(customer.id),
    });
    expect(viaPlatform.status).toBe(403);
    expect(viaPlatform.body.code).toBe('account_suspended');

    const unsuspend = await gw.request('POST', `/v1/accounts/${p.accountId}/unsuspend`);
    expect(unsuspend.status).toBe(200);
    const list = await gw.request('GET', '/v1/loan-applications', { key: p.key });
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([submitted.id]);
    // Active again: applying works.
    await submitApplication(gw, p, { customerId: customer.id });
  });

  it('an account suspended directly in the store (no gateway cache invalidation) still cannot apply (403 account_suspended)', async () => {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    await gw.services.accounts.setStatus(p.accountId, 'suspended');
    const res = await gw.request('POST', '/v1/loan-applications', { key: p.key, body: applicationBody(customer.id) });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_suspended');
    await gw.services.accounts.setStatus(p.accountId, 'active');
    gw.app.deps.keyCache.invalidateAccount(p.accountId);
    expect((await gw.request('GET', '/v1/loan-applications', { key: p.key })).body.data).toEqual([]);
  });

  it('approving for a suspended partner is refused (403 account_suspended) and the application stays submitted', async () => {
    const p = await gw.createPartner();
    const app = await submitApplication(gw, p);
    expect((await gw.request('POST', `/v1/accounts/${p.accountId}/suspend`)).status).toBe(200);
    const res = await gw.request('POST', `/v1/loan-applications/${app.id}/approve`, {
      ...platformFor(p),
      body: { offer: DEFAULT_OFFER },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_suspended');
    expect((await gw.request('POST', `/v1/accounts/${p.accountId}/unsuspend`)).status).toBe(200);
    expect((await gw.request('GET', `/v1/loan-applications/${app.id}`, { key: p.key })).body.status).toBe('submitted');
    // And once active again the platform can approve it.
    await approveApplication(gw, p, app.id);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { advanceClock, createCustomer } from '../../../test/support/lending.js';

let gw: TestGateway;
let partner: Partner;
let customerId: string;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
  customerId = (await createCustomer(gw, partner)).id;
});
afterAll(() => gw.close());

const UNKNOWN_CUSTOMER = 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v';

const body = (overrides: Record<string, unknown> = {}) => ({
  customerId,
  bankCode: '058',
  accountNumber: '0123451234',
  accountName: 'Ada Obi',
  ...overrides,
});

const without = (field: string) => {
  const b: Record<string, unknown> = body();
  delete b[field];
  return b;
};

describe('mandates: bad input', () => {
  it.each(['customerId', 'bankCode', 'accountNumber', 'accountName'])(
    '400 naming body.%s when it is missing',
    async (field) => {
      const res = await gw.request('POST', '/v1/mandates', { key: partner.key, body: without(field) });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(`body.${field}`);
    },
  );

  it.each([
    ['accountNumber', '012345123', '10-digit'],
    ['accountNumber', '01234512345', '10-digit'],
    ['accountNumber', '01234a1234', '10-digit'],
    ['accountNumber', '0123-51234', '10-digit'],
    ['accountNumber', 123451234, undefined],
    ['bankCode', '05', '3 to 6 digits'],
    ['bankCode', '0581234', '3 to 6 digits'],
    ['bankCode', 'abc', '3 to 6 digits'],
    ['accountName', '   ', 'must not be empty'],
    ['accountName', 'x'.repeat(201), 'at most 200'],
    ['customerId', 'ba_01jd8x3k5w9q4r7t2m6n0p8s1v', undefined],
    ['customerId', 'not-an-id', undefined],
    ['currency', 'XYZ', undefined],
  ])('400 naming body.%s for %j', async (field, value, message) => {
    const res = await gw.request('POST', '/v1/mandates', { key: partner.key, body: body({ [field]: value }) });
    expect(res.status).toBe(400);
    const error = res.body.errors.find((e: { path: string }) => e.path === `body.${field}`);
    expect(error, res.text).toBeDefined();
    if (message) expect(error.message).toContain(message);
    // A refused account number is never echoed back.
    if (field === 'accountNumber' && typeof value === 'string') expect(res.text).not.toContain(value);
  });

  it('400 for an unknown field', async () => {
    const res = await gw.request('POST', '/v1/mandates', { key: partner.key, body: body({ status: 'active' }) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it('400 for a body that is not JSON', async () => {
    const res = await gw.request('POST', '/v1/mandates', { key: partner.key, rawBody: '{"customerId":' });
    expect(res.status).toBe(400);
  });

  it('404 for a well-formed unknown customer, and nothing is created', async () => {
    const p = await gw.createPartner();
    const res = await gw.request('POST', '/v1/mandates', { key: p.key, body: body({ customerId: UNKNOWN_CUSTOMER }) });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect(res.body.detail).toContain(UNKNOWN_CUSTOMER);
    expect((await gw.request('GET', '/v1/mandates', { key: p.key })).body.data).toEqual([]);
  });

  it('400 naming path.id for a malformed id, 404 for an unknown one', async () => {
    const bad = await gw.request('GET', '/v1/mandates/not-an-id', { key: partner.key });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('path.id');
    const unknown = await gw.request('GET', '/v1/mandates/mdt_01jd8x3k5w9q4r7t2m6n0p8s1v', { key: partner.key });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
    const cancel = await gw.request('POST', '/v1/mandates/mdt_01jd8x3k5w9q4r7t2m6n0p8s1v/cancel', { key: partner.key });
    expect(cancel.status).toBe(404);
  });

  it('400 for a malformed customerId filter', async () => {
    const res = await gw.request('GET', '/v1/mandates?customerId=nope', { key: partner.key });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('query.customerId');
  });
});

describe('mandates: cancel only from active', () => {
  async function mandateIn(last4: string) {
    const p = await gw.createPartner();
    const customer = await createCustomer(gw, p);
    const res = await gw.request('POST', '/v1/mandates', {
      key: p.key,
      body: body({ customerId: customer.id, accountNumber: `012345${last4}` }),
    });
    expect(res.status).toBe(201);
    return { p, id: res.body.id as string };
  }

  it('409 state_conflict naming pending for a pending mandate', async () => {
    const { p, id } = await mandateIn('1234');
    const res = await gw.request('POST', `/v1/mandates/${id}/cancel`, { key: p.key });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body.detail).toContain('pending');
    expect(res.body.detail).toContain('active');
    expect((await gw.request('GET', `/v1/mandates/${id}`, { key: p.key })).body.status).toBe('pending');
    const events = await gw.request('GET', '/v1/events?type=mandate.*', { key: p.key });
    expect(events.body.data).toEqual([]);
  });

  it('409 state_conflict naming failed for a failed mandate', async () => {
    const { p, id } = await mandateIn('0004');
    await advanceClock(gw, p, 1);
    const res = await gw.request('POST', `/v1/mandates/${id}/cancel`, { key: p.key });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('state_conflict');
    expect(res.body.detail).toContain('failed');
    expect((await gw.request('GET', `/v1/mandates/${id}`, { key: p.key })).body.status).toBe('failed');
  });

  it('409 state_conflict naming cancelled for a second cancel, with one mandate.cancelled event', async () => {
    const { p, id } = await mandateIn('1234');
    await advanceClock(gw, p, 1);
    const first = await gw.request('POST', `/v1/mandates/${id}/cancel`, { key: p.key });
    expect(first.status).toBe(200);
    const again = await gw.request('POST', `/v1/mandates/${id}/cancel`, { key: p.key });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('state_conflict');
    expect(again.body.detail).toContain('cancelled');
    const events = await gw.request('GET', '/v1/events?type=mandate.cancelled', { key: p.key });
    expect(events.body.data).toHaveLength(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { fundedPartner, idempotencyHeader } from '../../../test/support/money.js';

type Event = { id: string; type: string; createdAt: string; request: { id: string; idempotencyKey: string | null } };

let gw: TestGateway;
let partner: Partner;
let withdrawalId: string;
let withdrawalRequestId: string;
let withdrawalIdempotencyKey: string;
beforeAll(async () => {
  gw = await createTestGateway();
  const funded = await fundedPartner(gw, 500_000);
  partner = funded.partner;
  gw.clock.advance(1000);
  const headers = idempotencyHeader();
  withdrawalIdempotencyKey = headers['idempotency-key']!;
  const wd = await gw.request('POST', '/v1/withdrawals', {
    key: partner.key,
    headers,
    body: { amount: 100_000, bankAccountId: funded.bankAccount.id },
  });
  expect(wd.status).toBe(201);
  withdrawalId = wd.body.id;
  withdrawalRequestId = wd.headers.get('x-request-id')!;
});
afterAll(() => gw.close());

const types = (data: Event[]) => data.map((e) => e.type);
const moneyTypes = (data: Event[]) => types(data).filter((t) => !t.startsWith('api_key.'));

describe('events: happy paths', () => {
  it('GET /v1/events lists events newest first', async () => {
    const res = await gw.request('GET', '/v1/events', { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('list');
    expect(moneyTypes(res.body.data)).toEqual(['withdrawal.created', 'bank_account.added']);
    const times = res.body.data.map((e: Event) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    for (const e of res.body.data) expect(e.id).toMatch(/^evt_[0-9a-z]{26}$/);
  });

  it('?type=withdrawal.* filters by prefix', async () => {
    const res = await gw.request('GET', '/v1/events?type=withdrawal.*', { key: partner.key });
    expect(res.status).toBe(200);
    expect(types(res.body.data)).toEqual(['withdrawal.created']);
    expect(res.body.data[0].data.object.id).toBe(withdrawalId);
  });

  it('?type= with an exact type filters to that type', async () => {
    const res = await gw.request('GET', '/v1/events?type=bank_account.added', { key: partner.key });
    expect(res.status).toBe(200);
    expect(types(res.body.data)).toEqual(['bank_account.added']);
    const none = await gw.request('GET', '/v1/events?type=withdrawal.failed', { key: partner.key });
    expect(none.status).toBe(200);
    expect(none.body.data).toEqual([]);
  });

  it('?type=* returns every event', async () => {
    const all = await gw.request('GET', '/v1/events', { key: partner.key });
    const star = await gw.request('GET', '/v1/events?type=*', { key: partner.key });
    expect(star.status).toBe(200);
    expect(star.body.data).toEqual(all.body.data);
  });

  it('GET /v1/events/{id} equals the list item', async () => {
    const list = await gw.request('GET', '/v1/events', { key: partner.key });
    for (const item of list.body.data) {
      const res = await gw.request('GET', `/v1/events/${item.id}`, { key: partner.key });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(item);
    }
  });

  it('the withdrawal event carries the request id and Idempotency-Key', async () => {
    const res = await gw.request('GET', '/v1/events?type=withdrawal.created', { key: partner.key });
    expect(res.body.data[0].request).toEqual({ id: withdrawalRequestId, idempotencyKey: withdrawalIdempotencyKey });
    expect(res.body.data[0].request.id).toMatch(/^req_/);
  });

  it('events page with limit=1 and startingAfter', async () => {
    const all = await gw.request('GET', '/v1/events', { key: partner.key });
    const first = await gw.request('GET', '/v1/events?limit=1', { key: partner.key });
    expect(first.body.data).toEqual([all.body.data[0]]);
    expect(first.body.hasMore).toBe(true);
    const second = await gw.request('GET', `/v1/events?limit=1&startingAfter=${first.body.nextCursor}`, {
      key: partner.key,
    });
    expect(second.body.data).toEqual([all.body.data[1]]);
  });

  it('GET /v1/event-types lists withdrawal.created with a schema that mentions bankAccountId', async () => {
    const res = await gw.request('GET', '/v1/event-types', { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', hasMore: false, nextCursor: null });
    const list = res.body.data.map((t: { type: string }) => t.type);
    expect(list).toEqual(expect.arrayContaining(['withdrawal.created', 'bank_account.added']));
    const created = res.body.data.find((t: { type: string }) => t.type === 'withdrawal.created');
    expect(created.object).toBe('event_type');
    expect(JSON.stringify(created.schema)).toContain('bankAccountId');
  });
});

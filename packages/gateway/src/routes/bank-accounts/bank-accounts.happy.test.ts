import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../test/support/gateway.js';
import { bankAccountBody, fundedPartner } from '../../../test/support/money.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

describe('bank accounts: happy paths', () => {
  it('POST /v1/bank-accounts adds a verified account and returns only its last four digits', async () => {
    const partner = await gw.createPartner();
    const res = await gw.request('POST', '/v1/bank-accounts', { key: partner.key, body: bankAccountBody('1234') });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'bank_account',
      bankCode: '058',
      last4: '1234',
      accountName: 'Ada Obi',
      currency: 'NGN',
      status: 'verified',
      livemode: false,
    });
    expect(res.body.id).toMatch(/^ba_[0-9a-z]{26}$/);
    expect(res.body).not.toHaveProperty('accountNumber');
    expect(res.text).not.toContain('0123451234');
  });

  it('records a bank_account.added event for the new account', async () => {
    const { partner, bankAccount } = await fundedPartner(gw, 0);
    const events = await gw.request('GET', '/v1/events?type=bank_account.added', { key: partner.key });
    expect(events.status).toBe(200);
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0].data.object.id).toBe(bankAccount.id);
    expect(events.body.data[0].request.id).toMatch(/^req_/);
    expect(JSON.stringify(events.body)).not.toContain('0123451234');
  });

  it('GET /v1/bank-accounts lists them newest first and GET /v1/bank-accounts/{id} retrieves one', async () => {
    const { partner, bankAccount: first } = await fundedPartner(gw, 0, '1111');
    gw.clock.advance(1000);
    const second = await gw.request('POST', '/v1/bank-accounts', { key: partner.key, body: bankAccountBody('2222') });
    expect(second.status).toBe(201);
    const list = await gw.request('GET', '/v1/bank-accounts', { key: partner.key });
    expect(list.status).toBe(200);
    expect(list.body.data.map((b: { id: string }) => b.id)).toEqual([second.body.id, first.id]);
    expect(list.text).not.toMatch(/01234\d{5}/);
    const one = await gw.request('GET', `/v1/bank-accounts/${first.id}`, { key: partner.key });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(first);
  });

  it('DELETE /v1/bank-accounts/{id} marks it removed, drops it from the list and records who removed it', async () => {
    const { partner, bankAccount } = await fundedPartner(gw, 0);
    const del = await gw.request('DELETE', `/v1/bank-accounts/${bankAccount.id}`, { key: partner.key });
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ id: bankAccount.id, object: 'bank_account', status: 'removed', last4: '1234' });
    const list = await gw.request('GET', '/v1/bank-accounts', { key: partner.key });
    expect(list.body.data).toEqual([]);
    const removed = await gw.request('GET', '/v1/events?type=bank_account.removed', { key: partner.key });
    expect(removed.body.data).toHaveLength(1);
    expect(removed.body.data[0].data.object.id).toBe(bankAccount.id);
    expect(removed.body.data[0].request.id).toBe(del.headers.get('x-request-id'));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { bankAccountBody, fundedPartner } from '../../../test/support/money.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

const UNKNOWN_ID = 'ba_01jd8x3k5w9q4r7t2m6n0p8s1v';

describe('bank accounts: bad input', () => {
  it.each(['12345', '01234567890', '01234x6789'])(
    '400 body.accountNumber for %s, and the number is not echoed',
    async (accountNumber) => {
      const res = await gw.request('POST', '/v1/bank-accounts', {
        key: partner.key,
        body: { ...bankAccountBody(), accountNumber },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.accountNumber']);
      expect(res.text).not.toContain(accountNumber);
    },
  );

  it('400 body.bankCode for a bank code with letters', async () => {
    const res = await gw.request('POST', '/v1/bank-accounts', {
      key: partner.key,
      body: { ...bankAccountBody(), bankCode: 'GTB' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.bankCode');
  });

  it('400 for an unknown field', async () => {
    const res = await gw.request('POST', '/v1/bank-accounts', {
      key: partner.key,
      body: { ...bankAccountBody(), sortCode: '123' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].message).toMatch(/sortCode/);
  });

  it('400 body.currency when the currency is missing', async () => {
    const { currency: _currency, ...body } = bankAccountBody();
    const res = await gw.request('POST', '/v1/bank-accounts', { key: partner.key, body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.currency');
  });

  it('nothing is added after rejected input', async () => {
    const list = await gw.request('GET', '/v1/bank-accounts', { key: partner.key });
    expect(list.body.data).toEqual([]);
  });

  it('422 unprocessable when the bank cannot find the account (…0006)', async () => {
    const p = await gw.createPartner();
    const res = await gw.request('POST', '/v1/bank-accounts', { key: p.key, body: bankAccountBody('0006') });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unprocessable');
    expect(res.text).not.toContain('0123450006');
    const list = await gw.request('GET', '/v1/bank-accounts', { key: p.key });
    expect(list.body.data).toEqual([]);
  });

  it('409 state_conflict when removing an already removed account', async () => {
    const { partner: p, bankAccount } = await fundedPartner(gw, 0);
    const first = await gw.request('DELETE', `/v1/bank-accounts/${bankAccount.id}`, { key: p.key });
    expect(first.status).toBe(200);
    const second = await gw.request('DELETE', `/v1/bank-accounts/${bankAccount.id}`, { key: p.key });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('state_conflict');
  });

  it.each(['GET', 'DELETE'])('400 path.id for a malformed id on %s', async (method) => {
    for (const id of ['nope', 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v']) {
      const res = await gw.request(method, `/v1/bank-accounts/${id}`, { key: partner.key });
      expect(res.status, id).toBe(400);
      expect(res.body.errors[0].path).toBe('path.id');
    }
  });

  it.each(['GET', 'DELETE'])('404 not_found for an unknown well-formed id on %s', async (method) => {
    const res = await gw.request(method, `/v1/bank-accounts/${UNKNOWN_ID}`, { key: partner.key });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });

  it('no account number reaches the logs', () => {
    expect(gw.logs.length).toBeGreaterThan(0);
    const logs = gw.logs.join('\n');
    expect(logs).not.toMatch(/01234\d{5}/);
    expect(logs).not.toContain('01234567890');
  });
});

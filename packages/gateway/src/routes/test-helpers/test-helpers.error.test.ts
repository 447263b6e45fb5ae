import { MAX_CLOCK_ADVANCE_SECONDS } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

const fund = (body: unknown) => gw.request('POST', '/v1/test-helpers/wallets/fund', { key: partner.key, body });
const advance = (body: unknown) => gw.request('POST', '/v1/test-helpers/clock/advance', { key: partner.key, body });

describe('test helpers: bad input', () => {
  it.each([0, -1, 1.5, 1e13])('400 body.amount for fund amount %s', async (amount) => {
    const res = await fund({ amount });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].path).toBe('body.amount');
  });

  it('400 body.currency for an unknown currency', async () => {
    const res = await fund({ amount: 100, currency: 'XYZ' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.currency');
  });

  it('400 for an unknown field on fund', async () => {
    const res = await fund({ amount: 100, wallet: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/wallet/);
  });

  it('nothing is credited after rejected fund requests', async () => {
    const wallets = await gw.request('GET', '/v1/wallets', { key: partner.key });
    for (const w of wallets.body.data) expect(w.available.amount).toBe(0);
  });

  it.each([0, MAX_CLOCK_ADVANCE_SECONDS + 1, 1.5])('400 body.seconds for clock advance seconds %s', async (seconds) => {
    const res = await advance({ seconds });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors[0].path).toBe('body.seconds');
  });

  it('400 for an unknown field on clock advance', async () => {
    const res = await advance({ seconds: 60, days: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/days/);
  });

  it('the clock did not move after rejected advances', async () => {
    const res = await advance({ seconds: 1 });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.now) - gw.clock.now().getTime()).toBe(1_000);
  });
});

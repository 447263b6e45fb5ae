import { describe, expect, it } from 'vitest';
import { createRailSimulator, MAGIC_VALUES, memoryPayoutBook } from '../src/index.js';

/** The rail simulator's magic values (DESIGN §7, docs/test-mode.md): each failure path on demand. */
describe('rail simulator', () => {
  const payout = (accountNumber: string, attempt = 0, reference = `wd_${accountNumber}_${attempt}`) => ({
    reference,
    amount: 1_000,
    currency: 'NGN',
    bankCode: '058',
    accountNumber,
    accountName: 'Ada',
    attempt,
  });

  it('pays any other number once per reference: a repeat returns the recorded payout', async () => {
    const book = memoryPayoutBook();
    const rail = createRailSimulator(book);
    const first = await rail.payout(payout('0123451234', 0, 'wd_once'));
    const again = await rail.payout(payout('0123451234', 1, 'wd_once'));
    expect(first).toEqual({ status: 'succeeded', railReference: 'sim_wd_once' });
    expect(again).toEqual(first);
    expect(await book.get('wd_once')).toMatchObject({ amount: 1_000 });
  });

  it('0002 fails payouts account_closed for good; 0003 fails bank_unavailable once, then pays', async () => {
    const rail = createRailSimulator();
    expect(await rail.payout(payout('0123450002'))).toMatchObject({
      status: 'failed',
      code: 'account_closed',
      retryable: false,
    });
    expect(await rail.payout(payout('0123450003', 0, 'wd_3'))).toMatchObject({
      code: 'bank_unavailable',
      retryable: true,
    });
    expect(await rail.payout(payout('0123450003', 1, 'wd_3'))).toMatchObject({ status: 'succeeded' });
  });

  it('0004 rejects mandates; others activate', async () => {
    const rail = createRailSimulator();
    const input = { reference: 'mdt_1', bankCode: '058', accountName: 'Ada' };
    expect(await rail.setupMandate({ ...input, accountNumber: '0123450004' })).toEqual({
      status: 'failed',
      code: 'mandate_rejected',
      message: MAGIC_VALUES['0004'].mandate.message,
    });
    expect(await rail.setupMandate({ ...input, accountNumber: '0123451234' })).toEqual({ status: 'active' });
  });

  it('0005 fails the first collection attempt insufficient_funds, then collects once', async () => {
    const rail = createRailSimulator();
    const collect = (attempt: number) =>
      rail.collect({
        reference: 'rpy_1',
        mandateReference: 'mdt_1',
        amount: 500,
        currency: 'NGN',
        accountNumber: '0123450005',
        attempt,
      });
    expect(await collect(0)).toMatchObject({ status: 'failed', code: 'insufficient_funds', retryable: true });
    const ok = await collect(1);
    expect(ok).toEqual({ status: 'succeeded', railReference: 'sim_rpy_1' });
    expect(await collect(2)).toEqual(ok);
  });

  it('0006 cannot be verified: account_not_found', async () => {
    const rail = createRailSimulator();
    expect(await rail.resolveAccount({ bankCode: '058', accountNumber: '0123450006' })).toMatchObject({
      ok: false,
      code: 'account_not_found',
    });
    expect(await rail.resolveAccount({ bankCode: '058', accountNumber: '0123451234' })).toMatchObject({ ok: true });
  });
});

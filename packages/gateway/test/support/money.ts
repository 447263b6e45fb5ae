import { expect } from 'vitest';
import type { Partner, TestGateway } from './gateway.js';

let counter = 0;

/** A fresh `Idempotency-Key` header (money-moving POSTs require one). */
export function idempotencyHeader(): Record<string, string> {
  return { 'idempotency-key': `test-${Date.now().toString(36)}-${++counter}` };
}

/** A bank account body for `POST /v1/bank-accounts`; the last four digits pick the rail's behaviour. */
export function bankAccountBody(last4 = '1234') {
  return { bankCode: '058', accountNumber: `012345${last4}`, accountName: 'Ada Obi', currency: 'NGN' };
}

/** A partner with an all-scope test key, `balance` in its NGN test wallet, and a bank account ending in `last4`. */
export async function fundedPartner(
  gw: TestGateway,
  balance: number,
  last4 = '1234',
): Promise<{ partner: Partner; bankAccount: { id: string; last4: string; [k: string]: unknown } }> {
  const partner = await gw.createPartner();
  if (balance > 0) {
    const fund = await gw.request('POST', '/v1/test-helpers/wallets/fund', {
      key: partner.key,
      body: { amount: balance },
    });
    expect(fund.status).toBe(200);
  }
  const bank = await gw.request('POST', '/v1/bank-accounts', { key: partner.key, body: bankAccountBody(last4) });
  expect(bank.status).toBe(201);
  return { partner, bankAccount: bank.body };
}

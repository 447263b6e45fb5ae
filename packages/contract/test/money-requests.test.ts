import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { generateId } from '../src/ids.js';
import { MAX_REQUEST_AMOUNT, SignedMoneySchema } from '../src/money.js';
import { BankAccountCreateSchema } from '../src/resources/bank-account.js';
import { ClockAdvanceSchema, MAX_CLOCK_ADVANCE_SECONDS, WalletFundSchema } from '../src/resources/test-helpers.js';
import { WalletTransactionSchema } from '../src/resources/wallet.js';
import { WithdrawalCreateSchema } from '../src/resources/withdrawal.js';

/** The issues of a refused parse, as `path: message` lines; fails the test when the parse succeeds. */
function refusal(schema: z.ZodType, input: unknown): { path: string; message: string }[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

const bankAccountId = generateId('bankAccount');
const validBankAccount = {
  bankCode: '058',
  accountNumber: '0123456789',
  accountName: 'Ada Stores Ltd',
  currency: 'NGN',
};

describe('WithdrawalCreateSchema', () => {
  it('accepts an integer amount and a bank account id, defaulting metadata and leaving currency unset', () => {
    expect(WithdrawalCreateSchema.parse({ amount: 150_000, bankAccountId })).toEqual({
      amount: 150_000,
      bankAccountId,
      metadata: {},
    });
    expect(WithdrawalCreateSchema.parse({ amount: MAX_REQUEST_AMOUNT, bankAccountId, currency: 'NGN' }).amount).toBe(
      MAX_REQUEST_AMOUNT,
    );
  });

  it.each([
    ['zero', 0, 'amount must be at least 1 minor unit'],
    ['negative', -100, 'amount must be at least 1 minor unit'],
    ['fractional', 1.5, 'amount must be a positive integer number of minor units (150000 is 1500.00 NGN)'],
    ['above 10^12', MAX_REQUEST_AMOUNT + 1, `amount must be at most ${MAX_REQUEST_AMOUNT} minor units`],
    ['a string', '150000', 'amount must be a positive integer number of minor units'],
    ['a Money object', { amount: 150_000, currency: 'NGN' }, 'amount must be a positive integer number of minor units'],
  ])('refuses a %s amount, naming the field', (_label, amount, message) => {
    expect(refusal(WithdrawalCreateSchema, { amount, bankAccountId })).toEqual([{ path: 'amount', message }]);
  });

  it('refuses a bankAccountId that is not a ba_ id', () => {
    expect(refusal(WithdrawalCreateSchema, { amount: 100, bankAccountId: generateId('wallet') })).toEqual([
      { path: 'bankAccountId', message: 'must be a ba_… id' },
    ]);
  });

  it('refuses an unknown currency and a description over 200 characters', () => {
    const issues = refusal(WithdrawalCreateSchema, {
      amount: 100,
      bankAccountId,
      currency: 'NGX',
      description: 'x'.repeat(201),
    });
    expect(issues.map((i) => i.path)).toEqual(['currency', 'description']);
  });

  it('refuses unknown fields, naming them', () => {
    const result = WithdrawalCreateSchema.safeParse({ amount: 100, bankAccountId, destination: 'elsewhere' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['destination'] });
  });
});

describe('BankAccountCreateSchema', () => {
  it('accepts a NUBAN account and trims the name', () => {
    expect(BankAccountCreateSchema.parse({ ...validBankAccount, accountName: '  Ada Stores Ltd ' })).toEqual({
      ...validBankAccount,
      metadata: {},
    });
  });

  it.each([
    ['9 digits', '012345678'],
    ['11 digits', '01234567890'],
    ['letters', '01234567ab'],
    ['spaces', '0123 456789'],
  ])('refuses an account number of %s with a message naming NUBAN', (_label, accountNumber) => {
    expect(refusal(BankAccountCreateSchema, { ...validBankAccount, accountNumber })).toEqual([
      { path: 'accountNumber', message: 'must be a 10-digit NUBAN account number, digits only' },
    ]);
  });

  it.each(['05', '1234567', '05a'])('refuses bank code %j', (bankCode) => {
    expect(refusal(BankAccountCreateSchema, { ...validBankAccount, bankCode }).map((i) => i.path)).toEqual([
      'bankCode',
    ]);
  });

  it('refuses a blank account name and a missing currency', () => {
    const { currency: _currency, ...noCurrency } = validBankAccount;
    expect(refusal(BankAccountCreateSchema, { ...noCurrency, accountName: '   ' }).map((i) => i.path)).toEqual([
      'accountName',
      'currency',
    ]);
  });

  it('refuses unknown fields, naming them', () => {
    const result = BankAccountCreateSchema.safeParse({ ...validBankAccount, bvn: '22222222222' });
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['bvn'] });
  });
});

describe('test helpers', () => {
  it('WalletFundSchema defaults the currency to NGN and refuses bad amounts', () => {
    expect(WalletFundSchema.parse({ amount: 500_000 })).toEqual({ amount: 500_000, currency: 'NGN' });
    for (const amount of [0, -1, 1.5]) {
      expect(refusal(WalletFundSchema, { amount }).map((i) => i.path)).toEqual(['amount']);
    }
    expect(WalletFundSchema.safeParse({ amount: 1, wallet: 'x' }).success).toBe(false);
  });

  it('ClockAdvanceSchema accepts 1 second to 400 days', () => {
    expect(ClockAdvanceSchema.parse({ seconds: 1 })).toEqual({ seconds: 1 });
    expect(ClockAdvanceSchema.parse({ seconds: MAX_CLOCK_ADVANCE_SECONDS })).toEqual({
      seconds: 400 * 86_400,
    });
    for (const seconds of [0, -60, 1.5, MAX_CLOCK_ADVANCE_SECONDS + 1]) {
      expect(refusal(ClockAdvanceSchema, { seconds }).map((i) => i.path)).toEqual(['seconds']);
    }
  });
});

describe('WalletTransactionSchema', () => {
  it('carries signed amounts: a withdrawal reserve moves money from available to pending', () => {
    const txn = {
      id: generateId('transaction'),
      object: 'wallet_transaction',
      walletId: generateId('wallet'),
      type: 'withdrawal_reserve',
      amount: { amount: 0, currency: 'NGN' },
      availableChange: { amount: -155_000, currency: 'NGN' },
      pendingChange: { amount: 155_000, currency: 'NGN' },
      reference: 'withdrawal_reserve:wd_1',
      description: 'Withdrawal to GTBank ••6789',
      livemode: false,
      createdAt: '2026-12-01T10:00:00.000Z',
    };
    expect(WalletTransactionSchema.parse(txn)).toEqual(txn);
    expect(SignedMoneySchema.safeParse({ amount: -1.5, currency: 'NGN' }).success).toBe(false);
  });
});

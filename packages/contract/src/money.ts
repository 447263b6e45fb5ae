import { z } from 'zod';

/**
 * ISO 4217 currencies Lendwire accepts, with their exponent (number of minor-unit digits).
 * Amounts are always integers in minor units: 150000 NGN means ₦1,500.00.
 */
export const CURRENCY_EXPONENTS = {
  NGN: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  GHS: 2,
  KES: 2,
  ZAR: 2,
  EGP: 2,
  XOF: 0,
  XAF: 0,
  THB: 2,
  JPY: 0,
  KWD: 3,
  BHD: 3,
} as const;

/** An ISO 4217 currency code Lendwire supports. */
export type Currency = keyof typeof CURRENCY_EXPONENTS;

/** Zod schema of a supported currency code. */
export const CurrencySchema = z
  .enum(Object.keys(CURRENCY_EXPONENTS) as [Currency, ...Currency[]])
  .meta({ description: 'ISO 4217 currency code', example: 'NGN' });

/** Zod schema of an amount of money in integer minor units. */
export const MoneySchema = z
  .object({
    amount: z
      .number()
      .int('amount must be an integer number of minor units')
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .meta({ description: 'Integer amount in the currency minor unit (kobo for NGN, cents for USD)' }),
    currency: CurrencySchema,
  })
  .meta({ id: 'Money', description: 'Money as integer minor units and an ISO 4217 currency' });

/** An amount of money in integer minor units. */
export type Money = z.infer<typeof MoneySchema>;

/**
 * Money whose amount may be negative: a change to a balance, such as a wallet transaction's
 * `amount` (a debit is negative). Balances themselves are {@link MoneySchema}, never below zero.
 */
export const SignedMoneySchema = z
  .object({
    amount: z
      .number()
      .int('amount must be an integer number of minor units')
      .min(-Number.MAX_SAFE_INTEGER)
      .max(Number.MAX_SAFE_INTEGER)
      .meta({ description: 'Signed integer amount in the currency minor unit: negative is a debit' }),
    currency: CurrencySchema,
  })
  .meta({ id: 'SignedMoney', description: 'A signed change of money, in integer minor units' });
/** A signed change of money in integer minor units (negative is a debit). */
export type SignedMoney = z.infer<typeof SignedMoneySchema>;

/**
 * Largest amount a single request may move, in minor units (10¹²: ₦10 billion). Far above any real
 * payout, low enough that sums of many such amounts stay exact in a JavaScript number.
 */
export const MAX_REQUEST_AMOUNT = 1_000_000_000_000;

/**
 * An amount in a request body, as a plain integer of minor units (1 to {@link MAX_REQUEST_AMOUNT});
 * the currency comes from elsewhere in the request. Zero, negatives and fractions are refused,
 * because a fraction of a kobo cannot be paid out.
 */
export const PositiveAmountSchema = z
  .number({ error: 'amount must be a positive integer number of minor units' })
  .int('amount must be a positive integer number of minor units (150000 is 1500.00 NGN)')
  .min(1, 'amount must be at least 1 minor unit')
  .max(MAX_REQUEST_AMOUNT, `amount must be at most ${MAX_REQUEST_AMOUNT} minor units`)
  .meta({ description: 'Integer amount in minor units (kobo for NGN), 1 to 10^12', example: 150000 });

/** Number of minor-unit digits of a currency (`exponentOf('NGN')` → 2). */
export function exponentOf(currency: Currency): number {
  return CURRENCY_EXPONENTS[currency];
}

/**
 * Formats money for people, e.g. `formatMoney({ amount: 150000, currency: 'NGN' })` → `"1500.00 NGN"`.
 * Uses integer arithmetic only.
 */
export function formatMoney(money: Money): string {
  const exp = exponentOf(money.currency);
  if (exp === 0) return `${money.amount} ${money.currency}`;
  const s = String(money.amount).padStart(exp + 1, '0');
  return `${s.slice(0, -exp)}.${s.slice(-exp)} ${money.currency}`;
}

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

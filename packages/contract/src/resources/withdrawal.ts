import { z } from 'zod';
import { idSchema } from '../ids.js';
import { CurrencySchema, MoneySchema, PositiveAmountSchema } from '../money.js';
import { MetadataSchema } from './account.js';

/**
 * Body of `POST /v1/withdrawals` (send an `Idempotency-Key`). `amount` is a plain integer, not a
 * Money object: the currency is the bank account's, so there is nothing to get wrong. A `currency`
 * given anyway must equal it.
 */
export const WithdrawalCreateSchema = z
  .object({
    amount: PositiveAmountSchema.meta({
      description: 'Integer amount in minor units of the bank account\u2019s currency, 1 to 10^12',
      example: 150000,
    }),
    currency: CurrencySchema.optional().meta({
      description: 'Defaults to the bank account\u2019s currency; if given, it must match it',
    }),
    bankAccountId: idSchema('bankAccount'),
    description: z.string().trim().max(200).optional(),
    metadata: MetadataSchema.default({}),
  })
  .strict()
  .meta({ id: 'WithdrawalCreate' });
/** Parameters of `POST /v1/withdrawals`. */
export type WithdrawalCreateParams = z.input<typeof WithdrawalCreateSchema>;

/**
 * Withdrawal status: `pending` → `processing` → `succeeded` | `failed`. A failed withdrawal's amount
 * and fee go back to the wallet's `available` balance.
 */
export const WithdrawalStatusSchema = z
  .enum(['pending', 'processing', 'succeeded', 'failed'])
  .meta({ id: 'WithdrawalStatus' });
/** Withdrawal status. */
export type WithdrawalStatus = z.infer<typeof WithdrawalStatusSchema>;

/**
 * A payout from a wallet to a bank account. At creation `amount + fee` moves from the wallet's
 * `available` to `pending`, so two withdrawals can never spend the same funds.
 */
export const WithdrawalSchema = z
  .object({
    id: idSchema('withdrawal'),
    object: z.literal('withdrawal'),
    walletId: idSchema('wallet'),
    bankAccountId: idSchema('bankAccount'),
    amount: MoneySchema.meta({ description: 'What the bank account receives' }),
    fee: MoneySchema.meta({ description: 'Charged on top of `amount`; refunded if the withdrawal fails' }),
    status: WithdrawalStatusSchema,
    failureCode: z
      .string()
      .nullable()
      .meta({ description: 'Set when `failed`, e.g. `account_closed` or `bank_unavailable`' }),
    failureMessage: z.string().nullable(),
    reference: z.string().meta({ description: 'Reference of the payout on the payment rail, for bank enquiries' }),
    description: z.string().nullable(),
    metadata: MetadataSchema,
    livemode: z.boolean(),
    createdAt: z.string().meta({ description: 'ISO 8601 UTC' }),
    updatedAt: z.string(),
  })
  .meta({ id: 'Withdrawal' });
/** A payout from a wallet to a bank account. */
export type Withdrawal = z.infer<typeof WithdrawalSchema>;

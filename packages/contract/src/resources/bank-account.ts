import { z } from 'zod';
import { idSchema } from '../ids.js';
import { CurrencySchema } from '../money.js';
import { MetadataSchema } from './account.js';

/**
 * A bank account's status. `removed` accounts (`DELETE /v1/bank-accounts/{id}`) stay readable so
 * past withdrawals still point at something, but new withdrawals to them are refused.
 */
export const BankAccountStatusSchema = z.enum(['verified', 'removed']).meta({ id: 'BankAccountStatus' });
/** A bank account's status. */
export type BankAccountStatus = z.infer<typeof BankAccountStatusSchema>;

/**
 * The fields that name a bank account, shared by bank accounts (payouts) and mandates
 * (collections): one definition of a bank code, a NUBAN number and an account name.
 */
export const BANK_ACCOUNT_FIELDS = {
  bankCode: z
    .string()
    .regex(/^\d{3,6}$/, 'must be a bank code of 3 to 6 digits, e.g. 058')
    .meta({ description: 'The bank\u2019s sort or CBN code, 3-6 digits', example: '058' }),
  accountNumber: z
    .string()
    .regex(/^\d{10}$/, 'must be a 10-digit NUBAN account number, digits only')
    .meta({ description: '10-digit NUBAN. Never returned: responses carry `last4` only', example: '0123456789' }),
  accountName: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .meta({ description: 'Name on the account, as the bank holds it' }),
};

/** Body of `POST /v1/bank-accounts`. The full account number is kept for payouts but never returned. */
export const BankAccountCreateSchema = z
  .object({
    ...BANK_ACCOUNT_FIELDS,
    currency: CurrencySchema,
    metadata: MetadataSchema.default({}),
  })
  .strict()
  .meta({ id: 'BankAccountCreate' });
/** Parameters of `POST /v1/bank-accounts`. */
export type BankAccountCreateParams = z.input<typeof BankAccountCreateSchema>;

/** A bank account that wallet funds can be withdrawn to. Only the last four digits are ever shown. */
export const BankAccountSchema = z
  .object({
    id: idSchema('bankAccount'),
    object: z.literal('bank_account'),
    bankCode: z.string(),
    last4: z.string().meta({ description: 'Last four digits of the account number', example: '6789' }),
    accountName: z.string(),
    currency: CurrencySchema,
    status: BankAccountStatusSchema,
    metadata: MetadataSchema,
    livemode: z.boolean(),
    createdAt: z.string().meta({ description: 'ISO 8601 UTC' }),
    updatedAt: z.string(),
  })
  .meta({ id: 'BankAccount' });
/** A bank account for withdrawals (without its full number). */
export type BankAccount = z.infer<typeof BankAccountSchema>;

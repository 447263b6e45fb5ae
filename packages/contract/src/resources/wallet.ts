import { z } from 'zod';
import { idSchema } from '../ids.js';
import { CurrencySchema, MoneySchema, SignedMoneySchema } from '../money.js';

/**
 * A partner account's wallet: one per account, currency and mode. Balances change only through
 * ledger transactions, each visible as a {@link WalletTransaction}; `available` never goes below zero.
 */
export const WalletSchema = z
  .object({
    id: idSchema('wallet'),
    object: z.literal('wallet'),
    currency: CurrencySchema,
    available: MoneySchema.meta({ description: 'Funds that can be withdrawn now' }),
    pending: MoneySchema.meta({
      description: 'Funds reserved by withdrawals in flight (amount and fee); they settle out or come back',
    }),
    livemode: z.boolean(),
    createdAt: z.string().meta({ description: 'ISO 8601 UTC' }),
    updatedAt: z.string(),
  })
  .meta({ id: 'Wallet' });
/** A partner account's wallet in one currency and mode. */
export type Wallet = z.infer<typeof WalletSchema>;

/**
 * Why a wallet's balance moved. `withdrawal_reserve` moves amount + fee from `available` to
 * `pending`; `withdrawal_settled` takes them out of `pending` when the payout succeeds;
 * `withdrawal_released` puts them back in `available` when it fails. `funding` is a credit made by
 * `POST /v1/test-helpers/wallets/fund`, so it only ever appears in test mode.
 */
export const WalletTransactionTypeSchema = z
  .enum([
    'disbursement',
    'repayment_collection',
    'withdrawal_reserve',
    'withdrawal_settled',
    'withdrawal_released',
    'fee',
    'adjustment',
    'funding',
  ])
  .meta({ id: 'WalletTransactionType' });
/** Why a wallet's balance moved. */
export type WalletTransactionType = z.infer<typeof WalletTransactionTypeSchema>;

/**
 * One movement of a wallet's balances. The `amount`s of a wallet's transactions sum to its
 * `available + pending`, so a statement can be rebuilt from them alone.
 */
export const WalletTransactionSchema = z
  .object({
    id: idSchema('transaction'),
    object: z.literal('wallet_transaction'),
    walletId: idSchema('wallet'),
    type: WalletTransactionTypeSchema,
    amount: SignedMoneySchema.meta({
      description: 'Change to available + pending; negative when money left the wallet',
    }),
    availableChange: SignedMoneySchema.meta({ description: 'Change to `available`' }),
    pendingChange: SignedMoneySchema.meta({ description: 'Change to `pending`' }),
    reference: z.string().meta({
      description: 'Reference of the ledger transaction, unique: the same business action never posts twice',
    }),
    description: z.string(),
    livemode: z.boolean(),
    createdAt: z.string().meta({ description: 'ISO 8601 UTC' }),
  })
  .meta({ id: 'WalletTransaction' });
/** One movement of a wallet's balances. */
export type WalletTransaction = z.infer<typeof WalletTransactionSchema>;

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../db/index.js';
import type { PaymentRail } from '../rail/index.js';
import type { ResolveHost } from '../webhooks/ssrf.js';

/** Hex SHA-256 of a string. Injected so Node can use its native hash and the edge a pure-JS one. */
export type Hasher = (input: string) => string;

/** SHA-256 in pure JavaScript (@noble/hashes): synchronous and available on every runtime. */
export const sha256Hex: Hasher = (input) => bytesToHex(sha256(utf8ToBytes(input)));

/** Enqueues a durable job on the given database handle (a transaction: the job commits with it). */
export type Enqueue = (db: Db, name: string, data: object, options?: { startAfter?: Date }) => Promise<unknown>;

/** Withdrawal fee: `flat + amount × bps / 10,000`, at most `cap` (all minor units). */
export interface FeeSchedule {
  flat: number;
  bps: number;
  cap: number | null;
}

/** What every service needs: the database, the clock and the hasher, and the money core's parts. */
export interface ServiceContext {
  db: Db;
  /** Current time; tests inject a controllable clock. */
  now: () => Date;
  hash: Hasher;
  /** Encrypts bank account numbers at rest (required for bank accounts). */
  secretBox?: SecretBox | undefined;
  /** The payment rail (default: the simulator, with its books in the database). */
  rail?: PaymentRail | undefined;
  /**
   * Whether live-mode money may move through `rail`. False when `rail` is the simulator on a server
   * deployment: live payouts are then refused rather than pretended (DESIGN §4: the simulator serves
   * test mode and the embedded default).
   */
  liveRail?: boolean | undefined;
  /** Enqueues jobs (payouts); without it, withdrawals are created but nothing pays them out. */
  enqueue?: Enqueue | undefined;
  withdrawalFee?: FeeSchedule | undefined;
  /** The webhook SSRF guard's settings (default: private networks refused, literal IPs checked only). */
  webhooks?: { allowPrivateNetworks: boolean; resolveHost?: ResolveHost | undefined } | undefined;
  /** Lending product limits and schedules (defaults: {@link DEFAULT_LENDING_CONFIG}). */
  lending?: Partial<LendingConfig> | undefined;
}

/** Lending product settings (DESIGN §4); every amount in minor units of the loan's currency. */
export interface LendingConfig {
  /** Smallest amount an application may ask for. */
  minAmount: number;
  /** Largest amount an application may ask for. */
  maxAmount: number;
  minTermMonths: number;
  maxTermMonths: number;
  /** Days an offer stays open when the approval names no `expiresAt`. */
  offerExpiryDays: number;
  /** Origination fee in basis points when the approval names none. */
  defaultOriginationFeeBps: number;
  /** Days before a due date that `repayment.upcoming` is sent. */
  reminderDaysBefore: number;
  /**
   * Days after the due date of each retry of a failed collection; the first attempt is on the due
   * date. After the last one the installment stays overdue until paid by hand or by a later collection.
   */
  collectionRetryDays: readonly number[];
}

/** Defaults: ₦1,000 to ₦50,000,000 over 1 to 60 months; offers open 7 days; retries after 1 and 3 days. */
export const DEFAULT_LENDING_CONFIG: LendingConfig = {
  minAmount: 100_000,
  maxAmount: 5_000_000_000,
  minTermMonths: 1,
  maxTermMonths: 60,
  offerExpiryDays: 7,
  defaultOriginationFeeBps: 0,
  reminderDaysBefore: 3,
  collectionRetryDays: [1, 3],
};

/** The lending settings of a context, defaults filled in. */
export function lendingConfig(ctx: ServiceContext): LendingConfig {
  return { ...DEFAULT_LENDING_CONFIG, ...ctx.lending };
}

/** The tenant a query runs for: every read and write is scoped by account and mode. */
export interface TenantScope {
  accountId: string;
  livemode: boolean;
}

/** A service-level error the gateway maps to a problem response. */
export class ServiceError extends Error {
  constructor(
    readonly code:
      | 'not_found'
      | 'state_conflict'
      | 'unprocessable'
      | 'platform_scope_not_allowed'
      | 'insufficient_funds'
      | 'test_mode_only'
      | 'account_suspended',
    message: string,
    /** Field errors (`path`, `message`), for 422s about parts of the input. */
    readonly errors?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** The context's secret box, or an error naming what needs it (bank accounts, mandates, webhooks). */
export function secretBoxOf(ctx: ServiceContext, what: string): SecretBox {
  if (!ctx.secretBox) throw new Error(`${what} need an encryption key (LENDWIRE_ENCRYPTION_KEY)`);
  return ctx.secretBox;
}

/** ISO 8601 UTC string of a date, or null. */
export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

/**
 * Runs `fn` on a context bound to one transaction (a savepoint when `ctx.db` already is one), so a
 * service's state change and the events and postings it writes through other services commit
 * together.
 */
export function inTransaction<T>(ctx: ServiceContext, fn: (tx: ServiceContext) => Promise<T>): Promise<T> {
  return ctx.db.transaction((tx) => fn({ ...ctx, db: tx as unknown as Db }));
}

/**
 * The payment rail: how money leaves for and arrives from banks. Every call carries our object's id
 * as its idempotency `reference`, so a retried call (after a crash, a timeout) never pays twice.
 * The simulator below stands in for a bank partner in test mode and on the embedded default.
 */
export interface PaymentRail {
  /** Looks up the name on a bank account, or why it cannot be used. */
  resolveAccount(input: { bankCode: string; accountNumber: string }): Promise<ResolveResult>;
  /** Sends a payout; `attempt` counts from 0 for each reference. */
  payout(input: PayoutInput): Promise<PayoutResult>;
  /** Sets up a direct-debit mandate on a customer's account; the bank answers asynchronously. */
  setupMandate(input: MandateInput): Promise<MandateResult>;
  /** Collects a due amount through an active mandate; `attempt` counts from 0 per reference. */
  collect(input: CollectionInput): Promise<CollectionResult>;
}

/** A mandate to set up (our mandate id is the reference). */
export interface MandateInput {
  reference: string;
  bankCode: string;
  accountNumber: string;
  accountName: string;
}

/** Outcome of a mandate set-up. */
export type MandateResult = { status: 'active' } | { status: 'failed'; code: string; message: string };

/** A collection through a mandate (our repayment id is the reference). */
export interface CollectionInput {
  reference: string;
  mandateReference: string;
  amount: number;
  currency: string;
  accountNumber: string;
  attempt: number;
}

/** Outcome of a collection; a retryable failure may succeed on a later attempt. */
export type CollectionResult =
  | { status: 'succeeded'; railReference: string }
  | { status: 'failed'; code: string; message: string; retryable: boolean };

/** Outcome of an account lookup. */
export type ResolveResult = { ok: true; accountName: string } | { ok: false; code: string; message: string };

/** A payout to a bank account. */
export interface PayoutInput {
  reference: string;
  amount: number;
  currency: string;
  bankCode: string;
  accountNumber: string;
  accountName: string;
  attempt: number;
}

/** Outcome of a payout: settled, or failed (retryable failures are worth another attempt later). */
export type PayoutResult =
  | { status: 'succeeded'; railReference: string }
  | { status: 'failed'; code: string; message: string; retryable: boolean };

/**
 * Magic values of the simulator, by the last four digits of the account number (DESIGN §7). They
 * never change meaning; docs/test-mode.md lists them.
 */
export const MAGIC_VALUES = {
  '0002': {
    payout: { code: 'account_closed', message: 'The receiving bank reports the account closed', retryable: false },
  },
  '0003': {
    payout: {
      code: 'bank_unavailable',
      message: 'The receiving bank did not answer; retrying',
      retryable: true,
      onlyFirstAttempt: true,
    },
  },
  '0004': { mandate: { code: 'mandate_rejected', message: 'The bank rejected the mandate' } },
  '0005': {
    collection: { code: 'insufficient_funds', message: 'The customer’s account lacked funds', onlyFirstAttempt: true },
  },
  '0006': { resolve: { code: 'account_not_found', message: 'No account with this number at this bank' } },
} as const;

/** A payout as the simulator recorded it (its own books, to prove nothing is paid twice). */
export interface SimulatedPayout {
  reference: string;
  amount: number;
  currency: string;
  result: PayoutResult | CollectionResult;
}

/** Where the simulator keeps the payouts it made, by reference. Durable in the database by default. */
export interface PayoutBook {
  get(reference: string): Promise<SimulatedPayout | undefined>;
  /** Records a payout; returns the one already recorded for the reference, if any. */
  put(payout: SimulatedPayout): Promise<SimulatedPayout>;
}

/** An in-memory {@link PayoutBook} (tests of the simulator itself). */
export function memoryPayoutBook(): PayoutBook {
  const book = new Map<string, SimulatedPayout>();
  return {
    get: async (reference) => book.get(reference),
    put: async (payout) => {
      const existing = book.get(payout.reference);
      if (existing) return existing;
      book.set(payout.reference, payout);
      return payout;
    },
  };
}

/**
 * The rail simulator. Idempotent per reference: once a payout settled or failed for good, the same
 * reference gets the same answer and is not paid again. A retryable failure is not recorded, so the
 * retry is a new attempt.
 */
export function createRailSimulator(book: PayoutBook = memoryPayoutBook()): PaymentRail {
  const magic = (accountNumber: string) =>
    MAGIC_VALUES[accountNumber.slice(-4) as keyof typeof MAGIC_VALUES] as
      | (typeof MAGIC_VALUES)[keyof typeof MAGIC_VALUES]
      | undefined;
  return {
    async resolveAccount({ accountNumber }) {
      const m = magic(accountNumber);
      if (m && 'resolve' in m) return { ok: false, code: m.resolve.code, message: m.resolve.message };
      return { ok: true, accountName: '' };
    },
    async payout(input) {
      const done = await book.get(input.reference);
      if (done) return done.result as PayoutResult;
      const m = magic(input.accountNumber);
      if (m && 'payout' in m) {
        const rule = m.payout as { code: string; message: string; retryable: boolean; onlyFirstAttempt?: boolean };
        if (!rule.onlyFirstAttempt || input.attempt === 0) {
          const result: PayoutResult = {
            status: 'failed',
            code: rule.code,
            message: rule.message,
            retryable: rule.retryable,
          };
          if (!rule.retryable)
            await book.put({ reference: input.reference, amount: input.amount, currency: input.currency, result });
          return result;
        }
      }
      const result: PayoutResult = { status: 'succeeded', railReference: `sim_${input.reference}` };
      return (await book.put({ reference: input.reference, amount: input.amount, currency: input.currency, result }))
        .result as PayoutResult;
    },
    async setupMandate({ accountNumber }) {
      const m = magic(accountNumber);
      if (m && 'mandate' in m) return { status: 'failed', code: m.mandate.code, message: m.mandate.message };
      return { status: 'active' };
    },
    async collect(input) {
      // Collections share the book under their own key space, so a repeated collection is not taken twice.
      const key = `collection:${input.reference}`;
      const done = await book.get(key);
      if (done) return done.result as CollectionResult;
      const m = magic(input.accountNumber);
      if (m && 'collection' in m && input.attempt === 0) {
        return { status: 'failed', code: m.collection.code, message: m.collection.message, retryable: true };
      }
      const result: CollectionResult = { status: 'succeeded', railReference: `sim_${input.reference}` };
      return (await book.put({ reference: key, amount: input.amount, currency: input.currency, result }))
        .result as CollectionResult;
    },
  };
}

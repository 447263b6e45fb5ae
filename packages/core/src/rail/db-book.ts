import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { railPayouts } from '../db/schema.js';
import type { CollectionResult, PayoutBook, PayoutResult, SimulatedPayout } from './index.js';

/** The simulator's payout book in the database, so its answers survive restarts and crashes. */
export function dbPayoutBook(db: Db, now: () => Date = () => new Date()): PayoutBook {
  const get = async (reference: string): Promise<SimulatedPayout | undefined> => {
    const [row] = await db.select().from(railPayouts).where(eq(railPayouts.reference, reference));
    return row
      ? {
          reference: row.reference,
          amount: row.amount,
          currency: row.currency,
          result: row.result as PayoutResult | CollectionResult,
        }
      : undefined;
  };
  return {
    get,
    async put(payout) {
      await db
        .insert(railPayouts)
        .values({
          reference: payout.reference,
          amount: payout.amount,
          currency: payout.currency,
          result: payout.result,
          createdAt: now(),
        })
        .onConflictDoNothing();
      return (await get(payout.reference)) ?? payout;
    },
  };
}

import { z } from 'zod';
import { looksLikeId } from './ids.js';

const DECIMAL = /^[0-9]{1,3}$/;

/** Query parameters every list endpoint accepts. */
export const ListQuerySchema = z.object({
  // Decimal digits only: `Number()` would also take `0x10`, `1e2` and ` 20 `.
  limit: z
    .preprocess(
      (v) => (typeof v === 'string' && DECIMAL.test(v) ? Number(v) : v),
      z.number({ error: 'must be a whole number from 1 to 100, in decimal digits' }).int().min(1).max(100),
    )
    .default(20)
    .meta({ description: 'Number of items to return, 1-100', example: 20 }),
  startingAfter: z
    .string()
    .refine(looksLikeId, { message: 'must be an id, as given in nextCursor' })
    .optional()
    .meta({ description: 'Cursor: the id of the last item of the previous page (`nextCursor`)' }),
});

/** Query parameters of a list endpoint. */
export interface ListQuery {
  /** Items per page, 1-100 (default 20). */
  limit?: number;
  /** Id of the last item of the previous page (its `nextCursor`). */
  startingAfter?: string;
}

/** Builds the list envelope schema `{ object: 'list', data, hasMore, nextCursor }` for an item schema. */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    hasMore: z.boolean(),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `startingAfter` to get the next page' }),
  });
}

/** A page of a list endpoint, newest first. */
export interface ListEnvelope<T> {
  object: 'list';
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

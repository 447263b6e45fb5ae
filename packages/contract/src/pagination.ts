import { z } from 'zod';

/** Query parameters every list endpoint accepts. */
export const ListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .meta({ description: 'Number of items to return, 1-100', example: 20 }),
  startingAfter: z
    .string()
    .min(1)
    .max(64)
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

import type { ListEnvelope } from '@lendwire/contract';

/** Turns `limit + 1` rows fetched newest first into a list envelope. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, map: (r: R) => T): ListEnvelope<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    object: 'list',
    data: pageRows.map(map),
    hasMore,
    nextCursor: hasMore ? (pageRows[pageRows.length - 1]?.id ?? null) : null,
  };
}

/** Page request after defaults: how many, and after which id. */
export interface PageParams {
  limit: number;
  startingAfter?: string | undefined;
}

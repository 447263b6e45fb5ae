import { z } from 'zod';

/**
 * Counts a collection's size up to `max + 1` without touching its entries, or null when `value` is
 * not an object or array (the inner schema then reports the type error).
 */
function sizeBeyond(value: unknown, max: number): number | null {
  if (Array.isArray(value)) return value.length;
  if (value === null || typeof value !== 'object') return null;
  let n = 0;
  for (const _ in value) if (++n > max) break;
  return n;
}

/**
 * Wraps a record or array schema so its size is checked before any of its entries: a body with
 * 100,000 entries costs one count and one error, not 100,000 parses and 100,000 errors. The
 * OpenAPI/JSON Schema output is the inner schema's.
 */
export function sizeFirst<T extends z.ZodType>(inner: T, max: number, noun: string): T {
  const checked = z.preprocess((value, ctx) => {
    const size = sizeBeyond(value, max);
    if (size !== null && size > max) {
      ctx.addIssue({ code: 'custom', message: `at most ${max} ${noun}`, input: undefined });
      // The issue above already fails the parse; the inner schema is never run on this value.
      return value;
    }
    return value;
  }, inner);
  // Typed as the inner schema: the pipe accepts and returns exactly what `inner` does.
  return checked as unknown as T;
}

/** An array of at most `max` items, refused by its length before any item is parsed. */
export function boundedArray<T extends z.ZodType>(item: T, max: number, noun = 'items') {
  return sizeFirst(z.array(item).max(max), max, noun);
}

import { z } from '@hono/zod-openapi';
import { type IdKind, idSchema, ListQuerySchema } from '@lendwire/contract';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { requestHeader } from '../request-headers.js';

/**
 * Path id parameter of one kind (`idParam('customer')` takes `cus_…`). A string that is not such an
 * id is a 400 naming `path.id` and never reaches the database; a well-formed id that does not exist
 * (or belongs to another account) is a 404, never a hint about why.
 */
export function idParam(kind: IdKind) {
  return z.object({
    id: idSchema(kind).openapi({ param: { name: 'id', in: 'path' } }),
  });
}

/** `?limit=&startingAfter=` of list operations. */
export const listQuery = ListQuerySchema;

/** JSON request body wrapper for a route definition. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { 'application/json': { schema } } };
}

/** JSON response wrapper for a route definition. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** Which request caused an event: its id and `Idempotency-Key`, as events record them. */
export function eventRequest(c: Context<AppEnv>): { id: string; idempotencyKey: string | null } {
  return { id: c.get('requestId'), idempotencyKey: requestHeader(c, 'idempotency-key') ?? null };
}

import { z } from '@hono/zod-openapi';
import { ListQuerySchema } from '@lendwire/contract';

/**
 * Path id parameter. Any string up to 64 characters is accepted: an id that does not exist (or
 * belongs to another account) is a 404, never a hint about why.
 */
export function idParam(example: string) {
  return z.object({
    id: z
      .string()
      .min(1)
      .max(64)
      .openapi({ param: { name: 'id', in: 'path' }, example }),
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

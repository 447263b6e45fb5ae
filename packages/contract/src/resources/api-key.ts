import { z } from 'zod';
import { idSchema } from '../ids.js';
import { ScopeSchema } from '../scopes.js';
import { MetadataSchema } from './account.js';

/** A per-key rate limit that overrides the account's tier. */
export const RateLimitOverrideSchema = z
  .object({
    requests: z.number().int().min(1).max(1_000_000),
    windowSeconds: z.number().int().min(1).max(86_400),
  })
  .strict()
  .meta({ id: 'RateLimitOverride', description: 'Allow `requests` cost units per `windowSeconds`' });
/** A per-key rate limit override. */
export type RateLimitOverride = z.infer<typeof RateLimitOverrideSchema>;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True when `value` is an IPv4 or IPv6 address or CIDR block. */
export function isCidr(value: string): boolean {
  const [addr, bits, ...rest] = value.split('/');
  if (rest.length > 0 || addr === undefined) return false;
  const v4 = IPV4.test(addr);
  const v6 = !v4 && isIpv6(addr);
  if (!v4 && !v6) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (v4 ? 32 : 128);
}

function isIpv6(addr: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(addr) || addr.length < 2) return false;
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  let count = 0;
  const all = [...head, ...tail];
  // A dotted IPv4 tail (`::ffff:1.2.3.4`) may only end the address, never precede `::`.
  const dottedTail = halves.length === 1 || tail.length > 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i] as string;
    if (dottedTail && i === all.length - 1 && g.includes('.')) {
      if (!IPV4.test(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** An IP allowlist entry: an IPv4/IPv6 address or CIDR block. */
export const CidrSchema = z
  .string()
  .refine(isCidr, { message: 'must be an IPv4 or IPv6 address or CIDR block, e.g. 203.0.113.0/24' });

/** Key status as seen now: `expired` once `expiresAt` has passed. */
export const ApiKeyStatusSchema = z.enum(['active', 'expired', 'revoked']);
/** Key status. */
export type ApiKeyStatus = z.infer<typeof ApiKeyStatusSchema>;

/** An API key. The secret itself is only in {@link ApiKeyWithSecret}, returned once. */
export const ApiKeySchema = z
  .object({
    id: idSchema('apiKey'),
    object: z.literal('api_key'),
    account: idSchema('account'),
    name: z.string(),
    start: z
      .string()
      .meta({ description: 'First characters of the current secret, for display', example: 'lw_test_AbCd' }),
    scopes: z.array(ScopeSchema),
    status: ApiKeyStatusSchema,
    expiresAt: z.string().nullable(),
    ipAllowlist: z.array(z.string()).nullable(),
    rateLimit: RateLimitOverrideSchema.nullable(),
    lastUsedAt: z.string().nullable(),
    rotatedAt: z.string().nullable(),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .meta({ description: 'When the secret replaced by the last rotation stops working' }),
    revokedAt: z.string().nullable(),
    metadata: MetadataSchema,
    livemode: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'ApiKey' });
/** An API key (without its secret). */
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** An API key with its secret, returned only by create and rotate. Store the secret: it is shown once. */
export const ApiKeyWithSecretSchema = ApiKeySchema.extend({
  secret: z.string().meta({ description: 'The key itself. Shown once; Lendwire keeps only its SHA-256.' }),
}).meta({ id: 'ApiKeyWithSecret' });
/** An API key with its secret (create and rotate responses only). */
export type ApiKeyWithSecret = z.infer<typeof ApiKeyWithSecretSchema>;

/** Body of `POST /v1/api-keys`. */
export const ApiKeyCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    scopes: z.array(ScopeSchema).min(1).max(32),
    expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'ISO 8601; must be in the future' }),
    ipAllowlist: z.array(CidrSchema).min(1).max(100).optional(),
    rateLimit: RateLimitOverrideSchema.optional(),
    metadata: MetadataSchema.default({}),
  })
  .strict()
  .meta({ id: 'ApiKeyCreate' });
/** Parameters of `POST /v1/api-keys`. */
export type ApiKeyCreateParams = z.input<typeof ApiKeyCreateSchema>;

/** Body of `POST /v1/api-keys/{id}/rotate`. */
export const ApiKeyRotateSchema = z
  .object({
    gracePeriodSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(0)
      .meta({ description: 'How long the old secret keeps working, 0-2592000 seconds' }),
  })
  .strict()
  .meta({ id: 'ApiKeyRotate' });
/** Parameters of `POST /v1/api-keys/{id}/rotate`. */
export type ApiKeyRotateParams = z.input<typeof ApiKeyRotateSchema>;

/** Usage of one key on one UTC day. */
export const ApiKeyUsageDaySchema = z.object({
  date: z.string().meta({ example: '2026-11-21' }),
  requests: z.number().int(),
  clientErrors: z.number().int().meta({ description: '4xx responses, 429 included' }),
  serverErrors: z.number().int().meta({ description: '5xx responses' }),
  rateLimited: z.number().int().meta({ description: '429 responses' }),
});
/** Usage of one key on one UTC day. */
export type ApiKeyUsageDay = z.infer<typeof ApiKeyUsageDaySchema>;

/** Response of `GET /v1/api-keys/{id}/usage`. */
export const ApiKeyUsageSchema = z
  .object({
    object: z.literal('api_key_usage'),
    apiKey: idSchema('apiKey'),
    days: z.array(ApiKeyUsageDaySchema),
  })
  .meta({ id: 'ApiKeyUsage' });
/** Response of `GET /v1/api-keys/{id}/usage`. */
export type ApiKeyUsage = z.infer<typeof ApiKeyUsageSchema>;

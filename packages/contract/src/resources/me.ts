import { z } from 'zod';
import { ScopeSchema } from '../scopes.js';
import { AccountSchema, TierSchema } from './account.js';
import { ApiKeySchema } from './api-key.js';

/** Effective rate limit of a key. */
export const RateLimitPolicySchema = z
  .object({
    policy: z.string().meta({ description: 'Policy name as in the `RateLimit-Policy` header' }),
    requests: z.number().int(),
    windowSeconds: z.number().int(),
  })
  .meta({ id: 'RateLimitPolicy' });
/** Effective rate limit of a key. */
export type RateLimitPolicy = z.infer<typeof RateLimitPolicySchema>;

/** Response of `GET /v1/me`: who the key is and what it may do. */
export const MeSchema = z
  .object({
    object: z.literal('me'),
    account: AccountSchema,
    apiKey: ApiKeySchema,
    actingAs: z
      .string()
      .nullable()
      .meta({ description: 'The partner account set by `Lendwire-Account`, when a platform key acts for it' }),
    scopes: z.array(ScopeSchema).meta({ description: 'Effective scopes, with `*` expanded' }),
    tier: TierSchema,
    rateLimit: RateLimitPolicySchema,
    livemode: z.boolean(),
  })
  .meta({ id: 'Me' });
/** Response of `GET /v1/me`. */
export type Me = z.infer<typeof MeSchema>;

import { z } from 'zod';
import { sizeFirst } from '../bounded.js';
import { idSchema } from '../ids.js';

/** Rate-limit tiers. Each account has one; limits per tier are configured on the gateway. */
export const TierSchema = z.enum(['free', 'growth', 'scale']).meta({ description: 'Rate-limit tier' });
/** A rate-limit tier. */
export type Tier = z.infer<typeof TierSchema>;

/** Account status: a suspended account's keys get 403 `account_suspended` everywhere but `/v1/me`. */
export const AccountStatusSchema = z.enum(['active', 'suspended']);
/** Account status. */
export type AccountStatus = z.infer<typeof AccountStatusSchema>;

/** Free-form key/value pairs (up to 50 keys, keys ≤ 40 characters, values ≤ 500 characters). */
export const MetadataSchema = sizeFirst(
  z.record(z.string().min(1).max(40), z.string().max(500)),
  50,
  'metadata keys',
).meta({ description: 'Up to 50 string key/value pairs for your own use' });
/** Free-form key/value pairs. */
export type Metadata = z.infer<typeof MetadataSchema>;

/** A partner account (or the platform account) on Lendwire. */
export const AccountSchema = z
  .object({
    id: idSchema('account'),
    object: z.literal('account'),
    name: z.string(),
    contactEmail: z.string(),
    tier: TierSchema,
    status: AccountStatusSchema,
    platform: z.boolean().meta({ description: 'True for the platform account, which acts for partners' }),
    metadata: MetadataSchema,
    createdAt: z.string().meta({ description: 'ISO 8601 UTC' }),
    updatedAt: z.string(),
  })
  .meta({ id: 'Account' });
/** A partner account (or the platform account). */
export type Account = z.infer<typeof AccountSchema>;

/** Body of `POST /v1/accounts`. */
export const AccountCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    contactEmail: z.email(),
    tier: TierSchema.default('free'),
    metadata: MetadataSchema.default({}),
  })
  .strict()
  .meta({ id: 'AccountCreate' });
/** Parameters of `POST /v1/accounts`. */
export type AccountCreateParams = z.input<typeof AccountCreateSchema>;

/** Body of `PATCH /v1/accounts/{id}`. */
export const AccountUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    contactEmail: z.email().optional(),
    tier: TierSchema.optional(),
    metadata: MetadataSchema.optional(),
  })
  .strict()
  .meta({ id: 'AccountUpdate' });
/** Parameters of `PATCH /v1/accounts/{id}`. */
export type AccountUpdateParams = z.input<typeof AccountUpdateSchema>;

import { z } from 'zod';
import { idSchema } from '../ids.js';
import { MetadataSchema } from './account.js';

/** E.164 phone number, e.g. `+2348012345678`. */
export const PhoneSchema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +2348012345678');

/** A customer of a partner account: the person who borrows and repays. */
export const CustomerSchema = z
  .object({
    id: idSchema('customer'),
    object: z.literal('customer'),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    metadata: MetadataSchema,
    livemode: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Customer' });
/** A customer of a partner account. */
export type Customer = z.infer<typeof CustomerSchema>;

/** Body of `POST /v1/customers`. */
export const CustomerCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.email().optional(),
    phone: PhoneSchema.optional(),
    metadata: MetadataSchema.default({}),
  })
  .strict()
  .meta({ id: 'CustomerCreate' });
/** Parameters of `POST /v1/customers`. */
export type CustomerCreateParams = z.input<typeof CustomerCreateSchema>;

/** Body of `PATCH /v1/customers/{id}`; `null` clears `email` or `phone`. */
export const CustomerUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email().nullable().optional(),
    phone: PhoneSchema.nullable().optional(),
    metadata: MetadataSchema.optional(),
  })
  .strict()
  .meta({ id: 'CustomerUpdate' });
/** Parameters of `PATCH /v1/customers/{id}`. */
export type CustomerUpdateParams = z.input<typeof CustomerUpdateSchema>;

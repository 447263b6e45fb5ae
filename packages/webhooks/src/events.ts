/**
 * `@lendwire/webhooks/events`: verification that returns a typed, validated Lendwire event. A separate
 * entry so that the plain one (`@lendwire/webhooks`) does not pull zod and the contract's schemas.
 */
import { EventSchema, type LendwireEvent } from '@lendwire/contract';
import { bodyText, type VerifyOptions, verify, type WebhookHeaders } from './signing.js';

export type { LendwireEvent } from '@lendwire/contract';

/**
 * Verifies a webhook request (see `verify`), then parses its body as a Lendwire event, checked
 * against the contract's `EventSchema`: a union discriminated on `type`, so narrowing on `type`
 * types `data.object`.
 *
 * Throws `WebhookVerificationError` when the request is not authentic, `SyntaxError` when the body
 * is not JSON, and zod's `ZodError` when it is not an event this version of the contract knows.
 */
export async function unwrapEvent(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): Promise<LendwireEvent> {
  await verify(rawBody, headers, secret, options);
  return EventSchema.parse(JSON.parse(bodyText(rawBody)));
}

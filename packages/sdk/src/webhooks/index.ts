/**
 * `@lendwire/sdk/webhooks`: verify a webhook request from Lendwire and get its event, checked against
 * the contract's event schemas (zod). A separate entry so the core client bundle does not carry the
 * schemas; `lendwire.webhooks.unwrap` verifies the same way but does not check the schema.
 *
 * ```ts
 * import { unwrap, WebhookVerificationError } from '@lendwire/sdk/webhooks';
 *
 * const event = await unwrap(await request.text(), request.headers, process.env.LENDWIRE_WEBHOOK_SECRET!);
 * if (event.type === 'withdrawal.failed') console.log(event.data.object.failureCode);
 * ```
 */
import { EventSchema, type LendwireEvent } from '@lendwire/contract';
// The core entry, kept external by the build (tsup.config.ts): one copy of the verification code and
// of `WebhookVerificationError`, so `instanceof` holds whichever entry threw it.
import {
  type VerifyOptions,
  verify,
  type WebhookHeaderName,
  type WebhookHeaders,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from '../index.js';

export type { EventOf, EventType, LendwireEvent } from '@lendwire/contract';
export {
  type VerifyOptions,
  verify,
  type WebhookHeaderName,
  type WebhookHeaders,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
};

/**
 * Verifies a webhook request (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), then parses the body as a Lendwire event checked by the contract's
 * `EventSchema`: a union discriminated on `type`, so narrowing on `type` types `data.object`.
 *
 * - `rawBody`: the body exactly as received (`await request.text()`, or the raw bytes).
 * - `secret`: the endpoint's secret (`whsec_…`), or several during a rotation.
 * - `options.tolerance`: accepted clock difference in seconds (default 300).
 *
 * Throws `WebhookVerificationError` (with a `code`) when the request is not authentic or not fresh,
 * `SyntaxError` when the body is not JSON, and zod's `ZodError` when it is not an event this version
 * of the SDK knows.
 */
export async function unwrap(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): Promise<LendwireEvent> {
  await verify(rawBody, headers, secret, options);
  const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  return EventSchema.parse(JSON.parse(text));
}

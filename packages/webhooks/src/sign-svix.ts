/**
 * `@lendwire/webhooks/svix`: the sender-side signature made with the `svix` package's `Webhook` (the
 * reference Standard Webhooks implementation), for Node senders that prefer it. It yields the same
 * header as the portable Web Crypto `sign` of `@lendwire/webhooks` (the tests check both on the
 * same inputs); that one stays the default because it runs everywhere and needs no dependency.
 */
import { Webhook } from 'svix';
import { type SignInput, WebhookVerificationError } from './signing.js';

/** `sign` of `@lendwire/webhooks`, computed by svix: `v1,<base64>` per secret, space-separated. */
export function signWithSvix(input: SignInput): string {
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new TypeError(`webhook timestamp must be Unix seconds (a non-negative integer), got ${input.timestamp}`);
  }
  if (input.secrets.length === 0) {
    throw new WebhookVerificationError('invalid_secret', 'Invalid webhook secret: no secret given');
  }
  const at = new Date(input.timestamp * 1000);
  return input.secrets
    .map((secret) => {
      let webhook: Webhook;
      try {
        webhook = new Webhook(secret);
      } catch (error) {
        throw new WebhookVerificationError('invalid_secret', `Invalid webhook secret: ${(error as Error).message}`);
      }
      return webhook.sign(input.id, at, input.payload);
    })
    .join(' ');
}

/**
 * Standard Webhooks signing and verification (https://www.standardwebhooks.com), on Web Crypto only
 * (`crypto.subtle` HMAC-SHA256, `atob`/`btoa`, `TextEncoder`): no `node:` import, so it runs on Node
 * 22+, Cloudflare Workers (workerd), Deno, Bun and browsers.
 *
 * A message is signed over `${webhook-id}.${webhook-timestamp}.${body}` with each endpoint secret
 * (`whsec_` + base64 of the key bytes); the `webhook-signature` header holds one `v1,<base64>` per
 * secret, space-separated, so during a secret rotation the receiver verifies with either the old or
 * the new secret.
 */

/** Why {@link verify} rejected a request. */
export type WebhookVerificationErrorCode =
  | 'missing_header'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_signature'
  | 'invalid_secret';

/** The three Standard Webhooks headers. */
export type WebhookHeaderName = 'webhook-id' | 'webhook-timestamp' | 'webhook-signature';

/** Thrown by {@link verify} (and `unwrap`); `code` says what failed, `header` which header was missing. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly code: WebhookVerificationErrorCode;
  /** The missing header, for `missing_header`. */
  readonly header: WebhookHeaderName | undefined;

  constructor(code: WebhookVerificationErrorCode, message: string, header?: WebhookHeaderName) {
    super(message);
    this.code = code;
    this.header = header;
  }
}

/** Request headers as a `Headers` object (fetch, Hono, workerd) or a plain object (Node's `req.headers`, Express). */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Options of {@link verify} and `unwrap`. */
export interface VerifyOptions {
  /** How far, in seconds, `webhook-timestamp` may be from now, either way (default 300). */
  tolerance?: number;
  /** The current time: a `Date` or Unix seconds (default the clock). For tests. */
  now?: Date | number;
}

/** Input of {@link sign} and {@link signatureHeaders}. */
export interface SignInput {
  /** The message id, sent as `webhook-id` (the same on every retry of the message). */
  id: string;
  /** Unix time in seconds, sent as `webhook-timestamp`. */
  timestamp: number;
  /** The exact body that is sent. */
  payload: string;
  /** The endpoint's secrets (`whsec_…`): one, or the old and the new one during a rotation. */
  secrets: readonly string[];
}

/** The headers a signed request carries (a type alias, so it passes where a header record is expected). */
export type SignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

const SECRET_PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SECONDS = 300;
const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Standard base64 (padding optional) to bytes; `undefined` when it is not base64. */
function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  try {
    const binary = atob(text);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

/** The HMAC key of a secret, with or without its `whsec_` prefix. */
/** Imported keys by secret, so a sender signing many messages with one secret imports it once. */
const keyCache = new Map<string, CryptoKey>();
const KEY_CACHE_SIZE = 256;

async function importSecret(secret: string): Promise<CryptoKey> {
  const cached = typeof secret === 'string' ? keyCache.get(secret) : undefined;
  if (cached) return cached;
  const key = await importSecretUncached(secret);
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(secret, key);
  return key;
}

async function importSecretUncached(secret: string): Promise<CryptoKey> {
  if (typeof secret !== 'string') {
    throw new WebhookVerificationError('invalid_secret', 'Invalid webhook secret: expected a string like whsec_…');
  }
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = fromBase64(encoded);
  if (!key || key.length === 0) {
    throw new WebhookVerificationError(
      'invalid_secret',
      'Invalid webhook secret: expected `whsec_` followed by base64 key bytes (copy it from the endpoint)',
    );
  }
  return crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
}

function secretList(secret: string | readonly string[]): readonly string[] {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new WebhookVerificationError('invalid_secret', 'Invalid webhook secret: no secret given');
  }
  return secrets;
}

/** The signed content `${id}.${timestamp}.` followed by the body's exact bytes. */
function signedContent(id: string, timestamp: string, payload: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const content = new Uint8Array(prefix.length + body.length);
  content.set(prefix, 0);
  content.set(body, prefix.length);
  return content;
}

async function hmac(key: CryptoKey, content: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, content));
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError(`webhook timestamp must be Unix seconds (a non-negative integer), got ${timestamp}`);
  }
}

/**
 * The `webhook-signature` header value: `v1,<base64 HMAC-SHA256>` for each secret, space-separated
 * (old and new during a rotation's grace period).
 */
export async function sign(input: SignInput): Promise<string> {
  checkTimestamp(input.timestamp);
  const content = signedContent(input.id, String(input.timestamp), input.payload);
  const signatures: string[] = [];
  for (const secret of secretList(input.secrets)) {
    signatures.push(`v1,${toBase64(await hmac(await importSecret(secret), content))}`);
  }
  return signatures.join(' ');
}

/** The three headers of a signed request: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
export async function signatureHeaders(input: SignInput): Promise<SignatureHeaders> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': await sign(input),
  };
}

/** A header's value, whatever the case of its name; several values (an array) are joined by a space. */
function header(headers: WebhookHeaders, name: WebhookHeaderName): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  return values.length === 0 ? undefined : values.join(' ');
}

function requireHeader(headers: WebhookHeaders, name: WebhookHeaderName): string {
  const value = header(headers, name)?.trim();
  if (!value) throw new WebhookVerificationError('missing_header', `Missing the ${name} header`, name);
  return value;
}

function nowSeconds(now: Date | number | undefined): number {
  if (now === undefined) return Math.floor(Date.now() / 1000);
  return typeof now === 'number' ? Math.floor(now) : Math.floor(now.getTime() / 1000);
}

/** Compares two byte strings in time that depends on their length only. */
function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * Verifies a Standard Webhooks request; resolves when it is authentic and fresh, else throws a
 * {@link WebhookVerificationError}.
 *
 * - `rawBody`: the body exactly as received (not re-serialized JSON).
 * - `headers`: header names are case-insensitive.
 * - `secret`: the endpoint secret (`whsec_…`, prefix optional), or several: any may match.
 *
 * The signature header may hold several space-separated signatures: the request is authentic when
 * one `v1,` signature matches (other versions are ignored). The timestamp must be within `tolerance`
 * seconds of now, either way.
 */
export async function verify(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): Promise<void> {
  const keys = await Promise.all(secretList(secret).map(importSecret));
  const id = requireHeader(headers, 'webhook-id');
  const timestampHeader = requireHeader(headers, 'webhook-timestamp');
  const signatureHeader = requireHeader(headers, 'webhook-signature');

  if (!/^\d{1,15}$/.test(timestampHeader)) {
    throw new WebhookVerificationError(
      'invalid_timestamp',
      `Invalid webhook-timestamp header ${JSON.stringify(timestampHeader.slice(0, 40))}: expected Unix seconds`,
    );
  }
  const timestamp = Number(timestampHeader);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE_SECONDS;
  if (!(tolerance >= 0)) throw new TypeError(`tolerance must be a non-negative number of seconds, got ${tolerance}`);
  const now = nowSeconds(options.now);
  if (now - timestamp > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `Webhook timestamp too old: ${now - timestamp} s before now, tolerance ${tolerance} s (a replay, or a clock out of sync)`,
    );
  }
  if (timestamp - now > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_new',
      `Webhook timestamp too new: ${timestamp - now} s after now, tolerance ${tolerance} s (a clock out of sync)`,
    );
  }

  const candidates: Uint8Array[] = [];
  for (const entry of signatureHeader.split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    // `Headers` joins repeated headers with ", ", which leaves a trailing comma on all but the last.
    const decoded = fromBase64(entry.slice(comma + 1).replace(/,$/, ''));
    if (decoded) candidates.push(decoded);
  }
  if (candidates.length === 0) {
    throw new WebhookVerificationError(
      'invalid_signature',
      'No v1 signature in the webhook-signature header (expected space-separated `v1,<base64>` entries)',
    );
  }
  const content = signedContent(id, timestampHeader, rawBody);
  for (const key of keys) {
    const expected = await hmac(key, content);
    for (const candidate of candidates) {
      if (timingSafeEqual(candidate, expected)) return;
    }
  }
  throw new WebhookVerificationError(
    'invalid_signature',
    `No matching signature: none of the ${candidates.length} v1 signature(s) matches the body, webhook-id and webhook-timestamp with the given secret${keys.length > 1 ? 's' : ''} (a wrong secret, or a body changed after signing)`,
  );
}

/** The body as text (UTF-8). */
export function bodyText(rawBody: string | Uint8Array): string {
  return typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
}

/**
 * {@link verify}, then `JSON.parse` of the body. Throws {@link WebhookVerificationError} when the
 * request is not authentic, and `SyntaxError` when an authentic body is not JSON. `T` is not checked:
 * use `unwrapEvent` from `@lendwire/webhooks/events` for a validated Lendwire event.
 */
export async function unwrap<T = unknown>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): Promise<T> {
  await verify(rawBody, headers, secret, options);
  return JSON.parse(bodyText(rawBody)) as T;
}

/**
 * Authenticated encryption (AES-256-GCM, Web Crypto) of stored responses that contain a secret.
 * The key is derived from the caller's API key, which the server never stores: someone reading the
 * database cannot recover a replayable secret, while a retry with the same API key can.
 */

const PREFIX = 'sealed:v1:';
const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

async function deriveKey(secret: string, context: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('lendwire-idempotency-v1'), info: encoder.encode(context) },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** True when a stored body was sealed. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** Encrypts `plaintext` under a key derived from `secret` and `context` (e.g. the idempotency key). */
export async function seal(plaintext: string, secret: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(secret, context);
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(plaintext)));
  return `${PREFIX}${toBase64(iv)}:${toBase64(cipher)}`;
}

/** Decrypts a sealed body; null when `secret` or `context` is not the one it was sealed with. */
export async function unseal(stored: string, secret: string, context: string): Promise<string | null> {
  const [ivText, cipherText] = stored.slice(PREFIX.length).split(':');
  if (!ivText || !cipherText) return null;
  try {
    const key = await deriveKey(secret, context);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(ivText) }, key, fromBase64(cipherText));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}

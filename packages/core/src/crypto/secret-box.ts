/**
 * AES-256-GCM encryption of small secrets at rest (bank account numbers), with Web Crypto only so
 * it runs wherever the services do. A value is stored as `v1.<iv base64url>.<ciphertext+tag base64url>`;
 * the key comes from `LENDWIRE_ENCRYPTION_KEY` (32 bytes, base64 or hex). A keyed hash (HMAC-SHA256
 * under a key derived from the same secret) finds equal values without decrypting them.
 */
export interface SecretBox {
  encrypt(plain: string): Promise<string>;
  decrypt(sealed: string): Promise<string>;
  /** Keyed hash of a value (hex): equal inputs, equal hashes; useless without the key. */
  fingerprint(plain: string): Promise<string>;
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
const fromB64url = (text: string) =>
  Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));

/** Parses a 32-byte key given as 64 hex digits or base64 (url-safe or not). */
export function parseEncryptionKey(text: string): Uint8Array {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(t)
    ? Uint8Array.from(t.match(/../g) as string[], (h) => Number.parseInt(h, 16))
    : (() => {
        try {
          return fromB64url(t.replace(/=+$/, ''));
        } catch {
          return new Uint8Array();
        }
      })();
  if (bytes.length !== 32) {
    throw new Error(
      'LENDWIRE_ENCRYPTION_KEY must be 32 bytes, as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)',
    );
  }
  return bytes;
}

/** A new random key, base64. */
export function generateEncryptionKey(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** A {@link SecretBox} over a 32-byte key. */
export function createSecretBox(keyBytes: Uint8Array): SecretBox {
  const aes = crypto.subtle.importKey('raw', keyBytes as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);
  const mac = (async () => {
    const derived = new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`lendwire-fingerprint:${b64url(keyBytes)}`)),
    );
    return crypto.subtle.importKey('raw', derived as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  })();
  return {
    async encrypt(plain) {
      const iv = new Uint8Array(12);
      crypto.getRandomValues(iv);
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aes, new TextEncoder().encode(plain));
      return `v1.${b64url(iv)}.${b64url(new Uint8Array(sealed))}`;
    },
    async decrypt(sealed) {
      const [version, iv, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !body) throw new Error('Not a sealed value');
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromB64url(iv) as BufferSource },
        await aes,
        fromB64url(body) as BufferSource,
      );
      return new TextDecoder().decode(plain);
    },
    async fingerprint(plain) {
      const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await mac, new TextEncoder().encode(plain)));
      return Array.from(sig, (b) => b.toString(16).padStart(2, '0')).join('');
    },
  };
}

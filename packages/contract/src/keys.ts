/**
 * API key format (DESIGN §3): `lw_test_` or `lw_live_`, 30 random base62 characters, then the CRC32 of
 * everything before it as 6 base62 characters (0-9A-Za-z, left-padded with `0`). The checksum lets
 * servers, secret scanners and SDKs reject a mistyped or truncated key without a lookup.
 */

/** The base62 alphabet used by keys: digits, upper case, lower case. */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Length of the random part of a key. */
export const KEY_RANDOM_LENGTH = 30;
/** Length of the checksum part of a key. */
export const KEY_CHECKSUM_LENGTH = 6;
/** Total length of a key: prefix (8) + random (30) + checksum (6). */
export const KEY_LENGTH = 8 + KEY_RANDOM_LENGTH + KEY_CHECKSUM_LENGTH;

/** Whether a key acts on live or test data. */
export type KeyMode = 'test' | 'live';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3) of the UTF-8 bytes of an ASCII string, as an unsigned integer. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Encodes a non-negative integer in base62, left-padded with `0` to `width` characters. */
export function toBase62(value: number, width: number): string {
  let out = '';
  let v = value;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/** The 6-character checksum of a key body (prefix + random part). */
export function keyChecksum(body: string): string {
  return toBase62(crc32(body), KEY_CHECKSUM_LENGTH);
}

/** Builds a key from its mode and 30-character random part, appending the checksum. */
export function formatApiKey(mode: KeyMode, random: string): string {
  const body = `lw_${mode}_${random}`;
  return body + keyChecksum(body);
}

/** Generates a fresh, well-formed API key from a cryptographically secure random source. */
export function generateApiKey(mode: KeyMode): string {
  // Rejection sampling keeps every base62 character equally likely (248 = 4 × 62).
  let random = '';
  while (random.length < KEY_RANDOM_LENGTH) {
    const bytes = new Uint8Array(KEY_RANDOM_LENGTH * 2);
    crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < 248 && random.length < KEY_RANDOM_LENGTH) random += BASE62[b % 62];
    }
  }
  return formatApiKey(mode, random);
}

/** Why a string is not a well-formed key. */
export type KeyFormatError = 'prefix' | 'length' | 'charset' | 'checksum';

/** Result of {@link parseApiKey}. */
export type ParsedApiKey =
  | { ok: true; mode: KeyMode; random: string; checksum: string }
  | { ok: false; reason: KeyFormatError };

const BASE62_RE = /^[0-9A-Za-z]+$/;

/**
 * Checks a string against the key format, checksum included, without any lookup.
 * `parseApiKey('lw_test_…')` → `{ ok: true, mode: 'test', … }` or `{ ok: false, reason }`.
 */
export function parseApiKey(key: string): ParsedApiKey {
  let mode: KeyMode;
  if (key.startsWith('lw_test_')) mode = 'test';
  else if (key.startsWith('lw_live_')) mode = 'live';
  else return { ok: false, reason: 'prefix' };
  if (key.length !== KEY_LENGTH) return { ok: false, reason: 'length' };
  const random = key.slice(8, 8 + KEY_RANDOM_LENGTH);
  const checksum = key.slice(8 + KEY_RANDOM_LENGTH);
  if (!BASE62_RE.test(random) || !BASE62_RE.test(checksum)) return { ok: false, reason: 'charset' };
  if (keyChecksum(key.slice(0, 8 + KEY_RANDOM_LENGTH)) !== checksum) return { ok: false, reason: 'checksum' };
  return { ok: true, mode, random, checksum };
}

/** The display prefix of a key kept for humans (`lw_test_AbCd`), never enough to use it. */
export function keyStart(key: string): string {
  return key.slice(0, 12);
}

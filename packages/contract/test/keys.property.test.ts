import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BASE62,
  crc32,
  formatApiKey,
  generateApiKey,
  KEY_CHECKSUM_LENGTH,
  KEY_LENGTH,
  KEY_RANDOM_LENGTH,
  keyChecksum,
  parseApiKey,
  toBase62,
} from '../src/keys.js';

const mode = fc.constantFrom('test' as const, 'live' as const);
const base62Char = fc.constantFrom(...BASE62.split(''));
const random30 = fc.string({ unit: base62Char, minLength: KEY_RANDOM_LENGTH, maxLength: KEY_RANDOM_LENGTH });
/** A well-formed key built from arbitrary (not only cryptographically random) parts. */
const validKey = fc.tuple(mode, random30).map(([m, r]) => formatApiKey(m, r));
/** Any printable ASCII character, so replacements cover base62, punctuation and the `_` of the prefix. */
const asciiChar = fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n));

/** Decodes base62 (the inverse of toBase62), to check the encoding against an independent reading. */
function fromBase62(text: string): number {
  let v = 0;
  for (const ch of text) v = v * 62 + BASE62.indexOf(ch);
  return v;
}

describe('API key format (properties)', () => {
  it('every generated key parses, in its own mode, with the expected length', () => {
    fc.assert(
      fc.property(mode, (m) => {
        const key = generateApiKey(m);
        const parsed = parseApiKey(key);
        expect(parsed).toMatchObject({ ok: true, mode: m });
        expect(key).toHaveLength(KEY_LENGTH);
        expect(key).toMatch(/^lw_(test|live)_[0-9A-Za-z]{36}$/);
      }),
      { numRuns: 500 },
    );
  });

  it('every key formatted from any base62 body parses back to its parts', () => {
    fc.assert(
      fc.property(mode, random30, (m, r) => {
        const key = formatApiKey(m, r);
        expect(parseApiKey(key)).toEqual({ ok: true, mode: m, random: r, checksum: keyChecksum(`lw_${m}_${r}`) });
      }),
    );
  });

  it('rejects any single-character change of a valid key, without a lookup', () => {
    fc.assert(
      fc.property(validKey, fc.nat({ max: KEY_LENGTH - 1 }), asciiChar, (key, index, replacement) => {
        fc.pre(key[index] !== replacement);
        const changed = key.slice(0, index) + replacement + key.slice(index + 1);
        const parsed = parseApiKey(changed);
        expect(parsed.ok, `${changed} (position ${index}) was accepted`).toBe(false);
      }),
      { numRuns: 5_000 },
    );
  });

  it('rejects a change in the prefix for its prefix, and a base62 typo in the body for its checksum', () => {
    fc.assert(
      fc.property(validKey, fc.nat({ max: KEY_LENGTH - 1 }), base62Char, (key, index, replacement) => {
        fc.pre(key[index] !== replacement);
        const changed = key.slice(0, index) + replacement + key.slice(index + 1);
        const parsed = parseApiKey(changed);
        // Changing `test` into `live` (or back) one letter at a time never yields the other prefix.
        expect(parsed).toEqual({ ok: false, reason: index < 8 ? 'prefix' : 'checksum' });
      }),
      { numRuns: 2_000 },
    );
  });

  it('rejects two swapped adjacent characters of the body', () => {
    fc.assert(
      fc.property(validKey, fc.integer({ min: 8, max: KEY_LENGTH - 2 }), (key, i) => {
        fc.pre(key[i] !== key[i + 1]);
        const swapped = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
        expect(parseApiKey(swapped)).toEqual({ ok: false, reason: 'checksum' });
      }),
      { numRuns: 2_000 },
    );
  });

  it('rejects a truncated key for its length', () => {
    fc.assert(
      fc.property(validKey, fc.integer({ min: 8, max: KEY_LENGTH - 1 }), (key, length) => {
        expect(parseApiKey(key.slice(0, length))).toEqual({ ok: false, reason: 'length' });
      }),
    );
  });

  it('rejects a key extended by any characters for its length', () => {
    fc.assert(
      fc.property(validKey, fc.string({ minLength: 1, maxLength: 20 }), (key, extra) => {
        expect(parseApiKey(key + extra)).toEqual({ ok: false, reason: 'length' });
      }),
    );
  });

  it('rejects strings that do not start with a key prefix, whatever follows', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        fc.pre(!s.startsWith('lw_test_') && !s.startsWith('lw_live_'));
        expect(parseApiKey(s)).toEqual({ ok: false, reason: 'prefix' });
      }),
    );
  });

  it('rejects a full-length key with a non-base62 character for its charset', () => {
    fc.assert(
      fc.property(
        validKey,
        fc.integer({ min: 8, max: KEY_LENGTH - 1 }),
        asciiChar.filter((ch) => !BASE62.includes(ch)),
        (key, index, ch) => {
          const changed = key.slice(0, index) + ch + key.slice(index + 1);
          expect(parseApiKey(changed)).toEqual({ ok: false, reason: 'charset' });
        },
      ),
    );
  });
});

describe('crc32', () => {
  it('matches the standard CRC-32/ISO-HDLC check values', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
    expect(crc32('a')).toBe(0xe8b7be43);
    expect(crc32('abc')).toBe(0x352441c2);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
  });

  it('is always an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (s) => {
        const c = crc32(s);
        expect(Number.isInteger(c) && c >= 0 && c <= 0xffffffff).toBe(true);
      }),
    );
  });

  it('changes whenever one byte changes (CRC detects every single-byte error)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 1, max: 127 }),
        (s, at, delta) => {
          const i = at % s.length;
          const other = String.fromCharCode((s.charCodeAt(i) + delta) % 128);
          const changed = s.slice(0, i) + other + s.slice(i + 1);
          expect(crc32(changed)).not.toBe(crc32(s));
        },
      ),
    );
  });
});

describe('toBase62', () => {
  it('round-trips every 32-bit value at checksum width, left-padded with 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const text = toBase62(n, KEY_CHECKSUM_LENGTH);
        expect(text).toHaveLength(KEY_CHECKSUM_LENGTH);
        expect(text).toMatch(/^[0-9A-Za-z]{6}$/);
        expect(fromBase62(text)).toBe(n);
      }),
    );
  });

  it('round-trips any safe integer at any width, and never truncates', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.nat({ max: 12 }), (n, width) => {
        const text = toBase62(n, width);
        expect(text.length).toBeGreaterThanOrEqual(width);
        expect(fromBase62(text)).toBe(n);
      }),
    );
  });

  it('encodes known values', () => {
    expect(toBase62(0, 6)).toBe('000000');
    expect(toBase62(61, 1)).toBe('z');
    expect(toBase62(62, 1)).toBe('10');
    expect(toBase62(0xffffffff, 6)).toBe('4gfFC3');
  });
});

import { isIP } from 'node:net';
import { isCidr } from '@lendwire/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, ipAllowed, parseCidr, parseIp } from './cidr.js';

const v4Bytes = fc.uint8Array({ minLength: 4, maxLength: 4 });
const v6Words = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
  minLength: 8,
  maxLength: 8,
});

const v4Text = (b: Uint8Array) => [...b].join('.');
const mapped = (b: Uint8Array) => Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...b]);
const wordsToBytes = (w: number[]) => Uint8Array.from(w.flatMap((x) => [x >> 8, x & 0xff]));
const bytesToWords = (b: Uint8Array) => Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);

/** Full form: eight zero-padded groups. */
const v6Full = (w: number[]) => w.map((x) => x.toString(16).padStart(4, '0')).join(':');
/** Eight groups without leading zeros. */
const v6Short = (w: number[]) => w.map((x) => x.toString(16)).join(':');
/** RFC 5952 form: the longest run (≥ 2) of zero groups becomes `::`. */
function v6Compressed(w: number[]): string {
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  if (best.len < 2) return v6Short(w);
  const head = w.slice(0, best.at).map((x) => x.toString(16));
  const tail = w.slice(best.at + best.len).map((x) => x.toString(16));
  return `${head.join(':')}::${tail.join(':')}`;
}

/**
 * Strings over the address alphabet, built from groups, dotted quads and separators: they hit the edge
 * cases (`:::`, `1.2.3`, `01.2.3.4`, nine groups, a dotted quad before `::`) far more often than text does.
 */
const hexGroup = fc.integer({ min: 0, max: 0xfffff }).map((n) => n.toString(16));
const dotted = fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 3, maxLength: 5 }).map((p) => p.join('.'));
const nearMiss = fc.oneof(
  fc
    .array(fc.oneof(hexGroup, dotted, fc.constantFrom(':', '::', '.', '0', '00', 'ffff')), { maxLength: 12 })
    .map((t) => t.join('')),
  fc.array(fc.oneof(hexGroup, dotted, fc.constant('')), { maxLength: 10 }).map((t) => t.join(':')),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.'.split('')), maxLength: 45 }),
);

/** The address with every bit from `bits` on cleared: the network of its own /bits block. */
function networkOf(addr: Uint8Array, bits: number): Uint8Array {
  return addr.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
}
const flipBit = (addr: Uint8Array, bit: number) =>
  addr.map((byte, i) => (i === bit >> 3 ? byte ^ (0x80 >> (bit % 8)) : byte));

describe('CIDR matching (properties)', () => {
  it('an IPv4 address is in its own /32, and in 0.0.0.0/0', () => {
    fc.assert(
      fc.property(v4Bytes, (b) => {
        expect(ipAllowed([`${v4Text(b)}/32`], v4Text(b))).toBe(true);
        expect(ipAllowed([v4Text(b)], v4Text(b))).toBe(true);
        expect(ipAllowed(['0.0.0.0/0'], v4Text(b))).toBe(true);
        expect(ipAllowed(['::/0'], v4Text(b))).toBe(true);
      }),
    );
  });

  it('an IPv6 address is in its own /128, and every address is in ::/0', () => {
    fc.assert(
      fc.property(v6Words, (w) => {
        expect(ipAllowed([`${v6Compressed(w)}/128`], v6Full(w))).toBe(true);
        expect(ipAllowed([v6Full(w)], v6Compressed(w))).toBe(true);
        expect(ipAllowed(['::/0'], v6Compressed(w))).toBe(true);
      }),
    );
  });

  it('0.0.0.0/0 holds every IPv4 address but no native IPv6 address', () => {
    fc.assert(
      fc.property(v6Words, (w) => {
        const isMapped = w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff;
        expect(ipAllowed(['0.0.0.0/0'], v6Compressed(w))).toBe(isMapped);
      }),
    );
  });

  it('an IPv4 address matches the block built from its own first bits; flipping a prefix bit leaves it', () => {
    fc.assert(
      fc.property(v4Bytes, fc.integer({ min: 0, max: 32 }), fc.nat(), (b, bits, pick) => {
        const block = parseCidr(`${v4Text(networkOf(b, bits))}/${bits}`);
        expect(block).not.toBeNull();
        expect(cidrContains(block!, mapped(b))).toBe(true);
        if (bits > 0) {
          const outside = flipBit(b, pick % bits);
          expect(cidrContains(block!, mapped(outside))).toBe(false);
          expect(ipAllowed([`${v4Text(networkOf(b, bits))}/${bits}`], v4Text(outside))).toBe(false);
        }
        if (bits < 32) {
          // A bit after the prefix is free: the address stays inside.
          const inside = flipBit(b, bits + (pick % (32 - bits)));
          expect(cidrContains(block!, mapped(inside))).toBe(true);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('an IPv6 address matches the block built from its own first bits; flipping a prefix bit leaves it', () => {
    fc.assert(
      fc.property(v6Words, fc.integer({ min: 0, max: 128 }), fc.nat(), (w, bits, pick) => {
        const addr = wordsToBytes(w);
        const network = v6Compressed(bytesToWords(networkOf(addr, bits)));
        const block = parseCidr(`${network}/${bits}`);
        expect(block).not.toBeNull();
        expect(cidrContains(block!, addr)).toBe(true);
        if (bits > 0) expect(cidrContains(block!, flipBit(addr, pick % bits))).toBe(false);
        if (bits < 128) expect(cidrContains(block!, flipBit(addr, bits + (pick % (128 - bits))))).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('IPv4-mapped IPv6 addresses (as Node reports IPv4 clients) match IPv4 blocks', () => {
    fc.assert(
      fc.property(v4Bytes, fc.integer({ min: 0, max: 32 }), (b, bits) => {
        const block = `${v4Text(networkOf(b, bits))}/${bits}`;
        const hex = `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
        for (const form of [`::ffff:${v4Text(b)}`, `::FFFF:${v4Text(b)}`, `::ffff:${hex}`, `0:0:0:0:0:ffff:${hex}`]) {
          expect(ipAllowed([block], form), `${form} in ${block}`).toBe(true);
        }
        // And the other way round: a mapped block holds the plain IPv4 address.
        expect(ipAllowed([`::ffff:${v4Text(networkOf(b, bits))}/${96 + bits}`], v4Text(b))).toBe(true);
      }),
    );
  });

  it('IPv6 textual forms (full, short, compressed, upper case, dotted tail) parse to the same bytes', () => {
    fc.assert(
      fc.property(v6Words, (w) => {
        const bytes = wordsToBytes(w);
        const tailV4 = `${w
          .slice(0, 6)
          .map((x) => x.toString(16))
          .join(':')}:${v4Text(bytes.slice(12))}`;
        for (const form of [v6Full(w), v6Short(w), v6Compressed(w), v6Compressed(w).toUpperCase(), tailV4]) {
          expect(parseIp(form), form).toEqual(bytes);
        }
      }),
    );
  });

  it('parseIp never throws on arbitrary strings, and accepts only what is an address', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const parsed = parseIp(s);
        if (parsed !== null) {
          expect(parsed).toHaveLength(16);
          expect(isIP(s.trim().replace(/%.*$/, '')), s).not.toBe(0);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('parseIp agrees with node:net isIP on near-miss strings of address characters', () => {
    fc.assert(
      fc.property(nearMiss, (s) => {
        expect(parseIp(s) !== null, s).toBe(isIP(s) !== 0);
      }),
      { numRuns: 10_000 },
    );
  });

  it('the contract schema that validates allowlists accepts exactly the entries the matcher can parse', () => {
    const entry = fc
      .tuple(nearMiss, fc.option(fc.integer({ min: 0, max: 140 }).map(String)))
      .map(([a, b]) => (b === null ? a : `${a}/${b}`));
    fc.assert(
      fc.property(entry, (s) => {
        expect(isCidr(s), s).toBe(parseCidr(s) !== null);
      }),
      { numRuns: 10_000 },
    );
  });

  it('rejects garbage in allowlist entries and addresses without throwing', () => {
    for (const bad of [
      '',
      'localhost',
      '1.2.3',
      '1.2.3.4.5',
      '256.0.0.1',
      '01.2.3.4',
      '1.2.3.4/33',
      '::/129',
      ':::',
      '1::2::3',
      '1.2.3.4::',
      'g::1',
      '1.2.3.4/',
      '1.2.3.4/-1',
      '1.2.3.4/08x',
    ]) {
      expect(() => ipAllowed([bad], '1.2.3.4')).not.toThrow();
      expect(ipAllowed([bad], '1.2.3.4'), bad).toBe(false);
    }
    expect(parseIp('1.2.3.4::')).toBeNull();
    expect(parseIp('1.2.3.4::5')).toBeNull();
    expect(ipAllowed(['0.0.0.0/0'], 'not-an-ip')).toBe(false);
  });
});

/**
 * IP allowlist matching for IPv4 and IPv6, with CIDR blocks. Addresses are parsed into 16 bytes
 * (IPv4 as IPv4-mapped IPv6) so one prefix comparison serves both families.
 */

function parseV4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** Parses an IPv4 or IPv6 address into 16 bytes, or null when it is not one. Zone ids are ignored. */
export function parseIp(input: string): Uint8Array | null {
  const s = input.trim().replace(/%.*$/, '');
  const v4 = parseV4(s);
  if (v4) return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]);
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  // A dotted IPv4 tail (`::ffff:1.2.3.4`) may only end the address, never precede `::`.
  const words = (part: string, last: boolean): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] as string;
      if (last && i === groups.length - 1 && g.includes('.')) {
        const tail = parseV4(g);
        if (!tail) return null;
        out.push(((tail[0] as number) << 8) | (tail[1] as number), ((tail[2] as number) << 8) | (tail[3] as number));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(Number.parseInt(g, 16));
      else return null;
    }
    return out;
  };
  const head = words(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? words(halves[1] as string, true) : [];
  if (!head || !tail) return null;
  let all: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return null;
    all = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return null;
    all = head;
  }
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 0xff;
  });
  return bytes;
}

/** A parsed CIDR block: network bytes and prefix length in bits (over 128). */
export interface Cidr {
  network: Uint8Array;
  bits: number;
}

/** Parses `203.0.113.0/24`, `2001:db8::/32` or a single address; null when malformed. */
export function parseCidr(input: string): Cidr | null {
  const [addr, bitsText, ...rest] = input.trim().split('/');
  if (rest.length > 0 || addr === undefined) return null;
  const network = parseIp(addr);
  if (!network) return null;
  const v4 = parseV4(addr.trim()) !== null;
  const max = v4 ? 32 : 128;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return null;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (bits > max) return null;
  return { network, bits: v4 ? bits + 96 : bits };
}

/** True when the address lies in the block. */
export function cidrContains(cidr: Cidr, ip: Uint8Array): boolean {
  let bits = cidr.bits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((cidr.network[i] as number) & mask) !== ((ip[i] as number) & mask)) return false;
  }
  return true;
}

/**
 * True when `ip` matches any entry of the allowlist. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`,
 * as Node reports IPv4 clients on dual-stack sockets) match IPv4 entries.
 */
export function ipAllowed(allowlist: readonly string[], ip: string): boolean {
  const addr = parseIp(ip);
  if (!addr) return false;
  for (const entry of allowlist) {
    const cidr = parseCidr(entry);
    if (cidr && cidrContains(cidr, addr)) return true;
  }
  return false;
}

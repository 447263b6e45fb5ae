import ipaddr from 'ipaddr.js';

/**
 * The SSRF guard of webhook endpoints (DESIGN §5): a delivery may only go to a public unicast
 * address. Loopback, private (RFC 1918), link-local (169.254.0.0/16, the cloud metadata address
 * included, and fe80::/10), CGNAT (100.64.0.0/10), unique-local (fc00::/7), unspecified, multicast,
 * broadcast and reserved ranges are refused, and so is an IPv6 address that wraps an IPv4 one
 * (`::ffff:10.0.0.1`) unless the IPv4 address is public. Pure: the DNS lookup is the caller's.
 */
export function addressRefusal(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, ''));
  } catch {
    return `${address} is not an IP address`;
  }
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === 'unicast') return null;
  const names: Record<string, string> = {
    loopback: 'a loopback address',
    private: 'a private address',
    linkLocal: 'a link-local address',
    carrierGradeNat: 'a carrier-grade NAT address',
    uniqueLocal: 'a unique-local address',
    unspecified: 'the unspecified address',
    multicast: 'a multicast address',
    broadcast: 'the broadcast address',
  };
  return `${address} is ${names[range] ?? `in a reserved range (${range})`}`;
}

/** Resolves a host name to its addresses (the Node entry passes `node:dns`). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/** Options of the guard: where to resolve names, and the local-development escape hatch. */
export interface SsrfOptions {
  /** `LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true`: allow every address (local development only). */
  allowPrivateNetworks: boolean;
  /** Without it, only literal IP hosts are checked here; delivery re-checks every connection. */
  resolveHost?: ResolveHost | undefined;
}

/**
 * Why a webhook URL may not be used, or null when it may: not http(s), or a host that is (or resolves
 * to) an address {@link addressRefusal} refuses. Every address of a name must be public.
 */
export async function urlRefusal(url: string, options: SsrfOptions): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the URL is not valid';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'the URL must use http or https';
  if (options.allowPrivateNetworks) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) return addressRefusal(host);
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback name`;
  if (!options.resolveHost) return null;
  let addresses: string[];
  try {
    addresses = await options.resolveHost(host);
  } catch {
    return `${host} does not resolve`;
  }
  if (addresses.length === 0) return `${host} does not resolve`;
  for (const address of addresses) {
    const refusal = addressRefusal(address);
    if (refusal) return `${host} resolves to ${refusal.replace(`${address} is `, `${address}, `)}`;
  }
  return null;
}

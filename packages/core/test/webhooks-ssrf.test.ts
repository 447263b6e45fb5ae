import { describe, expect, it } from 'vitest';
import { addressRefusal, type ResolveHost, urlRefusal } from '../src/index.js';

// The SSRF guard of webhook endpoints (DESIGN §5), pure: every refused range, the public addresses
// that must pass, and URL checks with a fake resolver standing in for DNS.

/** Address → the words its refusal must contain. */
const REFUSED: ReadonlyArray<readonly [string, string]> = [
  // Loopback: 127.0.0.0/8 and ::1.
  ['127.0.0.1', 'loopback'],
  ['127.0.0.53', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  // RFC 1918: 10/8, 172.16/12, 192.168/16, at both ends of each.
  ['10.0.0.0', 'private'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.0', 'private'],
  ['172.20.10.5', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.0.1', 'private'],
  ['192.168.255.255', 'private'],
  // Link-local: 169.254/16 (the cloud metadata address included) and fe80::/10.
  ['169.254.169.254', 'link-local'],
  ['169.254.0.1', 'link-local'],
  ['169.254.255.255', 'link-local'],
  ['fe80::1', 'link-local'],
  ['fe80::a00:27ff:fe4e:66a1', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  // CGNAT: 100.64.0.0/10.
  ['100.64.0.0', 'carrier-grade NAT'],
  ['100.100.100.200', 'carrier-grade NAT'],
  ['100.127.255.255', 'carrier-grade NAT'],
  // Unique local: fc00::/7.
  ['fc00::1', 'unique-local'],
  ['fd00:ec2::254', 'unique-local'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique-local'],
  // Unspecified.
  ['0.0.0.0', 'unspecified'],
  ['::', 'unspecified'],
  // Multicast and broadcast.
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['ff05::1:3', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  // IPv4-mapped IPv6 of refused IPv4 addresses, dotted and hex forms.
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:a00:1', 'private'],
  ['::ffff:172.16.0.1', 'private'],
  ['::ffff:192.168.1.1', 'private'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:100.64.0.1', 'carrier-grade NAT'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['[::ffff:192.168.0.10]', 'private'],
  // Reserved: documentation, benchmarking, class E, IETF protocol assignments.
  ['192.0.2.1', 'reserved'],
  ['198.51.100.7', 'reserved'],
  ['203.0.113.9', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['2001:db8::1', 'reserved'],
];

/** Public unicast addresses: allowed. */
const ALLOWED = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.216.34',
  '9.255.255.255', // just below 10/8
  '11.0.0.0', // just above 10/8
  '172.15.255.255', // just below 172.16/12
  '172.32.0.0', // just above 172.16/12
  '192.167.255.255',
  '192.169.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '100.63.255.255', // just below 100.64/10
  '100.128.0.0', // just above 100.64/10
  '126.255.255.255',
  '128.0.0.1',
  '223.255.255.254',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '2a00:1450:4001:80b::200e',
  '[2606:4700:4700::1111]',
  '::ffff:8.8.8.8',
  '::ffff:93.184.216.34',
];

describe('addressRefusal: every refused range', () => {
  it.each(REFUSED)('refuses %s (%s)', (address, words) => {
    const refusal = addressRefusal(address);
    expect(refusal).not.toBeNull();
    expect(refusal).toContain(words);
    expect(refusal).toContain(address);
  });

  it.each(ALLOWED)('allows the public address %s', (address) => {
    expect(addressRefusal(address)).toBeNull();
  });

  it.each(['example.com', '', '256.0.0.1', 'fe80::1::2', 'localhost'])(
    'refuses %j, which is not an IP address',
    (value) => {
      expect(addressRefusal(value)).toMatch(/is not an IP address$/);
    },
  );

  it('refuses the loopback and private ranges in the octal and hexadecimal spellings as well', () => {
    expect(addressRefusal('0177.0.0.1')).toContain('loopback');
    expect(addressRefusal('0x7f.0.0.1')).toContain('loopback');
    expect(addressRefusal('0x0a.0.0.1')).toContain('private');
    expect(addressRefusal('2130706433')).toContain('loopback');
  });
});

/** A resolver answering from a table; names not in it fail like NXDOMAIN. */
function fakeResolver(table: Record<string, string[]>): ResolveHost & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses;
  };
  return Object.assign(resolve, { asked });
}

const dns = fakeResolver({
  'hooks.partner.example': ['93.184.216.34'],
  'dual.partner.example': ['93.184.216.34', '2606:4700:4700::1111'],
  'internal.partner.example': ['10.1.2.3'],
  'metadata.partner.example': ['169.254.169.254'],
  'rebind.partner.example': ['93.184.216.34', '127.0.0.1'],
  'mixed6.partner.example': ['2606:4700:4700::1111', 'fd12:3456::1'],
  'mapped.partner.example': ['::ffff:192.168.1.20'],
  'cgnat.partner.example': ['100.64.12.1'],
  'empty.partner.example': [],
});
const guarded = { allowPrivateNetworks: false, resolveHost: dns };

describe('urlRefusal with a resolver', () => {
  it('allows a name whose every address is public', async () => {
    expect(await urlRefusal('https://hooks.partner.example/lendwire', guarded)).toBeNull();
    expect(await urlRefusal('http://dual.partner.example:8080/x?y=1', guarded)).toBeNull();
    expect(dns.asked).toContain('hooks.partner.example');
  });

  it.each([
    ['https://internal.partner.example/hooks', /internal\.partner\.example resolves to 10\.1\.2\.3, a private address/],
    ['https://metadata.partner.example/', /169\.254\.169\.254, a link-local address/],
    ['https://mapped.partner.example/', /::ffff:192\.168\.1\.20, a private address/],
    ['https://cgnat.partner.example/', /100\.64\.12\.1, a carrier-grade NAT address/],
  ])('refuses %s, a name resolving to a private address', async (url, message) => {
    expect(await urlRefusal(url, guarded)).toMatch(message);
  });

  it('refuses a name when any one of its addresses is private', async () => {
    expect(await urlRefusal('https://rebind.partner.example/', guarded)).toMatch(
      /rebind\.partner\.example resolves to 127\.0\.0\.1, a loopback address/,
    );
    expect(await urlRefusal('https://mixed6.partner.example/', guarded)).toMatch(
      /fd12:3456::1, a unique-local address/,
    );
  });

  it('refuses a name that does not resolve, or resolves to nothing', async () => {
    expect(await urlRefusal('https://nowhere.partner.example/', guarded)).toBe(
      'nowhere.partner.example does not resolve',
    );
    expect(await urlRefusal('https://empty.partner.example/', guarded)).toBe('empty.partner.example does not resolve');
  });

  it('refuses localhost and *.localhost without asking DNS', async () => {
    const before = dns.asked.length;
    for (const url of ['http://localhost:3000/hooks', 'https://LOCALHOST/', 'http://api.localhost/hooks']) {
      expect(await urlRefusal(url, guarded)).toMatch(/is a loopback name$/);
    }
    expect(dns.asked.length).toBe(before);
  });

  it.each([
    ['http://127.0.0.1:8080/hooks', 'loopback'],
    ['http://[::1]/hooks', 'loopback'],
    ['http://10.0.0.8/hooks', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[fd00::1]/', 'unique-local'],
    ['http://0.0.0.0:80/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    // The URL parser turns these spellings into 127.0.0.1 before the guard sees them.
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
  ])('refuses the literal address in %s without asking DNS', async (url, words) => {
    const before = dns.asked.length;
    expect(await urlRefusal(url, guarded)).toContain(words);
    expect(dns.asked.length).toBe(before);
  });

  it('allows a literal public address', async () => {
    expect(await urlRefusal('https://93.184.216.34/hooks', guarded)).toBeNull();
    expect(await urlRefusal('https://[2606:4700:4700::1111]/hooks', guarded)).toBeNull();
  });

  it.each([
    'ftp://hooks.partner.example/',
    'file:///etc/passwd',
    'gopher://hooks.partner.example/',
    'ws://hooks.partner.example/',
    'javascript:alert(1)',
    'data:text/plain,hi',
  ])('refuses %s: http and https only', async (url) => {
    expect(await urlRefusal(url, guarded)).toBe('the URL must use http or https');
    expect(await urlRefusal(url, { allowPrivateNetworks: true })).toBe('the URL must use http or https');
  });

  it('refuses what is not a URL', async () => {
    expect(await urlRefusal('not a url', guarded)).toBe('the URL is not valid');
    expect(await urlRefusal('//hooks.partner.example/', guarded)).toBe('the URL is not valid');
  });

  it('with allowPrivateNetworks lets every http(s) host through, without asking DNS', async () => {
    const open = fakeResolver({});
    for (const url of [
      'http://127.0.0.1:8080/hooks',
      'http://localhost:3000/',
      'http://[::1]/',
      'http://169.254.169.254/',
      'https://internal.partner.example/',
      'https://nowhere.partner.example/',
    ]) {
      expect(await urlRefusal(url, { allowPrivateNetworks: true, resolveHost: open })).toBeNull();
    }
    expect(open.asked).toEqual([]);
  });

  it('without a resolver checks literal addresses only (delivery re-checks the connected address)', async () => {
    expect(await urlRefusal('https://internal.partner.example/', { allowPrivateNetworks: false })).toBeNull();
    expect(await urlRefusal('http://10.0.0.1/', { allowPrivateNetworks: false })).toContain('private');
    expect(await urlRefusal('http://localhost/', { allowPrivateNetworks: false })).toMatch(/loopback name/);
  });
});

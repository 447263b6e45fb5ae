import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Accounts,
  ApiKeys,
  BankAccounts,
  Customers,
  Events,
  InvalidArgumentError,
  type Lendwire,
  LendwireError,
  Wallets,
  Withdrawals,
} from '../src/index.js';
import { API_KEY, BASE_URL, mockClient, useMockApi } from './support/msw.js';

const server = useMockApi();

/** Every request msw sees, whether a handler answers it or not. */
let seen: Request[] = [];
const record = ({ request }: { request: Request }) => {
  seen.push(request);
};

beforeEach(() => {
  seen = [];
  server.events.on('request:start', record);
  // Answer everything, so a request that slips through makes the call resolve rather than fail for
  // another reason: only a refusal before sending makes it reject.
  server.use(http.all(`${BASE_URL}/*`, () => HttpResponse.json({})));
});

afterEach(() => {
  server.events.removeListener('request:start', record);
});

type Call = (client: Lendwire, id: string) => Promise<unknown>;

/** Every resource method that puts an id into the path: name, example prefix, method, path. */
const methods: [name: string, prefix: string, method: string, path: string, call: Call][] = [
  ['apiKeys.retrieve', 'key', 'GET', '/v1/api-keys/{id}', (c, id) => c.apiKeys.retrieve(id)],
  ['apiKeys.rotate', 'key', 'POST', '/v1/api-keys/{id}/rotate', (c, id) => c.apiKeys.rotate(id)],
  ['apiKeys.revoke', 'key', 'POST', '/v1/api-keys/{id}/revoke', (c, id) => c.apiKeys.revoke(id)],
  ['apiKeys.usage', 'key', 'GET', '/v1/api-keys/{id}/usage', (c, id) => c.apiKeys.usage(id)],
  ['accounts.retrieve', 'acct', 'GET', '/v1/accounts/{id}', (c, id) => c.accounts.retrieve(id)],
  ['accounts.update', 'acct', 'PATCH', '/v1/accounts/{id}', (c, id) => c.accounts.update(id, { name: 'Acme' })],
  ['accounts.suspend', 'acct', 'POST', '/v1/accounts/{id}/suspend', (c, id) => c.accounts.suspend(id)],
  ['accounts.unsuspend', 'acct', 'POST', '/v1/accounts/{id}/unsuspend', (c, id) => c.accounts.unsuspend(id)],
  ['customers.retrieve', 'cus', 'GET', '/v1/customers/{id}', (c, id) => c.customers.retrieve(id)],
  ['customers.update', 'cus', 'PATCH', '/v1/customers/{id}', (c, id) => c.customers.update(id, { name: 'Ada' })],
  ['wallets.retrieve', 'wal', 'GET', '/v1/wallets/{id}', (c, id) => c.wallets.retrieve(id)],
  [
    'wallets.listTransactions',
    'wal',
    'GET',
    '/v1/wallets/{id}/transactions',
    (c, id) => c.wallets.listTransactions(id),
  ],
  ['bankAccounts.retrieve', 'ba', 'GET', '/v1/bank-accounts/{id}', (c, id) => c.bankAccounts.retrieve(id)],
  ['bankAccounts.del', 'ba', 'DELETE', '/v1/bank-accounts/{id}', (c, id) => c.bankAccounts.del(id)],
  ['withdrawals.retrieve', 'wd', 'GET', '/v1/withdrawals/{id}', (c, id) => c.withdrawals.retrieve(id)],
  ['events.retrieve', 'evt', 'GET', '/v1/events/{id}', (c, id) => c.events.retrieve(id)],
];

/** Ids that would not reach the object they name: dot segments, nothing, or bytes no id has. */
const badIds: [label: string, id: unknown, shown: string][] = [
  ['empty', '', '""'],
  ['"."', '.', '"."'],
  ['".."', '..', '".."'],
  ['a NUL', 'key_\0', '"key_\\u0000"'],
  ['a newline', 'key_1\nkey_2', '"key_1\\nkey_2"'],
  ['DEL', 'key_\x7f', '"key_\\u007f"'],
  ['a C1 control', 'key_\x85', '"key_\\u0085"'],
  ['a lone surrogate', 'key_\ud800', '"key_\\ud800"'],
  ['256 characters', 'x'.repeat(256), `"${'x'.repeat(32)}…" (256 characters)`],
  ['undefined', undefined, 'undefined'],
  ['a number', 42, 'a number'],
];

describe('ids that are not path segments are refused before sending', () => {
  describe.each(methods)('%s', (name, prefix, _method, _path, call) => {
    it.each(badIds)('rejects %s with InvalidArgumentError and sends nothing', async (_label, id, shown) => {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call(mockClient(), id as string);
      }).not.toThrow();
      const error = await promise!.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([]);
      expect(error).toMatchObject({
        name: 'InvalidArgumentError',
        message: `${name}: id must be a Lendwire id such as ${prefix}_…; got ${shown}`,
      });
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toBeInstanceOf(LendwireError);
    });
  });

  it('says what to fix', async () => {
    await expect(mockClient().apiKeys.retrieve('..')).rejects.toThrow(
      'apiKeys.retrieve: id must be a Lendwire id such as key_…; got ".."',
    );
  });

  it('rejects withResponse() too', async () => {
    await expect(mockClient().customers.retrieve('.').withResponse()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(seen).toEqual([]);
  });

  it('redacts an API key passed as an id', async () => {
    const error = await mockClient()
      .apiKeys.retrieve(`${API_KEY}\n`)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const { message } = error as InvalidArgumentError;
    expect(message).not.toContain(API_KEY);
    expect(message).toContain('lw_test_***');
  });
});

describe('ids are sent as one percent-encoded path segment', () => {
  it.each(methods)('%s sends a/b as a%2Fb', async (_name, _prefix, method, path, call) => {
    await call(mockClient(), 'a/b');
    expect(seen.map((r) => [r.method, new URL(r.url).pathname])).toEqual([[method, path.replace('{id}', 'a%2Fb')]]);
  });

  it.each([
    ['an ordinary id', 'key_01jd8x3k5w9q4r7t2m6n0p8s1v', 'key_01jd8x3k5w9q4r7t2m6n0p8s1v'],
    ['a slash', 'a/b', 'a%2Fb'],
    ['a path that climbs', '../accounts/acct_x', '..%2Faccounts%2Facct_x'],
    ['a question mark', 'a?b', 'a%3Fb'],
    ['a hash', 'a#b', 'a%23b'],
    ['a space', 'a b', 'a%20b'],
    ['an encoded dot segment', '%2e%2e', '%252e%252e'],
    ['three dots (not a dot segment)', '...', '...'],
    ['non-ASCII', 'ü😀', '%C3%BC%F0%9F%98%80'],
    ['255 characters', 'x'.repeat(255), 'x'.repeat(255)],
  ])('sends %s', async (_label, id, encoded) => {
    await expect(mockClient().apiKeys.retrieve(id)).resolves.toEqual({});
    expect(seen.map((r) => r.url)).toEqual([`${BASE_URL}/v1/api-keys/${encoded}`]);
  });
});

it('covers every resource method that takes an id', () => {
  const withIds = [
    ['apiKeys', ApiKeys],
    ['accounts', Accounts],
    ['customers', Customers],
    ['wallets', Wallets],
    ['bankAccounts', BankAccounts],
    ['withdrawals', Withdrawals],
    ['events', Events],
  ].flatMap(([name, Class]) =>
    Object.getOwnPropertyNames((Class as typeof ApiKeys).prototype)
      .filter((m) => !['constructor', 'create', 'list'].includes(m))
      .map((m) => `${name as string}.${m}`),
  );
  expect(methods.map(([name]) => name).sort()).toEqual(withIds.sort());
});

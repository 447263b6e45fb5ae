import { generateApiKey, generateId } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '../src/index.js';
import { type E2EGateway, type Partner, startE2EGateway } from './support/gateway.js';
import { captureLogger } from './support/msw.js';

let gw: E2EGateway;
let partner: Partner;

beforeAll(async () => {
  gw = await startE2EGateway();
  partner = await gw.createPartner('Error Partner');
});
afterAll(() => gw?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Awaits `promise`, expecting it to reject with an APIError of `Class`, and returns the error. */
async function rejection<E extends APIError>(promise: Promise<unknown>, Class: abstract new (...a: never[]) => E) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Class);
  const apiError = error as E;
  // Every error from the gateway is a problem with a request id that matches the header.
  expect(apiError.problem).toMatchObject({ status: apiError.status, code: apiError.code });
  expect(apiError.requestId).toMatch(/^req_/);
  expect(apiError.requestId).toBe(apiError.headers.get('x-request-id'));
  return apiError;
}

describe('401 AuthenticationError', () => {
  it('for a well-formed key no one has: api_key_invalid', async () => {
    const error = await rejection(gw.client(generateApiKey('test')).me.retrieve(), AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'api_key_invalid' });
  });

  it('for a malformed key: api_key_malformed', async () => {
    const error = await rejection(gw.client('lw_test_not-a-key').me.retrieve(), AuthenticationError);
    expect(error.code).toBe('api_key_malformed');
  });

  it('for a revoked key: api_key_revoked', async () => {
    const key = await partner.client.apiKeys.create({ name: 'short-lived', scopes: ['customers:read'] });
    const client = gw.client(key.secret);
    await client.customers.list();
    await partner.client.apiKeys.revoke(key.id);
    const error = await rejection(client.customers.list(), AuthenticationError);
    expect(error.code).toBe('api_key_revoked');
  });
});

describe('403 PermissionDeniedError', () => {
  it('for a scope the key lacks: insufficient_scope', async () => {
    const key = await partner.client.apiKeys.create({ name: 'read only', scopes: ['customers:read'] });
    const error = await rejection(gw.client(key.secret).customers.create({ name: 'Nope' }), PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, code: 'insufficient_scope' });
  });

  it('for a platform-only route called with a partner key: insufficient_scope', async () => {
    const error = await rejection(partner.client.accounts.list(), PermissionDeniedError);
    expect(error.code).toBe('insufficient_scope');
  });

  it('for a partner key acting for another account: account_header_not_allowed', async () => {
    const other = await gw.createPartner('Someone Else');
    const error = await rejection(partner.client.customers.list({}, { account: other.id }), PermissionDeniedError);
    expect(error.code).toBe('account_header_not_allowed');
  });

  it('for a partner key setting a per-key rate limit: insufficient_scope', async () => {
    const error = await rejection(
      partner.client.apiKeys.create({
        name: 'my own budget',
        scopes: ['customers:read'],
        rateLimit: { requests: 1_000_000, windowSeconds: 1 },
      }),
      PermissionDeniedError,
    );
    expect(error.code).toBe('insufficient_scope');
  });

  it('for a key granting a scope its creator lacks: insufficient_scope', async () => {
    const key = await partner.client.apiKeys.create({ name: 'keys only', scopes: ['keys:write'] });
    const error = await rejection(
      gw.client(key.secret).apiKeys.create({ name: 'escalate', scopes: ['customers:write'] }),
      PermissionDeniedError,
    );
    expect(error.code).toBe('insufficient_scope');
  });
});

describe('404 NotFoundError', () => {
  it.each([
    ['customer', () => partner.client.customers.retrieve(generateId('customer'))],
    ['customer update', () => partner.client.customers.update(generateId('customer'), { name: 'X' })],
    ['api key', () => partner.client.apiKeys.retrieve(generateId('apiKey'))],
    ['api key rotation', () => partner.client.apiKeys.rotate(generateId('apiKey'))],
    ['api key usage', () => partner.client.apiKeys.usage(generateId('apiKey'))],
    ['account', () => gw.root.accounts.retrieve(generateId('account'))],
  ])('for an unknown %s: not_found', async (_name, call) => {
    const error = await rejection(call(), NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('for another partner’s customer, never 403', async () => {
    const other = await gw.createPartner('Neighbour');
    const theirs = await other.client.customers.create({ name: 'Theirs' });
    const error = await rejection(partner.client.customers.retrieve(theirs.id), NotFoundError);
    expect(error.code).toBe('not_found');
  });
});

describe('400 BadRequestError', () => {
  it('lists every invalid body field in errors[]', async () => {
    const error = await rejection(
      partner.client.customers.create({ name: '', email: 'not-an-email', phone: '0801' }),
      BadRequestError,
    );
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(error.errors.map((e) => e.path).sort()).toEqual(['body.email', 'body.name', 'body.phone']);
    for (const e of error.errors) expect(e.message).toEqual(expect.any(String));
  });

  it('reports an unknown body field', async () => {
    const error = await rejection(
      partner.client.customers.create({ name: 'Ada', nickname: 'A' } as { name: string }),
      BadRequestError,
    );
    expect(error.errors.map((e) => e.path)).toEqual(['body']);
  });

  it('reports an out-of-range query parameter', async () => {
    const error = await rejection(partner.client.customers.list({ limit: 500 }), BadRequestError);
    expect(error.errors.map((e) => e.path)).toEqual(['query.limit']);
  });

  it('reports a malformed id in the path as path.id (a well-formed unknown one is a 404)', async () => {
    for (const bad of ['x'.repeat(65), 'not-an-id', 'key_01jd8x3k5w9q4r7t2m6n0p8s1v']) {
      const error = await rejection(partner.client.customers.retrieve(bad), BadRequestError);
      expect(error.errors.map((e) => e.path)).toEqual(['path.id']);
    }
    await rejection(partner.client.customers.retrieve('cus_01jd8x3k5w9q4r7t2m6n0p8s1v'), NotFoundError);
  });
});

describe('409 ConflictError', () => {
  it('for a state that forbids the call: state_conflict, not retried', async () => {
    const logger = captureLogger();
    const root = gw.client(gw.rootKey, { logger, logLevel: 'info' });
    const platform = (await root.me.retrieve()).account;
    const error = await rejection(root.accounts.suspend(platform.id), ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'state_conflict' });
    expect(logger.lines).toEqual([]);
  });
});

describe('422 UnprocessableEntityError', () => {
  it('for an idempotency key reused with another body: idempotency_key_reused', async () => {
    await partner.client.customers.create({ name: 'First' }, { idempotencyKey: 'reuse-me' });
    const error = await rejection(
      partner.client.customers.create({ name: 'Second' }, { idempotencyKey: 'reuse-me' }),
      UnprocessableEntityError,
    );
    expect(error).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  });
});

describe('idempotency under concurrency', () => {
  it('makes one customer from two concurrent creates with one key', async () => {
    const shop = await gw.createPartner('Concurrent Shop');
    const [a, b] = await Promise.all([
      shop.client.customers.create({ name: 'Same' }, { idempotencyKey: 'concurrent-1' }),
      shop.client.customers.create({ name: 'Same' }, { idempotencyKey: 'concurrent-1' }),
    ]);
    expect(b.id).toBe(a.id);
    expect(await shop.client.customers.list().toArray()).toHaveLength(1);
  });
});

describe('429 RateLimitError', () => {
  /** Waits until `windowSeconds`-aligned window has at least `margin` ms left, so a test stays in one window. */
  async function awaitFreshWindow(windowSeconds: number, margin: number) {
    const windowMs = windowSeconds * 1000;
    const left = windowMs - (Date.now() % windowMs);
    if (left < margin) await sleep(left + 20);
  }

  it('refuses past a key’s limit with Retry-After, without retrying at maxRetries 0', async () => {
    // Per-key limits are the platform's to set.
    const key = await gw.root.apiKeys.create(
      { name: 'limited', scopes: ['customers:read'], rateLimit: { requests: 2, windowSeconds: 60 } },
      { account: partner.id },
    );
    const client = gw.client(key.secret, { maxRetries: 0 });
    await awaitFreshWindow(60, 2_000);
    await client.customers.list();
    const { rateLimit } = await client.customers.list().withResponse();
    expect(rateLimit).toMatchObject({ policy: 'key', limit: 2, windowSeconds: 60, remaining: 0 });

    const error = await rejection(client.customers.list(), RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(error.retryAfter).toBeGreaterThanOrEqual(1);
    expect(error.retryAfter).toBeLessThanOrEqual(60);
    expect(error.headers.get('ratelimit')).toMatch(/^"key";r=0;t=\d+$/);
  });

  it('waits the Retry-After and succeeds when retries are allowed', async () => {
    // Per-key limits are the platform's to set.
    const key = await gw.root.apiKeys.create(
      { name: 'one per second', scopes: ['customers:read'], rateLimit: { requests: 1, windowSeconds: 1 } },
      { account: partner.id },
    );
    const logger = captureLogger();
    const client = gw.client(key.secret, { maxRetries: 1, logger, logLevel: 'info' });
    // Start at the top of a second so both calls below fall in the same one-second window.
    await sleep(1_000 - (Date.now() % 1_000) + 10);
    await client.me.retrieve();
    const started = performance.now();
    const me = await client.me.retrieve();
    expect(me.apiKey.id).toBe(key.id);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(logger.lines).toEqual([
      expect.stringMatching(/^info GET \/v1\/me → 429; retrying in 1000 ms \(1 left\) \{"requestId":"req_\w+"\}$/),
    ]);
  });
});

import { delay, HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  InternalServerError,
  Lendwire,
  LendwireError,
  RateLimitError,
  VERSION,
} from '../src/index.js';
import { API_KEY, BASE_URL, customer, mockClient, problem, useMockApi } from './support/msw.js';

const server = useMockApi();

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Answers `GET /v1/me` with each response in turn (the last one repeats) and keeps every request. */
function meReplies(...replies: (() => Response | Promise<Response>)[]) {
  const requests: Request[] = [];
  server.use(
    http.get(`${BASE_URL}/v1/me`, ({ request }) => {
      requests.push(request);
      const reply = replies[Math.min(requests.length, replies.length) - 1]!;
      return reply();
    }),
  );
  return requests;
}

/** Answers `POST /v1/customers` like {@link meReplies}. */
function createReplies(...replies: (() => Response | Promise<Response>)[]) {
  const requests: Request[] = [];
  server.use(
    http.post(`${BASE_URL}/v1/customers`, ({ request }) => {
      requests.push(request);
      const reply = replies[Math.min(requests.length, replies.length) - 1]!;
      return reply();
    }),
  );
  return requests;
}

const ok = () => HttpResponse.json({ object: 'me' });
const created = () => HttpResponse.json(customer('cus_1'), { status: 201 });
/** A retryable failure that asks for no wait, so retry tests do not sleep. */
const failNow =
  (status: number, code = 'internal_error') =>
  () =>
    problem(status, code, {}, { 'Retry-After': '0' });

describe('retries: which statuses', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries %i, 3 attempts in all by default', async (status) => {
    const requests = meReplies(failNow(status));
    const error = await mockClient()
      .me.retrieve()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status });
    expect(requests).toHaveLength(3);
  });

  it('retries 409 idempotency_key_in_use and then succeeds', async () => {
    const requests = createReplies(failNow(409, 'idempotency_key_in_use'), created);
    await expect(mockClient().customers.create({ name: 'Ada' })).resolves.toMatchObject({ id: 'cus_1' });
    expect(requests).toHaveLength(2);
  });

  it.each([
    [400, 'validation_failed'],
    [401, 'api_key_invalid'],
    [403, 'insufficient_scope'],
    [404, 'not_found'],
    [409, 'state_conflict'],
    [422, 'idempotency_key_reused'],
  ])('does not retry %i %s', async (status, code) => {
    const requests = createReplies(failNow(status, code));
    await expect(mockClient().customers.create({ name: 'Ada' })).rejects.toMatchObject({ status, code });
    expect(requests).toHaveLength(1);
  });

  it('returns the data of the first successful retry', async () => {
    const requests = meReplies(failNow(503), failNow(502), ok);
    await expect(mockClient().me.retrieve()).resolves.toEqual({ object: 'me' });
    expect(requests).toHaveLength(3);
  });

  it('throws the last attempt’s error once retries run out', async () => {
    meReplies(failNow(503, 'service_unavailable'), failNow(500), failNow(429, 'rate_limited'));
    const error = await mockClient()
      .me.retrieve()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
  });
});

describe('retries: how many attempts', () => {
  it('makes maxRetries + 1 attempts with the client option', async () => {
    const requests = meReplies(failNow(500));
    await expect(mockClient({ maxRetries: 4 }).me.retrieve()).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(5);
  });

  it('makes one attempt with maxRetries 0', async () => {
    const requests = meReplies(failNow(503));
    await expect(mockClient({ maxRetries: 0 }).me.retrieve()).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(1);
  });

  it('lets a request override the client’s maxRetries, both ways', async () => {
    const fewer = meReplies(failNow(500));
    await expect(mockClient({ maxRetries: 5 }).me.retrieve({ maxRetries: 0 })).rejects.toThrow();
    expect(fewer).toHaveLength(1);

    server.resetHandlers();
    const more = meReplies(failNow(500));
    await expect(mockClient({ maxRetries: 0 }).me.retrieve({ maxRetries: 3 })).rejects.toThrow();
    expect(more).toHaveLength(4);
  });

  it('waits the Retry-After the server asks for before retrying', async () => {
    const at: number[] = [];
    meReplies(
      () => {
        at.push(performance.now());
        return problem(503, 'service_unavailable', {}, { 'Retry-After': '0.2' });
      },
      () => {
        at.push(performance.now());
        return ok();
      },
    );
    await mockClient().me.retrieve();
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(190);
  });

  it('retries a 429 after the RateLimit reset when there is no Retry-After', async () => {
    const requests = meReplies(
      () => problem(429, 'rate_limited', {}, { RateLimit: '"free";r=0;t=0', 'RateLimit-Policy': '"free";q=100;w=60' }),
      ok,
    );
    await expect(mockClient().me.retrieve()).resolves.toEqual({ object: 'me' });
    expect(requests).toHaveLength(2);
  });
});

describe('retries: connection errors', () => {
  it('retries a failed connection, then throws APIConnectionError', async () => {
    const requests = meReplies(() => HttpResponse.error());
    const error = await mockClient({ maxRetries: 1 })
      .me.retrieve()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(error).toBeInstanceOf(LendwireError);
    expect((error as Error).message).toMatch(/^Connection error: /);
    expect(requests).toHaveLength(2);
  });

  it('succeeds when the connection comes back on a retry', async () => {
    const requests = meReplies(() => HttpResponse.error(), ok);
    await expect(mockClient({ maxRetries: 1 }).me.retrieve()).resolves.toEqual({ object: 'me' });
    expect(requests).toHaveLength(2);
  });

  it('sleeps the exponential backoff between connection retries (3 attempts by default)', async () => {
    // random() = 1 takes the full 25 % jitter off: 0.375 s, then 0.75 s.
    const random = vi.spyOn(Math, 'random').mockReturnValue(1);
    const at: number[] = [];
    meReplies(() => {
      at.push(performance.now());
      return HttpResponse.error();
    });
    try {
      await expect(mockClient().me.retrieve()).rejects.toBeInstanceOf(APIConnectionError);
    } finally {
      random.mockRestore();
    }
    expect(at).toHaveLength(3);
    const [first, second] = [at[1]! - at[0]!, at[2]! - at[1]!];
    expect(first).toBeGreaterThanOrEqual(370);
    expect(first).toBeLessThan(1_000);
    expect(second).toBeGreaterThanOrEqual(745);
    expect(second).toBeLessThan(1_600);
  });
});

describe('idempotency keys', () => {
  it('sends one generated Idempotency-Key on every retry of a POST', async () => {
    const requests = createReplies(failNow(503), failNow(500), created);
    await mockClient().customers.create({ name: 'Ada' });
    const keys = requests.map((r) => r.headers.get('idempotency-key'));
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^lw-sdk-[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
  });

  it('keeps the same key across connection-error retries', async () => {
    const requests = createReplies(() => HttpResponse.error(), created);
    await mockClient({ maxRetries: 1 }).customers.create({ name: 'Ada' });
    expect(requests).toHaveLength(2);
    expect(requests[1]!.headers.get('idempotency-key')).toBe(requests[0]!.headers.get('idempotency-key'));
  });

  it('uses the caller’s idempotencyKey verbatim on every attempt', async () => {
    const requests = createReplies(failNow(503), created);
    await mockClient().customers.create({ name: 'Ada' }, { idempotencyKey: 'order-42/create' });
    expect(requests.map((r) => r.headers.get('idempotency-key'))).toEqual(['order-42/create', 'order-42/create']);
  });

  it('gives two separate creates different keys', async () => {
    const requests = createReplies(created);
    const client = mockClient();
    await client.customers.create({ name: 'Ada' });
    await client.customers.create({ name: 'Ada' });
    const [first, second] = requests.map((r) => r.headers.get('idempotency-key'));
    expect(first).toMatch(/^lw-sdk-/);
    expect(second).toMatch(/^lw-sdk-/);
    expect(first).not.toBe(second);
  });

  it('sends no Idempotency-Key on GET or PATCH', async () => {
    const requests = meReplies(ok);
    let patch: Request | undefined;
    server.use(
      http.patch(`${BASE_URL}/v1/customers/:id`, ({ request }) => {
        patch = request;
        return HttpResponse.json(customer('cus_1'));
      }),
    );
    await mockClient().me.retrieve({ idempotencyKey: 'ignored' });
    await mockClient().customers.update('cus_1', { name: 'B' });
    expect(requests[0]!.headers.has('idempotency-key')).toBe(false);
    expect(patch!.headers.has('idempotency-key')).toBe(false);
  });

  it('fails at once, without a request, on an idempotency key that cannot be a header value', async () => {
    const requests = createReplies(created);
    await expect(mockClient().customers.create({ name: 'Ada' }, { idempotencyKey: 'ключ' })).rejects.toThrow(TypeError);
    expect(requests).toHaveLength(0);
  });

  it('lets a lower-case idempotency-key header replace the generated one (one value, not two)', async () => {
    const requests = createReplies(created);
    await mockClient().customers.create({ name: 'Ada' }, { headers: { 'idempotency-key': 'mine' } });
    expect(requests[0]!.headers.get('idempotency-key')).toBe('mine');
  });
});

describe('timeouts', () => {
  it('applies timeout per attempt and retries a timed-out attempt', async () => {
    const requests = meReplies(async () => {
      await delay(500);
      return ok();
    }, ok);
    await expect(mockClient({ timeout: 50, maxRetries: 1 }).me.retrieve()).resolves.toEqual({ object: 'me' });
    expect(requests).toHaveLength(2);
  });

  it('throws APIConnectionTimeoutError when the last attempt times out', async () => {
    const requests = meReplies(async () => {
      await delay(500);
      return ok();
    });
    const error = await mockClient({ timeout: 30, maxRetries: 1 })
      .me.retrieve()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toBe('Request timed out after 30 ms');
    expect(requests).toHaveLength(2);
  });

  it('lets a request override the client’s timeout', async () => {
    meReplies(async () => {
      await delay(3_000);
      return ok();
    });
    const started = performance.now();
    await expect(mockClient().me.retrieve({ timeout: 30, maxRetries: 0 })).rejects.toBeInstanceOf(
      APIConnectionTimeoutError,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('aborting', () => {
  it('throws APIUserAbortError when the signal aborts a request in flight, and does not retry', async () => {
    const requests = meReplies(async () => {
      await delay(1_000);
      return ok();
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await mockClient()
      .me.retrieve({ signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(error).not.toBeInstanceOf(APIConnectionError);
    await delay(50);
    expect(requests).toHaveLength(1);
  });

  it('throws APIUserAbortError at once for a signal aborted before the call', async () => {
    meReplies(ok);
    const error = await mockClient()
      .me.retrieve({ signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
  });

  it('stops waiting when the signal aborts during the sleep before a retry', async () => {
    const controller = new AbortController();
    const requests = meReplies(() => {
      setTimeout(() => controller.abort(), 20);
      return problem(503, 'service_unavailable', {}, { 'Retry-After': '30' });
    });
    const started = performance.now();
    const error = await mockClient()
      .me.retrieve({ signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(requests).toHaveLength(1);
  });
});

describe('responses', () => {
  it('resolves a 204 to undefined without throwing', async () => {
    server.use(http.post(`${BASE_URL}/v1/api-keys/:id/revoke`, () => new HttpResponse(null, { status: 204 })));
    const result = await mockClient().apiKeys.revoke('key_1').withResponse();
    expect(result.data).toBeUndefined();
    expect(result.response.status).toBe(204);
  });

  it('resolves a 2xx with an empty body to undefined too', async () => {
    meReplies(() => new HttpResponse(null, { status: 200 }));
    await expect(mockClient().me.retrieve()).resolves.toBeUndefined();
  });

  it('gives data, response, request id and rate-limit state with .withResponse()', async () => {
    meReplies(() =>
      HttpResponse.json(
        { object: 'me' },
        {
          headers: {
            'X-Request-Id': 'req_abc',
            'RateLimit-Policy': '"growth";q=1000;w=60',
            RateLimit: '"growth";r=998;t=42',
          },
        },
      ),
    );
    const { data, response, requestId, rateLimit } = await mockClient().me.retrieve().withResponse();
    expect(data).toEqual({ object: 'me' });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(requestId).toBe('req_abc');
    expect(rateLimit).toEqual({ policy: 'growth', limit: 1000, windowSeconds: 60, remaining: 998, resetSeconds: 42 });
  });

  it('reports no rate-limit state when the headers are absent', async () => {
    meReplies(ok);
    const { rateLimit, requestId } = await mockClient().me.retrieve().withResponse();
    expect(rateLimit).toBeUndefined();
    expect(requestId).toBeUndefined();
  });

  it('sends one request whether the promise is awaited, .withResponse()’d or both', async () => {
    const requests = meReplies(ok);
    const promise = mockClient().me.retrieve();
    const [data, withResponse] = await Promise.all([promise, promise.withResponse()]);
    expect(data).toEqual(withResponse.data);
    expect(requests).toHaveLength(1);
  });

  it('sends the JSON body of a POST with a JSON content type', async () => {
    const requests = createReplies(created);
    await mockClient().customers.create({ name: 'Ada', metadata: { ref: 'A1' } });
    expect(requests[0]!.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await requests[0]!.json()).toEqual({ name: 'Ada', metadata: { ref: 'A1' } });
  });

  it('encodes ids in paths', async () => {
    let url = '';
    server.use(
      http.get(`${BASE_URL}/v1/customers/:id`, ({ request }) => {
        url = request.url;
        return HttpResponse.json(customer('cus_1'));
      }),
    );
    await mockClient().customers.retrieve('cus_1/../x?y');
    expect(url).toBe(`${BASE_URL}/v1/customers/cus_1%2F..%2Fx%3Fy`);
  });
});

describe('headers', () => {
  it('sends the key as a bearer token, Accept JSON and the SDK’s User-Agent', async () => {
    const requests = meReplies(ok);
    await mockClient().me.retrieve();
    const headers = requests[0]!.headers;
    expect(headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(headers.get('accept')).toBe('application/json');
    expect(headers.get('user-agent')).toBe(`lendwire-sdk/${VERSION}`);
    expect(headers.has('lendwire-account')).toBe(false);
  });

  it('sends Lendwire-Account from the client’s account, and a request’s account instead', async () => {
    const requests = meReplies(ok);
    const client = mockClient({ account: 'acct_client' });
    await client.me.retrieve();
    await client.me.retrieve({ account: 'acct_request' });
    await mockClient().me.retrieve({ account: 'acct_only_request' });
    expect(requests.map((r) => r.headers.get('lendwire-account'))).toEqual([
      'acct_client',
      'acct_request',
      'acct_only_request',
    ]);
  });

  it('sends default headers on every request and per-request headers on one', async () => {
    const requests = meReplies(ok);
    const client = mockClient({ defaultHeaders: { 'X-Team': 'lending' } });
    await client.me.retrieve({ headers: { 'X-Trace': 't1' } });
    await client.me.retrieve();
    expect(requests.map((r) => [r.headers.get('x-team'), r.headers.get('x-trace')])).toEqual([
      ['lending', 't1'],
      ['lending', null],
    ]);
  });

  it('replaces, never duplicates, a header given again in another case', async () => {
    const requests = meReplies(ok);
    const client = mockClient({ account: 'acct_client', defaultHeaders: { 'user-agent': 'my-app/1.0' } });
    await client.me.retrieve({ headers: { 'lendwire-account': 'acct_header' } });
    expect(requests[0]!.headers.get('user-agent')).toBe('my-app/1.0');
    expect(requests[0]!.headers.get('lendwire-account')).toBe('acct_header');
  });

  it('does not let default headers replace the API key', async () => {
    const requests = meReplies(ok);
    await mockClient({ defaultHeaders: { Authorization: 'Bearer other' } }).me.retrieve();
    expect(requests[0]!.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
  });
});

describe('client construction', () => {
  it('reads the API key and base URL from the environment', async () => {
    vi.stubEnv('LENDWIRE_API_KEY', API_KEY);
    vi.stubEnv('LENDWIRE_BASE_URL', `${BASE_URL}/`);
    const requests = meReplies(ok);
    const client = new Lendwire({ logLevel: 'off' });
    expect(client.baseUrl).toBe(BASE_URL);
    await client.me.retrieve();
    expect(requests[0]!.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
  });

  it('prefers the apiKey option to the environment', async () => {
    vi.stubEnv('LENDWIRE_API_KEY', 'lw_test_from_env');
    const requests = meReplies(ok);
    await mockClient().me.retrieve();
    expect(requests[0]!.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
  });

  it('throws a clear LendwireError without a key', () => {
    vi.stubEnv('LENDWIRE_API_KEY', undefined);
    expect(() => new Lendwire({ baseUrl: BASE_URL })).toThrow(LendwireError);
    expect(() => new Lendwire({ baseUrl: BASE_URL, apiKey: '' })).toThrow(
      /Missing API key: pass `new Lendwire\(\{ apiKey \}\)` or set the LENDWIRE_API_KEY environment variable/,
    );
  });

  it('defaults the base URL to https://api.lendwire.dev', () => {
    vi.stubEnv('LENDWIRE_BASE_URL', undefined);
    expect(new Lendwire({ apiKey: API_KEY }).baseUrl).toBe('https://api.lendwire.dev');
  });

  it('performs no request when constructed', async () => {
    const seen: string[] = [];
    const listener = ({ request }: { request: Request }) => {
      seen.push(request.url);
    };
    server.events.on('request:start', listener);
    try {
      new Lendwire({ apiKey: API_KEY, baseUrl: BASE_URL });
      mockClient({ account: 'acct_x', maxRetries: 5 });
      await delay(20);
      expect(seen).toEqual([]);
      // The listener does see requests: the first call is the first one.
      meReplies(ok);
      await mockClient().me.retrieve();
      expect(seen).toEqual([`${BASE_URL}/v1/me`]);
    } finally {
      server.events.removeListener('request:start', listener);
    }
  });
});

describe('environment access', () => {
  it('constructs a client where reading the environment throws (Deno without --allow-env)', () => {
    const original = Object.getOwnPropertyDescriptor(process, 'env')!;
    Object.defineProperty(process, 'env', {
      configurable: true,
      get() {
        throw new Error('NotCapable: Requires env access');
      },
    });
    try {
      const client = new Lendwire({ apiKey: 'lw_test_x', baseUrl: 'https://api.test' });
      expect(client.baseUrl).toBe('https://api.test');
    } finally {
      Object.defineProperty(process, 'env', original);
    }
  });
});

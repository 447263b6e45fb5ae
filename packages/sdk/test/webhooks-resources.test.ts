import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConflictError,
  InvalidArgumentError,
  type Lendwire,
  NotFoundError,
  UnprocessableEntityError,
  WebhookDeliveries,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEndpointCreateParams,
  WebhookEndpoints,
  type WebhookRecoverResult,
} from '../src/index.js';
import { BASE_URL, mockClient, problem, useMockApi } from './support/msw.js';

const server = useMockApi();

/** One request as msw saw it: method, path, query, body and idempotency key. */
interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  idempotencyKey: string | null;
}

let seen: Seen[] = [];

async function record(request: Request): Promise<void> {
  const url = new URL(request.url);
  const text = await request.text();
  seen.push({
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: text === '' ? undefined : JSON.parse(text),
    idempotencyKey: request.headers.get('idempotency-key'),
  });
}

beforeEach(() => {
  seen = [];
  // Answer everything with a bare object, recording what was asked.
  server.use(
    http.all(`${BASE_URL}/*`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({ id: 'x' });
    }),
  );
});

const WE = 'we_01jd8x3k5w9q4r7t2m6n0p8s1v';
const MSG = 'msg_01jd8x3k5w9q4r7t2m6n0p8s1v';

const createParams: WebhookEndpointCreateParams = {
  url: 'https://example.com/hooks',
  enabledEvents: ['loan.*', 'withdrawal.failed'],
  description: 'Ops',
  metadata: { team: 'ops' },
  throttleRate: 10,
};

type Call = (client: Lendwire) => Promise<unknown>;

/** Every non-list method: name, HTTP method, path, body it must send, and the call. */
const calls: [name: string, method: string, path: string, body: unknown, call: Call][] = [
  [
    'webhookEndpoints.create',
    'POST',
    '/v1/webhook-endpoints',
    createParams,
    (c) => c.webhookEndpoints.create(createParams),
  ],
  [
    'webhookEndpoints.retrieve',
    'GET',
    `/v1/webhook-endpoints/${WE}`,
    undefined,
    (c) => c.webhookEndpoints.retrieve(WE),
  ],
  [
    'webhookEndpoints.update',
    'PATCH',
    `/v1/webhook-endpoints/${WE}`,
    { status: 'enabled', description: null, enabledEvents: ['*'] },
    (c) => c.webhookEndpoints.update(WE, { status: 'enabled', description: null, enabledEvents: ['*'] }),
  ],
  ['webhookEndpoints.del', 'DELETE', `/v1/webhook-endpoints/${WE}`, undefined, (c) => c.webhookEndpoints.del(WE)],
  [
    'webhookEndpoints.rotateSecret',
    'POST',
    `/v1/webhook-endpoints/${WE}/rotate-secret`,
    { gracePeriodSeconds: 3600 },
    (c) => c.webhookEndpoints.rotateSecret(WE, { gracePeriodSeconds: 3600 }),
  ],
  [
    'webhookEndpoints.rotateSecret (server default grace)',
    'POST',
    `/v1/webhook-endpoints/${WE}/rotate-secret`,
    {},
    (c) => c.webhookEndpoints.rotateSecret(WE),
  ],
  [
    'webhookEndpoints.test',
    'POST',
    `/v1/webhook-endpoints/${WE}/test`,
    { eventType: 'loan.disbursed' },
    (c) => c.webhookEndpoints.test(WE, { eventType: 'loan.disbursed' }),
  ],
  [
    'webhookEndpoints.recover',
    'POST',
    `/v1/webhook-endpoints/${WE}/recover`,
    { since: '2026-11-01T00:00:00+01:00' },
    (c) => c.webhookEndpoints.recover(WE, { since: '2026-11-01T00:00:00+01:00' }),
  ],
  [
    'webhookEndpoints.recover (a Date)',
    'POST',
    `/v1/webhook-endpoints/${WE}/recover`,
    { since: '2026-11-01T12:30:00.000Z' },
    (c) => c.webhookEndpoints.recover(WE, { since: new Date(Date.UTC(2026, 10, 1, 12, 30)) }),
  ],
  [
    'webhookDeliveries.retrieve',
    'GET',
    `/v1/webhook-deliveries/${MSG}`,
    undefined,
    (c) => c.webhookDeliveries.retrieve(MSG),
  ],
  [
    'webhookDeliveries.retry',
    'POST',
    `/v1/webhook-deliveries/${MSG}/retry`,
    undefined,
    (c) => c.webhookDeliveries.retry(MSG),
  ],
];

describe('each method sends its request', () => {
  it.each(calls)('%s → %s %s', async (_name, method, path, body, call) => {
    await expect(call(mockClient())).resolves.toEqual({ id: 'x' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ method, path, query: {}, body, idempotencyKey: seen[0]!.idempotencyKey });
    // Every POST carries an idempotency key; GET, PATCH and DELETE never do.
    if (method === 'POST') expect(seen[0]!.idempotencyKey).toMatch(/^lw-sdk-/);
    else expect(seen[0]!.idempotencyKey).toBeNull();
  });

  it.each([
    ['webhookEndpoints.create', (c: Lendwire) => c.webhookEndpoints.create(createParams), '/v1/webhook-endpoints'],
    ['webhookDeliveries.retry', (c: Lendwire) => c.webhookDeliveries.retry(MSG), `/v1/webhook-deliveries/${MSG}/retry`],
  ])('%s reuses one generated Idempotency-Key across a retry', async (_name, call, path) => {
    let attempts = 0;
    server.use(
      http.post(`${BASE_URL}${path}`, async ({ request }) => {
        await record(request);
        attempts += 1;
        return attempts === 1 ? problem(503, 'service_unavailable', {}, { 'retry-after': '0' }) : HttpResponse.json({});
      }),
    );
    await call(mockClient());
    const [first, second] = seen.map((r) => r.idempotencyKey);
    expect(seen).toHaveLength(2);
    expect(first).toMatch(/^lw-sdk-/);
    expect(second).toBe(first);
  });

  it('sends the caller’s Idempotency-Key', async () => {
    await mockClient().webhookEndpoints.test(WE, { eventType: 'loan.disbursed' }, { idempotencyKey: 'test-ping-1' });
    expect(seen.map((r) => r.idempotencyKey)).toEqual(['test-ping-1']);
  });

  it('resolves with the typed objects the API returns', async () => {
    const endpoint: WebhookEndpoint = {
      id: WE,
      object: 'webhook_endpoint',
      url: 'https://example.com/hooks',
      enabledEvents: ['loan.*'],
      description: null,
      status: 'enabled',
      disabledReason: null,
      throttleRate: null,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      previousSecretExpiresAt: null,
      metadata: {},
      livemode: false,
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
    };
    const recovery: WebhookRecoverResult = { object: 'webhook_recovery', endpointId: WE, requeued: 3 };
    server.use(
      http.post(`${BASE_URL}/v1/webhook-endpoints`, () => HttpResponse.json(endpoint, { status: 201 })),
      http.post(`${BASE_URL}/v1/webhook-endpoints/${WE}/recover`, () => HttpResponse.json(recovery, { status: 202 })),
    );
    const client = mockClient();
    const created = await client.webhookEndpoints.create({ url: endpoint.url, enabledEvents: ['loan.*'] });
    expect(created).toEqual(endpoint);
    expectTypeOf(created).toEqualTypeOf<WebhookEndpoint>();
    const recovered = await client.webhookEndpoints.recover(WE, { since: '2026-11-01T00:00:00Z' });
    expect(recovered.requeued).toBe(3);
    expectTypeOf(client.webhookDeliveries.retry).returns.resolves.toEqualTypeOf<WebhookDelivery>();
  });
});

describe('list methods', () => {
  type ListCall = (client: Lendwire, query: { limit: number }) => AsyncIterable<{ id: string }>;
  const lists: [name: string, path: string, call: ListCall][] = [
    ['webhookEndpoints.list', '/v1/webhook-endpoints', (c, q) => c.webhookEndpoints.list(q)],
    [
      'webhookEndpoints.listDeliveries',
      `/v1/webhook-endpoints/${WE}/deliveries`,
      (c, q) => c.webhookEndpoints.listDeliveries(WE, q),
    ],
  ];

  it.each(lists)('%s walks every page of GET %s with for await', async (_name, path, call) => {
    const all = ['o_5', 'o_4', 'o_3', 'o_2', 'o_1'].map((id) => ({ id }));
    server.use(
      http.get(`${BASE_URL}${path}`, async ({ request }) => {
        await record(request);
        const url = new URL(request.url);
        const after = url.searchParams.get('startingAfter');
        const from = after ? all.findIndex((o) => o.id === after) + 1 : 0;
        const data = all.slice(from, from + Number(url.searchParams.get('limit')));
        const hasMore = from + data.length < all.length;
        return HttpResponse.json({ object: 'list', data, hasMore, nextCursor: hasMore ? data.at(-1)!.id : null });
      }),
    );
    const ids: string[] = [];
    for await (const item of call(mockClient(), { limit: 2 })) ids.push(item.id);
    expect(ids).toEqual(all.map((o) => o.id));
    expect(seen.map((r) => [r.method, r.path, r.query])).toEqual([
      ['GET', path, { limit: '2' }],
      ['GET', path, { limit: '2', startingAfter: 'o_4' }],
      ['GET', path, { limit: '2', startingAfter: 'o_2' }],
    ]);
  });

  it('listDeliveries sends status, limit and startingAfter, and keeps the status filter on every page', async () => {
    const path = `/v1/webhook-endpoints/${WE}/deliveries`;
    server.use(
      http.get(`${BASE_URL}${path}`, async ({ request }) => {
        await record(request);
        const first = seen.length === 1;
        return HttpResponse.json({
          object: 'list',
          data: [{ id: first ? 'msg_2' : 'msg_1' }],
          hasMore: first,
          nextCursor: first ? 'msg_2' : null,
        });
      }),
    );
    const items = await mockClient()
      .webhookEndpoints.listDeliveries(WE, { status: 'failed', limit: 1, startingAfter: 'msg_3' })
      .toArray();
    expect(items.map((d) => d.id)).toEqual(['msg_2', 'msg_1']);
    expect(seen.map((r) => r.query)).toEqual([
      { status: 'failed', limit: '1', startingAfter: 'msg_3' },
      { status: 'failed', limit: '1', startingAfter: 'msg_2' },
    ]);
  });

  it('list() sends no parameters the caller did not give', async () => {
    await mockClient().webhookEndpoints.list();
    await mockClient().webhookEndpoints.listDeliveries(WE);
    expect(seen.map((r) => [r.path, r.query])).toEqual([
      ['/v1/webhook-endpoints', {}],
      [`/v1/webhook-endpoints/${WE}/deliveries`, {}],
    ]);
  });
});

describe('errors', () => {
  it('a private URL is an UnprocessableEntityError', async () => {
    server.use(http.post(`${BASE_URL}/v1/webhook-endpoints`, () => problem(422, 'unprocessable')));
    const error = await mockClient()
      .webhookEndpoints.create({ url: 'http://10.0.0.1/hook', enabledEvents: ['*'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error).toMatchObject({ status: 422, code: 'unprocessable' });
  });

  it('retrying a delivery of a deleted endpoint is a ConflictError', async () => {
    server.use(http.post(`${BASE_URL}/v1/webhook-deliveries/${MSG}/retry`, () => problem(409, 'state_conflict')));
    const error = await mockClient()
      .webhookDeliveries.retry(MSG)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'state_conflict' });
  });

  it('an unknown endpoint makes listDeliveries reject with NotFoundError', async () => {
    server.use(http.get(`${BASE_URL}/v1/webhook-endpoints/${WE}/deliveries`, () => problem(404, 'not_found')));
    await expect(mockClient().webhookEndpoints.listDeliveries(WE).toArray()).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('ids that are not path segments are refused before sending', () => {
  type IdCall = (client: Lendwire, id: string) => Promise<unknown>;
  const withIds: [name: string, prefix: string, call: IdCall][] = [
    ['webhookEndpoints.retrieve', 'we', (c, id) => c.webhookEndpoints.retrieve(id)],
    ['webhookEndpoints.update', 'we', (c, id) => c.webhookEndpoints.update(id, { status: 'disabled' })],
    ['webhookEndpoints.del', 'we', (c, id) => c.webhookEndpoints.del(id)],
    ['webhookEndpoints.rotateSecret', 'we', (c, id) => c.webhookEndpoints.rotateSecret(id)],
    ['webhookEndpoints.test', 'we', (c, id) => c.webhookEndpoints.test(id, { eventType: 'loan.disbursed' })],
    ['webhookEndpoints.recover', 'we', (c, id) => c.webhookEndpoints.recover(id, { since: '2026-11-01T00:00:00Z' })],
    ['webhookEndpoints.listDeliveries', 'we', (c, id) => c.webhookEndpoints.listDeliveries(id)],
    ['webhookDeliveries.retrieve', 'msg', (c, id) => c.webhookDeliveries.retrieve(id)],
    ['webhookDeliveries.retry', 'msg', (c, id) => c.webhookDeliveries.retry(id)],
  ];
  const badIds: [label: string, id: unknown, shown: string][] = [
    ['empty', '', '""'],
    ['"."', '.', '"."'],
    ['".."', '..', '".."'],
    ['a newline', 'x\ny', '"x\\ny"'],
    ['256 characters', 'x'.repeat(256), `"${'x'.repeat(32)}…" (256 characters)`],
    ['undefined', undefined, 'undefined'],
  ];

  describe.each(withIds)('%s', (name, prefix, call) => {
    it.each(badIds)('rejects %s with InvalidArgumentError and sends nothing', async (_label, id, shown) => {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call(mockClient(), id as string);
      }).not.toThrow();
      const error = await promise!.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(seen).toEqual([]);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ message: `${name}: id must be a Lendwire id such as ${prefix}_…; got ${shown}` });
    });
  });

  it('sends an id as one percent-encoded segment', async () => {
    const client = mockClient();
    await client.webhookEndpoints.rotateSecret('a/b');
    await client.webhookEndpoints.listDeliveries('../x');
    await client.webhookDeliveries.retry('a?b');
    expect(seen.map((r) => r.path)).toEqual([
      '/v1/webhook-endpoints/a%2Fb/rotate-secret',
      '/v1/webhook-endpoints/..%2Fx/deliveries',
      '/v1/webhook-deliveries/a%3Fb/retry',
    ]);
  });

  it('covers every webhook method that takes an id', () => {
    const methods = [
      ['webhookEndpoints', WebhookEndpoints],
      ['webhookDeliveries', WebhookDeliveries],
    ].flatMap(([name, Class]) =>
      Object.getOwnPropertyNames((Class as typeof WebhookEndpoints).prototype)
        .filter((m) => !['constructor', 'create', 'list'].includes(m))
        .map((m) => `${name as string}.${m}`),
    );
    expect(withIds.map(([name]) => name).sort()).toEqual(methods.sort());
  });
});

describe('the client', () => {
  it('keeps lendwire.webhooks.unwrap next to the new resources', () => {
    const client = mockClient();
    expect(client.webhookEndpoints).toBeInstanceOf(WebhookEndpoints);
    expect(client.webhookDeliveries).toBeInstanceOf(WebhookDeliveries);
    expect(typeof client.webhooks.unwrap).toBe('function');
  });
});

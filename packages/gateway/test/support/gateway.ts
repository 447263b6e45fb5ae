import { type ServerType, serve } from '@hono/node-server';
import { type ApiKeyCreateParams, type ApiKeyWithSecret, generateApiKey, type Tier } from '@lendwire/contract';
import type { Services } from '@lendwire/core';
import { openTestStore, type TestClock, type TestStore } from '../../../core/test/support.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/app.js';
import { createJsonLogger } from '../../src/logger.js';
import { clientIpResolver } from '../../src/middleware/auth/index.js';
import { nodeSha256Hex } from '../../src/node/index.js';

/** A response as tests look at it. */
export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Options of one test request. */
export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  /** Raw body text, sent as is (for malformed JSON). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Client address as seen by the gateway (sent as X-Forwarded-For, which tests trust). */
  ip?: string;
}

/** A test gateway served over HTTP. */
export interface HttpGateway {
  url: string;
  /** Like {@link TestGateway.request}, but through `fetch` over a socket. */
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>;
}

/** A partner account with an all-scope test key. */
export interface Partner {
  accountId: string;
  key: string;
  keyId: string;
}

/** A gateway on an isolated store, with a root key, a test clock and captured logs. */
export interface TestGateway {
  app: Gateway;
  services: Services;
  store: TestStore;
  clock: TestClock;
  /** Every log line the gateway wrote. */
  logs: string[];
  /** The platform account and its all-scope test key. */
  platformId: string;
  rootKey: string;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>;
  /**
   * Serves the gateway over real HTTP (@hono/node-server on a free port, the way the Node entry
   * does) and returns a client for it; the server closes with the gateway.
   */
  listen(): Promise<HttpGateway>;
  /** Creates a partner account (tier default `free` with a generous test limit) and a `*` key. */
  createPartner(options?: { tier?: Tier; name?: string }): Promise<Partner>;
  /** Creates a key for an account directly through the service. */
  createKey(accountId: string, params: Partial<ApiKeyCreateParams>, livemode?: boolean): Promise<ApiKeyWithSecret>;
  close(): Promise<void>;
}

/** Tier limits for tests: high enough that only rate-limit tests hit them. */
export const TEST_TIERS = {
  free: { requests: 10_000, windowSeconds: 60 },
  growth: { requests: 20_000, windowSeconds: 60 },
  scale: { requests: 50_000, windowSeconds: 60 },
};

/** Starts a gateway for one test file. Call `close()` in `afterAll`. */
export async function createTestGateway(
  options: Partial<Omit<GatewayOptions, 'services'>> & {
    /** Webhook settings of the services, e.g. `{ allowPrivateNetworks: true }` for a local receiver. */
    webhooks?: Services['ctx']['webhooks'];
  } = {},
): Promise<TestGateway> {
  const { webhooks, ...gatewayOptions } = options;
  const store = await openTestStore(webhooks ? { webhooks } : {});
  const logs: string[] = [];
  const { services, clock } = store;
  const app = createGateway({
    services,
    ping: store.handle.ping,
    logger: createJsonLogger({ level: 'debug', write: (line) => logs.push(line) }),
    hash: nodeSha256Hex,
    now: clock.now,
    tiers: TEST_TIERS,
    unauthenticatedLimit: { requests: 10_000, windowSeconds: 60 },
    clientIp: clientIpResolver('x-forwarded-for'),
    ...gatewayOptions,
  });
  const platform = await services.accounts.ensurePlatform();
  const root = await services.apiKeys.create(
    { accountId: platform.id, livemode: false },
    { name: 'root', scopes: ['*'] },
  );

  const send = async <T>(
    doFetch: (path: string, init: RequestInit) => Response | Promise<Response>,
    method: string,
    path: string,
    opts: RequestOptions,
  ): Promise<TestResponse<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? root.secret : opts.key;
    if (key !== null) headers.authorization ??= `Bearer ${key}`;
    if (opts.ip) headers['x-forwarded-for'] = opts.ip;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await doFetch(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (e.g. /docs): keep the text.
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  };
  const request = <T>(method: string, path: string, opts: RequestOptions = {}) =>
    send<T>((p, init) => app.request(p, init), method, path, opts);

  let server: ServerType | undefined;
  const listen = async (): Promise<HttpGateway> => {
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });
    const url = `http://127.0.0.1:${port}`;
    return {
      url,
      request: <T>(method: string, path: string, opts: RequestOptions = {}) =>
        send<T>((p, init) => fetch(`${url}${p}`, init), method, path, opts),
    };
  };

  const createKey = (accountId: string, params: Partial<ApiKeyCreateParams>, livemode = false) =>
    services.apiKeys.create({ accountId, livemode }, { name: 'test key', scopes: ['*'], ...params });

  return {
    app,
    services,
    store,
    clock,
    logs,
    platformId: platform.id,
    rootKey: root.secret,
    request,
    listen,
    async createPartner(opts = {}) {
      const account = await services.accounts.create({
        name: opts.name ?? 'Partner',
        contactEmail: 'ops@partner.test',
        tier: opts.tier ?? 'free',
      });
      const key = await createKey(account.id, { name: 'partner key' });
      return { accountId: account.id, key: key.secret, keyId: key.id };
    },
    createKey,
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          (s as { closeAllConnections?: () => void }).closeAllConnections?.();
          s.close(() => resolve());
        });
      }
      await store.close();
    },
  };
}

/** A well-formed key that no one has. */
export function unknownKey(): string {
  return generateApiKey('test');
}

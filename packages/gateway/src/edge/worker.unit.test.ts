import { generateEncryptionKey } from '@lendwire/core/domain';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { createJsonLogger } from '../logger.js';
import { workerSettings } from './config.js';
import { createWorkerHandler } from './handler.js';

// The Worker's configuration, on Node (the module is runtime-neutral but for AsyncLocalStorage, which
// Node has too). That it runs on workerd against Postgres and Upstash is test/worker/workerd.test.ts.

const complete = {
  DATABASE_URL: 'postgres://lendwire@db.example.com:5432/lendwire',
  UPSTASH_REDIS_REST_URL: 'https://eu1-lendwire.upstash.io',
  UPSTASH_REDIS_REST_TOKEN: 'AX_secret_token',
  LENDWIRE_ENCRYPTION_KEY: generateEncryptionKey(),
};

function configError(env: Record<string, unknown>): string {
  try {
    workerSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('no ConfigError');
}

describe('Worker bindings', () => {
  it('names every missing required binding in one message', () => {
    const message = configError({ UPSTASH_REDIS_REST_URL: complete.UPSTASH_REDIS_REST_URL });
    expect(message).toBe(
      'Invalid configuration: the Worker is missing the bindings DATABASE_URL (or a Hyperdrive binding named HYPERDRIVE), UPSTASH_REDIS_REST_TOKEN, LENDWIRE_ENCRYPTION_KEY. Set secrets with `wrangler secret put <NAME>` (see examples/edge-worker/README.md)',
    );
    expect(configError({ ...complete, LENDWIRE_ENCRYPTION_KEY: '' })).toContain(
      'missing the binding LENDWIRE_ENCRYPTION_KEY.',
    );
  });

  it('validates values as the Node gateway does, naming the variable but never showing a secret', () => {
    expect(configError({ ...complete, LENDWIRE_RATELIMIT_FAIL: 'maybe' })).toBe(
      'Invalid configuration: LENDWIRE_RATELIMIT_FAIL must be one of "open", "closed" (got "maybe")',
    );
    const badUrl = configError({ ...complete, DATABASE_URL: 'mysql://secret@db/x' });
    expect(badUrl).toContain('DATABASE_URL must be a postgres:// URL');
    expect(badUrl).not.toContain('secret');
    expect(configError({ ...complete, LENDWIRE_ENCRYPTION_KEY: 'short' })).toContain(
      'LENDWIRE_ENCRYPTION_KEY must be 32 bytes',
    );
  });

  it('prefers a Hyperdrive binding over DATABASE_URL, and reads the client address from CF-Connecting-IP by default', () => {
    const hyperdrive = 'postgresql://user:pw@1a2b.hyperdrive.local:5432/lendwire';
    const settings = workerSettings({ ...complete, HYPERDRIVE: { connectionString: hyperdrive } });
    expect(settings).toMatchObject({
      databaseUrl: hyperdrive,
      database: 'hyperdrive',
      clientIpHeader: 'cf-connecting-ip',
    });
    expect(workerSettings(complete)).toMatchObject({ databaseUrl: complete.DATABASE_URL, database: 'url' });
    const { DATABASE_URL: _, ...withoutUrl } = complete;
    expect(workerSettings({ ...withoutUrl, HYPERDRIVE: { connectionString: hyperdrive } }).databaseUrl).toBe(
      hyperdrive,
    );
    expect(workerSettings({ ...complete, LENDWIRE_CLIENT_IP_HEADER: 'x-real-ip' }).clientIpHeader).toBe('x-real-ip');
  });

  it('ignores what only means something to a Node process (PORT, REDIS_URL, …) and bindings that are not strings', () => {
    const settings = workerSettings({ ...complete, PORT: 'not-a-port', REDIS_URL: 'nope', KV: { get() {} } });
    expect(settings.config.UPSTASH_REDIS_REST_URL).toBe(complete.UPSTASH_REDIS_REST_URL);
  });
});

describe('Worker handler without a usable configuration', () => {
  it('answers every request with a 500 problem naming the binding, and logs it without a stack', async () => {
    const lines: string[] = [];
    const handler = createWorkerHandler({ logger: createJsonLogger({ write: (line) => lines.push(line) }) });
    const waited: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => waited.push(p) };
    const res = await handler.fetch(
      new Request('https://gateway.example.com/v1/me'),
      { ...complete, LENDWIRE_BODY_LIMIT: '12' },
      ctx,
    );
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 500,
      code: 'internal_error',
      detail: 'Invalid configuration: LENDWIRE_BODY_LIMIT Too small: expected number to be >=1024 (got "12")',
    });
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'worker configuration error' });
    expect(lines[0]).not.toContain('stack');
    expect(waited).toEqual([]);
  });
});

import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';

/**
 * `GET /healthz` (the process is up) and `GET /readyz` (database, limiter and any registered
 * workers answer; 503 with the failing checks otherwise, except a limiter outage while failing open,
 * which reports `degraded` with 200).
 */
export function registerHealth(app: OpenAPIHono<AppEnv>) {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const deps = c.get('deps');
    const checks: Record<string, () => Promise<void>> = {
      database: deps.ping,
      rateLimiter: () => deps.limiter.ping(),
      ...deps.readiness,
    };
    const results: Record<string, { ok: boolean; error?: string }> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2_000);
          results[name] = { ok: true };
        } catch (error) {
          results[name] = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    // Failing open, a limiter outage degrades the instance but must not pull it from service.
    const ok = Object.entries(results).every(
      ([name, r]) => r.ok || (name === 'rateLimiter' && deps.rateLimitFail === 'open'),
    );
    return c.json(
      {
        status: ok ? (Object.values(results).every((r) => r.ok) ? 'ready' : 'degraded') : 'not_ready',
        checks: results,
        rateLimiter: { kind: deps.limiter.kind, failures: deps.metrics.limiterFailures, failMode: deps.rateLimitFail },
      },
      ok ? 200 : 503,
    );
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

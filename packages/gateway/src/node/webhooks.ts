import { lookup } from 'node:dns/promises';
import {
  createSvixForwarder,
  createWebhookDispatcher,
  type Db,
  rowsOf,
  type Services,
  type SvixForwarder,
  type WebhookDispatcher,
} from '@lendwire/core';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createWebhookSender, nodeSign } from './webhook-sender.js';

/** The SSRF guard's settings from the configuration (private networks allowed on the embedded store only). */
export function webhookSettings(config: Config): NonNullable<Services['ctx']['webhooks']> {
  const allowPrivateNetworks =
    config.LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS === undefined
      ? !config.DATABASE_URL
      : config.LENDWIRE_WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true';
  return {
    allowPrivateNetworks,
    resolveHost: async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address),
  };
}

/** How far behind the engine is (the dispatcher's or the Svix forwarder's `lag()`). */
export interface WebhookLag {
  fanOutMs: number;
  dispatchMs: number;
  pending: number;
}

/** A running webhook engine: the built-in dispatcher, or the Svix forwarder when `SVIX_API_KEY` is set. */
export interface RunningDispatcher {
  /** The built-in dispatcher (absent when events go to Svix). */
  dispatcher?: WebhookDispatcher;
  /** The Svix forwarder (when `SVIX_API_KEY` is set). */
  svix?: SvixForwarder;
  lag(): Promise<WebhookLag>;
  stop(): Promise<void>;
}

/**
 * Starts this process's webhook engine on `services` (passes back to back while there is work),
 * unless `LENDWIRE_WEBHOOKS=off`: the Svix forwarder when `SVIX_API_KEY` is set (events go to
 * Svix, nothing is delivered from here), else the built-in dispatcher. Several processes may run one each.
 */
export function startWebhookDispatcher(
  services: Services,
  config: Config,
  logger: Logger | undefined,
): RunningDispatcher | undefined {
  if (config.LENDWIRE_WEBHOOKS === 'off') return undefined;
  if (config.SVIX_API_KEY) {
    const svix = createSvixForwarder(services.ctx, {
      apiKey: config.SVIX_API_KEY,
      ...(config.SVIX_SERVER_URL ? { serverUrl: config.SVIX_SERVER_URL } : {}),
      // PGlite has one connection: a transaction held over HTTP would stall the whole process.
      holdLocks: Boolean(config.DATABASE_URL),
    });
    svix.start(250, (error) =>
      logger?.error('svix forwarding pass failed', {
        error: error instanceof Error ? error.name : 'unknown',
        status: (error as { status?: unknown } | null)?.status ?? null,
      }),
    );
    return { svix, lag: () => svix.lag(), stop: () => svix.stop() };
  }
  const settings = webhookSettings(config);
  const concurrency = 16;
  // One connection per lane, so no send waits for a connection behind another endpoint's.
  const sender = createWebhookSender({ allowPrivateNetworks: settings.allowPrivateNetworks, connections: concurrency });
  const dispatcher = createWebhookDispatcher(services.ctx, {
    sender,
    concurrency,
    sign: nodeSign,
    timeoutMs: config.LENDWIRE_WEBHOOK_TIMEOUT_MS,
    ...(config.LENDWIRE_WEBHOOK_SCHEDULE ? { schedule: config.LENDWIRE_WEBHOOK_SCHEDULE } : {}),
  });
  dispatcher.start(250, (error) =>
    logger?.error('webhook dispatch pass failed', { error: error instanceof Error ? error.name : 'unknown' }),
  );
  return {
    dispatcher,
    lag: () => dispatcher.lag(),
    async stop() {
      await dispatcher.stop();
      await sender.close();
    },
  };
}

/**
 * The `/readyz` check of a process running a webhook engine: fails when the oldest due delivery or
 * the oldest event not fanned out (or not forwarded to Svix) is older than `alertSeconds`.
 */
export function webhookReadiness(engine: Pick<RunningDispatcher, 'lag'>, alertSeconds: number) {
  return async () => {
    const lag = await engine.lag();
    const limitMs = alertSeconds * 1000;
    const behind: string[] = [];
    if (lag.fanOutMs > limitMs) behind.push(`oldest event not fanned out is ${Math.round(lag.fanOutMs / 1000)} s old`);
    if (lag.dispatchMs > limitMs) behind.push(`oldest due delivery is ${Math.round(lag.dispatchMs / 1000)} s overdue`);
    if (behind.length > 0) {
      throw new Error(`webhooks lagging (over ${alertSeconds} s): ${behind.join('; ')}; ${lag.pending} pending`);
    }
  };
}

/** One endpoint in `lendwire webhooks`. */
export interface EndpointHealth {
  id: string;
  account: string;
  livemode: boolean;
  /** The URL's host only (paths and queries can carry tokens). */
  host: string;
  status: string;
  disabledReason: string | null;
  /** Attempts in the last 24 h, those answered 2xx, and their share (null without attempts). */
  attempts24h: number;
  succeeded24h: number;
  successRate24h: number | null;
  /** The newest failed attempts (any age), newest first. */
  lastFailures: { at: string; status: number | null; error: string | null }[];
  /** Deliveries still pending (due or scheduled). */
  queueDepth: number;
}

/** What `lendwire webhooks` shows. */
export interface WebhookStatus {
  endpoints: EndpointHealth[];
  /** Events not fanned out yet (or not forwarded to Svix), and the oldest one's time. */
  fanOutBacklog: { events: number; oldest: string | null };
}

const iso = (t: string | Date | null | undefined) => (t ? new Date(t).toISOString() : null);

/** The state of every endpoint's deliveries, as `lendwire webhooks` prints it (any store). */
export async function webhookStatus(db: Db, now: Date = new Date(), failures = 3): Promise<WebhookStatus> {
  // Plain SQL text (the gateway has no drizzle of its own): the only values are this ISO time and an integer.
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const endpoints = rowsOf<{
    id: string;
    account_id: string;
    livemode: boolean;
    url: string;
    status: string;
    disabled_reason: string | null;
  }>(
    await db.execute(`
      select id, account_id, livemode, url, status, disabled_reason from webhook_endpoints
      where deleted_at is null order by account_id, livemode, id`),
  );
  const rates = rowsOf<{ endpoint_id: string; total: number | string; ok: number | string }>(
    await db.execute(`
      select d.endpoint_id, count(*) as total,
        count(*) filter (where a.response_status between 200 and 299) as ok
      from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
      where a.at > '${since}'::timestamptz group by d.endpoint_id`),
  );
  const failed = rowsOf<{
    endpoint_id: string;
    at: string | Date;
    response_status: number | null;
    error: string | null;
  }>(
    await db.execute(`
      select endpoint_id, at, response_status, error from (
        select d.endpoint_id, a.at, a.response_status, a.error,
          row_number() over (partition by d.endpoint_id order by a.at desc, a.id desc) as n
        from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
        where a.response_status is null or a.response_status not between 200 and 299) f
      where n <= ${Math.max(0, Math.floor(failures))} order by endpoint_id, at desc`),
  );
  const queued = rowsOf<{ endpoint_id: string; n: number | string }>(
    await db.execute(`
      select endpoint_id, count(*) as n from webhook_deliveries where status = 'pending' group by endpoint_id`),
  );
  const [backlog] = rowsOf<{ n: number | string; oldest: string | Date | null }>(
    await db.execute(`select count(*) as n, min(created_at) as oldest from events where fanned_out_at is null`),
  );
  return {
    endpoints: endpoints.map((e) => {
      const rate = rates.find((r) => r.endpoint_id === e.id);
      const total = Number(rate?.total ?? 0);
      const ok = Number(rate?.ok ?? 0);
      let host: string;
      try {
        host = new URL(e.url).host;
      } catch {
        host = '(invalid url)';
      }
      return {
        id: e.id,
        account: e.account_id,
        livemode: e.livemode,
        host,
        status: e.status,
        disabledReason: e.disabled_reason,
        attempts24h: total,
        succeeded24h: ok,
        successRate24h: total === 0 ? null : ok / total,
        lastFailures: failed
          .filter((f) => f.endpoint_id === e.id)
          .map((f) => ({ at: iso(f.at)!, status: f.response_status, error: f.error })),
        queueDepth: Number(queued.find((q) => q.endpoint_id === e.id)?.n ?? 0),
      };
    }),
    fanOutBacklog: { events: Number(backlog?.n ?? 0), oldest: iso(backlog?.oldest) },
  };
}

/** `lendwire webhooks` as text: one block per endpoint, then the fan-out backlog. */
export function formatWebhookStatus(status: WebhookStatus): string {
  const lines: string[] = [];
  if (status.endpoints.length === 0) lines.push('(no webhook endpoints)');
  for (const e of status.endpoints) {
    const rate =
      e.successRate24h === null
        ? 'no attempts in 24 h'
        : `${(e.successRate24h * 100).toFixed(1)}% of ${e.attempts24h} attempt(s) in 24 h succeeded`;
    const state = e.disabledReason ? `${e.status} (${e.disabledReason})` : e.status;
    lines.push(
      `${e.id}  ${e.account} ${e.livemode ? 'live' : 'test'}  ${e.host}  ${state}  ${rate}  queue ${e.queueDepth}`,
    );
    for (const f of e.lastFailures) {
      lines.push(
        `  failed ${f.at}  ${f.status === null ? 'no response' : `HTTP ${f.status}`}${f.error ? `: ${f.error}` : ''}`,
      );
    }
  }
  const b = status.fanOutBacklog;
  lines.push(`fan-out backlog: ${b.events} event(s)${b.oldest ? `, oldest ${b.oldest}` : ''}`);
  return `${lines.join('\n')}\n`;
}

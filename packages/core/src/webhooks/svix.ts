import { and, inArray, isNull, sql } from 'drizzle-orm';
import { events } from '../db/schema.js';
import { inTransaction, type ServiceContext } from '../services/context.js';
import { toEvent } from '../services/events.js';
import { rowsOf } from '../services/ledger.js';

/** Options of {@link createSvixForwarder}. */
export interface SvixForwarderOptions {
  /** The Svix API key (`SVIX_API_KEY`). */
  apiKey: string;
  /** The Svix API base URL (default: from the key's region suffix, else https://api.svix.com). */
  serverUrl?: string;
  /** The fetch used for Svix's API (tests inject one; default the global fetch). */
  fetch?: typeof fetch;
  /** Events forwarded per pass (default 100). */
  batchSize?: number;
  /** Messages posted at once (default 8). */
  concurrency?: number;
  /** Delays before each retry of one request on 5xx, 429 or no response, in ms (default 50, 100, 200). */
  retryScheduleMs?: readonly number[];
  /** Timeout of one request to Svix (default 15 s). */
  timeoutMs?: number;
  /**
   * Hold the claimed events' row locks while their messages are posted (default true), so several
   * forwarders on one Postgres never post the same event. False on the embedded store: PGlite has one
   * connection, and a transaction held over HTTP would stall every other query of the process; one
   * forwarder runs there, and a duplicate post would be answered 409 by Svix anyway (same `eventId`).
   */
  holdLocks?: boolean;
}

/** What one forwarding pass did. */
export interface SvixForwardReport {
  /** Events taken from the outbox in this pass. */
  claimed: number;
  /** Events Svix accepted (or already had, by `eventId`), now marked fanned out. */
  forwarded: number;
  /** Events left for a later pass (Svix did not accept them). */
  failed: number;
}

/** An error answer from Svix's API (or no answer). */
export class SvixApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'SvixApiError';
  }
}

const REGIONS: Record<string, string> = {
  us: 'https://api.us.svix.com',
  eu: 'https://api.eu.svix.com',
  in: 'https://api.in.svix.com',
  ca: 'https://api.ca.svix.com',
  au: 'https://api.au.svix.com',
};

/** The Svix application uid of one account and mode. */
export const svixAppUid = (accountId: string, livemode: boolean) => `${accountId}_${livemode ? 'live' : 'test'}`;

/**
 * The Svix hand-off (DESIGN §5): with `SVIX_API_KEY` set, events go to Svix instead of the built-in
 * dispatcher, for deployments that outgrow it. One Svix application per account and mode (uid
 * `acct_…_test` / `acct_…_live`, got or created on first use, then cached), each event posted as a
 * message with our event id as Svix's `eventId` (Svix answers 409 to a second message with the same
 * `eventId`, which counts as accepted) and as the request's idempotency key, its type as `eventType`
 * and the event JSON (as the built-in dispatcher sends it) as payload.
 *
 * `forwardOnce()` takes the events not fanned out yet (`FOR UPDATE SKIP LOCKED`, so several
 * forwarders share the outbox) and marks `fanned_out_at` only on those Svix accepted, in the
 * transaction that holds their locks: an event Svix refused or never answered for stays for the next
 * pass (at least once; Svix deduplicates by `eventId`). The locks are held while the messages are
 * posted, so a pass is bounded by `batchSize` and the request timeout.
 *
 * Svix's own server cannot run here: the adapter is tested against Svix's HTTP API with msw.
 * Requests follow the `svix` npm client (2.5): `POST /api/v1/app?get_if_exists=true` and
 * `POST /api/v1/app/{app_id}/msg`, bearer auth, an `idempotency-key` header, retried on 5xx and
 * no answer (and here on 429, after its `Retry-After`) with `svix-retry-count`.
 */
export function createSvixForwarder(ctx: ServiceContext, options: SvixForwarderOptions) {
  const doFetch = options.fetch ?? fetch;
  const region = options.apiKey.split('.')[1];
  const baseUrl = (options.serverUrl ?? (region && REGIONS[region]) ?? 'https://api.svix.com').replace(/\/+$/, '');
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 8;
  const retrySchedule = options.retryScheduleMs ?? [50, 100, 200];
  const timeoutMs = options.timeoutMs ?? 15_000;
  const holdLocks = options.holdLocks ?? true;
  /** Svix application id by uid, once got or created. */
  const apps = new Map<string, Promise<string>>();

  /** One POST with Svix's retry rules; resolves with the parsed body of a 2xx (or null for 409 when `conflictOk`). */
  async function post(path: string, body: unknown, idempotencyKey: string, conflictOk = false): Promise<unknown> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${options.apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': idempotencyKey,
      'user-agent': 'Lendwire-Svix/1',
    };
    const payload = JSON.stringify(body);
    let lastError = 'no attempt';
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs: number | null = null;
      try {
        const res = await doFetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers,
          body: payload,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await res.text();
        if (res.status >= 200 && res.status < 300) return text ? JSON.parse(text) : null;
        if (res.status === 409 && conflictOk) return null;
        lastError = `Svix answered ${res.status} to POST ${path}: ${text.slice(0, 200)}`;
        if (res.status !== 429 && res.status < 500) throw new SvixApiError(lastError, res.status);
        const ra = res.headers.get('retry-after');
        if (ra && /^\d+$/.test(ra.trim())) retryAfterMs = Number(ra.trim()) * 1000;
        if (attempt >= retrySchedule.length) throw new SvixApiError(lastError, res.status);
      } catch (error) {
        if (error instanceof SvixApiError) throw error;
        lastError = `no answer from Svix to POST ${path}: ${error instanceof Error ? error.message : String(error)}`;
        if (attempt >= retrySchedule.length) throw new SvixApiError(lastError, null);
      }
      const delay = Math.max(retrySchedule[attempt] ?? 0, Math.min(retryAfterMs ?? 0, 30_000));
      await new Promise((resolve) => setTimeout(resolve, delay));
      headers['svix-retry-count'] = String(attempt + 1);
    }
  }

  /** The Svix application id of an account and mode, got or created once. */
  function appFor(accountId: string, livemode: boolean): Promise<string> {
    const uid = svixAppUid(accountId, livemode);
    let app = apps.get(uid);
    if (!app) {
      app = post(
        '/api/v1/app?get_if_exists=true',
        {
          name: `${accountId} (${livemode ? 'live' : 'test'})`,
          uid,
          metadata: { accountId, livemode: String(livemode) },
        },
        `app_${uid}`,
      ).then((out) => {
        const id = (out as { id?: unknown } | null)?.id;
        if (typeof id !== 'string') throw new SvixApiError('Svix created the application but sent no id', null);
        return id;
      });
      apps.set(uid, app);
      // A failure is not cached: the next pass asks again.
      app.catch(() => apps.delete(uid));
    }
    return app;
  }

  /** Posts one event as a Svix message. */
  async function forward(row: typeof events.$inferSelect): Promise<void> {
    const appId = await appFor(row.accountId, row.livemode);
    await post(
      `/api/v1/app/${encodeURIComponent(appId)}/msg`,
      { eventId: row.id, eventType: row.type, payload: toEvent(row) },
      `msg_${row.id}`,
      true,
    );
  }

  /** Posts the events, `concurrency` at a time; the ids Svix accepted and the errors of the others. */
  async function forwardAll(rows: (typeof events.$inferSelect)[]) {
    const accepted: string[] = [];
    const errors: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        try {
          await forward(row);
          accepted.push(row.id);
        } catch (error) {
          errors.push(`${row.id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
    return { accepted, errors };
  }

  /** Takes up to `batchSize` events not fanned out yet, oldest first, locking them when in a transaction. */
  async function take(tx: ServiceContext) {
    const ids = rowsOf<{ id: string }>(
      await tx.db.execute(sql`
        select id from events where fanned_out_at is null
        order by id limit ${batchSize} for update skip locked`),
    ).map((r) => r.id);
    if (ids.length === 0) return [];
    const rows = await tx.db.select().from(events).where(inArray(events.id, ids));
    return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** One pass: forward the events not fanned out yet, mark those Svix accepted. */
  async function forwardOnce(): Promise<SvixForwardReport & { errors: string[] }> {
    const pass = async (tx: ServiceContext) => {
      const rows = await take(tx);
      const { accepted, errors } = await forwardAll(rows);
      if (accepted.length > 0) {
        await tx.db
          .update(events)
          .set({ fannedOutAt: ctx.now() })
          .where(and(inArray(events.id, accepted), isNull(events.fannedOutAt)));
      }
      return { claimed: rows.length, forwarded: accepted.length, failed: rows.length - accepted.length, errors };
    };
    // Without held locks the claim's transaction ends at once and the marks are a statement of their own.
    return holdLocks ? inTransaction(ctx, pass) : pass(ctx);
  }

  /** How far behind: the oldest event not forwarded yet (same shape as the dispatcher's `lag`). */
  async function lag(): Promise<{ fanOutMs: number; dispatchMs: number; pending: number }> {
    const [row] = rowsOf<{ oldest_event: string | null }>(
      await ctx.db.execute(sql`select min(created_at)::text as oldest_event from events where fanned_out_at is null`),
    );
    const oldest = row?.oldest_event;
    return { fanOutMs: oldest ? Math.max(0, ctx.now().getTime() - Date.parse(oldest)) : 0, dispatchMs: 0, pending: 0 };
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running: Promise<unknown> | undefined;

  return {
    forwardOnce,
    lag,
    /** Runs passes back to back while there is work, else every `idleMs` (default 250 ms). */
    start(idleMs = 250, onError?: (error: unknown) => void) {
      stopped = false;
      const loop = async () => {
        if (stopped) return;
        let busy = false;
        try {
          running = forwardOnce();
          const r = (await running) as SvixForwardReport & { errors: string[] };
          if (r.errors.length > 0) onError?.(new SvixApiError(r.errors[0]!, null));
          // Back to back only while Svix takes events: a failing Svix is asked again after idleMs.
          busy = r.forwarded > 0;
        } catch (error) {
          onError?.(error);
        }
        if (!stopped) {
          timer = setTimeout(loop, busy ? 0 : idleMs);
          timer.unref?.();
        }
      };
      void loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}

/** The Svix forwarder. */
export type SvixForwarder = ReturnType<typeof createSvixForwarder>;

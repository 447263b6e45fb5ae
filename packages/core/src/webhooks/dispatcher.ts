import { eventTypeMatches, generateId } from '@lendwire/contract';
import { type SignInput, sign as webCryptoSign } from '@lendwire/webhooks';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { events, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../db/schema.js';
import { inTransaction, type ServiceContext, secretBoxOf } from '../services/context.js';
import { createEventsService, toEvent } from '../services/events.js';
import { rowsOf } from '../services/ledger.js';
import { toWebhookEndpoint } from '../services/webhook-endpoints.js';

/** DESIGN §5: immediate, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (the delay before each attempt). */
export const DEFAULT_WEBHOOK_SCHEDULE_MS: readonly number[] = [
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];
/** An endpoint whose deliveries have all failed for this long is disabled (5 days). */
export const FAILING_DISABLE_MS = 5 * 86_400_000;
/** Longest response excerpt kept per attempt. */
export const RESPONSE_EXCERPT_BYTES = 1024;

/** `text` cut to at most `bytes` bytes of UTF-8, on a character boundary. */
export function clipUtf8(text: string, bytes: number): string {
  const encoded = new TextEncoder().encode(text);
  if (encoded.length <= bytes) return text;
  let end = bytes;
  // Back off continuation bytes (10xxxxxx) so a multi-byte character is never split.
  while (end > 0 && ((encoded[end] ?? 0) & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(encoded.subarray(0, end));
}

/** Deliveries a lane renews and records together. */
const CHUNK = 8;
/** A send starts only under a lease that lasts its timeout plus this (clock skew, recording). */
const LEASE_MARGIN_MS = 5_000;
/** Claims one pass makes at most (a pass ends, so `stop` and the idle loop get their turn). */
const MAX_CLAIMS_PER_PASS = 20;
/**
 * Default of `successWindow`. Measured with `pnpm bench:webhooks -- --events 8000` (c=32): 1 gave
 * 2,264–2,957 deliveries/s, 4 gave 3,045–3,287, 8 gave 3,618–4,625; 16 no more than 8.
 */
export const DEFAULT_SUCCESS_WINDOW = 8;

/** A successful attempt waiting for its chunk's write. */
interface Success {
  id: string;
  attemptId: string;
  at: Date;
  status: number;
  durationMs: number;
  excerpt: string;
  finished: Date;
  leaseUntil: Date;
}

/** What a lane needs of a delivery whose lease it renewed. */
interface HeldDelivery {
  id: string;
  eventId: string;
  payload: unknown;
}

/** What one pass reads once for its whole claim. */
interface PassCache {
  endpoints: Map<string, typeof webhookEndpoints.$inferSelect>;
  events: Map<string, ReturnType<typeof toEvent>>;
  secrets: Map<string, Promise<string[]>>;
}

/** One POST to an endpoint. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** What came back: the status, `Retry-After`, and the first KiB of the body. */
export interface WebhookResponse {
  status: number;
  retryAfter: string | null;
  excerpt: string;
}

/**
 * Sends one webhook request. Resolves with the response (any status, redirects not followed); rejects
 * with an Error whose message says why there was none (timeout, refused address, connection reset).
 * The Node entry's sender re-checks the SSRF guard on the address it connects to.
 */
export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

/** Options of {@link createWebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  sender: WebhookSender;
  /** Delay before each attempt, from the first (default {@link DEFAULT_WEBHOOK_SCHEDULE_MS}). */
  schedule?: readonly number[];
  /** ± share of each delay drawn at random (default 0.2). */
  jitter?: number;
  /** Request timeout (default 15 s). */
  timeoutMs?: number;
  /** Deliveries sent at once by this dispatcher (default 16). */
  concurrency?: number;
  /** Deliveries claimed per pass (default 100). */
  batchSize?: number;
  /** Events fanned out per pass (default 500). */
  fanOutBatchSize?: number;
  /** Failing this long disables an endpoint (default 5 days). */
  failingDisableMs?: number;
  /** How long a claim holds a delivery before another dispatcher may take it (default timeout + 30 s). */
  leaseMs?: number;
  /**
   * Successes a lane may have handed to the group commit without seeing them committed (default
   * {@link DEFAULT_SUCCESS_WINDOW}). Larger: fewer, bigger commits and lanes that never wait on one;
   * a dispatcher killed mid-run then leaves up to `successWindow + 1` sends per lane unrecorded, which
   * are sent again once their lease lapses (duplicates, never losses).
   */
  successWindow?: number;
  /**
   * Computes the `webhook-signature` value (default: `@lendwire/webhooks`' `sign`, Web Crypto, which
   * runs anywhere). The Node entry passes a `node:crypto` signer: same bytes, no async crypto job.
   */
  sign?: (input: SignInput) => string | Promise<string>;
  random?: () => number;
}

/** What one pass did. */
export interface DispatchReport {
  fannedOut: number;
  claimed: number;
  succeeded: number;
  retrying: number;
  failed: number;
  throttled: number;
}

/**
 * The built-in webhook engine (DESIGN §5), on its own `FOR UPDATE SKIP LOCKED` claim rather than
 * pg-boss: the delivery row is the schedule and the log's subject, so a retry, a recovery or a
 * crash is one column (`next_attempt_at`, `locked_until`) of one row, and the API shows exactly
 * what the dispatcher sees. Fan-out marks each event in the transaction that writes its deliveries
 * (unique per event and endpoint), so several dispatchers never fan out twice; a claim is a lease,
 * so a dispatcher killed mid-request loses its deliveries to the next pass once the lease lapses
 * (at least once, never lost).
 */
export function createWebhookDispatcher(ctx: ServiceContext, options: WebhookDispatcherOptions) {
  const { db } = ctx;
  const schedule = options.schedule ?? DEFAULT_WEBHOOK_SCHEDULE_MS;
  const jitter = options.jitter ?? 0.2;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const concurrency = options.concurrency ?? 16;
  const batchSize = options.batchSize ?? 100;
  const random = options.random ?? Math.random;
  const failingDisableMs = options.failingDisableMs ?? FAILING_DISABLE_MS;
  const leaseMs = options.leaseMs ?? timeoutMs + 30_000;
  const sign = options.sign ?? webCryptoSign;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const successWindow = options.successWindow ?? DEFAULT_SUCCESS_WINDOW;
  if (!Number.isInteger(successWindow) || successWindow < 1) {
    throw new RangeError(`successWindow must be a whole number ≥ 1 (got ${successWindow})`);
  }

  /** Makes the deliveries of events not yet fanned out (one transaction per batch). */
  async function fanOut(
    limit = options.fanOutBatchSize ?? 500,
    /** Where a pass keeps the events it fanned out, so sending them needs no second read. */
    into?: Map<string, ReturnType<typeof toEvent>>,
  ): Promise<number> {
    return inTransaction(ctx, async (tx) => {
      const pending = rowsOf<{
        id: string;
        account_id: string;
        livemode: boolean;
        type: string;
        api_version: string;
        data: (typeof events.$inferSelect)['data'];
        request: (typeof events.$inferSelect)['request'];
        created_at: string | Date;
      }>(
        await tx.db.execute(sql`
          select id, account_id, livemode, type, api_version, data, request, created_at from events
          where fanned_out_at is null order by id limit ${limit} for update skip locked`),
      );
      if (pending.length === 0) return 0;
      const accountIds = [...new Set(pending.map((e) => e.account_id))];
      const endpoints = await tx.db
        .select({
          id: webhookEndpoints.id,
          accountId: webhookEndpoints.accountId,
          livemode: webhookEndpoints.livemode,
          enabledEvents: webhookEndpoints.enabledEvents,
          status: webhookEndpoints.status,
          createdAt: webhookEndpoints.createdAt,
        })
        .from(webhookEndpoints)
        .where(
          // Disabled endpoints get their deliveries too, held as failed: `recover` sends them once the
          // endpoint is re-enabled, so an event is never lost to an endpoint that was down.
          and(inArray(webhookEndpoints.accountId, accountIds), isNull(webhookEndpoints.deletedAt)),
        );
      const now = ctx.now();
      const firstAttemptAt = new Date(now.getTime() + (schedule[0] ?? 0));
      const rows: Record<string, unknown>[] = [];
      for (const event of pending) {
        for (const endpoint of endpoints) {
          if (endpoint.accountId !== event.account_id || endpoint.livemode !== event.livemode) continue;
          // An endpoint receives the events written after it was created, never older ones.
          if (new Date(event.created_at).getTime() < endpoint.createdAt.getTime()) continue;
          if (!endpoint.enabledEvents.some((pattern) => eventTypeMatches(pattern, event.type))) continue;
          const enabled = endpoint.status === 'enabled';
          rows.push({
            id: generateId('message', now.getTime()),
            account_id: event.account_id,
            livemode: event.livemode,
            endpoint_id: endpoint.id,
            event_id: event.id,
            event_type: event.type,
            status: enabled ? 'pending' : 'failed',
            next_attempt_at: enabled ? firstAttemptAt.toISOString() : null,
          });
        }
      }
      if (into) {
        const made = new Set(rows.map((r) => r.event_id as string));
        for (const e of pending) {
          if (!made.has(e.id)) continue;
          into.set(
            e.id,
            toEvent({
              id: e.id,
              accountId: e.account_id,
              livemode: e.livemode,
              type: e.type,
              apiVersion: e.api_version,
              data: e.data,
              request: e.request,
              createdAt: new Date(e.created_at),
              fannedOutAt: now,
              notifiedAt: null,
              context: null,
            }),
          );
        }
      }
      // One JSON parameter for the whole batch (hundreds of rows): no per-value mapping on either side.
      if (rows.length > 0) {
        await tx.db.execute(sql`
          insert into webhook_deliveries (id, account_id, livemode, endpoint_id, event_id, event_type, status,
            attempt_count, schedule_base, next_attempt_at, created_at, updated_at)
          select id, account_id, livemode, endpoint_id, event_id, event_type, status, 0, 0, next_attempt_at,
            ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, account_id text, livemode boolean,
            endpoint_id text, event_id text, event_type text, status text, next_attempt_at timestamptz)
          on conflict do nothing`);
      }
      await tx.db.execute(sql`
        update events set fanned_out_at = ${now.toISOString()}::timestamptz
        where id = any(${`{${pending.map((e) => e.id).join(',')}}`}::text[])`);
      return rows.length;
    });
  }

  /** Claims due deliveries for this dispatcher until their lease lapses. */
  async function claim(now: Date) {
    const leaseUntil = new Date(now.getTime() + leaseMs);
    return rowsOf<{
      id: string;
      endpoint_id: string;
      event_id: string;
      attempt_count: number;
      schedule_base: number;
      payload: unknown;
    }>(
      await db.execute(sql`
        update webhook_deliveries set locked_until = ${leaseUntil.toISOString()}::timestamptz
        where id in (
          select id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
            and (locked_until is null or locked_until < ${now.toISOString()}::timestamptz)
          order by next_attempt_at limit ${batchSize}
          for update skip locked)
        returning id, endpoint_id, event_id, attempt_count, schedule_base, payload`),
    ).map((r) => ({ ...r, leaseUntil }));
  }

  /** Takes a token of the endpoint's throttle; false when it is over its rate this second. */
  function takeToken(endpointId: string, rate: number | null, nowMs: number): boolean {
    if (!rate) return true;
    const bucket = buckets.get(endpointId) ?? { tokens: rate, at: nowMs };
    bucket.tokens = Math.min(rate, bucket.tokens + ((nowMs - bucket.at) / 1000) * rate);
    bucket.at = nowMs;
    buckets.set(endpointId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** The delay before the next attempt after `made` attempts (null: none left), with jitter. */
  function nextDelay(made: number): number | null {
    const base = schedule[made];
    if (base === undefined) return null;
    return Math.round(base * (1 + (random() * 2 - 1) * jitter));
  }

  /** `Retry-After` in ms (seconds or an HTTP date), or null. */
  function retryAfterMs(value: string | null, nowMs: number): number | null {
    if (!value) return null;
    if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
    const at = Date.parse(value);
    return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
  }

  async function disableEndpoint(tx: ServiceContext, endpointId: string, reason: 'gone' | 'failing') {
    const [row] = await tx.db
      .update(webhookEndpoints)
      .set({ status: 'disabled', disabledReason: reason, updatedAt: ctx.now() })
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.status, 'enabled')))
      .returning();
    if (!row) return;
    await createEventsService(tx).record(
      { accountId: row.accountId, livemode: row.livemode },
      'webhook_endpoint.disabled',
      toWebhookEndpoint(row),
      { previousAttributes: { status: 'enabled', disabledReason: null } },
    );
  }

  /** Sends one claimed delivery and records the attempt and what comes next, in one transaction. */
  async function deliver(
    claimed: { id: string; endpoint_id: string; attempt_count: number; schedule_base: number },
    delivery: HeldDelivery,
    leaseUntil: Date,
    report: DispatchReport,
    pass: PassCache,
  ): Promise<Success | null> {
    // Built only off the common path (a success is recorded by the group commit, which checks the lease itself).
    const held = () => and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.lockedUntil, leaseUntil));
    const endpoint = pass.endpoints.get(claimed.endpoint_id);
    if (!endpoint) return null;
    const started = ctx.now();
    if (endpoint.status !== 'enabled' || endpoint.deletedAt) {
      // Disabled while queued: held as failed, so `recover` can send it once the endpoint is back.
      await db
        .update(webhookDeliveries)
        .set({ status: 'failed', lockedUntil: null, nextAttemptAt: null, updatedAt: started })
        .where(held());
      report.failed++;
      return null;
    }
    if (!takeToken(endpoint.id, endpoint.throttleRate, started.getTime())) {
      await db
        .update(webhookDeliveries)
        .set({ lockedUntil: null, nextAttemptAt: new Date(started.getTime() + 1000 / (endpoint.throttleRate ?? 1)) })
        .where(held());
      report.throttled++;
      return null;
    }
    const payload = delivery.payload ?? pass.events.get(delivery.eventId) ?? null;
    let secrets = pass.secrets.get(endpoint.id);
    if (!secrets) {
      const box = secretBoxOf(ctx, 'Webhook deliveries');
      secrets = (async () => {
        const list = [await box.decrypt(endpoint.secretEncrypted)];
        if (
          endpoint.previousSecretEncrypted &&
          endpoint.previousSecretExpiresAt &&
          endpoint.previousSecretExpiresAt.getTime() > started.getTime()
        ) {
          list.push(await box.decrypt(endpoint.previousSecretEncrypted));
        }
        return list;
      })();
      pass.secrets.set(endpoint.id, secrets);
    }
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(started.getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Lendwire-Webhooks/1',
      'webhook-id': delivery.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': await sign({ id: delivery.id, timestamp, payload: body, secrets: await secrets }),
    };
    let response: WebhookResponse | null = null;
    let error: string | null = null;
    const t0 = performance.now();
    try {
      response = await options.sender({ url: endpoint.url, headers, body, timeoutMs });
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    }
    const durationMs = Math.round(performance.now() - t0);
    const finished = ctx.now();
    const ok = response !== null && response.status >= 200 && response.status < 300;
    const made = claimed.attempt_count + 1 - claimed.schedule_base;
    let status: 'pending' | 'succeeded' | 'failed' = ok ? 'succeeded' : 'pending';
    let nextAttemptAt: Date | null = null;
    const gone = response?.status === 410;
    if (!ok) {
      const delay = gone ? null : nextDelay(made);
      if (delay === null) status = 'failed';
      else {
        let wait = delay;
        if (response && (response.status === 429 || response.status === 503)) {
          const asked = retryAfterMs(response.retryAfter, finished.getTime());
          if (asked !== null) wait = Math.min(Math.max(asked, delay), 2 * delay);
        }
        nextAttemptAt = new Date(finished.getTime() + wait);
      }
    }
    if (ok && response && !endpoint.failingSince) {
      // The common case is recorded by the group commit (see createRecorder), with other lanes' successes.
      report.succeeded++;
      return {
        id: delivery.id,
        attemptId: generateId('attempt', finished.getTime()),
        at: started,
        status: response.status,
        durationMs,
        excerpt: clipUtf8(response.excerpt, RESPONSE_EXCERPT_BYTES),
        finished,
        leaseUntil,
      };
    }
    await inTransaction(ctx, async (tx) => {
      await tx.db.insert(webhookAttempts).values({
        id: generateId('attempt', finished.getTime()),
        deliveryId: delivery.id,
        at: started,
        responseStatus: response?.status ?? null,
        durationMs,
        error:
          error ??
          (response && !ok && response.status >= 300 && response.status < 400 ? 'redirect not followed' : null),
        responseExcerpt: response ? clipUtf8(response.excerpt, RESPONSE_EXCERPT_BYTES) : null,
      });
      const [moved] = await tx.db
        .update(webhookDeliveries)
        .set({
          status,
          attemptCount: sql`${webhookDeliveries.attemptCount} + 1`,
          nextAttemptAt,
          lockedUntil: null,
          updatedAt: finished,
        })
        .where(held())
        .returning({ id: webhookDeliveries.id });
      if (!moved) return; // The lease lapsed and another dispatcher took it: its attempt decides.
      if (ok) {
        if (endpoint.failingSince) {
          await tx.db.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, endpoint.id));
        }
        return;
      }
      if (gone) {
        await disableEndpoint(tx, endpoint.id, 'gone');
        return;
      }
      const since = endpoint.failingSince ?? finished;
      if (!endpoint.failingSince) {
        await tx.db
          .update(webhookEndpoints)
          .set({ failingSince: finished })
          .where(and(eq(webhookEndpoints.id, endpoint.id), isNull(webhookEndpoints.failingSince)));
      } else if (finished.getTime() - since.getTime() >= failingDisableMs) {
        await disableEndpoint(tx, endpoint.id, 'failing');
      }
    });
    if (ok) report.succeeded++;
    else if (status === 'failed') report.failed++;
    else report.retrying++;
    return null;
  }

  /**
   * Records successful attempts and marks their deliveries succeeded in one statement (one commit),
   * each only while this dispatcher still holds its lease. The outcomes travel as one JSON parameter,
   * so a batch costs the same few allocations whatever its size.
   */
  async function flush(successes: Success[]): Promise<void> {
    if (successes.length === 0) return;
    const rows = JSON.stringify(
      successes.map((o) => ({
        id: o.id,
        attempt_id: o.attemptId,
        at: o.at.toISOString(),
        status: o.status,
        duration_ms: o.durationMs,
        excerpt: o.excerpt,
        finished: o.finished.toISOString(),
        lease: o.leaseUntil.toISOString(),
      })),
    );
    await db.execute(sql`
      with outcome as (
        select * from jsonb_to_recordset(${rows}::jsonb) as o(id text, attempt_id text, at timestamptz,
          status int, duration_ms int, excerpt text, finished timestamptz, lease timestamptz)),
      moved as (
        update webhook_deliveries d
        set status = 'succeeded', attempt_count = d.attempt_count + 1, next_attempt_at = null,
          locked_until = null, updated_at = o.finished
        from outcome o
        where d.id = o.id and d.locked_until = o.lease
        returning d.id)
      insert into webhook_attempts (id, delivery_id, at, response_status, duration_ms, error, response_excerpt)
      select attempt_id, id, at, status, duration_ms, null, excerpt from outcome`);
  }

  /**
   * Group commit of successes: every lane hands its success over and gets a promise of its commit;
   * one flush at a time writes all that are waiting, so under load a commit carries many deliveries.
   * A lane waits for its oldest uncommitted success once it has `successWindow` of them, so a killed
   * dispatcher leaves at most `successWindow` + 1 sends per lane unrecorded (the one in flight and
   * those being committed); their leases lapse and they are sent again (at least once; receivers
   * dedupe on `webhook-id`).
   */
  function createRecorder() {
    const waiting: { success: Success; resolve: () => void; reject: (error: unknown) => void }[] = [];
    let pumping = false;
    const pump = async () => {
      pumping = true;
      while (waiting.length > 0) {
        const batch = waiting.splice(0, 500);
        try {
          await flush(batch.map((w) => w.success));
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
      pumping = false;
    };
    return {
      record(success: Success): Promise<void> {
        const committed = new Promise<void>((resolve, reject) => {
          waiting.push({ success, resolve, reject });
        });
        if (!pumping) void pump();
        // Handled here too: the lane awaits it later, and a rejection in between is not "unhandled".
        committed.catch(() => {});
        return committed;
      },
    };
  }

  /** One pass: fan out new events, then claim and send what is due. */
  async function runOnce(): Promise<DispatchReport> {
    const report: DispatchReport = { fannedOut: 0, claimed: 0, succeeded: 0, retrying: 0, failed: 0, throttled: 0 };
    const pass: PassCache = { endpoints: new Map(), events: new Map(), secrets: new Map() };
    const queue: Awaited<ReturnType<typeof claim>> = [];
    let claims = 0;
    let exhausted = false;
    let failure: unknown;
    let refilling: Promise<void> | undefined;
    // Fan out and claim the next batch while the lanes are still sending the last one, so the lanes
    // never stand still between batches; a pass ends after MAX_CLAIMS_PER_PASS claims or a short one.
    const refill = (): Promise<void> => {
      refilling ??= (async () => {
        try {
          report.fannedOut += await fanOut(undefined, pass.events);
          const claimed = await claim(ctx.now());
          claims++;
          report.claimed += claimed.length;
          if (claimed.length < batchSize || claims >= MAX_CLAIMS_PER_PASS) exhausted = true;
          if (claimed.length === 0) return;
          // One read of the claim's endpoints and events, and one decryption per endpoint per pass.
          const endpointIds = [...new Set(claimed.map((c) => c.endpoint_id))].filter((id) => !pass.endpoints.has(id));
          const eventIds = [...new Set(claimed.map((c) => c.event_id))].filter((id) => !pass.events.has(id));
          const [endpointRows, eventRows] = await Promise.all([
            endpointIds.length === 0
              ? []
              : db.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, endpointIds)),
            eventIds.length === 0 ? [] : db.select().from(events).where(inArray(events.id, eventIds)),
          ]);
          for (const e of endpointRows) pass.endpoints.set(e.id, e);
          for (const e of eventRows) pass.events.set(e.id, toEvent(e));
          queue.push(...claimed);
        } catch (error) {
          failure = error;
          exhausted = true;
        } finally {
          refilling = undefined;
        }
      })();
      return refilling;
    };
    await refill();
    const recorder = createRecorder();
    const lane = async () => {
      // The lane's successes handed to the recorder and not yet committed, oldest first.
      const uncommitted: Promise<void>[] = [];
      try {
        await sendChunks();
      } finally {
        await Promise.all(uncommitted);
      }
      async function sendChunks() {
        for (;;) {
          if (!exhausted && queue.length < concurrency * CHUNK) void refill();
          if (queue.length === 0) {
            if (refilling) {
              await refilling;
              continue;
            }
            return;
          }
          // A chunk comes from one claim (one lease to check).
          const claimLease = queue[0]!.leaseUntil;
          let size = 0;
          while (size < CHUNK && size < queue.length && queue[size]!.leaseUntil === claimLease) size++;
          const chunk = queue.splice(0, size);
          // A delivery is sent only under a lease that outlasts its request (timeout + margin). While the
          // claim's lease does (fast endpoints: the whole batch), nothing more is written; once it does
          // not (slow endpoints), the lane renews the leases of the rest of its chunk in one statement
          // right before the next send, so a batch that outlives its claim is never sent by two
          // dispatchers: a delivery whose lease lapsed may already be another dispatcher's, and the
          // renewal (compare-and-set on the lease) leaves it to that one.
          let lease = claimLease;
          let held = new Set(chunk.map((c) => c.id));
          for (let i = 0; i < chunk.length; i++) {
            const item = chunk[i]!;
            if (lease.getTime() - ctx.now().getTime() < timeoutMs + LEASE_MARGIN_MS) {
              const rest = chunk.slice(i).filter((c) => held.has(c.id));
              const renewed = new Date(ctx.now().getTime() + rest.length * timeoutMs + 30_000);
              const ids = rowsOf<{ id: string }>(
                await db.execute(sql`
                  update webhook_deliveries set locked_until = ${renewed.toISOString()}::timestamptz
                  where id = any(${`{${rest.map((c) => c.id).join(',')}}`}::text[])
                    and status = 'pending' and locked_until = ${lease.toISOString()}::timestamptz
                  returning id`),
              );
              held = new Set(ids.map((r) => r.id));
              lease = renewed;
            }
            if (!held.has(item.id)) continue;
            const delivery: HeldDelivery = { id: item.id, eventId: item.event_id, payload: item.payload };
            const success = await deliver(item, delivery, lease, report, pass);
            // At most `successWindow` + 1 unrecorded sends per lane: the oldest success handed over must
            // be committed before one more waits.
            while (uncommitted.length >= successWindow) await uncommitted.shift();
            if (success) uncommitted.push(recorder.record(success));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    if (failure) throw failure;
    return report;
  }

  /** How far behind the engine is: the oldest event not fanned out and the oldest due delivery. */
  async function lag(): Promise<{ fanOutMs: number; dispatchMs: number; pending: number }> {
    const [row] = rowsOf<{ oldest_event: string | null; oldest_due: string | null; pending: number | string }>(
      await db.execute(sql`
        select (select min(created_at) from events where fanned_out_at is null)::text as oldest_event,
          (select min(next_attempt_at) from webhook_deliveries where status = 'pending' and next_attempt_at <= now())::text as oldest_due,
          (select count(*) from webhook_deliveries where status = 'pending') as pending`),
    );
    const nowMs = ctx.now().getTime();
    const age = (t: string | null | undefined) => (t ? Math.max(0, nowMs - Date.parse(t)) : 0);
    return { fanOutMs: age(row?.oldest_event), dispatchMs: age(row?.oldest_due), pending: Number(row?.pending ?? 0) };
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running: Promise<unknown> | undefined;

  return {
    fanOut,
    runOnce,
    lag,
    /** Runs passes back to back while there is work, else every `idleMs` (default 250 ms). */
    start(idleMs = 250, onError?: (error: unknown) => void) {
      stopped = false;
      const loop = async () => {
        if (stopped) return;
        let busy = false;
        try {
          running = runOnce();
          const r = (await running) as DispatchReport;
          busy = r.claimed > 0 || r.fannedOut > 0;
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

/** The webhook dispatcher. */
export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;

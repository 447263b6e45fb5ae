import type { Services, UsageIncrement } from '@lendwire/core';
import { type Logger, loggableError } from './logger.js';

/** An increment being counted; `lastUsedAt` becomes a Date when it is written. */
type Counting = Omit<UsageIncrement, 'lastUsedAt'> & { lastUsedMs: number };

/**
 * Counts requests per key per UTC day in memory and writes them in batches, so usage tracking adds
 * no database write to a request. Flushes when `flushEveryMs` has passed since the last flush (checked
 * on each record), before usage is read, and on shutdown.
 */
export class UsageRecorder {
  private pending = new Map<string, Counting>();
  /** The increments of `pending` for the current day, by key id: no id string built per request. */
  private today = new Map<string, Counting>();
  private lastFlush: number;
  private flushing: Promise<void> | null = null;
  private dayStart = Number.NaN;
  private day = '';

  constructor(
    private readonly services: Pick<Services, 'apiKeys'>,
    private readonly logger: Logger,
    /** The clock, in epoch ms (no Date per request). */
    private readonly nowMs: () => number,
    private readonly flushEveryMs = 5_000,
  ) {
    this.lastFlush = nowMs();
  }

  /** Counts one response of a key. Returns a flush promise when this call started one. */
  record(keyId: string, status: number): Promise<void> | undefined {
    const t = this.nowMs();
    // One toISOString per UTC day rather than per request.
    if (!(t >= this.dayStart && t < this.dayStart + 86_400_000)) {
      this.dayStart = t - (t % 86_400_000);
      this.day = new Date(t).toISOString().slice(0, 10);
      this.today = new Map();
    }
    let inc = this.today.get(keyId);
    if (!inc) {
      const day = this.day;
      const id = `${keyId}|${day}`;
      inc = this.pending.get(id);
      if (!inc) {
        inc = { keyId, day, requests: 0, clientErrors: 0, serverErrors: 0, rateLimited: 0, lastUsedMs: t };
        this.pending.set(id, inc);
      }
      this.today.set(keyId, inc);
    }
    inc.requests++;
    if (status >= 500) inc.serverErrors++;
    else if (status >= 400) inc.clientErrors++;
    if (status === 429) inc.rateLimited++;
    inc.lastUsedMs = t;
    if (t - this.lastFlush >= this.flushEveryMs && !this.flushing) return this.flush();
    return undefined;
  }

  /** Writes everything counted so far. Concurrent calls share one write. */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.today = new Map();
    this.lastFlush = this.nowMs();
    this.flushing = this.services.apiKeys
      .recordUsage(batch.map(({ lastUsedMs, ...inc }) => ({ ...inc, lastUsedAt: new Date(lastUsedMs) })))
      .catch((error: unknown) => {
        // Put the counts back so the next flush retries them: usage is never silently dropped.
        for (const inc of batch) {
          const id = `${inc.keyId}|${inc.day}`;
          const cur = this.pending.get(id);
          if (!cur) this.pending.set(id, inc);
          else {
            cur.requests += inc.requests;
            cur.clientErrors += inc.clientErrors;
            cur.serverErrors += inc.serverErrors;
            cur.rateLimited += inc.rateLimited;
          }
        }
        this.logger.error('usage flush failed', loggableError(error));
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }
}

import type { Account } from '@lendwire/contract';
import type { KeyAuthRecord } from '@lendwire/core';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

interface Negative {
  expiresAt: number;
  /** Who asked (client address or `unknown`), so one address cannot fill the cache. */
  source: string;
}

/**
 * In-process cache of key lookups by secret hash, negative results included, so a valid key costs
 * no database round trip. Entries live at most `ttlMs` (≤ 30 s). The record keeps each key's and
 * secret's own expiry, which the auth middleware checks against the clock on every request, so
 * expiry and rotation grace end on time even from the cache. Revocation, rotation and suspension
 * invalidate the entries on the instance that made them at once; other instances see them within
 * the TTL.
 *
 * Unknown keys are cached apart from known ones, at most `maxNegativesPerSource` per client
 * address: a flood of made-up keys can neither evict valid keys (which would send their callers to
 * the database) nor grow the cache past its bound.
 */
export class KeyCache {
  private readonly byHash = new Map<string, Entry<KeyAuthRecord>>();
  private readonly negatives = new Map<string, Negative>();
  private readonly negativesBySource = new Map<string, number>();
  private readonly accounts = new Map<string, Entry<Account | null>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 10_000,
    private readonly maxNegativesPerSource = 64,
  ) {}

  /** The cached lookup: a record, `null` (known unknown), or `undefined` (not cached). */
  get(hash: string): KeyAuthRecord | null | undefined {
    const hit = this.byHash.get(hash);
    if (hit) {
      if (hit.expiresAt > this.now()) return hit.value;
      this.byHash.delete(hash);
      return undefined;
    }
    const miss = this.negatives.get(hash);
    if (!miss) return undefined;
    if (miss.expiresAt > this.now()) return null;
    this.dropNegative(hash, miss);
    return undefined;
  }

  /** True when `hash` is a cached valid key (checked before the failed-auth budget). */
  knows(hash: string): boolean {
    return this.get(hash) != null;
  }

  /** Caches a lookup; `source` is the client address that caused a negative one. */
  set(hash: string, value: KeyAuthRecord | null, source = 'unknown'): void {
    if (this.ttlMs <= 0) return;
    const expiresAt = this.now() + this.ttlMs;
    if (value === null) {
      if (this.negatives.has(hash)) return;
      const count = this.negativesBySource.get(source) ?? 0;
      if (count >= this.maxNegativesPerSource) return;
      if (this.negatives.size >= this.maxEntries) {
        const [oldest, entry] = this.negatives.entries().next().value as [string, Negative];
        this.dropNegative(oldest, entry);
      }
      this.negatives.set(hash, { expiresAt, source });
      this.negativesBySource.set(source, (this.negativesBySource.get(source) ?? 0) + 1);
      return;
    }
    this.byHash.delete(hash);
    if (this.byHash.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.byHash.keys().next().value;
      if (oldest !== undefined) this.byHash.delete(oldest);
    }
    this.byHash.set(hash, { value, expiresAt });
  }

  /** Negative entries held for one source (for tests and metrics). */
  negativesFor(source: string): number {
    return this.negativesBySource.get(source) ?? 0;
  }

  private dropNegative(hash: string, entry: Negative): void {
    this.negatives.delete(hash);
    const left = (this.negativesBySource.get(entry.source) ?? 1) - 1;
    if (left <= 0) this.negativesBySource.delete(entry.source);
    else this.negativesBySource.set(entry.source, left);
  }

  /** Forgets every secret of a key (revocation, rotation). */
  invalidateKey(keyId: string): void {
    for (const [hash, entry] of this.byHash) if (entry.value.keyId === keyId) this.byHash.delete(hash);
  }

  /** Forgets everything about an account (suspension, tier change). */
  invalidateAccount(accountId: string): void {
    for (const [hash, entry] of this.byHash) if (entry.value.accountId === accountId) this.byHash.delete(hash);
    this.accounts.delete(accountId);
  }

  /** A cached account looked up for `Lendwire-Account`. */
  getAccount(id: string): Account | null | undefined {
    const hit = this.accounts.get(id);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.accounts.delete(id);
      return undefined;
    }
    return hit.value;
  }

  setAccount(id: string, account: Account | null): void {
    if (this.ttlMs <= 0) return;
    if (this.accounts.size >= this.maxEntries) {
      const oldest = this.accounts.keys().next().value;
      if (oldest !== undefined) this.accounts.delete(oldest);
    }
    this.accounts.set(id, { value: account, expiresAt: this.now() + this.ttlMs });
  }
}

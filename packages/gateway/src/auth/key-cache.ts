import type { Account } from '@lendwire/contract';
import type { KeyAuthRecord } from '@lendwire/core';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * In-process cache of key lookups by secret hash, negative results included, so a valid key costs
 * no database round trip. Entries live at most `ttlMs` (≤ 30 s). The record keeps each key's and
 * secret's own expiry, which the auth middleware checks against the clock on every request, so
 * expiry and rotation grace end on time even from the cache. Revocation, rotation and suspension
 * invalidate the entries on the instance that made them at once; other instances see them within
 * the TTL.
 */
export class KeyCache {
  private readonly byHash = new Map<string, Entry<KeyAuthRecord | null>>();
  private readonly accounts = new Map<string, Entry<Account | null>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached lookup: a record, `null` (known unknown), or `undefined` (not cached). */
  get(hash: string): KeyAuthRecord | null | undefined {
    const hit = this.byHash.get(hash);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.byHash.delete(hash);
      return undefined;
    }
    return hit.value;
  }

  set(hash: string, value: KeyAuthRecord | null): void {
    if (this.ttlMs <= 0) return;
    if (this.byHash.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.byHash.keys().next().value;
      if (oldest !== undefined) this.byHash.delete(oldest);
    }
    this.byHash.set(hash, { value, expiresAt: this.now() + this.ttlMs });
  }

  /** Forgets every secret of a key (revocation, rotation). */
  invalidateKey(keyId: string): void {
    for (const [hash, entry] of this.byHash) if (entry.value?.keyId === keyId) this.byHash.delete(hash);
  }

  /** Forgets everything about an account (suspension, tier change). */
  invalidateAccount(accountId: string): void {
    for (const [hash, entry] of this.byHash) if (entry.value?.accountId === accountId) this.byHash.delete(hash);
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

import { randomUUID } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { expect, it } from 'vitest';
import type { RateLimiter, RateLimitRequest, RateLimitResult } from '../../src/rate-limit/types.js';

/** A fresh identifier: every test counts under its own keys, so runs never collide. */
export const freshId = () => `key_${randomUUID()}`;
/** A key prefix unique to one test file's run. */
export const runPrefix = () => `lendwire:test:${randomUUID()}`;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fixed windows are aligned to the epoch: step past a boundary that is about to fall mid-test. */
export async function awayFromBoundary(windowSeconds: number, marginMs = 2000): Promise<void> {
  const left = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000));
  if (left < marginMs) await sleep(left + 50);
}

/** One check of `cost` units against `limit` per `windowSeconds`. */
export function req(identifier: string, cost = 1, limit = 10, windowSeconds = 3600): RateLimitRequest {
  return { identifier, limit, windowSeconds, cost };
}

/** Deletes a run's keys from the test Redis (they would expire with their window anyway). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new IORedis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}

/**
 * What every Redis-backed limiter must do, whatever the transport: limits, cost weights, separate
 * budgets, atomicity under 200 parallel calls, one budget shared by two gateway instances, ping.
 */
export function limiterContract(kind: string, first: () => RateLimiter, another: () => RateLimiter): void {
  it('admits up to the limit, then refuses', async () => {
    await awayFromBoundary(3600);
    const a = first();
    const key = freshId();
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await a.limit(req(key, 1, 5)));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    for (const r of results) {
      expect(r.limit).toBe(5);
      expect(r.resetSeconds).toBeGreaterThan(0);
      expect(r.resetSeconds).toBeLessThanOrEqual(3600);
    }
    expect(a.kind).toBe(kind);
  });

  it('takes cost weights from the budget, and a refused request takes nothing', async () => {
    await awayFromBoundary(3600);
    const a = first();
    const key = freshId();
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: true, remaining: 6 });
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: true, remaining: 2 });
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: false, remaining: 0 });
    expect(await a.limit(req(key, 4))).toMatchObject({ allowed: false, remaining: 0 });
    expect(await a.limit(req(key, 2))).toMatchObject({ allowed: true, remaining: 0 });
    expect((await a.limit(req(key, 1))).allowed).toBe(false);
  });

  it('keeps separate budgets per identifier and per rule', async () => {
    await awayFromBoundary(3600);
    const a = first();
    const [k1, k2] = [freshId(), freshId()];
    for (let i = 0; i < 3; i++) await a.limit(req(k1, 1, 3));
    expect((await a.limit(req(k1, 1, 3))).allowed).toBe(false);
    expect(await a.limit(req(k2, 1, 3))).toMatchObject({ allowed: true, remaining: 2 });
    expect(await a.limit(req(k1, 1, 4))).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('admits exactly 50 of 200 parallel calls against a limit of 50', async () => {
    await awayFromBoundary(3600);
    const key = freshId();
    const results = await Promise.all(Array.from({ length: 200 }, () => first().limit(req(key, 1, 50))));
    const admitted = results.filter((r) => r.allowed).length;
    expect(admitted).toBeLessThanOrEqual(50);
    expect(admitted).toBe(50);
  });

  it('admits exactly the limit while more calls keep coming during the ones in flight', async () => {
    await awayFromBoundary(3600);
    const a = first();
    const key = freshId();
    const pending: Promise<RateLimitResult>[] = [];
    // Some turns apart, so answers come back between them and later calls are decided on them.
    for (let turn = 0; turn < 30; turn++) {
      for (let i = 0; i < 6; i++) pending.push(a.limit(req(key, 1, 50)));
      await sleep(turn % 3 === 0 ? 2 : 0);
    }
    const results = await Promise.all(pending);
    expect(results.filter((r) => r.allowed)).toHaveLength(50);
    expect((await a.limit(req(key, 1, 50))).allowed).toBe(false);
  });

  it('shares one budget between two gateway instances', async () => {
    await awayFromBoundary(3600);
    const [a, b] = [first(), another()];
    const key = freshId();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).limit(req(key, 1, 20))),
    );
    expect(results.filter((r) => r.allowed).length).toBe(20);
    expect((await a.limit(req(key, 1, 20))).allowed).toBe(false);
    expect((await b.limit(req(key, 1, 20))).allowed).toBe(false);
  });

  it('answers ping', async () => {
    await expect(first().ping()).resolves.toBeUndefined();
  });
}

import { expect, it } from 'vitest';
import type { TestGateway } from './gateway.js';

/** One operation, as the security matrix calls it. */
export interface Operation {
  method: string;
  /** Path; `{partner}` (an object of the partner's) is filled by `setup`. */
  path: string;
  body?: unknown;
  /** Scope the operation needs (omit for `/v1/me`). */
  scope?: string;
  /** True for platform-only routes (accounts). */
  platformOnly?: boolean;
}

/**
 * The authentication checks every `/v1` route must pass: no key, malformed key (bad checksum),
 * unknown key, expired, revoked, rotated out after grace, IP not allowed, and — when the route
 * needs one — a key without its scope. Each asserts the exact status and problem `code`.
 */
export function authMatrix(get: () => TestGateway, op: () => Operation) {
  const call = (key: string | null, extra: { ip?: string } = {}) => {
    const o = op();
    return get().request(o.method, o.path, { key, body: o.body, ...extra });
  };
  const accountFor = async () => (op().platformOnly ? get().platformId : (await get().createPartner()).accountId);

  it('401 api_key_missing without a key', async () => {
    const res = await call(null);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('api_key_missing');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('401 api_key_malformed for a key with a wrong checksum', async () => {
    const good = get().rootKey;
    const last = good.at(-1) === 'A' ? 'B' : 'A';
    const res = await call(good.slice(0, -1) + last);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('api_key_malformed');
  });

  it('401 api_key_invalid for a well-formed unknown key', async () => {
    const { unknownKey } = await import('./gateway.js');
    const res = await call(unknownKey());
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('api_key_invalid');
  });

  it('401 api_key_expired once the key expiry passes', async () => {
    const gw = get();
    const expiresAt = new Date(gw.clock.now().getTime() + 60_000).toISOString();
    const key = await gw.createKey(await accountFor(), { expiresAt });
    gw.clock.advance(60_000);
    const res = await call(key.secret);
    gw.clock.advance(-60_000);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('api_key_expired');
  });

  it('401 api_key_revoked after revocation', async () => {
    const gw = get();
    const key = await gw.createKey(await accountFor(), {});
    await gw.services.apiKeys.revoke({ accountId: key.account, livemode: false }, key.id);
    gw.app.deps.keyCache.invalidateKey(key.id);
    const res = await call(key.secret);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('api_key_revoked');
  });

  it('401 api_key_expired for a secret rotated out after its grace period', async () => {
    const gw = get();
    const key = await gw.createKey(await accountFor(), {});
    await gw.services.apiKeys.rotate({ accountId: key.account, livemode: false }, key.id, 10);
    gw.app.deps.keyCache.invalidateKey(key.id);
    gw.clock.advance(10_000);
    const res = await call(key.secret);
    gw.clock.advance(-10_000);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('api_key_expired');
  });

  it('403 ip_not_allowed from an address outside the allowlist', async () => {
    const gw = get();
    const key = await gw.createKey(await accountFor(), { ipAllowlist: ['203.0.113.0/24'] });
    const res = await call(key.secret, { ip: '198.51.100.7' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ip_not_allowed');
  });

  it('403 insufficient_scope naming the missing scope (or passes auth when no scope is needed)', async () => {
    const gw = get();
    const o = op();
    const key = await gw.createKey(await accountFor(), { scopes: ['events:read'] });
    const res = await call(key.secret);
    if (!o.scope) {
      expect(res.status).toBeLessThan(400);
      return;
    }
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.body.detail).toContain(o.scope);
  });
}

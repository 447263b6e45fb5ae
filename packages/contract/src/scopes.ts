import { z } from 'zod';

/** Scopes any account's key may hold. */
export const PARTNER_SCOPES = [
  'customers:read',
  'customers:write',
  'loans:read',
  'loans:write',
  'wallets:read',
  'wallets:write',
  'notifications:read',
  'notifications:write',
  'webhooks:read',
  'webhooks:write',
  'events:read',
  'keys:read',
  'keys:write',
] as const;

/** Scopes only keys of the platform account may hold. */
export const PLATFORM_SCOPES = ['loans:review', 'accounts:admin', 'operations:write'] as const;

/** Every concrete scope. */
export const ALL_SCOPES = [...PARTNER_SCOPES, ...PLATFORM_SCOPES] as const;

/** A concrete scope such as `customers:read`. */
export type Scope = (typeof ALL_SCOPES)[number];
/** A scope a key may be granted: a concrete scope or `*` (all of the key's account's scopes). */
export type GrantableScope = Scope | '*';

/** Zod schema of a scope a key may be granted. */
export const ScopeSchema = z
  .enum(['*', ...ALL_SCOPES] as [GrantableScope, ...GrantableScope[]])
  .meta({ description: 'A scope, `<resource>:read|write`, or `*` for all of the account’s scopes' });

/** True when the scope is reserved for the platform account. */
export function isPlatformScope(scope: string): boolean {
  return (PLATFORM_SCOPES as readonly string[]).includes(scope);
}

/**
 * Expands granted scopes into the concrete scopes they allow: `*` becomes every scope of the
 * account (platform scopes only for the platform account); `x:write` also grants `x:read`.
 */
export function expandScopes(granted: readonly string[], isPlatform: boolean): Set<Scope> {
  const out = new Set<Scope>();
  const available: readonly Scope[] = isPlatform ? ALL_SCOPES : PARTNER_SCOPES;
  for (const s of granted) {
    if (s === '*') {
      for (const a of available) out.add(a);
      continue;
    }
    if (!(available as readonly string[]).includes(s)) continue;
    out.add(s as Scope);
    if (s.endsWith(':write')) {
      const read = `${s.slice(0, -':write'.length)}:read`;
      if ((available as readonly string[]).includes(read)) out.add(read as Scope);
    }
  }
  return out;
}

import { expandScopes } from '@lendwire/contract';
import type { AuthContext } from '../../env.js';
import { ApiError } from '../../problem.js';

/**
 * No privilege escalation through keys: creating, rotating or revoking a key is allowed only to a
 * caller that holds every scope the target key has (or would have). Otherwise a `keys:write` key
 * could mint, take over or lock out a stronger one.
 */
export function assertHoldsScopesOf(auth: AuthContext, scopes: readonly string[], verb: 'grant' | 'rotate' | 'revoke') {
  for (const scope of expandScopes(scopes, auth.account.platform)) {
    if (!auth.scopes.has(scope)) {
      const detail =
        verb === 'grant'
          ? `Cannot grant ${scope}: the calling key does not hold it`
          : `Cannot ${verb} a key holding ${scope}: the calling key does not hold it`;
      throw new ApiError('insufficient_scope', detail, { requiredScope: scope });
    }
  }
}

import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../env.js';

const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Echoes a caller's `X-Request-Id` when it is safe to log (1-128 of `A-Za-z0-9._:-`), otherwise
 * generates `req_<uuid>`; sets it on the context and the response.
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && ACCEPTED.test(given) ? given : `req_${crypto.randomUUID().replaceAll('-', '')}`;
    c.set('requestId', id);
    await next();
    c.res.headers.set('X-Request-Id', id);
  };
}

import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../env.js';

const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;
/** A secret pasted as a request id would be logged with every line of the request (injected loggers do not redact). */
const SECRET_LIKE = /lw_(?:test|live)_|whsec_/;

/**
 * Echoes a caller's `X-Request-Id` when it is safe to log (1-128 of `A-Za-z0-9._:-`, not shaped like an
 * API key or webhook secret), otherwise generates `req_<uuid>`; sets it on the context and the response.
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const safe = given !== undefined && ACCEPTED.test(given) && !SECRET_LIKE.test(given);
    const id = safe ? given : `req_${crypto.randomUUID().replaceAll('-', '')}`;
    c.set('requestId', id);
    await next();
    c.res.headers.set('X-Request-Id', id);
  };
}

import { ERROR_CODES, type ErrorCode, type Problem, type ProblemFieldError, problemType } from '@lendwire/contract';
import type { Context } from 'hono';
import type { AppEnv } from './env.js';
import { envelopeResponse } from './middleware/envelope/index.js';

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'Request validation failed',
  invalid_json: 'Malformed JSON body',
  invalid_header: 'Invalid header',
  api_key_missing: 'API key missing',
  api_key_malformed: 'API key malformed',
  api_key_invalid: 'API key invalid',
  api_key_expired: 'API key expired',
  api_key_revoked: 'API key revoked',
  insufficient_scope: 'Insufficient scope',
  ip_not_allowed: 'IP address not allowed',
  account_suspended: 'Account suspended',
  account_header_not_allowed: 'Lendwire-Account not allowed',
  platform_scope_not_allowed: 'Platform scope not allowed',
  test_mode_only: 'Test mode only',
  not_found: 'Not found',
  route_not_found: 'Route not found',
  method_not_allowed: 'Method not allowed',
  idempotency_key_in_use: 'Idempotency key in use',
  state_conflict: 'Conflict with current state',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  idempotency_key_reused: 'Idempotency key reused with another request',
  unprocessable: 'Unprocessable request',
  insufficient_funds: 'Insufficient funds',
  rate_limited: 'Rate limit exceeded',
  internal_error: 'Internal server error',
  service_unavailable: 'Service unavailable',
};

/**
 * An error that becomes an RFC 9457 problem response. Throw it from middleware or handlers; the
 * app's error handler renders it with the request id.
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly extra: { errors?: ProblemFieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = ERROR_CODES[code];
  }
}

/** Builds the problem body for a code. */
export function problemBody(
  code: ErrorCode,
  detail: string,
  requestId: string | undefined,
  extra: object = {},
): Problem {
  return {
    type: problemType(code),
    title: TITLES[code],
    status: ERROR_CODES[code],
    detail,
    code,
    ...(requestId ? { requestId } : {}),
    ...extra,
  };
}

/** Renders an {@link ApiError} as an `application/problem+json` response. */
export function problemResponse(c: Context, error: ApiError): Response {
  const { headers, ...extra } = error.extra;
  const body = problemBody(error.code, error.message, c.get('requestId' as never) as string | undefined, extra);
  return envelopeResponse(
    c as Context<AppEnv>,
    JSON.stringify(body),
    error.status,
    'application/problem+json',
    headers,
  );
}

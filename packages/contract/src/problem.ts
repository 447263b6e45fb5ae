import { z } from 'zod';

/**
 * Stable, snake_case error codes that Lendwire returns in `code`, with the HTTP status each comes with.
 * Clients branch on `code`, never on `title` or `detail`.
 */
export const ERROR_CODES = {
  validation_failed: 400,
  invalid_json: 400,
  invalid_header: 400,
  api_key_missing: 401,
  api_key_malformed: 401,
  api_key_invalid: 401,
  api_key_expired: 401,
  api_key_revoked: 401,
  insufficient_scope: 403,
  ip_not_allowed: 403,
  account_suspended: 403,
  account_header_not_allowed: 403,
  platform_scope_not_allowed: 403,
  // Only for test-mode helpers (`/v1/test-helpers/*`): a live key asking for them is refused, not
  // misrouted, so the integrator learns the route exists but needs a test key.
  test_mode_only: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  idempotency_key_in_use: 409,
  state_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  unprocessable: 422,
  // The wallet's `available` balance cannot cover the amount plus fee: a business refusal, not bad
  // input, so its own code lets integrators branch on it (e.g. prompt to fund the wallet).
  insufficient_funds: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

/** One of Lendwire's stable error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** One invalid field of a request that failed validation. */
export const ProblemFieldErrorSchema = z
  .object({
    path: z.string().meta({ description: 'Where the invalid value is, e.g. `body.email` or `query.limit`' }),
    message: z.string(),
  })
  .meta({ id: 'ProblemFieldError' });

/** One invalid field of a request that failed validation. */
export type ProblemFieldError = z.infer<typeof ProblemFieldErrorSchema>;

/** RFC 9457 problem details, as every Lendwire error response carries (`application/problem+json`). */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ description: 'URI reference identifying the problem type' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string().meta({ description: 'Stable snake_case error code' }),
    requestId: z.string().optional(),
    errors: z
      .array(ProblemFieldErrorSchema)
      .optional()
      .meta({ description: 'The invalid fields, at most 20; `errorsOmitted` counts the rest' }),
    errorsOmitted: z
      .number()
      .int()
      .optional()
      .meta({ description: 'How many more invalid fields there were beyond those in `errors`' }),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** RFC 9457 problem details returned by every Lendwire error. */
export type Problem = z.infer<typeof ProblemSchema>;

/** The `type` URI of a problem with the given code. */
export function problemType(code: string): string {
  return `https://docs.lendwire.dev/errors#${code}`;
}

import type { Problem, ProblemFieldError } from '@lendwire/contract';
import { redactSecrets } from './logger.js';
import { parseRetryAfter } from './rate-limit.js';

/** Base class of every error the SDK throws. */
export class LendwireError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An argument the SDK can tell is wrong before sending, such as an id that is empty or `..`. The
 * method's promise rejects with it and no request is made: a bad id would otherwise reach another
 * route (`retrieve('..')` asks for `/v1/`, `retrieve('')` lists). The message names the method and
 * the argument. Not retried: it is a bug in the calling code, not a transient failure.
 */
export class InvalidArgumentError extends LendwireError {}

/**
 * The API answered with an error status. Carries the parsed RFC 9457 problem: branch on `code`
 * (stable, snake_case), show `message`, quote `requestId` to support.
 */
export class APIError extends LendwireError {
  /** HTTP status. */
  readonly status: number;
  /** Stable error code such as `insufficient_scope`; `unknown_error` when the body was not a problem. */
  readonly code: string;
  /** The request id (`X-Request-Id`), for support. */
  readonly requestId: string | undefined;
  /** Response headers. */
  readonly headers: Headers;
  /** The full problem body, when the server sent one. */
  readonly problem: Problem | undefined;
  /** Invalid fields of a validation error (`path`, `message`); empty otherwise. */
  readonly errors: ProblemFieldError[];

  constructor(status: number, problem: Problem | undefined, headers: Headers, fallbackMessage?: string) {
    const requestId = problem?.requestId ?? headers.get('x-request-id') ?? undefined;
    const detail = problem?.detail ?? problem?.title ?? fallbackMessage ?? `HTTP ${status}`;
    super(
      redactSecrets(
        `${status} ${problem?.code ?? 'unknown_error'}: ${detail}${requestId ? ` (request ${requestId})` : ''}`,
      ),
    );
    this.status = status;
    this.code = problem?.code ?? 'unknown_error';
    this.requestId = requestId;
    this.headers = headers;
    this.problem = problem;
    this.errors = problem?.errors ?? [];
  }

  /** Builds the subclass that matches the status. */
  static generate(status: number, problem: Problem | undefined, headers: Headers, fallbackMessage?: string): APIError {
    const Class = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new Class(status, problem, headers, fallbackMessage);
  }
}

/** 400: the request was invalid; see `errors` for the fields. */
export class BadRequestError extends APIError {}
/** 401: API key missing, malformed, unknown, expired, rotated out or revoked. */
export class AuthenticationError extends APIError {}
/** 403: missing scope, IP not allowed, or account suspended. */
export class PermissionDeniedError extends APIError {}
/** 404: no such object for this account. */
export class NotFoundError extends APIError {}
/** 409: an idempotent request is still in flight, or the object's state forbids this. */
export class ConflictError extends APIError {}
/** 422: idempotency key reused with another request, or a semantically invalid request. */
export class UnprocessableEntityError extends APIError {}
/** 429: rate limited. `retryAfter` says how many seconds to wait. */
export class RateLimitError extends APIError {
  /** Seconds to wait before retrying, from `Retry-After` (seconds or HTTP date; undefined when absent). */
  readonly retryAfter: number | undefined;
  constructor(status: number, problem: Problem | undefined, headers: Headers, fallbackMessage?: string) {
    super(status, problem, headers, fallbackMessage);
    this.retryAfter = parseRetryAfter(headers.get('retry-after'));
  }
}
/** 5xx: the server failed. Retried automatically before you see it. */
export class InternalServerError extends APIError {}

const STATUS_CLASSES: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The request never got a response: DNS, refused connection, reset, TLS... Retried automatically. */
export class APIConnectionError extends LendwireError {
  constructor(message = 'Connection error', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No response within `timeout` on the last attempt. */
export class APIConnectionTimeoutError extends APIConnectionError {
  constructor(message = 'Request timed out', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The caller aborted the request through its `signal`. Never retried. */
export class APIUserAbortError extends LendwireError {
  constructor(message = 'Request was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}

import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  LendwireError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '../src/index.js';
import { BASE_URL, mockClient, problem, useMockApi } from './support/msw.js';

const server = useMockApi();

/** Calls `GET /v1/customers/cus_1` once (no retries) against `reply` and returns what it threw. */
async function errorFrom(reply: () => Response): Promise<APIError> {
  server.use(http.get(`${BASE_URL}/v1/customers/:id`, reply));
  const error = await mockClient({ maxRetries: 0 })
    .customers.retrieve('cus_1')
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(APIError);
  return error as APIError;
}

describe('status → error class', () => {
  it.each([
    [400, 'validation_failed', BadRequestError],
    [401, 'api_key_invalid', AuthenticationError],
    [403, 'insufficient_scope', PermissionDeniedError],
    [404, 'not_found', NotFoundError],
    [409, 'state_conflict', ConflictError],
    [422, 'idempotency_key_reused', UnprocessableEntityError],
    [429, 'rate_limited', RateLimitError],
    [500, 'internal_error', InternalServerError],
    [503, 'service_unavailable', InternalServerError],
    [502, 'bad_gateway', InternalServerError],
    [405, 'method_not_allowed', APIError],
    [418, 'teapot', APIError],
  ])('%i %s → %o', async (status, code, Class) => {
    const error = await errorFrom(() =>
      problem(status, code, { requestId: 'req_body', detail: 'what went wrong' }, { 'X-Request-Id': 'req_body' }),
    );
    expect(error.constructor).toBe(Class);
    expect(error).toBeInstanceOf(LendwireError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(Class.name);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.requestId).toBe('req_body');
    expect(error.headers.get('content-type')).toBe('application/problem+json');
    expect(error.problem).toMatchObject({ status, code, detail: 'what went wrong' });
    expect(error.errors).toEqual([]);
    expect(error.message).toBe(`${status} ${code}: what went wrong (request req_body)`);
  });
});

describe('error fields', () => {
  it('carries the field errors of a validation problem', async () => {
    const errors = [
      { path: 'body.email', message: 'Invalid email address' },
      { path: 'body.name', message: 'Too small' },
    ];
    const error = await errorFrom(() => problem(400, 'validation_failed', { errors }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.errors).toEqual(errors);
    expect(error.problem?.errors).toEqual(errors);
  });

  it('takes requestId from the problem body before the header', async () => {
    const error = await errorFrom(() =>
      problem(404, 'not_found', { requestId: 'req_body' }, { 'X-Request-Id': 'req_h' }),
    );
    expect(error.requestId).toBe('req_body');
  });

  it('takes requestId from X-Request-Id when the body has none', async () => {
    const error = await errorFrom(() => problem(404, 'not_found', {}, { 'X-Request-Id': 'req_header' }));
    expect(error.requestId).toBe('req_header');
    expect(error.message).toMatch(/\(request req_header\)$/);
  });

  it('leaves requestId undefined when neither body nor header has one', async () => {
    const error = await errorFrom(() => problem(404, 'not_found'));
    expect(error.requestId).toBeUndefined();
    expect(error.message).toBe('404 not_found: detail of not_found');
  });

  it('gives RateLimitError the Retry-After seconds', async () => {
    const error = await errorFrom(() => problem(429, 'rate_limited', {}, { 'Retry-After': '17' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(17);
  });

  it('leaves retryAfter undefined without Retry-After', async () => {
    const error = await errorFrom(() => problem(429, 'rate_limited'));
    expect((error as RateLimitError).retryAfter).toBeUndefined();
  });

  it('uses the title when a problem has no detail', async () => {
    const error = await errorFrom(() =>
      HttpResponse.json(
        { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' },
        { status: 404, headers: { 'content-type': 'application/problem+json' } },
      ),
    );
    expect(error.message).toBe('404 not_found: Not found');
  });
});

describe('error bodies that are not problems', () => {
  it('maps a non-JSON body by status, with code unknown_error and the text as message', async () => {
    const error = await errorFrom(
      () =>
        new HttpResponse('<html><body>502 Bad Gateway</body></html>', {
          status: 502,
          headers: { 'content-type': 'text/html', 'X-Request-Id': 'req_proxy' },
        }),
    );
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.code).toBe('unknown_error');
    expect(error.problem).toBeUndefined();
    expect(error.requestId).toBe('req_proxy');
    expect(error.message).toBe('502 unknown_error: <html><body>502 Bad Gateway</body></html> (request req_proxy)');
  });

  it('keeps at most 200 characters of a long text body in the message', async () => {
    const error = await errorFrom(() => new HttpResponse('x'.repeat(5_000), { status: 400 }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toBe(`400 unknown_error: ${'x'.repeat(200)}`);
  });

  it('treats JSON that is not a problem as no problem', async () => {
    const error = await errorFrom(() => HttpResponse.json({ error: 'nope' }, { status: 403 }));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.problem).toBeUndefined();
    expect(error.code).toBe('unknown_error');
    expect(error.message).toBe('403 unknown_error: {"error":"nope"}');
  });

  it('treats a JSON null body as no problem', async () => {
    const error = await errorFrom(() => HttpResponse.json(null, { status: 404 }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.problem).toBeUndefined();
  });

  it('falls back to the status when the body is empty', async () => {
    const error = await errorFrom(() => new HttpResponse(null, { status: 401 }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('401 unknown_error: HTTP 401');
  });
});

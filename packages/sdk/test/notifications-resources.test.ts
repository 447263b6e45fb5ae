import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  InvalidArgumentError,
  type Lendwire,
  type Notification,
  type NotificationPreferences,
  NotificationPreferencesResource,
  type NotificationReadAllResult,
  Notifications,
  type NotificationTemplate,
  type NotificationTemplatePreview,
  NotificationTemplates,
  UnprocessableEntityError,
} from '../src/index.js';
import { BASE_URL, mockClient, problem, useMockApi } from './support/msw.js';

const server = useMockApi();

/** One request as msw saw it. */
interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  idempotencyKey: string | null;
}

let seen: Seen[] = [];

async function record(request: Request): Promise<void> {
  const url = new URL(request.url);
  const text = await request.text();
  seen.push({
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: text === '' ? undefined : JSON.parse(text),
    idempotencyKey: request.headers.get('idempotency-key'),
  });
}

beforeEach(() => {
  seen = [];
  server.use(
    http.all(`${BASE_URL}/*`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({ id: 'x' });
    }),
  );
});

const NTF = 'ntf_01jd8x3k5w9q4r7t2m6n0p8s1v';
const CUS = 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v';

type Call = (client: Lendwire) => Promise<unknown>;

/** Every non-list method: name, HTTP method, path, query, body, and the call. */
const calls: [name: string, method: string, path: string, query: Record<string, string>, body: unknown, call: Call][] =
  [
    ['notifications.retrieve', 'GET', `/v1/notifications/${NTF}`, {}, undefined, (c) => c.notifications.retrieve(NTF)],
    [
      'notifications.markRead',
      'POST',
      `/v1/notifications/${NTF}/read`,
      {},
      undefined,
      (c) => c.notifications.markRead(NTF),
    ],
    ['notifications.readAll', 'POST', '/v1/notifications/read-all', {}, {}, (c) => c.notifications.readAll()],
    [
      'notifications.readAll (one recipient)',
      'POST',
      '/v1/notifications/read-all',
      {},
      { recipientId: CUS },
      (c) => c.notifications.readAll({ recipientId: CUS }),
    ],
    [
      'notificationPreferences.retrieve',
      'GET',
      '/v1/notification-preferences',
      {},
      undefined,
      (c) => c.notificationPreferences.retrieve(),
    ],
    [
      'notificationPreferences.retrieve (a customer)',
      'GET',
      '/v1/notification-preferences',
      { recipientId: CUS },
      undefined,
      (c) => c.notificationPreferences.retrieve({ recipientId: CUS }),
    ],
    [
      'notificationPreferences.update',
      'PUT',
      '/v1/notification-preferences',
      {},
      {
        recipientId: CUS,
        preferences: [{ type: 'repayment.upcoming', channel: 'sms', enabled: false }],
        quietHours: { start: '22:00', end: '07:00', timeZone: 'Africa/Lagos' },
        locale: null,
      },
      (c) =>
        c.notificationPreferences.update({
          recipientId: CUS,
          preferences: [{ type: 'repayment.upcoming', channel: 'sms', enabled: false }],
          quietHours: { start: '22:00', end: '07:00', timeZone: 'Africa/Lagos' },
          locale: null,
        }),
    ],
    [
      'notificationTemplates.retrieve',
      'GET',
      '/v1/notification-templates/repayment.failed/sms',
      {},
      undefined,
      (c) => c.notificationTemplates.retrieve('repayment.failed', 'sms'),
    ],
    [
      'notificationTemplates.update',
      'PUT',
      '/v1/notification-templates/loan_application.rejected/in_app',
      {},
      { subject: 'Declined', text: '{{ application.rejectionReason }}' },
      (c) =>
        c.notificationTemplates.update('loan_application.rejected', 'in_app', {
          subject: 'Declined',
          text: '{{ application.rejectionReason }}',
        }),
    ],
    [
      'notificationTemplates.preview',
      'POST',
      '/v1/notification-templates/loan.disbursed/preview',
      {},
      {},
      (c) => c.notificationTemplates.preview('loan.disbursed'),
    ],
    [
      'notificationTemplates.preview (a draft)',
      'POST',
      '/v1/notification-templates/loan.disbursed/preview',
      {},
      { channel: 'in_app', template: { subject: 'S', text: 'T' }, variables: { locale: 'en-US' } },
      (c) =>
        c.notificationTemplates.preview('loan.disbursed', {
          channel: 'in_app',
          template: { subject: 'S', text: 'T' },
          variables: { locale: 'en-US' },
        }),
    ],
  ];

describe('each method sends its request', () => {
  it.each(calls)('%s → %s %s', async (_name, method, path, query, body, call) => {
    await expect(call(mockClient())).resolves.toEqual({ id: 'x' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ method, path, query, body, idempotencyKey: seen[0]!.idempotencyKey });
    // POSTs carry an idempotency key (so retries are safe); GET and PUT never do.
    if (method === 'POST') expect(seen[0]!.idempotencyKey).toMatch(/^lw-sdk-/);
    else expect(seen[0]!.idempotencyKey).toBeNull();
  });

  it('resolves with the typed objects the API returns', async () => {
    const readAll: NotificationReadAllResult = { object: 'notification_read_all', updated: 3 };
    server.use(http.post(`${BASE_URL}/v1/notifications/read-all`, () => HttpResponse.json(readAll)));
    const client = mockClient();
    const result = await client.notifications.readAll();
    expect(result).toEqual(readAll);
    expectTypeOf(result).toEqualTypeOf<NotificationReadAllResult>();
    expectTypeOf(client.notifications.markRead).returns.resolves.toEqualTypeOf<Notification>();
    expectTypeOf(client.notificationPreferences.update).returns.resolves.toEqualTypeOf<NotificationPreferences>();
    expectTypeOf(client.notificationTemplates.update).returns.resolves.toEqualTypeOf<NotificationTemplate>();
    expectTypeOf(client.notificationTemplates.preview).returns.resolves.toEqualTypeOf<NotificationTemplatePreview>();
    expectTypeOf(client.notificationTemplates.retrieve).parameter(0).toEqualTypeOf<Notification['type']>();
  });

  it('a 422 with errors[] becomes an UnprocessableEntityError carrying them', async () => {
    const errors = [{ path: 'text', message: 'undefined variable: nope' }];
    server.use(
      http.put(`${BASE_URL}/v1/notification-templates/loan.disbursed/in_app`, () =>
        problem(422, 'unprocessable', { detail: 'The template does not render', errors }),
      ),
    );
    const error = await mockClient()
      .notificationTemplates.update('loan.disbursed', 'in_app', { subject: 'S', text: '{{ nope }}' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors).toEqual(errors);
  });
});

describe('notifications.list', () => {
  it('sends the filters, unread as true/false, and keeps them on every page', async () => {
    server.use(
      http.get(`${BASE_URL}/v1/notifications`, async ({ request }) => {
        await record(request);
        const first = seen.length === 1;
        return HttpResponse.json({
          object: 'list',
          data: [{ id: first ? 'ntf_2' : 'ntf_1' }],
          hasMore: first,
          nextCursor: first ? 'ntf_2' : null,
        });
      }),
    );
    const items = await mockClient()
      .notifications.list({ unread: false, recipientId: CUS, type: 'repayment.failed', limit: 1 })
      .toArray();
    expect(items.map((n) => n.id)).toEqual(['ntf_2', 'ntf_1']);
    const filters = { unread: 'false', recipientId: CUS, type: 'repayment.failed', limit: '1' };
    expect(seen.map((r) => r.query)).toEqual([filters, { ...filters, startingAfter: 'ntf_2' }]);
    seen = [];
    await mockClient().notifications.list({ unread: true }).toArray();
    expect(seen[0]!.query).toEqual({ unread: 'true' });
    seen = [];
    await mockClient().notifications.list().toArray();
    expect(seen[0]!.query).toEqual({});
  });
});

describe('path segments are checked before sending', () => {
  it.each([
    [
      'notifications.retrieve',
      (c: Lendwire) => c.notifications.retrieve('..'),
      'id must be a Lendwire id such as ntf_…; got ".."',
    ],
    [
      'notifications.markRead',
      (c: Lendwire) => c.notifications.markRead(''),
      'id must be a Lendwire id such as ntf_…; got ""',
    ],
    [
      'notificationTemplates.retrieve',
      (c: Lendwire) => c.notificationTemplates.retrieve('' as never, 'email'),
      'type must be a notification type such as repayment.failed; got ""',
    ],
    [
      'notificationTemplates.retrieve',
      (c: Lendwire) => c.notificationTemplates.retrieve('loan.disbursed', '..' as never),
      'channel must be in_app, email or sms; got ".."',
    ],
    [
      'notificationTemplates.update',
      (c: Lendwire) => c.notificationTemplates.update('.' as never, 'email', { text: 'x' }),
      'type must be a notification type such as repayment.failed; got "."',
    ],
    [
      'notificationTemplates.preview',
      (c: Lendwire) => c.notificationTemplates.preview(undefined as never),
      'type must be a notification type such as repayment.failed; got undefined',
    ],
  ])('%s refuses a bad segment with InvalidArgumentError and sends nothing', async (name, call, message) => {
    const error = await call(mockClient()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(`${name}: ${message}`);
    expect(seen).toEqual([]);
  });

  it('percent-encodes a type that is not a path segment as it stands', async () => {
    await mockClient().notificationTemplates.retrieve('a/b' as never, 'email');
    expect(seen.map((r) => r.path)).toEqual(['/v1/notification-templates/a%2Fb/email']);
  });
});

it('the client exposes the three resources', () => {
  const client = mockClient();
  expect(client.notifications).toBeInstanceOf(Notifications);
  expect(client.notificationPreferences).toBeInstanceOf(NotificationPreferencesResource);
  expect(client.notificationTemplates).toBeInstanceOf(NotificationTemplates);
});

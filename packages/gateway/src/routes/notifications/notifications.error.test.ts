import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { createCustomer } from '../../../test/support/lending.js';
import { listAll, rejectApplication } from '../../../test/support/notification-inbox.js';

let gw: TestGateway;
let partner: Partner;
let customerId: string;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner({ name: 'Errors Partner' });
  customerId = (await rejectApplication(gw, partner)).customerId;
});
afterAll(() => gw.close());

const REJECTED = 'loan_application.rejected';
const UNKNOWN_NTF = 'ntf_01jd8x3k5w9q4r7t2m6n0p8s1v';

/** Asserts a problem+json answer with `status` and `code`; returns its field errors. */
function expectProblem(
  res: { status: number; body: any; headers: Headers; text: string },
  status: number,
  code: string,
): { path: string; message: string }[] {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body.code).toBe(code);
  return res.body.errors ?? [];
}

const paths = (errors: { path: string }[]) => errors.map((e) => e.path);

describe('GET /v1/notifications: bad queries are 400 naming the parameter', () => {
  it.each([
    ['unread=yes', 'query.unread'],
    ['unread=1', 'query.unread'],
    ['type=loan.nope', 'query.type'],
    ['type=loan_application.submitted', 'query.type'],
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['startingAfter=not-an-id', 'query.startingAfter'],
    [`recipientId=${'x'.repeat(65)}`, 'query.recipientId'],
  ])('?%s → 400 naming %s', async (query, path) => {
    const res = await gw.request('GET', `/v1/notifications?${query}`, { key: partner.key });
    expect(paths(expectProblem(res, 400, 'validation_failed'))).toEqual([path]);
  });

  it('an unknown type says what a type is', async () => {
    const res = await gw.request('GET', '/v1/notifications?type=nope', { key: partner.key });
    const [error] = expectProblem(res, 400, 'validation_failed');
    expect(error!.message).toContain('notification type');
  });

  it('a recipient with no notifications is an empty list, not an error', async () => {
    const res = await gw.request('GET', '/v1/notifications?recipientId=cus_01jd8x3k5w9q4r7t2m6n0p8s1v', {
      key: partner.key,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });
});

describe('GET /v1/notifications/{id} and POST …/{id}/read', () => {
  it.each([
    ['GET', ''],
    ['POST', '/read'],
  ])('%s with a malformed id is 400 naming path.id; a well-formed unknown one is 404', async (method, suffix) => {
    for (const bad of ['nope', 'evt_01jd8x3k5w9q4r7t2m6n0p8s1v', 'ntf_short']) {
      const res = await gw.request(method, `/v1/notifications/${bad}${suffix}`, { key: partner.key });
      expect(paths(expectProblem(res, 400, 'validation_failed')), bad).toEqual(['path.id']);
    }
    const res = await gw.request(method, `/v1/notifications/${UNKNOWN_NTF}${suffix}`, { key: partner.key });
    expectProblem(res, 404, 'not_found');
  });

  it('GET /v1/notifications/read-all is not the read-all operation: a 400 for the id, no change', async () => {
    const res = await gw.request('GET', '/v1/notifications/read-all', { key: partner.key });
    expect(paths(expectProblem(res, 400, 'validation_failed'))).toEqual(['path.id']);
    expect(await listAll(gw, partner.key, 'unread=false')).toEqual([]);
  });
});

describe('POST /v1/notifications/read-all: bad bodies change nothing', () => {
  it.each([
    ['an unknown field', { everything: true }, 'body'],
    ['a recipientId that is not a string', { recipientId: 42 }, 'body.recipientId'],
    ['a recipientId too long', { recipientId: 'x'.repeat(65) }, 'body.recipientId'],
  ])('%s → 400', async (_label, body, path) => {
    const res = await gw.request('POST', '/v1/notifications/read-all', { key: partner.key, body });
    expect(paths(expectProblem(res, 400, 'validation_failed'))).toEqual([path]);
    expect(await listAll(gw, partner.key, 'unread=false')).toEqual([]);
  });

  it('invalid JSON → 400 invalid_json', async () => {
    const res = await gw.request('POST', '/v1/notifications/read-all', {
      key: partner.key,
      rawBody: '{"recipientId":',
    });
    expectProblem(res, 400, 'invalid_json');
  });

  it('a body that is not JSON → 415', async () => {
    const res = await gw.request('POST', '/v1/notifications/read-all', {
      key: partner.key,
      rawBody: 'recipientId=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(res, 415, 'unsupported_media_type');
  });
});

describe('GET|PUT /v1/notification-preferences', () => {
  it('a recipient that is neither the account nor one of its customers is 404', async () => {
    for (const recipientId of ['cus_01jd8x3k5w9q4r7t2m6n0p8s1v', 'acct_01jd8x3k5w9q4r7t2m6n0p8s1v', 'someone']) {
      const got = await gw.request('GET', `/v1/notification-preferences?recipientId=${recipientId}`, {
        key: partner.key,
      });
      expectProblem(got, 404, 'not_found');
      const put = await gw.request('PUT', '/v1/notification-preferences', {
        key: partner.key,
        body: { recipientId, preferences: [{ type: REJECTED, channel: 'email', enabled: false }] },
      });
      expectProblem(put, 404, 'not_found');
    }
  });

  it('turning off a required type is 422 naming the entry, and nothing of the request is saved', async () => {
    const before = await gw.request('GET', '/v1/notification-preferences', { key: partner.key });
    const res = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: {
        preferences: [
          { type: REJECTED, channel: 'email', enabled: false },
          { type: 'account.suspended', channel: 'email', enabled: false },
          { type: 'api_key.rotated', channel: 'in_app', enabled: false },
        ],
        locale: 'fr-FR',
      },
    });
    const errors = expectProblem(res, 422, 'unprocessable');
    expect(paths(errors)).toEqual(['preferences.1.enabled', 'preferences.2.enabled']);
    expect(errors[0]!.message).toContain('required');
    const after = await gw.request('GET', '/v1/notification-preferences', { key: partner.key });
    expect(after.body).toEqual(before.body);
  });

  it('a type the recipient never gets, or a channel the type has no message on, is 422', async () => {
    const res = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: {
        recipientId: customerId,
        preferences: [
          { type: 'withdrawal.created', channel: 'in_app', enabled: false },
          { type: 'mandate.failed', channel: 'sms', enabled: true },
        ],
      },
    });
    const errors = expectProblem(res, 422, 'unprocessable');
    expect(paths(errors)).toEqual(['preferences.0.type', 'preferences.1.channel']);
    expect(errors[0]!.message).toContain('never sent to a customer');
  });

  it.each([
    [
      'a start that is not HH:MM',
      { quietHours: { start: '10pm', end: '07:00', timeZone: 'UTC' } },
      'body.quietHours.start',
    ],
    ['an hour past 23', { quietHours: { start: '24:00', end: '07:00', timeZone: 'UTC' } }, 'body.quietHours.start'],
    ['minutes past 59', { quietHours: { start: '22:00', end: '07:60', timeZone: 'UTC' } }, 'body.quietHours.end'],
    [
      'an unknown time zone',
      { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } },
      'body.quietHours.timeZone',
    ],
    ['quiet hours without a time zone', { quietHours: { start: '22:00', end: '07:00' } }, 'body.quietHours.timeZone'],
    ['an unknown locale', { locale: 'not a locale' }, 'body.locale'],
    [
      'an unknown type',
      { preferences: [{ type: 'loan.nope', channel: 'email', enabled: true }] },
      'body.preferences.0.type',
    ],
    [
      'an unknown channel',
      { preferences: [{ type: REJECTED, channel: 'fax', enabled: true }] },
      'body.preferences.0.channel',
    ],
    [
      'enabled not a boolean',
      { preferences: [{ type: REJECTED, channel: 'email', enabled: 'no' }] },
      'body.preferences.0.enabled',
    ],
    ['an unknown field', { mute: true }, 'body'],
  ])('%s → 400 naming %s', async (_label, body, path) => {
    const res = await gw.request('PUT', '/v1/notification-preferences', { key: partner.key, body });
    expect(paths(expectProblem(res, 400, 'validation_failed'))).toContain(path);
  });

  it('a bad time zone says what is expected', async () => {
    const res = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } },
    });
    const [error] = expectProblem(res, 400, 'validation_failed');
    expect(error!.message).toContain('IANA time zone');
  });

  it('more than 200 preferences in one request → 400', async () => {
    const preferences = Array.from({ length: 201 }, () => ({ type: REJECTED, channel: 'email', enabled: true }));
    const res = await gw.request('PUT', '/v1/notification-preferences', { key: partner.key, body: { preferences } });
    expectProblem(res, 400, 'validation_failed');
  });

  it('PATCH and POST are 405 with Allow: GET, PUT', async () => {
    for (const method of ['PATCH', 'POST']) {
      const res = await gw.request(method, '/v1/notification-preferences', { key: partner.key, body: {} });
      expectProblem(res, 405, 'method_not_allowed');
      expect(res.headers.get('allow')).toBe('GET, PUT');
    }
  });
});

describe('GET|PUT /v1/notification-templates/{type}/{channel}', () => {
  it('an unknown type is 400 naming path.type; an unknown channel 400 naming path.channel', async () => {
    for (const method of ['GET', 'PUT']) {
      const body = method === 'PUT' ? { subject: 'x', text: 'y' } : undefined;
      const type = await gw.request(method, '/v1/notification-templates/loan.nope/in_app', { key: partner.key, body });
      expect(paths(expectProblem(type, 400, 'validation_failed'))).toEqual(['path.type']);
      const chan = await gw.request(method, `/v1/notification-templates/${REJECTED}/fax`, { key: partner.key, body });
      expect(paths(expectProblem(chan, 400, 'validation_failed'))).toEqual(['path.channel']);
    }
  });

  it('a channel the type has no message on is 422 naming channel', async () => {
    const got = await gw.request('GET', '/v1/notification-templates/withdrawal.created/email', { key: partner.key });
    const errors = expectProblem(got, 422, 'unprocessable');
    expect(errors).toEqual([{ path: 'channel', message: 'must be one of in_app' }]);
    const put = await gw.request('PUT', '/v1/notification-templates/withdrawal.created/sms', {
      key: partner.key,
      body: { text: 'hello' },
    });
    expect(paths(expectProblem(put, 422, 'unprocessable'))).toEqual(['channel']);
  });

  it.each([
    ['an unknown variable', { subject: 'Hi', text: 'Reason: {{ nope }}' }, 'text', 'nope'],
    ['an unknown nested variable', { subject: '{{ application.nope }}', text: 'x' }, 'subject', 'nope'],
    ['an unknown filter', { subject: 'Hi', text: '{{ application.amount | shout }}' }, 'text', 'shout'],
    ['a syntax error', { subject: 'Hi {% if %}', text: 'x' }, 'subject', ''],
    ['an unclosed output', { subject: 'Hi', text: '{{ application.id' }, 'text', ''],
    ['money on something that is not money', { subject: 'Hi', text: '{{ application.id | money }}' }, 'text', 'money'],
  ])('PUT with %s is 422 with errors[] naming the part; nothing is saved', async (_label, body, part, mention) => {
    const res = await gw.request('PUT', `/v1/notification-templates/${REJECTED}/in_app`, { key: partner.key, body });
    const errors = expectProblem(res, 422, 'unprocessable');
    expect(paths(errors)).toEqual([part]);
    expect(errors[0]!.message).toContain(mention);
    expect(res.body.detail).toContain('does not render');
    const got = await gw.request('GET', `/v1/notification-templates/${REJECTED}/in_app`, { key: partner.key });
    expect(got.body.version).toBe(0);
  });

  it('every part that does not render is listed', async () => {
    const res = await gw.request('PUT', `/v1/notification-templates/${REJECTED}/email`, {
      key: partner.key,
      body: { subject: '{{ a }}', text: '{{ b }}', html: '<p>{{ c }}</p>' },
    });
    expect(paths(expectProblem(res, 422, 'unprocessable'))).toEqual(['subject', 'text', 'html']);
  });

  it('the parts a channel needs, and only those: 422 naming the part', async () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['email', { subject: 'S', text: 'T' }, ['html']],
      ['email', { text: 'T', html: '<p>H</p>' }, ['subject']],
      ['in_app', { text: 'T' }, ['subject']],
      ['in_app', { subject: 'S', text: 'T', html: '<p>H</p>' }, ['html']],
    ];
    for (const [channel, body, expected] of cases) {
      const res = await gw.request('PUT', `/v1/notification-templates/${REJECTED}/${channel}`, {
        key: partner.key,
        body,
      });
      expect(paths(expectProblem(res, 422, 'unprocessable')), `${channel} ${JSON.stringify(body)}`).toEqual(expected);
    }
    const sms = await gw.request('PUT', '/v1/notification-templates/repayment.upcoming/sms', {
      key: partner.key,
      body: { subject: 'S', text: 'T' },
    });
    expect(paths(expectProblem(sms, 422, 'unprocessable'))).toEqual(['subject']);
  });

  it.each([
    ['no text', { subject: 'S' }, 'body.text'],
    ['an empty text', { subject: 'S', text: '' }, 'body.text'],
    ['a text over 20,000 characters', { subject: 'S', text: 'x'.repeat(20_001) }, 'body.text'],
    ['an unknown field', { subject: 'S', text: 'T', layout: 'fancy' }, 'body'],
  ])('PUT with %s → 400 naming %s', async (_label, body, path) => {
    const res = await gw.request('PUT', `/v1/notification-templates/${REJECTED}/in_app`, { key: partner.key, body });
    expect(paths(expectProblem(res, 400, 'validation_failed'))).toContain(path);
  });
});

describe('POST /v1/notification-templates/{type}/preview', () => {
  const preview = (type: string, body?: unknown) =>
    gw.request('POST', `/v1/notification-templates/${type}/preview`, { key: partner.key, body });

  it('an unknown type is 400 naming path.type', async () => {
    expect(paths(expectProblem(await preview('loan.nope', {}), 400, 'validation_failed'))).toEqual(['path.type']);
  });

  it('a draft without its channel is 422 naming channel', async () => {
    const res = await preview(REJECTED, { template: { subject: 'S', text: 'T' } });
    expect(paths(expectProblem(res, 422, 'unprocessable'))).toEqual(['channel']);
  });

  it('a channel the type has no message on is 422', async () => {
    expect(paths(expectProblem(await preview(REJECTED, { channel: 'sms' }), 422, 'unprocessable'))).toEqual([
      'channel',
    ]);
  });

  it('a draft that does not render is 422 naming template.<part>', async () => {
    const res = await preview(REJECTED, { channel: 'in_app', template: { subject: 'S', text: '{{ nope }}' } });
    const errors = expectProblem(res, 422, 'unprocessable');
    expect(paths(errors)).toEqual(['template.text']);
    expect(errors[0]!.message).toContain('nope');
  });

  it('variables that break the template in use (money filter on a string) are 422', async () => {
    const res = await preview(REJECTED, {
      channel: 'in_app',
      variables: { application: { id: 'lap_x', amount: 'lots', termMonths: 6, rejectionReason: 'x' } },
    });
    expect(paths(expectProblem(res, 422, 'unprocessable'))).toEqual(['template.text']);
  });

  it.each([
    ['variables that are not an object', { variables: ['x'] }, 'body.variables'],
    ['an unknown channel', { channel: 'fax' }, 'body.channel'],
    ['an unknown field', { send: true }, 'body'],
    ['a draft with no text', { channel: 'in_app', template: { subject: 'S' } }, 'body.template.text'],
  ])('%s → 400 naming %s', async (_label, body, path) => {
    expect(paths(expectProblem(await preview(REJECTED, body), 400, 'validation_failed'))).toContain(path);
  });

  it('GET …/preview reaches the template route, where `preview` is not a channel: 400 naming path.channel', async () => {
    const res = await gw.request('GET', `/v1/notification-templates/${REJECTED}/preview`, { key: partner.key });
    expect(paths(expectProblem(res, 400, 'validation_failed'))).toEqual(['path.channel']);
  });
});

describe('recipientId is an id', () => {
  it('a customer’s name finds nothing (404); its id does', async () => {
    const c = await createCustomer(gw, partner, 'Bola Ade');
    const byName = await gw.request('GET', '/v1/notification-preferences?recipientId=Bola%20Ade', { key: partner.key });
    expectProblem(byName, 404, 'not_found');
    const byId = await gw.request('GET', `/v1/notification-preferences?recipientId=${c.id}`, { key: partner.key });
    expect(byId.status).toBe(200);
  });
});

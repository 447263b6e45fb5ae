import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { platformFor } from '../../../test/support/lending.js';
import { fanOut, listAll, rejectApplication } from '../../../test/support/notification-inbox.js';
import { authMatrix } from '../../../test/support/security.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const REJECTED = 'loan_application.rejected';
const WELL_FORMED_NTF = 'ntf_01jd8x3k5w9q4r7t2m6n0p8s1v';

/** Every notification route, with a body that passes validation; `write` when it needs notifications:write. */
function routes(notificationId: string, customerId: string) {
  return [
    { method: 'GET', path: '/v1/notifications', write: false },
    { method: 'GET', path: `/v1/notifications/${notificationId}`, write: false },
    { method: 'POST', path: `/v1/notifications/${notificationId}/read`, write: true },
    { method: 'POST', path: '/v1/notifications/read-all', body: { recipientId: customerId }, write: true },
    { method: 'GET', path: `/v1/notification-preferences?recipientId=${customerId}`, write: false },
    {
      method: 'PUT',
      path: '/v1/notification-preferences',
      body: { recipientId: customerId, preferences: [{ type: REJECTED, channel: 'in_app', enabled: false }] },
      write: true,
    },
    { method: 'GET', path: `/v1/notification-templates/${REJECTED}/in_app`, write: false },
    {
      method: 'PUT',
      path: `/v1/notification-templates/${REJECTED}/in_app`,
      body: { subject: 'Taken over', text: 'Taken over' },
      write: true,
    },
    // Preview writes nothing: notifications:read is enough.
    { method: 'POST', path: `/v1/notification-templates/${REJECTED}/preview`, body: {}, write: false },
  ] as const;
}

/** A partner with a rejected application: two notifications (customer and account), both unread. */
async function partnerWithInbox(): Promise<{ p: Partner; customerId: string; notificationId: string }> {
  const p = await gw.createPartner();
  const { customerId } = await rejectApplication(gw, p);
  const [n] = await listAll(gw, p.key, `recipientId=${customerId}`);
  return { p, customerId, notificationId: n!.id };
}

/** What a tenant's notification state looks like: inbox, customer preferences and template. */
async function snapshot(p: Partner, customerId: string) {
  const [inbox, prefs, template] = await Promise.all([
    listAll(gw, p.key),
    gw.request('GET', `/v1/notification-preferences?recipientId=${customerId}`, { key: p.key }),
    gw.request('GET', `/v1/notification-templates/${REJECTED}/in_app`, { key: p.key }),
  ]);
  return { inbox, prefs: prefs.body, template: template.body };
}

describe('GET /v1/notifications', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'GET', path: '/v1/notifications', scope: 'notifications:read' }),
  ));
describe('POST /v1/notifications/read-all', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'POST', path: '/v1/notifications/read-all', scope: 'notifications:write', body: {} }),
  ));
describe('PUT /v1/notification-preferences', () =>
  authMatrix(
    () => gw,
    () => ({
      method: 'PUT',
      path: '/v1/notification-preferences',
      scope: 'notifications:write',
      body: { preferences: [{ type: REJECTED, channel: 'email', enabled: false }] },
    }),
  ));
describe('PUT /v1/notification-templates/{type}/{channel}', () =>
  authMatrix(
    () => gw,
    () => ({
      method: 'PUT',
      path: `/v1/notification-templates/${REJECTED}/in_app`,
      scope: 'notifications:write',
      body: { subject: 'S', text: 'T' },
    }),
  ));
describe('POST /v1/notification-templates/{type}/preview', () =>
  authMatrix(
    () => gw,
    () => ({ method: 'POST', path: `/v1/notification-templates/${REJECTED}/preview`, scope: 'notifications:read' }),
  ));

describe('notification routes: authentication and scopes', () => {
  it('401 api_key_missing on every route without a key', async () => {
    for (const r of routes(WELL_FORMED_NTF, 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v')) {
      const res = await gw.request(r.method, r.path, { key: null, body: 'body' in r ? r.body : undefined });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(res.body.code).toBe('api_key_missing');
    }
  });

  it('a key without a notifications scope gets 403 naming the scope on every route', async () => {
    const { p, customerId, notificationId } = await partnerWithInbox();
    const other = await gw.createKey(p.accountId, { name: 'other', scopes: ['customers:write', 'loans:write'] });
    for (const r of routes(notificationId, customerId)) {
      const res = await gw.request(r.method, r.path, { key: other.secret, body: 'body' in r ? r.body : undefined });
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
      expect(res.body.detail).toContain(r.write ? 'notifications:write' : 'notifications:read');
    }
  });

  it('a notifications:read key reads and previews but cannot mark read, set preferences or templates', async () => {
    const { p, customerId, notificationId } = await partnerWithInbox();
    const before = await snapshot(p, customerId);
    const readOnly = await gw.createKey(p.accountId, { name: 'ro', scopes: ['notifications:read'] });
    for (const r of routes(notificationId, customerId)) {
      const res = await gw.request(r.method, r.path, { key: readOnly.secret, body: 'body' in r ? r.body : undefined });
      if (r.write) {
        expect(res.status, `${r.method} ${r.path}`).toBe(403);
        expect(res.body.code).toBe('insufficient_scope');
        expect(res.body.detail).toContain('notifications:write');
      } else {
        expect(res.status, `${r.method} ${r.path}`).toBe(200);
      }
    }
    expect(await snapshot(p, customerId)).toEqual(before);
    for (const n of before.inbox) expect(n.readAt).toBeNull();
  });

  it('a notifications:write key can also read (write implies read)', async () => {
    const { p, customerId, notificationId } = await partnerWithInbox();
    const writer = await gw.createKey(p.accountId, { name: 'rw', scopes: ['notifications:write'] });
    for (const r of routes(notificationId, customerId)) {
      const res = await gw.request(r.method, r.path, { key: writer.secret, body: 'body' in r ? r.body : undefined });
      expect(res.status, `${r.method} ${r.path}`).toBe(200);
    }
  });
});

describe('notification routes: tenancy', () => {
  it('another tenant’s notification and customer are 404 on every route that names them, and nothing changes', async () => {
    const a = await partnerWithInbox();
    const b = await gw.createPartner();
    const before = await snapshot(a.p, a.customerId);
    const named = [
      { method: 'GET', path: `/v1/notifications/${a.notificationId}` },
      { method: 'POST', path: `/v1/notifications/${a.notificationId}/read` },
      { method: 'GET', path: `/v1/notification-preferences?recipientId=${a.customerId}` },
      {
        method: 'PUT',
        path: '/v1/notification-preferences',
        body: { recipientId: a.customerId, preferences: [{ type: REJECTED, channel: 'in_app', enabled: false }] },
      },
      // The other account itself is not a recipient of b's either.
      { method: 'GET', path: `/v1/notification-preferences?recipientId=${a.p.accountId}` },
      {
        method: 'PUT',
        path: '/v1/notification-preferences',
        body: { recipientId: a.p.accountId, locale: 'fr-FR' },
      },
    ];
    for (const r of named) {
      const res = await gw.request(r.method, r.path, { key: b.key, body: r.body });
      expect(res.status, `${r.method} ${r.path}`).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    // The 404 reads as for an id that never existed: nothing tells that the object is someone else's.
    const unknownCustomer = 'cus_01jd8x3k5w9q4r7t2m6n0p8s1v';
    const theirs = await gw.request('GET', `/v1/notification-preferences?recipientId=${a.customerId}`, { key: b.key });
    const nobody = await gw.request('GET', `/v1/notification-preferences?recipientId=${unknownCustomer}`, {
      key: b.key,
    });
    expect(theirs.body.detail.replace(a.customerId, '<id>')).toBe(nobody.body.detail.replace(unknownCustomer, '<id>'));
    const theirNtf = await gw.request('GET', `/v1/notifications/${a.notificationId}`, { key: b.key });
    const noNtf = await gw.request('GET', `/v1/notifications/${WELL_FORMED_NTF}`, { key: b.key });
    expect(theirNtf.body.detail.replace(a.notificationId, '<id>')).toBe(
      noNtf.body.detail.replace(WELL_FORMED_NTF, '<id>'),
    );
    // Lists and read-all are scoped: b sees and changes nothing of a's, even naming a's recipients.
    expect(await listAll(gw, b.key)).toEqual([]);
    expect(await listAll(gw, b.key, `recipientId=${a.customerId}`)).toEqual([]);
    const readAll = await gw.request('POST', '/v1/notifications/read-all', { key: b.key });
    expect(readAll.body).toEqual({ object: 'notification_read_all', updated: 0 });
    const readAllNamed = await gw.request('POST', '/v1/notifications/read-all', {
      key: b.key,
      body: { recipientId: a.customerId },
    });
    expect(readAllNamed.body).toEqual({ object: 'notification_read_all', updated: 0 });
    expect(await snapshot(a.p, a.customerId)).toEqual(before);
  });

  it('a template override is the account’s own: another tenant keeps the built-in one', async () => {
    const a = await gw.createPartner();
    const b = await gw.createPartner();
    const put = await gw.request('PUT', `/v1/notification-templates/${REJECTED}/in_app`, {
      key: b.key,
      body: { subject: 'B’s title {{ application.id }}', text: 'B’s body' },
    });
    expect(put.status).toBe(200);
    const got = await gw.request('GET', `/v1/notification-templates/${REJECTED}/in_app`, { key: a.key });
    expect(got.body.version).toBe(0);
    const preview = await gw.request('POST', `/v1/notification-templates/${REJECTED}/preview`, {
      key: a.key,
      body: { channel: 'in_app' },
    });
    expect(preview.body.rendered[0]).toMatchObject({ version: 0, subject: 'Loan application rejected' });
    await rejectApplication(gw, a);
    for (const n of await listAll(gw, a.key)) expect(n.title).toBe('Loan application rejected');
  });

  it('the platform acting for a partner (Lendwire-Account) sees and marks the partner’s notifications', async () => {
    const { p, notificationId } = await partnerWithInbox();
    const as = await gw.request('GET', '/v1/notifications', platformFor(p));
    expect(as.status).toBe(200);
    expect(as.body.data.map((n: { id: string }) => n.id)).toContain(notificationId);
    const read = await gw.request('POST', `/v1/notifications/${notificationId}/read`, platformFor(p));
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    // Without the header the root key is the platform account: the partner's notification is not its own.
    expect((await gw.request('GET', `/v1/notifications/${notificationId}`)).status).toBe(404);
    const own = await listAll(gw, gw.rootKey);
    expect(own.map((n) => n.id)).not.toContain(notificationId);
  });

  it('a live key sees no test-mode notifications, preferences or templates', async () => {
    const { p, customerId, notificationId } = await partnerWithInbox();
    const put = await gw.request('PUT', `/v1/notification-templates/${REJECTED}/in_app`, {
      key: p.key,
      body: { subject: 'Test mode', text: 'Test mode' },
    });
    expect(put.status).toBe(200);
    const live = await gw.createKey(p.accountId, { name: 'live' }, true);
    expect(await listAll(gw, live.secret)).toEqual([]);
    expect((await gw.request('GET', `/v1/notifications/${notificationId}`, { key: live.secret })).status).toBe(404);
    // The customer is a test-mode customer: live mode has no such recipient.
    const prefs = await gw.request('GET', `/v1/notification-preferences?recipientId=${customerId}`, {
      key: live.secret,
    });
    expect(prefs.status).toBe(404);
    const template = await gw.request('GET', `/v1/notification-templates/${REJECTED}/in_app`, { key: live.secret });
    expect(template.body.version).toBe(0);
  });
});

describe('personal data', () => {
  it('notifications carry no customer e-mail or phone, and no log line names the customer', async () => {
    const p = await gw.createPartner();
    const email = 'ada.private@example.com';
    const phone = '+2348031234567';
    const customer = await gw.request('POST', '/v1/customers', {
      key: p.key,
      body: { name: 'Adaeze Secretname', email, phone },
    });
    expect(customer.status).toBe(201);
    const logsBefore = gw.logs.length;
    await rejectApplication(gw, p, { customerId: customer.body.id });
    await fanOut(gw);
    const inbox = await gw.request('GET', '/v1/notifications', { key: p.key });
    expect(inbox.body.data).toHaveLength(2);
    expect(inbox.text).not.toContain(email);
    expect(inbox.text).not.toContain(phone);
    const byCustomer = inbox.body.data.find((n: { recipient: { kind: string } }) => n.recipient.kind === 'customer');
    // The customer has an e-mail address now: its e-mail is queued, to the address looked up at send time.
    expect(byCustomer.channels).toContainEqual(expect.objectContaining({ channel: 'email', status: 'queued' }));
    const prefs = await gw.request('GET', `/v1/notification-preferences?recipientId=${customer.body.id}`, {
      key: p.key,
    });
    expect(prefs.text).not.toContain(email);
    expect(prefs.text).not.toContain(phone);
    const logs = gw.logs.slice(logsBefore).join('\n');
    for (const secret of [email, phone, 'Secretname']) expect(logs).not.toContain(secret);
  });
});

import type { Notification, NotificationPreferences } from '@lendwire/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';
import { createCustomer, platformFor, submitApplication } from '../../../test/support/lending.js';
import { bankAccountBody } from '../../../test/support/money.js';
import { fanOut, listAll, rejectApplication } from '../../../test/support/notification-inbox.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const REJECTED = 'loan_application.rejected';

/** The preference of `type` on `channel` in a preferences answer. */
const pref = (p: NotificationPreferences, type: string, channel: string) =>
  p.preferences.find((x) => x.type === type && x.channel === channel);

/** The status of `channel` of a notification. */
const channel = (n: Notification, name: string) => n.channels.find((c) => c.channel === name);

describe('GET /v1/notifications: the inbox the notifier fills', () => {
  let partner: Partner;
  let customerId: string;
  let applicationId: string;
  beforeAll(async () => {
    partner = await gw.createPartner({ name: 'Inbox Partner' });
    const customer = await createCustomer(gw, partner);
    customerId = customer.id;
    const application = await submitApplication(gw, partner, { customerId });
    applicationId = application.id;
    const rejected = await gw.request('POST', `/v1/loan-applications/${applicationId}/reject`, {
      ...platformFor(partner),
      body: { reason: 'Income could not be verified' },
    });
    expect(rejected.status).toBe(200);
  });

  it('is empty until the notifier fans the event out (requests never write notifications)', async () => {
    const before = await gw.request('GET', '/v1/notifications', { key: partner.key });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ object: 'list', data: [], hasMore: false, nextCursor: null });
    expect(await fanOut(gw)).toBeGreaterThanOrEqual(2);
    const after = await gw.request('GET', '/v1/notifications', { key: partner.key });
    expect(after.body.data).toHaveLength(2);
  });

  it('tells the customer and the account, with the reason, the event and the channels of each', async () => {
    const res = await gw.request('GET', '/v1/notifications', { key: partner.key });
    const events = await gw.request('GET', `/v1/events?type=${REJECTED}`, { key: partner.key });
    expect(events.body.data).toHaveLength(1);
    const eventId = events.body.data[0].id;
    const byKind = Object.fromEntries(res.body.data.map((n: Notification) => [n.recipient.kind, n]));
    for (const n of res.body.data as Notification[]) {
      expect(n).toMatchObject({
        object: 'notification',
        type: REJECTED,
        title: 'Loan application rejected',
        readAt: null,
        eventId,
        livemode: false,
      });
      expect(n.id).toMatch(/^ntf_[0-9a-z]{26}$/);
      expect(n.body).toContain(applicationId);
      expect(n.body).toContain('Income could not be verified');
      expect(n.body).toContain('₦100,000.00');
      expect(n.data).toMatchObject({
        application: { id: applicationId, rejectionReason: 'Income could not be verified' },
      });
      expect(channel(n, 'in_app')).toMatchObject({ status: 'sent', attempts: 0, reason: null, heldUntil: null });
    }
    expect(byKind.customer.recipient).toEqual({ kind: 'customer', id: customerId });
    expect(byKind.account.recipient).toEqual({ kind: 'account', id: partner.accountId });
    // The account has a contact e-mail: queued for the send job. The customer has none: skipped.
    expect(channel(byKind.account, 'email')).toMatchObject({ status: 'queued', reason: null });
    expect(channel(byKind.customer, 'email')).toMatchObject({ status: 'skipped', reason: 'no_address' });
    expect(byKind.customer.channels.map((c: { channel: string }) => c.channel)).toEqual(['in_app', 'email']);
  });

  it('GET /v1/notifications/{id} equals the list item', async () => {
    const list = await gw.request('GET', '/v1/notifications', { key: partner.key });
    for (const item of list.body.data) {
      const res = await gw.request('GET', `/v1/notifications/${item.id}`, { key: partner.key });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(item);
    }
  });

  it('fanning out again writes nothing more', async () => {
    expect(await fanOut(gw)).toBe(0);
    expect(await listAll(gw, partner.key)).toHaveLength(2);
  });
});

describe('list filters and pagination', () => {
  let partner: Partner;
  let customerA: string;
  let customerB: string;
  beforeAll(async () => {
    partner = await gw.createPartner({ name: 'Filter Partner' });
    customerA = (await rejectApplication(gw, partner)).customerId;
    customerB = (await rejectApplication(gw, partner)).customerId;
    const bank = await gw.request('POST', '/v1/bank-accounts', { key: partner.key, body: bankAccountBody('4321') });
    expect(bank.status).toBe(201);
    await fanOut(gw);
  });

  it('holds five notifications, newest first', async () => {
    const all = await listAll(gw, partner.key);
    expect(all).toHaveLength(5);
    expect(all[0]!.type).toBe('bank_account.added');
    const ids = all.map((n) => n.id);
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  it('?recipientId= keeps one recipient’s: a customer’s, or the account’s own', async () => {
    const a = await listAll(gw, partner.key, `recipientId=${customerA}`);
    expect(a.map((n) => [n.recipient.id, n.type])).toEqual([[customerA, REJECTED]]);
    const account = await listAll(gw, partner.key, `recipientId=${partner.accountId}`);
    expect(account).toHaveLength(3);
    for (const n of account) expect(n.recipient).toEqual({ kind: 'account', id: partner.accountId });
    const b = await listAll(gw, partner.key, `recipientId=${customerB}`);
    expect(b).toHaveLength(1);
    expect(b[0]!.id).not.toBe(a[0]!.id);
  });

  it('?type= keeps one type', async () => {
    const bank = await listAll(gw, partner.key, 'type=bank_account.added');
    expect(bank).toHaveLength(1);
    expect(bank[0]!.body).toContain('ending 4321');
    expect(await listAll(gw, partner.key, `type=${REJECTED}`)).toHaveLength(4);
    expect(await listAll(gw, partner.key, 'type=withdrawal.failed')).toEqual([]);
  });

  it('?unread=true and ?unread=false split the inbox once one is read; filters combine', async () => {
    const [first] = await listAll(gw, partner.key, `recipientId=${customerA}`);
    const read = await gw.request('POST', `/v1/notifications/${first!.id}/read`, { key: partner.key });
    expect(read.status).toBe(200);
    const unread = await listAll(gw, partner.key, 'unread=true');
    const done = await listAll(gw, partner.key, 'unread=false');
    expect(done.map((n) => n.id)).toEqual([first!.id]);
    expect(unread).toHaveLength(4);
    expect(unread.map((n) => n.id)).not.toContain(first!.id);
    expect(await listAll(gw, partner.key, `unread=true&recipientId=${customerA}`)).toEqual([]);
    expect(
      await listAll(gw, partner.key, `unread=true&type=${REJECTED}&recipientId=${partner.accountId}`),
    ).toHaveLength(2);
  });

  it('?limit= pages with nextCursor: every notification once, in order', async () => {
    const all = await listAll(gw, partner.key);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const path: string = `/v1/notifications?limit=2${cursor ? `&startingAfter=${cursor}` : ''}`;
      const res = await gw.request('GET', path, { key: partner.key });
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((n: Notification) => n.id));
      if (!res.body.hasMore) {
        expect(res.body.nextCursor).toBeNull();
        break;
      }
      expect(res.body.nextCursor).toBe(res.body.data.at(-1).id);
      cursor = res.body.nextCursor;
    }
    expect(seen).toEqual(all.map((n) => n.id));
  });
});

describe('POST /v1/notifications/{id}/read and /v1/notifications/read-all', () => {
  let partner: Partner;
  let customerId: string;
  beforeAll(async () => {
    partner = await gw.createPartner({ name: 'Read Partner' });
    customerId = (await rejectApplication(gw, partner)).customerId;
    await rejectApplication(gw, partner, { customerId });
  });

  it('read sets readAt and keeps the first time on a repeat', async () => {
    const [n] = await listAll(gw, partner.key, `recipientId=${customerId}`);
    const first = await gw.request('POST', `/v1/notifications/${n!.id}/read`, { key: partner.key });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: n!.id, object: 'notification' });
    expect(first.body.readAt).toBe(gw.clock.now().toISOString());
    gw.clock.advance(5_000);
    const again = await gw.request('POST', `/v1/notifications/${n!.id}/read`, { key: partner.key });
    gw.clock.advance(-5_000);
    expect(again.status).toBe(200);
    expect(again.body.readAt).toBe(first.body.readAt);
    expect({ ...again.body }).toEqual(first.body);
    const got = await gw.request('GET', `/v1/notifications/${n!.id}`, { key: partner.key });
    expect(got.body.readAt).toBe(first.body.readAt);
  });

  it('read-all with a recipientId marks only that recipient’s, and counts them', async () => {
    const res = await gw.request('POST', '/v1/notifications/read-all', {
      key: partner.key,
      body: { recipientId: customerId },
    });
    expect(res.status).toBe(200);
    // Two for the customer, one of them read above.
    expect(res.body).toEqual({ object: 'notification_read_all', updated: 1 });
    expect(await listAll(gw, partner.key, `unread=true&recipientId=${customerId}`)).toEqual([]);
    expect(await listAll(gw, partner.key, `unread=true&recipientId=${partner.accountId}`)).toHaveLength(2);
  });

  it('read-all without a body marks the rest; a second call counts 0', async () => {
    const res = await gw.request('POST', '/v1/notifications/read-all', { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ object: 'notification_read_all', updated: 2 });
    expect(await listAll(gw, partner.key, 'unread=true')).toEqual([]);
    const again = await gw.request('POST', '/v1/notifications/read-all', { key: partner.key, body: {} });
    expect(again.body).toEqual({ object: 'notification_read_all', updated: 0 });
    for (const n of await listAll(gw, partner.key)) expect(n.readAt).not.toBeNull();
  });
});

describe('GET|PUT /v1/notification-preferences', () => {
  let partner: Partner;
  let customerId: string;
  beforeAll(async () => {
    partner = await gw.createPartner({ name: 'Preferences Partner' });
    customerId = (await createCustomer(gw, partner)).id;
  });

  it('answers the account’s defaults: every type and channel it gets, required ones marked', async () => {
    const res = await gw.request('GET', '/v1/notification-preferences', { key: partner.key });
    expect(res.status).toBe(200);
    const p = res.body as NotificationPreferences;
    expect(p).toMatchObject({
      object: 'notification_preferences',
      recipientId: partner.accountId,
      recipientKind: 'account',
      quietHours: null,
      locale: 'en-NG',
    });
    expect(pref(p, REJECTED, 'email')).toEqual({
      type: REJECTED,
      channel: 'email',
      enabled: true,
      default: true,
      required: false,
    });
    expect(pref(p, 'account.suspended', 'email')).toMatchObject({ enabled: true, required: true });
    expect(pref(p, 'api_key.rotated', 'in_app')).toMatchObject({ enabled: true, required: true });
    expect(pref(p, 'withdrawal.created', 'in_app')).toMatchObject({ enabled: true, default: true });
    // A type the account is never told about is not listed.
    expect(p.preferences.some((x) => x.type === 'repayment.upcoming')).toBe(false);
  });

  it('answers a customer’s defaults with ?recipientId=: customer types only, off-by-default channels off', async () => {
    const res = await gw.request('GET', `/v1/notification-preferences?recipientId=${customerId}`, {
      key: partner.key,
    });
    expect(res.status).toBe(200);
    const p = res.body as NotificationPreferences;
    expect(p).toMatchObject({ recipientId: customerId, recipientKind: 'customer', quietHours: null, locale: 'en-NG' });
    expect(pref(p, 'repayment.upcoming', 'sms')).toMatchObject({ enabled: true, default: true, required: false });
    expect(p.preferences.some((x) => x.type.startsWith('withdrawal.'))).toBe(false);
    expect(pref(p, 'loan.disbursed', 'email')).toMatchObject({ enabled: true, default: true });
    // loan_offer.created has an e-mail template but tells by in-app only: listed, off, can be turned on.
    expect(pref(p, 'loan_offer.created', 'email')).toMatchObject({ enabled: false, default: false, required: false });
  });

  it('PUT sets what it names, keeps the rest, and GET answers the same', async () => {
    const put = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: {
        preferences: [
          { type: REJECTED, channel: 'email', enabled: false },
          { type: 'bank_account.added', channel: 'in_app', enabled: false },
        ],
        quietHours: { start: '22:00', end: '07:00', timeZone: 'Africa/Lagos' },
        locale: 'en-GB',
      },
    });
    expect(put.status).toBe(200);
    const p = put.body as NotificationPreferences;
    expect(pref(p, REJECTED, 'email')).toMatchObject({ enabled: false, default: true });
    expect(pref(p, 'bank_account.added', 'in_app')).toMatchObject({ enabled: false });
    expect(pref(p, REJECTED, 'in_app')).toMatchObject({ enabled: true });
    expect(p.quietHours).toEqual({ start: '22:00', end: '07:00', timeZone: 'Africa/Lagos' });
    expect(p.locale).toBe('en-GB');
    const got = await gw.request('GET', '/v1/notification-preferences', { key: partner.key });
    expect(got.body).toEqual(put.body);

    // A second PUT naming only one preference changes only it; quiet hours and locale stay.
    const second = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: { preferences: [{ type: 'bank_account.added', channel: 'in_app', enabled: true }] },
    });
    expect(second.status).toBe(200);
    expect(pref(second.body, 'bank_account.added', 'in_app')).toMatchObject({ enabled: true });
    expect(pref(second.body, REJECTED, 'email')).toMatchObject({ enabled: false });
    expect(second.body.quietHours).toEqual(p.quietHours);
    expect(second.body.locale).toBe('en-GB');

    // null clears quiet hours and locale.
    const cleared = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: { quietHours: null, locale: null },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.quietHours).toBeNull();
    expect(cleared.body.locale).toBe('en-NG');
  });

  it('turning a required type “on” is accepted and changes nothing', async () => {
    const res = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: { preferences: [{ type: 'account.suspended', channel: 'email', enabled: true }] },
    });
    expect(res.status).toBe(200);
    expect(pref(res.body, 'account.suspended', 'email')).toMatchObject({ enabled: true, required: true });
  });

  it('a customer’s preferences are its own: the account’s stay as they were', async () => {
    const before = await gw.request('GET', '/v1/notification-preferences', { key: partner.key });
    const put = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: {
        recipientId: customerId,
        preferences: [
          { type: 'repayment.upcoming', channel: 'sms', enabled: false },
          { type: 'loan_offer.created', channel: 'email', enabled: true },
        ],
        locale: 'de-DE',
      },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ recipientId: customerId, recipientKind: 'customer', locale: 'de-DE' });
    expect(pref(put.body, 'repayment.upcoming', 'sms')).toMatchObject({ enabled: false });
    // A channel off by default can be turned on.
    expect(pref(put.body, 'loan_offer.created', 'email')).toMatchObject({ enabled: true, default: false });
    const after = await gw.request('GET', '/v1/notification-preferences', { key: partner.key });
    expect(after.body).toEqual(before.body);
  });
});

describe('preferences shape what the notifier sends', () => {
  it('a channel turned off is skipped with reason preference; the others go out', async () => {
    const partner = await gw.createPartner({ name: 'Opt-out Partner' });
    const put = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: { preferences: [{ type: REJECTED, channel: 'email', enabled: false }] },
    });
    expect(put.status).toBe(200);
    await rejectApplication(gw, partner);
    const [n] = await listAll(gw, partner.key, `recipientId=${partner.accountId}`);
    expect(channel(n!, 'email')).toMatchObject({ status: 'skipped', reason: 'preference' });
    expect(channel(n!, 'in_app')).toMatchObject({ status: 'sent' });
  });

  it('quiet hours hold the e-mail until the window ends (heldUntil)', async () => {
    const partner = await gw.createPartner({ name: 'Quiet Partner' });
    const hour = gw.clock.now().getUTCHours();
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const put = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: { quietHours: { start: hh(hour - 1), end: hh(hour + 2), timeZone: 'UTC' } },
    });
    expect(put.status).toBe(200);
    await rejectApplication(gw, partner);
    const [n] = await listAll(gw, partner.key, `recipientId=${partner.accountId}`);
    const email = channel(n!, 'email')!;
    expect(email.status).toBe('held');
    const until = new Date(email.heldUntil!);
    expect(until.getUTCMinutes()).toBe(0);
    expect(until.getUTCHours()).toBe((hour + 2) % 24);
    expect(until.getTime()).toBeGreaterThan(gw.clock.now().getTime());
    expect(until.getTime() - gw.clock.now().getTime()).toBeLessThanOrEqual(2 * 3_600_000);
    expect(channel(n!, 'in_app')).toMatchObject({ status: 'sent', heldUntil: null });
  });

  it('the recipient’s locale writes the money in the message', async () => {
    const partner = await gw.createPartner({ name: 'Locale Partner' });
    const customerId = (await createCustomer(gw, partner)).id;
    const put = await gw.request('PUT', '/v1/notification-preferences', {
      key: partner.key,
      body: { recipientId: customerId, locale: 'de-DE' },
    });
    expect(put.status).toBe(200);
    await rejectApplication(gw, partner, { customerId });
    const [customer] = await listAll(gw, partner.key, `recipientId=${customerId}`);
    const [account] = await listAll(gw, partner.key, `recipientId=${partner.accountId}`);
    expect(customer!.body).toContain('100.000,00');
    expect(customer!.body).not.toContain('100,000.00');
    expect(account!.body).toContain('₦100,000.00');
  });
});

describe('GET|PUT /v1/notification-templates/{type}/{channel}', () => {
  let partner: Partner;
  beforeAll(async () => {
    partner = await gw.createPartner({ name: 'Template Partner' });
  });

  it('GET answers the built-in template as version 0, with the type’s sample variables', async () => {
    const res = await gw.request('GET', `/v1/notification-templates/${REJECTED}/email`, { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'notification_template',
      type: REJECTED,
      channel: 'email',
      version: 0,
      createdAt: null,
    });
    expect(res.body.subject).toContain('{{ application.amount | money }}');
    expect(res.body.text).toContain('{{ application.rejectionReason }}');
    expect(res.body.html).toContain('<p>');
    expect(res.body.variables).toMatchObject({
      application: { id: 'lap_sample', amount: { amount: 10_000_000, currency: 'NGN' } },
      recipient: { name: 'Ada Obi' },
      account: { name: expect.any(String) },
      locale: 'en-NG',
    });
    const sms = await gw.request('GET', '/v1/notification-templates/repayment.upcoming/sms', { key: partner.key });
    expect(sms.status).toBe(200);
    expect(sms.body).toMatchObject({ channel: 'sms', version: 0, subject: null, html: null });
  });

  it('PUT saves version 1, then 2; GET answers the newest', async () => {
    const v1 = await gw.request('PUT', `/v1/notification-templates/${REJECTED}/in_app`, {
      key: partner.key,
      body: { subject: 'Application {{ application.id }} declined', text: 'Sorry, {{ recipient.name }}.' },
    });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({
      object: 'notification_template',
      type: REJECTED,
      channel: 'in_app',
      version: 1,
      subject: 'Application {{ application.id }} declined',
      text: 'Sorry, {{ recipient.name }}.',
      html: null,
      createdAt: gw.clock.now().toISOString(),
    });
    const v2 = await gw.request('PUT', `/v1/notification-templates/${REJECTED}/in_app`, {
      key: partner.key,
      body: {
        subject: 'Application {{ application.id }} not approved',
        text: '{{ recipient.name }}, the reason: {{ application.rejectionReason }} ({{ application.amount | money }}).',
      },
    });
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
    const got = await gw.request('GET', `/v1/notification-templates/${REJECTED}/in_app`, { key: partner.key });
    expect(got.body).toEqual(v2.body);
    // Other channels of the type are untouched.
    const email = await gw.request('GET', `/v1/notification-templates/${REJECTED}/email`, { key: partner.key });
    expect(email.body.version).toBe(0);
  });

  it('the next notification is written from the saved override', async () => {
    const { applicationId, customerId } = await rejectApplication(gw, partner, { reason: 'Too many open loans' });
    const [n] = await listAll(gw, partner.key, `recipientId=${customerId}`);
    expect(n!.title).toBe(`Application ${applicationId} not approved`);
    expect(n!.body).toBe('Ada Obi, the reason: Too many open loans (₦100,000.00).');
  });

  it('PUT of an e-mail template takes subject, text and html', async () => {
    const res = await gw.request('PUT', `/v1/notification-templates/${REJECTED}/email`, {
      key: partner.key,
      body: {
        subject: 'About your application',
        text: 'Hello {{ recipient.name }}',
        html: '<p>Hello {{ recipient.name }}</p>',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: 1,
      subject: 'About your application',
      html: '<p>Hello {{ recipient.name }}</p>',
    });
  });
});

describe('POST /v1/notification-templates/{type}/preview', () => {
  let partner: Partner;
  beforeAll(async () => {
    partner = await gw.createPartner({ name: 'Preview Partner' });
  });

  it('without a body renders every channel’s template in use with the sample', async () => {
    const res = await gw.request('POST', `/v1/notification-templates/${REJECTED}/preview`, { key: partner.key });
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('notification_template_preview');
    expect(res.body.type).toBe(REJECTED);
    expect(res.body.rendered.map((r: { channel: string }) => r.channel)).toEqual(['in_app', 'email']);
    const [inApp, email] = res.body.rendered;
    expect(inApp).toMatchObject({ version: 0, subject: 'Loan application rejected', html: null });
    expect(inApp.text).toContain('lap_sample');
    expect(email.subject).toBe('Your loan application for ₦100,000.00 was not approved');
    expect(email.text).toContain('Hello Ada Obi');
    expect(email.text).toContain('Monthly income too low');
    expect(email.html).toContain('<p>Hello Ada Obi,</p>');
  });

  it('renders one channel with a draft, and with variables over the sample', async () => {
    const draft = { subject: 'Hi {{ recipient.name }}', text: '{{ application.amount | money }} declined' };
    const res = await gw.request('POST', `/v1/notification-templates/${REJECTED}/preview`, {
      key: partner.key,
      body: { channel: 'in_app', template: draft },
    });
    expect(res.status).toBe(200);
    expect(res.body.rendered).toEqual([
      { channel: 'in_app', version: 0, subject: 'Hi Ada Obi', text: '₦100,000.00 declined', html: null },
    ]);
    const withVars = await gw.request('POST', `/v1/notification-templates/${REJECTED}/preview`, {
      key: partner.key,
      body: {
        channel: 'in_app',
        template: draft,
        variables: { recipient: { kind: 'customer', name: 'Bola' }, locale: 'en-US' },
      },
    });
    expect(withVars.status).toBe(200);
    expect(withVars.body.rendered[0].subject).toBe('Hi Bola');
    // en-US writes the currency code, separated by a no-break space.
    expect(withVars.body.rendered[0].text).toMatch(/^NGN\s100,000\.00 declined$/);
  });

  it('escapes variables in HTML, not in the text part', async () => {
    const res = await gw.request('POST', `/v1/notification-templates/${REJECTED}/preview`, {
      key: partner.key,
      body: { channel: 'email', variables: { recipient: { kind: 'customer', name: '<script>x</script>' } } },
    });
    expect(res.status).toBe(200);
    const [email] = res.body.rendered;
    expect(email.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(email.html).not.toContain('<script>');
    expect(email.text).toContain('<script>x</script>');
  });

  it('previews the saved override (its version) until a draft replaces it, and saves nothing', async () => {
    const put = await gw.request('PUT', '/v1/notification-templates/bank_account.added/in_app', {
      key: partner.key,
      body: { subject: 'New account {{ bankAccount.last4 }}', text: 'Bank {{ bankAccount.bankCode }}' },
    });
    expect(put.status).toBe(200);
    const saved = await gw.request('POST', '/v1/notification-templates/bank_account.added/preview', {
      key: partner.key,
      body: {},
    });
    expect(saved.body.rendered).toEqual([
      { channel: 'in_app', version: 1, subject: 'New account 6789', text: 'Bank 058', html: null },
    ]);
    const drafted = await gw.request('POST', '/v1/notification-templates/bank_account.added/preview', {
      key: partner.key,
      body: { channel: 'in_app', template: { subject: 'Draft', text: 'Draft body' } },
    });
    expect(drafted.body.rendered[0]).toMatchObject({ subject: 'Draft', text: 'Draft body' });
    const got = await gw.request('GET', '/v1/notification-templates/bank_account.added/in_app', { key: partner.key });
    expect(got.body).toMatchObject({ version: 1, subject: 'New account {{ bankAccount.last4 }}' });
  });
});

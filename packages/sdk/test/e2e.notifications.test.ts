import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type Lendwire,
  NotFoundError,
  type Notification,
  type NotificationTemplate,
  UnprocessableEntityError,
} from '../src/index.js';
import { type E2EGateway, type Partner, startE2EGateway } from './support/gateway.js';

const REJECTED = 'loan_application.rejected';

let gw: E2EGateway;
let dataDir: string;

beforeAll(async () => {
  // The Node entry with its workers: the notifier fans events out every 500 ms, as in production. A
  // data dir of its own, so nothing the notifier might write (its .eml outbox) lands in the repository.
  dataDir = await mkdtemp(join(tmpdir(), 'lendwire-sdk-notifications-'));
  gw = await startE2EGateway({ LENDWIRE_DATA_DIR: dataDir });
});
afterAll(async () => {
  await gw?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Polls `probe` every 100 ms until it returns something other than undefined; fails after `ms`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Rejects a new application of a new customer (no e-mail address) as the platform; returns the ids. */
async function rejectNewApplication(partner: Partner, platform: Lendwire, reason: string) {
  const customer = await partner.client.customers.create({ name: 'Ada Obi' });
  const application = await partner.client.loanApplications.create({
    customerId: customer.id,
    amount: { amount: 10_000_000, currency: 'NGN' },
    termMonths: 6,
    purpose: 'Inventory for the shop',
  });
  await platform.loanApplications.reject(application.id, { reason });
  return { customerId: customer.id, applicationId: application.id };
}

/** The notifications of `recipientId` once the notifier has written `count` of them. */
function notificationsOf(partner: Partner, recipientId: string, count = 1): Promise<Notification[]> {
  return waitFor(`${count} notification(s) for ${recipientId}`, async () => {
    const list = await partner.client.notifications.list({ recipientId }).toArray();
    return list.length >= count ? list : undefined;
  });
}

describe('notifications through the SDK', () => {
  let partner: Partner;
  let platform: Lendwire;
  let first: { customerId: string; applicationId: string };

  beforeAll(async () => {
    partner = await gw.createPartner('Notify Partner');
    platform = gw.client(gw.rootKey, { account: partner.id });
  });

  it('preferences: the account turns off the e-mail of rejections; required types stay on', async () => {
    const before = await partner.client.notificationPreferences.retrieve();
    expect(before).toMatchObject({ object: 'notification_preferences', recipientId: partner.id, locale: 'en-NG' });
    const updated = await partner.client.notificationPreferences.update({
      preferences: [{ type: REJECTED, channel: 'email', enabled: false }],
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Africa/Lagos' },
    });
    expect(updated.preferences).toContainEqual({
      type: REJECTED,
      channel: 'email',
      enabled: false,
      default: true,
      required: false,
    });
    expect(updated.quietHours).toEqual({ start: '22:00', end: '07:00', timeZone: 'Africa/Lagos' });
    expect(await partner.client.notificationPreferences.retrieve({ recipientId: partner.id })).toEqual(updated);

    const refused = await partner.client.notificationPreferences
      .update({ preferences: [{ type: 'account.suspended', channel: 'email', enabled: false }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnprocessableEntityError);
    expect((refused as UnprocessableEntityError).errors).toEqual([
      { path: 'preferences.0.enabled', message: expect.stringContaining('required') },
    ]);
  });

  it('an event becomes notifications for the customer and the account, visible with notifications.list', async () => {
    first = await rejectNewApplication(partner, platform, 'Income could not be verified');
    const [forCustomer] = await notificationsOf(partner, first.customerId);
    const [forAccount] = await notificationsOf(partner, partner.id);
    for (const n of [forCustomer!, forAccount!]) {
      expect(n).toMatchObject({ object: 'notification', type: REJECTED, readAt: null, livemode: false });
      expect(n.title).toBe('Loan application rejected');
      expect(n.body).toContain('Income could not be verified');
      expect(n.channels[0]).toMatchObject({ channel: 'in_app', status: 'sent' });
    }
    // The account turned e-mail off; the customer has no address.
    expect(forAccount!.channels[1]).toMatchObject({ channel: 'email', status: 'skipped', reason: 'preference' });
    expect(forCustomer!.channels[1]).toMatchObject({ channel: 'email', status: 'skipped', reason: 'no_address' });
    expect(await partner.client.notifications.retrieve(forCustomer!.id)).toEqual(forCustomer);
    expectTypeOf(forCustomer!).toEqualTypeOf<Notification>();
  });

  it('for await walks every page; filters narrow', async () => {
    const ids: string[] = [];
    for await (const n of partner.client.notifications.list({ limit: 1, type: REJECTED })) ids.push(n.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(await partner.client.notifications.list({ type: 'withdrawal.failed' }).toArray()).toEqual([]);
    // Another partner sees none of them.
    const other = await gw.createPartner('Other Partner');
    expect(await other.client.notifications.list().toArray()).toEqual([]);
    await expect(other.client.notifications.retrieve(ids[0]!)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('markRead reads one; readAll reads the rest and counts 0 the second time', async () => {
    const [forCustomer] = await notificationsOf(partner, first.customerId);
    const read = await partner.client.notifications.markRead(forCustomer!.id);
    expect(read.id).toBe(forCustomer!.id);
    expect(read.readAt).not.toBeNull();
    const unread = await partner.client.notifications.list({ unread: true }).toArray();
    expect(unread.map((n) => n.id)).not.toContain(forCustomer!.id);
    expect(unread).toHaveLength(1);
    expect(await partner.client.notifications.readAll()).toEqual({ object: 'notification_read_all', updated: 1 });
    expect(await partner.client.notifications.readAll()).toEqual({ object: 'notification_read_all', updated: 0 });
    expect(await partner.client.notifications.list({ unread: true }).toArray()).toEqual([]);
  });

  it('templates: update saves a version, preview renders it, and the next notification uses it', async () => {
    const builtIn = await partner.client.notificationTemplates.retrieve(REJECTED, 'in_app');
    expect(builtIn).toMatchObject({ object: 'notification_template', version: 0, createdAt: null });

    const bad = await partner.client.notificationTemplates
      .update(REJECTED, 'in_app', { subject: 'Declined', text: 'Because {{ nope }}' })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(UnprocessableEntityError);
    expect((bad as UnprocessableEntityError).errors.map((e) => e.path)).toEqual(['text']);

    const saved: NotificationTemplate = await partner.client.notificationTemplates.update(REJECTED, 'in_app', {
      subject: 'Application {{ application.id }} declined',
      text: '{{ recipient.name }}: {{ application.rejectionReason }} ({{ application.amount | money }})',
    });
    expect(saved).toMatchObject({ version: 1, channel: 'in_app', type: REJECTED });

    const preview = await partner.client.notificationTemplates.preview(REJECTED, { channel: 'in_app' });
    expect(preview.rendered).toEqual([
      {
        channel: 'in_app',
        version: 1,
        subject: 'Application lap_sample declined',
        text: 'Ada Obi: Monthly income too low for the amount requested (₦100,000.00)',
        html: null,
      },
    ]);
    const draft = await partner.client.notificationTemplates.preview(REJECTED, {
      channel: 'in_app',
      template: { subject: 'Hi {{ recipient.name }}', text: 'Draft' },
      variables: { recipient: { kind: 'customer', name: 'Bola' } },
    });
    expect(draft.rendered[0]).toMatchObject({ subject: 'Hi Bola', text: 'Draft' });
    // The preview saved nothing: the template in use is still version 1.
    expect((await partner.client.notificationTemplates.retrieve(REJECTED, 'in_app')).version).toBe(1);

    const second = await rejectNewApplication(partner, platform, 'Too many open loans');
    const [n] = await notificationsOf(partner, second.customerId);
    expect(n!.title).toBe(`Application ${second.applicationId} declined`);
    expect(n!.body).toBe('Ada Obi: Too many open loans (₦100,000.00)');
  });
});

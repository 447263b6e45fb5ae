/**
 * Preferences and quiet hours as a table (issue 10): type × channel × setting → sent or not, and
 * when. Real store, real services and the real job queue (pg-boss); the e-mail and SMS transports
 * record what they are given (the external boundary). Events come from domain actions
 * (rejections, suspensions) or, for a repayment that failed at the bank, from the outbox itself
 * with the object the lending service writes.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelsOf,
  createNotifier,
  type Notifier,
  type QuietHours,
  ServiceError,
  schema,
  type TenantScope,
} from '../src/index.js';
import {
  applicationFor,
  loanFor,
  notificationQueue,
  recordFailedRepayment,
  recordingTransports,
} from './support/notifications.js';
import { createTestClock, openTestStore, type TestStore } from './support.js';

/** 13:30 in Lagos, 07:30 in New York (EST), 18:00 in Kolkata. */
const START = Date.parse('2027-01-11T12:30:00.000Z');

let store: TestStore;
let jobs: Awaited<ReturnType<typeof notificationQueue>>;
let notifier: Notifier;
const transports = recordingTransports();
let n = 0;

beforeAll(async () => {
  store = await openTestStore({ clock: createTestClock(START) });
  jobs = await notificationQueue(store);
  notifier = createNotifier({ ...store.services.ctx, enqueue: jobs.enqueue }, transports);
});
afterAll(async () => {
  await jobs?.stop();
  await store?.close();
  expect(jobs.errors).toEqual([]);
});

type Channel = 'in_app' | 'email' | 'sms';
type Type = 'repayment.failed' | 'loan.overdue' | 'loan_application.rejected' | 'account.suspended';
/**
 * What happens on a channel: in-app is `sent` at once (or skipped); e-mail and SMS are `queued` (a
 * send job runs now) or `held` (the job waits for the end of quiet hours), then `sent` by the job;
 * `skipped` deliveries have a reason and no job; `-` is a channel the type has no message for.
 */
type Outcome =
  | 'sent'
  | 'queued→sent'
  | 'held→sent'
  | 'skipped:preference'
  | 'skipped:no_address'
  | 'skipped:sent_in_live_mode'
  | '-';

interface Setting {
  preferences?: { channel: Channel; enabled: boolean }[];
  quietHours?: QuietHours;
  /** Account-status rows run in live mode unless this says test mode (see sentFromLiveMode). */
  testMode?: boolean;
  /** The customer has no e-mail address / no phone number. */
  noEmail?: true;
  noPhone?: true;
  /** A preference row written past the service (which refuses it), to prove the engine ignores it. */
  storedOff?: Channel[];
}

interface Row {
  setting: string;
  type: Type;
  recipient: 'customer' | 'account';
  given: Setting;
  expected: Record<Channel, Outcome>;
  /** For `held` outcomes: when the job may run (the recipient's local end of quiet hours). */
  heldUntil?: string;
}

const LAGOS_LUNCH: QuietHours = { start: '13:00', end: '14:00', timeZone: 'Africa/Lagos' }; // active: until 13:00Z
const LAGOS_NIGHT: QuietHours = { start: '22:00', end: '07:00', timeZone: 'Africa/Lagos' }; // inactive at 13:30
const NEW_YORK_NIGHT: QuietHours = { start: '22:00', end: '09:00', timeZone: 'America/New_York' }; // active: until 14:00Z
const KOLKATA_EVENING: QuietHours = { start: '17:00', end: '19:30', timeZone: 'Asia/Kolkata' }; // active: until 14:00Z

const off = (channel: Channel) => ({ channel, enabled: false });
const on = (channel: Channel) => ({ channel, enabled: true });

const TABLE: Row[] = [
  // repayment.failed to the customer: in-app, e-mail and SMS by default.
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'default',
    given: {},
    expected: { in_app: 'sent', email: 'queued→sent', sms: 'queued→sent' },
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'e-mail off',
    given: { preferences: [off('email')] },
    expected: { in_app: 'sent', email: 'skipped:preference', sms: 'queued→sent' },
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'SMS off',
    given: { preferences: [off('sms')] },
    expected: { in_app: 'sent', email: 'queued→sent', sms: 'skipped:preference' },
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'in-app off',
    given: { preferences: [off('in_app')] },
    expected: { in_app: 'skipped:preference', email: 'queued→sent', sms: 'queued→sent' },
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'all off',
    given: { preferences: [off('in_app'), off('email'), off('sms')] },
    expected: { in_app: 'skipped:preference', email: 'skipped:preference', sms: 'skipped:preference' },
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'e-mail and SMS explicitly on',
    given: { preferences: [on('email'), on('sms')] },
    expected: { in_app: 'sent', email: 'queued→sent', sms: 'queued→sent' },
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'quiet hours active (Africa/Lagos 13:00-14:00)',
    given: { quietHours: LAGOS_LUNCH },
    expected: { in_app: 'sent', email: 'held→sent', sms: 'held→sent' },
    heldUntil: '2027-01-11T13:00:00.000Z',
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'quiet hours active (America/New_York 22:00-09:00)',
    given: { quietHours: NEW_YORK_NIGHT },
    expected: { in_app: 'sent', email: 'held→sent', sms: 'held→sent' },
    heldUntil: '2027-01-11T14:00:00.000Z',
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'quiet hours inactive (Africa/Lagos 22:00-07:00)',
    given: { quietHours: LAGOS_NIGHT },
    expected: { in_app: 'sent', email: 'queued→sent', sms: 'queued→sent' },
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'quiet hours active, SMS off',
    given: { quietHours: LAGOS_LUNCH, preferences: [off('sms')] },
    expected: { in_app: 'sent', email: 'held→sent', sms: 'skipped:preference' },
    heldUntil: '2027-01-11T13:00:00.000Z',
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'no e-mail address and no phone',
    given: { noEmail: true, noPhone: true },
    expected: { in_app: 'sent', email: 'skipped:no_address', sms: 'skipped:no_address' },
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'no phone',
    given: { noPhone: true },
    expected: { in_app: 'sent', email: 'queued→sent', sms: 'skipped:no_address' },
  },
  {
    type: 'repayment.failed',
    recipient: 'customer',
    setting: 'no phone, SMS off (the preference says why)',
    given: { noPhone: true, preferences: [off('sms')] },
    expected: { in_app: 'sent', email: 'queued→sent', sms: 'skipped:preference' },
  },
  // loan.overdue to the customer: SMS exists but is off by default.
  {
    type: 'loan.overdue',
    recipient: 'customer',
    setting: 'default',
    given: {},
    expected: { in_app: 'sent', email: 'queued→sent', sms: 'skipped:preference' },
  },
  {
    type: 'loan.overdue',
    recipient: 'customer',
    setting: 'SMS explicitly on',
    given: { preferences: [on('sms')] },
    expected: { in_app: 'sent', email: 'queued→sent', sms: 'queued→sent' },
  },
  {
    type: 'loan.overdue',
    recipient: 'customer',
    setting: 'SMS on, quiet hours active (Asia/Kolkata 17:00-19:30)',
    given: { preferences: [on('sms')], quietHours: KOLKATA_EVENING },
    expected: { in_app: 'sent', email: 'held→sent', sms: 'held→sent' },
    heldUntil: '2027-01-11T14:00:00.000Z',
  },
  // loan_application.rejected to the customer: in-app and e-mail, no SMS message at all.
  {
    type: 'loan_application.rejected',
    recipient: 'customer',
    setting: 'default',
    given: {},
    expected: { in_app: 'sent', email: 'queued→sent', sms: '-' },
  },
  {
    type: 'loan_application.rejected',
    recipient: 'customer',
    setting: 'e-mail off',
    given: { preferences: [off('email')] },
    expected: { in_app: 'sent', email: 'skipped:preference', sms: '-' },
  },
  {
    type: 'loan_application.rejected',
    recipient: 'customer',
    setting: 'no e-mail address',
    given: { noEmail: true },
    expected: { in_app: 'sent', email: 'skipped:no_address', sms: '-' },
  },
  // repayment.failed to the account: in-app and e-mail by default; an account has no phone.
  {
    type: 'repayment.failed',
    recipient: 'account',
    setting: 'default',
    given: {},
    expected: { in_app: 'sent', email: 'queued→sent', sms: 'skipped:preference' },
  },
  {
    type: 'repayment.failed',
    recipient: 'account',
    setting: 'e-mail off',
    given: { preferences: [off('email')] },
    expected: { in_app: 'sent', email: 'skipped:preference', sms: 'skipped:preference' },
  },
  {
    type: 'repayment.failed',
    recipient: 'account',
    setting: 'SMS explicitly on',
    given: { preferences: [on('sms')] },
    expected: { in_app: 'sent', email: 'queued→sent', sms: 'skipped:no_address' },
  },
  {
    type: 'repayment.failed',
    recipient: 'account',
    setting: 'quiet hours active (Africa/Lagos 13:00-14:00)',
    given: { quietHours: LAGOS_LUNCH },
    expected: { in_app: 'sent', email: 'held→sent', sms: 'skipped:preference' },
    heldUntil: '2027-01-11T13:00:00.000Z',
  },
  // account.suspended (required): always in-app and e-mail, never held. The event is written in both
  // modes; the e-mail goes out once, from the live-mode copy (these rows run in live mode).
  {
    type: 'account.suspended',
    recipient: 'account',
    setting: 'default',
    given: {},
    expected: { in_app: 'sent', email: 'queued→sent', sms: '-' },
  },
  {
    type: 'account.suspended',
    recipient: 'account',
    setting: 'explicitly on',
    given: { preferences: [on('in_app'), on('email')] },
    expected: { in_app: 'sent', email: 'queued→sent', sms: '-' },
  },
  {
    type: 'account.suspended',
    recipient: 'account',
    setting: 'quiet hours active (not held: required)',
    given: { quietHours: LAGOS_LUNCH },
    expected: { in_app: 'sent', email: 'queued→sent', sms: '-' },
  },
  {
    type: 'account.suspended',
    recipient: 'account',
    setting: 'turned off in the database anyway (ignored: required)',
    given: { storedOff: ['in_app', 'email'] },
    expected: { in_app: 'sent', email: 'queued→sent', sms: '-' },
  },
  {
    type: 'account.suspended',
    recipient: 'account',
    setting: 'the test-mode copy (in-app only: e-mailed from live mode)',
    given: { testMode: true },
    expected: { in_app: 'sent', email: 'skipped:sent_in_live_mode', sms: '-' },
  },
];

/** A tenant of its own per row, so preferences and quiet hours of one row never touch another. */
async function tenant(given: Setting, livemode = false) {
  const { services } = store;
  const i = ++n;
  const account = await services.accounts.create({ name: `Lender ${i}`, contactEmail: `ops${i}@lender.example` });
  const scope: TenantScope = { accountId: account.id, livemode };
  const customer = await services.customers.create(scope, {
    name: `Ada Obi ${i}`,
    ...(given.noEmail ? {} : { email: `ada${i}@customer.example` }),
    ...(given.noPhone ? {} : { phone: `+234801000${String(i).padStart(4, '0')}` }),
  });
  return { scope, account, customer };
}

/** The event of the row's type, caused the way the platform causes it. */
async function act(type: Type, scope: TenantScope, customerId: string) {
  const { services } = store;
  switch (type) {
    case 'loan_application.rejected': {
      const app = await applicationFor(store, scope, customerId);
      await services.loanApplications.reject(scope, app.id, { reason: 'Monthly income too low' });
      return;
    }
    case 'account.suspended':
      await services.accounts.setStatus(scope.accountId, 'suspended');
      return;
    case 'repayment.failed':
      await recordFailedRepayment(store, scope, (await loanFor(store, scope, customerId)).id);
      return;
    case 'loan.overdue': {
      // The loan as the scheduler announces it once an installment is past due.
      const loan = await loanFor(store, scope, customerId);
      await services.events.record(scope, 'loan.overdue', { ...loan, daysPastDue: 3, delinquencyBucket: '1_30' });
      return;
    }
  }
}

function messageFor(channel: 'email' | 'sms', deliveryId: string) {
  return channel === 'email'
    ? transports.email.sent.filter((m) => m.messageId === `<${deliveryId}@lendwire.notifications>`)
    : transports.sms.sent.filter((m) => m.id === deliveryId);
}

describe('preferences and quiet hours: type × channel × setting → sent or not, and when', () => {
  const rows = TABLE.map((row) => ({
    ...row,
    outcomes: (['in_app', 'email', 'sms'] as const).map((c) => `${c} ${row.expected[c]}`).join(', '),
  }));
  it.each(rows)('$type to the $recipient, $setting → $outcomes', async (row) => {
    const { services } = store;
    store.clock.set(START);
    const { scope, account, customer } = await tenant(
      row.given,
      row.type === 'account.suspended' && !row.given.testMode,
    );
    const recipientId = row.recipient === 'account' ? account.id : customer.id;
    if (row.given.preferences || row.given.quietHours) {
      await services.notifications.putPreferences(scope, {
        recipientId,
        ...(row.given.preferences ? { preferences: row.given.preferences.map((p) => ({ type: row.type, ...p })) } : {}),
        ...(row.given.quietHours ? { quietHours: row.given.quietHours } : {}),
      });
    }
    for (const channel of row.given.storedOff ?? []) {
      await store.handle.db.insert(schema.notificationPreferences).values({
        ...scope,
        recipientId,
        type: row.type,
        channel,
        enabled: false,
        updatedAt: store.clock.now(),
      });
    }

    await act(row.type, scope, customer.id);
    await notifier.fanOut();

    const [notification, ...more] = (
      await services.notifications.list(scope, { limit: 10, recipientId, type: row.type })
    ).data;
    expect(more).toEqual([]);
    expect(notification).toBeDefined();
    expect(notification!.recipient).toEqual({ kind: row.recipient, id: recipientId });
    // Every channel of the type has one delivery; a channel without a message has none.
    expect(notification!.channels.map((c) => c.channel)).toEqual(
      (['in_app', 'email', 'sms'] as const).filter((c) => row.expected[c] !== '-'),
    );
    expect(notification!.channels.map((c) => c.channel)).toEqual(channelsOf(row.type));

    const deliveries = await store.handle.db
      .select()
      .from(schema.notificationDeliveries)
      .where(eq(schema.notificationDeliveries.notificationId, notification!.id));
    const delivery = (channel: Channel) => deliveries.find((d) => d.channel === channel)!;

    // After fan-out: the status, the reason, the hold, and the job with its start.
    for (const channel of ['in_app', 'email', 'sms'] as const) {
      const outcome = row.expected[channel];
      if (outcome === '-') continue;
      const d = delivery(channel);
      const api = notification!.channels.find((c) => c.channel === channel)!;
      const [status, reason] = outcome.startsWith('skipped')
        ? (outcome.split(':') as [string, string])
        : [outcome.split('→')[0]!, null];
      expect({ channel, status: d.status, reason: d.reason }).toEqual({ channel, status, reason });
      expect(api).toMatchObject({ status, reason, attempts: 0 });
      if (status === 'held') {
        expect(d.heldUntil?.toISOString()).toBe(row.heldUntil);
        expect(api.heldUntil).toBe(row.heldUntil);
        // The job waits in pg-boss until the hold ends.
        expect((await jobs.jobOf(d.id)).startAfter.toISOString()).toBe(row.heldUntil);
      } else {
        expect(d.heldUntil).toBeNull();
        expect(api.heldUntil).toBeNull();
      }
      if (status === 'queued') {
        // The job may start at once: no start later than its creation.
        const job = await jobs.jobOf(d.id);
        expect(job.startAfter.getTime()).toBeLessThanOrEqual(job.createdOn.getTime() + 1_000);
      }
      if (status === 'skipped' || channel === 'in_app') {
        expect((await jobs.jobs()).some((j) => j.data.deliveryId === d.id)).toBe(false);
      }
      if (channel !== 'in_app' && (status === 'queued' || status === 'held')) {
        expect(d.text).toEqual(expect.any(String));
        if (channel === 'email') expect(d.subject).toEqual(expect.any(String));
      }
    }
    expect(notification!.readAt).toBeNull();
    expect(notification!.title.length).toBeGreaterThan(0);

    // The jobs run (a held one when its hold is over): what reaches the transports, and where.
    if (row.heldUntil) store.clock.set(Date.parse(row.heldUntil));
    await jobs.runAll(notifier);
    for (const channel of ['email', 'sms'] as const) {
      const outcome = row.expected[channel];
      if (outcome === '-') continue;
      const d = (
        await store.handle.db
          .select()
          .from(schema.notificationDeliveries)
          .where(eq(schema.notificationDeliveries.id, delivery(channel).id))
      )[0]!;
      const received = messageFor(channel, d.id);
      if (outcome.endsWith('→sent')) {
        expect({ channel, status: d.status, attempts: d.attempts }).toEqual({ channel, status: 'sent', attempts: 1 });
        expect(received).toHaveLength(1);
        const to =
          channel === 'sms' ? customer.phone : row.recipient === 'account' ? account.contactEmail : customer.email;
        expect(received[0]!.to).toBe(to);
        expect(d.providerMessageId).toMatch(channel === 'email' ? /^smtp_/ : /^sms_/);
        expect(d.sentAt?.toISOString()).toBe(row.heldUntil ?? new Date(START).toISOString());
      } else {
        expect({ channel, status: d.status }).toEqual({ channel, status: 'skipped' });
        expect(received).toEqual([]);
      }
    }
  });
});

describe('required types cannot be turned off', () => {
  it.each([
    ['account.suspended', 'email'],
    ['account.suspended', 'in_app'],
    ['account.unsuspended', 'email'],
    ['api_key.rotated', 'email'],
    ['api_key.expiring', 'in_app'],
  ] as const)('%s on %s: 422 with the path of the preference, and nothing is stored', async (type, channel) => {
    const { services } = store;
    const { scope } = await tenant({});
    const error = await services.notifications
      .putPreferences(scope, {
        preferences: [
          { type: 'repayment.failed', channel: 'email', enabled: false },
          { type, channel, enabled: false },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('unprocessable');
    expect((error as ServiceError).errors).toEqual([
      { path: 'preferences.1.enabled', message: `${type} on ${channel} is required and cannot be turned off` },
    ]);
    // The valid preference of the same request was not stored either.
    const stored = await store.handle.db
      .select()
      .from(schema.notificationPreferences)
      .where(
        and(
          eq(schema.notificationPreferences.accountId, scope.accountId),
          eq(schema.notificationPreferences.livemode, false),
        ),
      );
    expect(stored).toEqual([]);
    const preferences = await services.notifications.getPreferences(scope);
    expect(preferences.preferences.find((p) => p.type === type && p.channel === channel)).toEqual({
      type,
      channel,
      enabled: true,
      default: true,
      required: true,
    });
  });

  it('may be turned on again (a no-op), and a customer cannot be given an account-only type', async () => {
    const { services } = store;
    const { scope, customer } = await tenant({});
    const prefs = await services.notifications.putPreferences(scope, {
      preferences: [{ type: 'account.suspended', channel: 'email', enabled: true }],
    });
    expect(prefs.preferences.find((p) => p.type === 'account.suspended' && p.channel === 'email')?.enabled).toBe(true);
    const error = await services.notifications
      .putPreferences(scope, {
        recipientId: customer.id,
        preferences: [{ type: 'account.suspended', channel: 'email', enabled: false }],
      })
      .catch((e: unknown) => e);
    expect((error as ServiceError).code).toBe('unprocessable');
    expect((error as ServiceError).errors).toEqual([
      { path: 'preferences.0.type', message: 'account.suspended is never sent to a customer' },
    ]);
  });

  it('a channel the type has no message for is 422 on the channel', async () => {
    const { scope, customer } = await tenant({});
    const error = await store.services.notifications
      .putPreferences(scope, {
        recipientId: customer.id,
        preferences: [{ type: 'loan_application.rejected', channel: 'sms', enabled: true }],
      })
      .catch((e: unknown) => e);
    expect((error as ServiceError).errors).toEqual([
      { path: 'preferences.0.channel', message: 'loan_application.rejected has no sms message' },
    ]);
  });
});

/**
 * The notification engine on a real store and the real job queue: fan-out exactly once, recipients
 * only of the event's tenant, sends that survive retries, transport failures (redacted), addresses
 * read at send time, template overrides, expiring API keys and the test-mode clock. The transports
 * record what they are given (the external boundary).
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createNotifier,
  type Notifier,
  PermanentDeliveryError,
  rowsOf,
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
import { createTestClock, openTestStore, type TestStore, testStoreKind } from './support.js';

/** 13:30 in Lagos. */
const START = Date.parse('2027-01-11T12:30:00.000Z');
const DAY = 86_400_000;

let store: TestStore;
let jobs: Awaited<ReturnType<typeof notificationQueue>>;
let transports: ReturnType<typeof recordingTransports>;
let notifier: Notifier;
let n = 0;

beforeAll(async () => {
  store = await openTestStore({ clock: createTestClock(START) });
  jobs = await notificationQueue(store);
});
afterAll(async () => {
  await jobs?.stop();
  await store?.close();
  expect(jobs.errors).toEqual([]);
});
beforeEach(async () => {
  store.clock.set(START);
  transports = recordingTransports();
  notifier = createNotifier({ ...store.services.ctx, enqueue: jobs.enqueue }, transports);
  // Nothing left over from an earlier test: every test starts with an empty outbox.
  await notifier.fanOut(10_000);
});

async function tenant(customer: { email?: string; phone?: string } = {}) {
  const { services } = store;
  const i = ++n;
  const account = await services.accounts.create({ name: `Lender ${i}`, contactEmail: `ops${i}@lender.example` });
  const scope: TenantScope = { accountId: account.id, livemode: false };
  const person = await services.customers.create(scope, {
    name: `Ada Obi ${i}`,
    email: customer.email ?? `ada${i}@customer.example`,
    phone: customer.phone ?? `+234802000${String(i).padStart(4, '0')}`,
  });
  return { scope, account, customer: person };
}

/** A real rejection: `loan_application.rejected` to the customer (in-app, e-mail) and the account. */
async function reject(scope: TenantScope, customerId: string, reason = 'Monthly income too low') {
  const app = await applicationFor(store, scope, customerId);
  return store.services.loanApplications.reject(scope, app.id, { reason });
}

async function notificationsOf(where: { eventId?: string; recipientId?: string; type?: string }) {
  const filters = [];
  if (where.eventId) filters.push(eq(schema.notifications.eventId, where.eventId));
  if (where.recipientId) filters.push(eq(schema.notifications.recipientId, where.recipientId));
  if (where.type) filters.push(eq(schema.notifications.type, where.type));
  return store.handle.db
    .select()
    .from(schema.notifications)
    .where(and(...filters));
}

async function deliveriesOf(notificationId: string) {
  const rows = await store.handle.db
    .select()
    .from(schema.notificationDeliveries)
    .where(eq(schema.notificationDeliveries.notificationId, notificationId));
  return Object.fromEntries(rows.map((r) => [r.channel, r])) as Record<'in_app' | 'email' | 'sms', (typeof rows)[0]>;
}

async function delivery(id: string) {
  const [row] = await store.handle.db
    .select()
    .from(schema.notificationDeliveries)
    .where(eq(schema.notificationDeliveries.id, id));
  return row!;
}

async function attemptsOf(deliveryId: string) {
  return store.handle.db
    .select()
    .from(schema.notificationAttempts)
    .where(eq(schema.notificationAttempts.deliveryId, deliveryId));
}

/** The customer's e-mail delivery of a fresh rejection, queued. */
async function queuedEmail() {
  const t = await tenant();
  const application = await reject(t.scope, t.customer.id);
  await notifier.fanOut();
  const [notification] = await notificationsOf({ recipientId: t.customer.id, type: 'loan_application.rejected' });
  const email = (await deliveriesOf(notification!.id)).email;
  expect(email.status).toBe('queued');
  return { ...t, application, notification: notification!, email };
}

describe('fan-out', () => {
  it('turns an event into one notification per recipient, a delivery per channel and a job per e-mail and SMS, once', async () => {
    const { scope, account, customer } = await tenant();
    const loan = await loanFor(store, scope, customer.id);
    const event = await recordFailedRepayment(store, scope, loan.id);
    const pass = await notifier.fanOut();
    expect(pass.events).toBeGreaterThanOrEqual(1);

    const made = await notificationsOf({ eventId: event.id });
    expect(made.map((m) => [m.recipientKind, m.recipientId]).sort()).toEqual([
      ['account', account.id],
      ['customer', customer.id],
    ]);
    const toCustomer = made.find((m) => m.recipientKind === 'customer')!;
    expect(toCustomer).toMatchObject({
      type: 'repayment.failed',
      accountId: scope.accountId,
      livemode: false,
      subjectKey: event.id,
      title: 'Repayment failed: ₦17,852.58',
      readAt: null,
    });
    expect(toCustomer.body).toContain('The customer’s account lacked funds');
    const channels = await deliveriesOf(toCustomer.id);
    expect(Object.keys(channels).sort()).toEqual(['email', 'in_app', 'sms']);
    expect(channels.in_app.status).toBe('sent');
    expect(channels.email).toMatchObject({ status: 'queued', subject: 'Your repayment of ₦17,852.58 failed' });
    expect(channels.email.html).toContain('<p>Hello Ada Obi');
    expect(channels.sms.text).toMatch(/^Lender \d+: repayment of ₦17,852\.58 on loan loan_\w+ failed/);
    for (const channel of ['email', 'sms'] as const) {
      expect((await jobs.jobOf(channels[channel].id)).data).toEqual({
        deliveryId: channels[channel].id,
        accountId: scope.accountId,
        livemode: false,
      });
    }

    // The event is marked; a second pass reads nothing and makes nothing.
    const [marked] = await store.handle.db.select().from(schema.events).where(eq(schema.events.id, event.id));
    expect(marked!.notifiedAt).not.toBeNull();
    const jobsBefore = (await jobs.jobs()).length;
    expect(await notifier.fanOut()).toEqual({ events: 0, notifications: 0 });
    expect(await notificationsOf({ eventId: event.id })).toHaveLength(2);
    expect(await jobs.jobs()).toHaveLength(jobsBefore);
  });

  it('makes no notification for an event type without a catalog entry, and marks it notified all the same', async () => {
    const { scope, customer } = await tenant();
    await applicationFor(store, scope, customer.id); // loan_application.submitted
    const key = await store.services.apiKeys.create(scope, { name: 'ci', scopes: ['customers:read'] }); // api_key.created
    const events = (await store.services.events.list(scope, { limit: 10 })).data;
    expect(events.map((e) => e.type).sort()).toEqual(['api_key.created', 'loan_application.submitted']);
    expect(key.id).toBeTruthy();
    await notifier.fanOut();
    for (const event of events) expect(await notificationsOf({ eventId: event.id })).toEqual([]);
    const pending = await store.handle.db
      .select()
      .from(schema.events)
      .where(
        and(
          inArray(
            schema.events.id,
            events.map((e) => e.id),
          ),
          isNull(schema.events.notifiedAt),
        ),
      );
    expect(pending).toEqual([]);
  });

  it('never makes a customer of another account a recipient', async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const theirLoan = await loanFor(store, theirs.scope, theirs.customer.id);
    await notifier.fanOut();
    // An object naming the other tenant's customer, and a repayment on the other tenant's loan.
    const rejected = await store.services.events.record(mine.scope, 'loan_application.rejected', {
      ...(await reject(mine.scope, mine.customer.id)),
      customerId: theirs.customer.id,
    });
    const failed = await recordFailedRepayment(store, mine.scope, theirLoan.id);
    await notifier.fanOut();
    for (const event of [rejected, failed]) {
      const made = await notificationsOf({ eventId: event.id });
      expect(made.map((m) => [m.accountId, m.recipientKind, m.recipientId])).toEqual([
        [mine.account.id, 'account', mine.account.id],
      ]);
    }
    expect(await notificationsOf({ recipientId: theirs.customer.id, type: 'loan_application.rejected' })).toEqual([]);
    expect(await notificationsOf({ recipientId: theirs.customer.id, type: 'repayment.failed' })).toEqual([]);
    // No e-mail or SMS was queued to the other tenant's customer.
    await jobs.runAll(notifier);
    expect(transports.email.sent.map((m) => m.to)).not.toContain(theirs.customer.email);
    expect(transports.sms.sent.map((m) => m.to)).not.toContain(theirs.customer.phone);
  });

  it('an event whose object the templates cannot render does not stop the outbox', async () => {
    const { scope, customer } = await tenant();
    // A malformed object (no amount): rendering it fails, strictly.
    const broken = await store.services.events.record(scope, 'loan_application.rejected', {
      id: 'lap_broken',
      object: 'loan_application',
      customerId: customer.id,
      status: 'rejected',
    });
    const good = await reject(scope, customer.id);
    await expect(notifier.fanOut()).resolves.toBeDefined();
    const [goodEvent] = (await store.services.events.list(scope, { limit: 1 })).data;
    expect(goodEvent!.type).toBe('loan_application.rejected');
    expect((goodEvent!.data.object as { id: string }).id).toBe(good.id);
    expect(await notificationsOf({ eventId: goodEvent!.id })).toHaveLength(2);
    expect(await notificationsOf({ eventId: broken.id })).toEqual([]);
    // Neither is read again.
    expect(await notifier.fanOut()).toEqual({ events: 0, notifications: 0 });
  });

  it('writes the message in the recipient locale', async () => {
    const { scope, customer } = await tenant();
    await store.services.notifications.putPreferences(scope, { recipientId: customer.id, locale: 'fr-FR' });
    const loan = await loanFor(store, scope, customer.id);
    const event = await recordFailedRepayment(store, scope, loan.id);
    await notifier.fanOut();
    const [made] = await notificationsOf({ eventId: event.id, recipientId: customer.id });
    const email = (await deliveriesOf(made!.id)).email;
    expect(email.subject!.replace(/[\u00a0\u202f]/g, ' ')).toBe('Your repayment of 17 852,58 NGN failed');
    // The account's own notification of the same event keeps the default locale.
    const [toAccount] = await notificationsOf({ eventId: event.id, recipientId: scope.accountId });
    expect(toAccount!.title).toBe('Repayment failed: ₦17,852.58');
  });
});

describe.runIf(testStoreKind() === 'postgres')('fan-out by two notifiers at once (Postgres)', () => {
  it('gives each (event, recipient) exactly one notification and each delivery one job', async () => {
    const tenants = await Promise.all([tenant(), tenant(), tenant()]);
    const eventIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      for (const t of tenants) {
        const app = await reject(t.scope, t.customer.id, `Reason ${i}`);
        const [event] = (await store.services.events.list(t.scope, { limit: 1 })).data;
        expect((event!.data.object as { id: string }).id).toBe(app.id);
        eventIds.push(event!.id);
      }
    }
    const second = createNotifier({ ...store.services.ctx, enqueue: jobs.enqueue }, transports);
    const drain = async (who: Notifier) => {
      let events = 0;
      for (;;) {
        const pass = await who.fanOut(5);
        if (pass.events === 0) return events;
        events += pass.events;
      }
    };
    const [a, b] = await Promise.all([drain(notifier), drain(second)]);
    console.log(`[lendwire] two notifiers fanned out ${a} and ${b} events`);
    // Each event read by one of them: the rejections and the submissions before them.
    expect(a + b).toBe(eventIds.length * 2);

    const made = await store.handle.db
      .select()
      .from(schema.notifications)
      .where(inArray(schema.notifications.eventId, eventIds));
    expect(made).toHaveLength(eventIds.length * 2);
    const pairs = new Set(made.map((m) => `${m.eventId}|${m.recipientId}`));
    expect(pairs.size).toBe(made.length);
    const deliveries = await store.handle.db
      .select()
      .from(schema.notificationDeliveries)
      .where(
        inArray(
          schema.notificationDeliveries.notificationId,
          made.map((m) => m.id),
        ),
      );
    // in-app and e-mail to the customer and to the account, and the SMS channel of neither.
    expect(deliveries).toHaveLength(made.length * 2);
    const queued = deliveries.filter((d) => d.status === 'queued');
    expect(queued).toHaveLength(made.length);
    const jobIds = (await jobs.jobs()).filter((j) => queued.some((d) => d.id === j.data.deliveryId));
    expect(jobIds).toHaveLength(queued.length);
  });
});
if (testStoreKind() !== 'postgres') {
  console.log(
    '[lendwire] concurrent fan-out runs on the postgres project only (PGlite has one connection: nothing races)',
  );
}

describe('send', () => {
  it('sends a delivery once, however many times its job runs', async () => {
    const { email, customer } = await queuedEmail();
    expect(await notifier.send(email.id, false)).toBe('sent');
    expect(await notifier.send(email.id, false)).toBe('done');
    expect(await notifier.send(email.id, true)).toBe('done');
    expect(transports.email.attempts).toHaveLength(1);
    expect(transports.email.sent[0]).toMatchObject({
      to: customer.email,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: `<${email.id}@lendwire.notifications>`,
    });
    expect(await delivery(email.id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      providerMessageId: 'smtp_1',
      lastError: null,
      sentAt: new Date(START),
    });
    const attempts = await attemptsOf(email.id);
    expect(attempts).toEqual([
      expect.objectContaining({ ok: true, providerMessageId: 'smtp_1', error: null, at: new Date(START) }),
    ]);
    expect(await notifier.send('ntd_does_not_exist', false)).toBe('done');
  });

  it('sends once when the same job runs twice at the same time', async () => {
    const { email } = await queuedEmail();
    const results = await Promise.all([notifier.send(email.id, false), notifier.send(email.id, false)]);
    expect(results.sort()).toEqual(['done', 'sent']);
    expect(transports.email.attempts).toHaveLength(1);
    expect((await delivery(email.id)).attempts).toBe(1);
  });

  it('keeps a failed attempt queued with the error redacted, and throws for the job queue to retry', async () => {
    const { email, customer } = await queuedEmail();
    transports.email.failures.push(
      new Error(`550 5.1.1 <${customer.email}> unknown; the carrier said +234 802 000 1234 (ref x)`),
    );
    const error = await notifier.send(email.id, false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'email send failed: 550 5.1.1 <[redacted]> unknown; the carrier said [redacted] (ref x)',
    );
    const after = await delivery(email.id);
    expect(after).toMatchObject({
      status: 'queued',
      attempts: 1,
      reason: null,
      lastError: '550 5.1.1 <[redacted]> unknown; the carrier said [redacted] (ref x)',
      sentAt: null,
    });
    const [attempt] = await attemptsOf(email.id);
    expect(attempt).toMatchObject({ ok: false, error: after.lastError });
    for (const stored of [after.lastError!, attempt!.error!, (error as Error).message]) {
      expect(stored).not.toContain(customer.email!);
      expect(stored).not.toMatch(/\d{3} ?\d{3} ?\d{4}/);
    }

    // The retry succeeds: sent, two attempts, the error cleared.
    store.clock.set(START + 30_000);
    expect(await notifier.send(email.id, false)).toBe('sent');
    expect(await delivery(email.id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect((await attemptsOf(email.id)).map((a) => a.ok).sort()).toEqual([false, true]);
  });

  it('marks the delivery failed on the last attempt', async () => {
    const { email } = await queuedEmail();
    transports.email.failures.push(new Error('421 try later'), new Error('421 still busy'));
    await expect(notifier.send(email.id, false)).rejects.toThrow('email send failed: 421 try later');
    expect(await notifier.send(email.id, true)).toBe('failed');
    expect(await delivery(email.id)).toMatchObject({
      status: 'failed',
      reason: 'transport_failed',
      attempts: 2,
      lastError: '421 still busy',
    });
    // A job that runs again sends nothing.
    expect(await notifier.send(email.id, false)).toBe('done');
    expect(transports.email.sent).toEqual([]);
    const api = await store.services.notifications.list(
      { accountId: (await delivery(email.id)).accountId, livemode: false },
      { limit: 10, type: 'loan_application.rejected' },
    );
    expect(api.data.flatMap((x) => x.channels).find((c) => c.channel === 'email' && c.status === 'failed')).toEqual({
      channel: 'email',
      status: 'failed',
      attempts: 2,
      reason: 'transport_failed',
      heldUntil: null,
    });
  });

  it('fails at once on a PermanentDeliveryError, without throwing', async () => {
    const { scope, customer } = await tenant();
    const loan = await loanFor(store, scope, customer.id);
    const event = await recordFailedRepayment(store, scope, loan.id);
    await notifier.fanOut();
    const [made] = await notificationsOf({ eventId: event.id, recipientId: customer.id });
    const sms = (await deliveriesOf(made!.id)).sms;
    transports.sms.failures.push(new PermanentDeliveryError(`twilio answered 400 (error 21211) for ${customer.phone}`));
    expect(await notifier.send(sms.id, false)).toBe('failed');
    expect(await delivery(sms.id)).toMatchObject({
      status: 'failed',
      reason: 'transport_failed',
      attempts: 1,
      lastError: 'twilio answered 400 (error 21211) for [redacted]',
    });
    expect(await notifier.send(sms.id, false)).toBe('done');
    expect(transports.sms.attempts).toHaveLength(1);
  });

  it('retries when no transport is configured for the channel', async () => {
    const { email } = await queuedEmail();
    const bare = createNotifier(store.services.ctx, {});
    await expect(bare.send(email.id, false)).rejects.toThrow('no email transport is configured');
    expect(await delivery(email.id)).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('sends to the address the customer has when the job runs', async () => {
    const { scope, customer } = await tenant();
    const loan = await loanFor(store, scope, customer.id);
    const event = await recordFailedRepayment(store, scope, loan.id);
    await notifier.fanOut();
    const [made] = await notificationsOf({ eventId: event.id, recipientId: customer.id });
    const { email, sms } = await deliveriesOf(made!.id);
    await store.services.customers.update(scope, customer.id, {
      email: 'ada.new@customer.example',
      phone: '+2348099999999',
    });
    expect(await notifier.send(email.id, false)).toBe('sent');
    expect(await notifier.send(sms.id, false)).toBe('sent');
    expect(transports.email.sent.map((m) => m.to)).toEqual(['ada.new@customer.example']);
    expect(transports.sms.sent.map((m) => [m.to, m.id])).toEqual([['+2348099999999', sms.id]]);
  });

  it('skips with no_address when the customer no longer has one', async () => {
    const { scope, customer } = await tenant();
    const loan = await loanFor(store, scope, customer.id);
    const event = await recordFailedRepayment(store, scope, loan.id);
    await notifier.fanOut();
    const [made] = await notificationsOf({ eventId: event.id, recipientId: customer.id });
    const { email, sms } = await deliveriesOf(made!.id);
    await store.services.customers.update(scope, customer.id, { email: null, phone: null });
    expect(await notifier.send(email.id, false)).toBe('skipped');
    expect(await notifier.send(sms.id, false)).toBe('skipped');
    for (const id of [email.id, sms.id]) {
      expect(await delivery(id)).toMatchObject({ status: 'skipped', reason: 'no_address', attempts: 0 });
      expect(await attemptsOf(id)).toEqual([]);
    }
    expect(transports.email.attempts).toEqual([]);
    expect(transports.sms.attempts).toEqual([]);
  });
});

describe('template overrides', () => {
  it('uses the account’s newest override at fan-out, and the built-in one where it has none', async () => {
    const { scope, customer } = await tenant();
    const { services } = store;
    await services.notifications.putTemplate(scope, 'loan_application.rejected', 'email', {
      subject: 'v1 {{ application.id }}',
      text: 'v1',
      html: '<p>v1</p>',
    });
    const v2 = await services.notifications.putTemplate(scope, 'loan_application.rejected', 'email', {
      subject: 'About {{ application.amount | money }}, {{ recipient.name }}',
      text: 'Sorry {{ recipient.name }}: {{ application.rejectionReason }}',
      html: '<p>Sorry {{ recipient.name }}</p>',
    });
    expect(v2.version).toBe(2);
    const application = await reject(scope, customer.id, 'Too <many> loans');
    await notifier.fanOut();
    const [made] = await notificationsOf({ recipientId: customer.id, type: 'loan_application.rejected' });
    const { email, in_app } = await deliveriesOf(made!.id);
    expect(email).toMatchObject({
      templateVersion: 2,
      subject: `About ₦100,000.00, ${customer.name}`,
      text: `Sorry ${customer.name}: Too <many> loans`,
      html: `<p>Sorry ${customer.name}</p>`,
    });
    expect(in_app.templateVersion).toBe(0);
    expect(made!.title).toBe('Loan application rejected');
    expect(made!.body).toContain(application.id);
    // Another tenant's messages keep the built-in template.
    const other = await tenant();
    await reject(other.scope, other.customer.id);
    await notifier.fanOut();
    const [theirs] = await notificationsOf({ recipientId: other.customer.id, type: 'loan_application.rejected' });
    expect((await deliveriesOf(theirs!.id)).email).toMatchObject({
      templateVersion: 0,
      subject: 'Your loan application for ₦100,000.00 was not approved',
    });
  });

  it('falls back to the built-in template when an override fails on the real event', async () => {
    const { scope, customer } = await tenant();
    // Saved while it rendered; then a variable it names went away (as after a catalog change), which
    // the stored version stands for here.
    await store.services.notifications.putTemplate(scope, 'repayment.failed', 'sms', {
      text: 'Pay by {{ loan.nextDueDate | date_long }}',
    });
    await store.handle.db.execute(
      sql`update notification_templates set text = 'Pay by {{ loan.renamedDueDate | date_long }}'
          where account_id = ${scope.accountId} and type = 'repayment.failed' and channel = 'sms'`,
    );
    const loan = await loanFor(store, scope, customer.id);
    expect(loan.nextDueDate).toBeNull();
    const event = await recordFailedRepayment(store, scope, loan.id);
    await notifier.fanOut();
    const [made] = await notificationsOf({ eventId: event.id, recipientId: customer.id });
    const { sms } = await deliveriesOf(made!.id);
    expect(sms).toMatchObject({ status: 'queued', templateVersion: 0 });
    expect(sms.text).toMatch(/^Lender \d+: repayment of ₦17,852\.58/);
  });

  it('refuses an override that does not render with the sample (422 with the part)', async () => {
    const { scope } = await tenant();
    const error = await store.services.notifications
      .putTemplate(scope, 'repayment.failed', 'sms', { text: 'Hi {{ customer.firstName }}' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('unprocessable');
    expect((error as ServiceError).errors).toEqual([
      { path: 'text', message: expect.stringContaining('undefined variable: customer') },
    ]);
  });
});

describe('expiring API keys', () => {
  it('raises api_key.expiring once per key within 7 days, never for a revoked or distant key', async () => {
    const { scope, account } = await tenant();
    const { apiKeys } = store.services;
    const soon = await apiKeys.create(scope, {
      name: 'Expires soon',
      scopes: ['customers:read'],
      expiresAt: new Date(START + 3 * DAY).toISOString(),
    });
    const alsoSoon = await apiKeys.create(scope, {
      name: 'Also soon',
      scopes: ['customers:read'],
      expiresAt: new Date(START + 6 * DAY).toISOString(),
    });
    const revoked = await apiKeys.create(scope, {
      name: 'Revoked',
      scopes: ['customers:read'],
      expiresAt: new Date(START + 2 * DAY).toISOString(),
    });
    await apiKeys.revoke(scope, revoked.id);
    const later = await apiKeys.create(scope, {
      name: 'Later',
      scopes: ['customers:read'],
      expiresAt: new Date(START + 10 * DAY).toISOString(),
    });
    const forever = await apiKeys.create(scope, { name: 'Forever', scopes: ['customers:read'] });
    await notifier.fanOut();

    const raised = await notifier.raiseExpiringKeys();
    expect(raised).toBeGreaterThanOrEqual(2);
    const made = await notificationsOf({ recipientId: account.id, type: 'api_key.expiring' });
    expect(made.map((m) => (m.data as { apiKey: { id: string } }).apiKey.id).sort()).toEqual(
      [soon.id, alsoSoon.id].sort(),
    );
    const forSoon = made.find((m) => (m.data as { apiKey: { id: string } }).apiKey.id === soon.id)!;
    expect(forSoon).toMatchObject({ recipientKind: 'account', eventId: null, title: 'API key expiring: Expires soon' });
    const { email, in_app } = await deliveriesOf(forSoon.id);
    expect(in_app.status).toBe('sent');
    expect(email.status).toBe('queued');
    expect(email.subject).toBe('API key Expires soon expires on 14 January 2027');

    // Not again on the next pass (or the one after a day), and not for the others.
    expect(await notifier.raiseExpiringKeys()).toBe(0);
    store.clock.set(START + DAY);
    expect(await notifier.raiseExpiringKeys()).toBe(0);
    expect(await notificationsOf({ recipientId: account.id, type: 'api_key.expiring' })).toHaveLength(2);
    for (const key of [revoked, later, forever]) {
      expect(made.some((m) => (m.data as { apiKey: { id: string } }).apiKey.id === key.id)).toBe(false);
    }
    // The later key's turn comes when it is 7 days from expiry.
    store.clock.set(START + 3 * DAY + 60_000);
    expect(await notifier.raiseExpiringKeys()).toBe(1);
    const now = await notificationsOf({ recipientId: account.id, type: 'api_key.expiring' });
    expect(now.map((m) => (m.data as { apiKey: { id: string } }).apiKey.id)).toContain(later.id);
  });
});

describe('the test-mode clock', () => {
  it('judges quiet hours on the tenant’s test clock, and the job waits for the end on that clock', async () => {
    const { scope, account, customer } = await tenant();
    const { services } = store;
    // Real time 13:30 in Lagos: outside 22:00-07:00. The test clock runs 10 hours ahead: 23:30.
    await services.notifications.putPreferences(scope, {
      recipientId: customer.id,
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Africa/Lagos' },
    });
    await services.notifications.putPreferences(
      { ...scope, livemode: true },
      { quietHours: { start: '22:00', end: '07:00', timeZone: 'Africa/Lagos' } },
    );
    await services.testClock.advance(account.id, 10 * 3600);
    const loan = await loanFor(store, scope, customer.id);
    const event = await recordFailedRepayment(store, scope, loan.id);
    await notifier.fanOut();
    const [made] = await notificationsOf({ eventId: event.id, recipientId: customer.id });
    const { email, sms } = await deliveriesOf(made!.id);
    // 07:00 in Lagos on the test clock's next morning. The job waits for that instant as the tenant's
    // clock reads it: a clock advance past it releases the message (runDueJobs compares job starts
    // with the tenant's time), as test mode is driven.
    for (const d of [email, sms]) {
      expect(d.status).toBe('held');
      expect(d.heldUntil!.toISOString()).toBe('2027-01-12T06:00:00.000Z');
      expect((await jobs.jobOf(d.id)).startAfter.toISOString()).toBe('2027-01-12T06:00:00.000Z');
    }

    // Live mode runs on real time: the same account's live notification is not held.
    const live = await store.services.events.record({ ...scope, livemode: true }, 'webhook_endpoint.disabled', {
      id: 'we_live',
      url: 'https://hooks.example.com/lendwire',
      disabledReason: 'gone',
    });
    await notifier.fanOut();
    const [liveMade] = await notificationsOf({ eventId: live.id });
    expect(liveMade!.livemode).toBe(true);
    expect((await deliveriesOf(liveMade!.id)).email).toMatchObject({ status: 'queued', heldUntil: null });
    expect(liveMade!.body).toContain('it answered 410 Gone');
  });
});

describe('bookkeeping', () => {
  it('keeps the outbox index small: no event is left unread after the passes above', async () => {
    await notifier.fanOut(10_000);
    const [row] = rowsOf<{ pending: number }>(
      await store.handle.db.execute(sql`select count(*)::int as pending from events where notified_at is null`),
    );
    expect(Number(row!.pending)).toBe(0);
  });
});

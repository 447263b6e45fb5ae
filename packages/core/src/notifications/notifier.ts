import { generateId } from '@lendwire/contract';
import { and, desc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import {
  accounts,
  apiKeys,
  customers,
  events,
  notificationAttempts,
  notificationDeliveries,
  notificationPreferences,
  notificationRecipients,
  notifications,
  notificationTemplates,
  testClocks,
} from '../db/schema.js';
import { createBankAccountsService } from '../services/bank-accounts.js';
import { inTransaction, type ServiceContext, type TenantScope } from '../services/context.js';
import { rowsOf } from '../services/ledger.js';
import { createLoansService } from '../services/loans.js';
import {
  channelsOf,
  type LoadedNotification,
  type NotificationChannel,
  type NotificationLoadDeps,
  type NotificationTypeDefinition,
  notificationType,
  type RecipientKind,
} from './catalog.js';
import { quietHoldUntil } from './quiet-hours.js';
import { type RenderedMessage, renderTemplate, TemplateError, type TemplateSource } from './templates.js';

/** The durable job that sends one e-mail or SMS delivery. */
export const NOTIFICATION_SEND_JOB = 'notification-send';
/** Data of {@link NOTIFICATION_SEND_JOB}. */
export interface NotificationSendJob {
  deliveryId: string;
  accountId: string;
  livemode: boolean;
}
/** Locale of messages when the recipient has none. */
export const DEFAULT_LOCALE = 'en-NG';
/** `api_key.expiring` is raised this long before a key's `expiresAt`. */
export const KEY_EXPIRY_NOTICE_MS = 7 * 86_400_000;

/** An e-mail as the transport gets it (already rendered). `messageId` is stable across retries. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  messageId: string;
}
/** An SMS as the transport gets it. */
export interface SmsMessage {
  to: string;
  text: string;
  /** Stable across retries (the delivery id), for providers that deduplicate. */
  id: string;
}
/** What a transport answers on success. A throw is a failed attempt (retried). */
export interface TransportResult {
  providerMessageId: string | null;
}
/** Sends e-mail: SMTP (nodemailer) in the Node entry, `.eml` files on the embedded default. */
export interface EmailTransport {
  send(message: EmailMessage): Promise<TransportResult>;
}
/** Sends SMS: a provider's HTTP API, or a log file on the embedded default. */
export interface SmsTransport {
  send(message: SmsMessage): Promise<TransportResult>;
}

/**
 * A transport error that retrying cannot fix (an invalid number, a refused sender): the delivery
 * fails at once instead of being retried.
 */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

const EMAIL_PATTERN = /[^\s<>()"',;:]+@[^\s<>()"',;:]+/g;
const PHONE_PATTERN = /\+?\d[\d\s().-]{6,}\d/g;

/**
 * A transport error's message without personal data (e-mail addresses and phone numbers become
 * `[redacted]`), cut to 300 characters: what is stored, thrown to the job queue and logged.
 */
export function redactPersonal(text: string): string {
  return (
    text
      .replace(EMAIL_PATTERN, '[redacted]')
      // A phone number has at least 7 digits; SMTP replies such as `550 5.1.1` (6) stay readable.
      .replace(PHONE_PATTERN, (match) => (match.replace(/\D/g, '').length >= 7 ? '[redacted]' : match))
      .slice(0, 300)
  );
}

/** Who a notification goes to, with the addresses its channels need. */
interface Recipient {
  kind: RecipientKind;
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
}

type Row = Record<string, unknown>;

/** Options of {@link createNotifier}. */
export interface NotifierOptions {
  email?: EmailTransport;
  sms?: SmsTransport;
  /** Events read per fan-out pass (default 200). */
  batchSize?: number;
}

/**
 * The notification engine (DESIGN §4): a consumer of the event outbox. `fanOut` turns each new
 * event into one notification per recipient the catalog names (the account, the customer
 * concerned), applying preferences, quiet hours and templates, and enqueues one durable job per
 * e-mail or SMS to send, all in one transaction per batch of events (each event is marked with
 * `notified_at` in it, so several workers never notify twice). `send` is that job's handler: it
 * sends through the transport, logs the attempt, and throws to have pg-boss retry with backoff.
 * Nothing here runs inside an API request.
 */
export function createNotifier(ctx: ServiceContext, options: NotifierOptions = {}) {
  const batchSize = options.batchSize ?? 200;

  /** The tenant's time (test mode runs on its test clock). */
  async function tenantNow(tx: ServiceContext, scope: TenantScope, offsets: Map<string, number>): Promise<Date> {
    const real = ctx.now();
    if (scope.livemode) return real;
    let offset = offsets.get(scope.accountId);
    if (offset === undefined) {
      const [row] = await tx.db
        .select({ offsetMs: testClocks.offsetMs })
        .from(testClocks)
        .where(eq(testClocks.accountId, scope.accountId));
      offset = row?.offsetMs ?? 0;
      offsets.set(scope.accountId, offset);
    }
    return new Date(real.getTime() + offset);
  }

  function loadDeps(
    tx: ServiceContext,
    scope: TenantScope,
    context: Record<string, unknown> | null = null,
  ): NotificationLoadDeps {
    const loans = createLoansService(tx);
    const banks = createBankAccountsService(tx);
    return {
      scope,
      context,
      loan: async (id) => loans.get(scope, id).catch(() => null),
      schedule: async (id) => (await loans.schedule(scope, id).catch(() => ({ data: [] }))).data,
      bankAccount: async (id) => banks.get(scope, id).catch(() => null),
    };
  }

  async function recipientsOf(
    tx: ServiceContext,
    scope: TenantScope,
    def: NotificationTypeDefinition,
    customerId: string | null,
  ): Promise<Recipient[]> {
    const out: Recipient[] = [];
    if (def.audience.account) {
      const [account] = await tx.db
        .select({ name: accounts.name, email: accounts.contactEmail })
        .from(accounts)
        .where(eq(accounts.id, scope.accountId));
      if (account)
        out.push({ kind: 'account', id: scope.accountId, name: account.name, email: account.email, phone: null });
    }
    if (def.audience.customer && customerId) {
      const [customer] = await tx.db
        .select({ name: customers.name, email: customers.email, phone: customers.phone })
        .from(customers)
        .where(
          and(
            eq(customers.id, customerId),
            eq(customers.accountId, scope.accountId),
            eq(customers.livemode, scope.livemode),
          ),
        );
      if (customer) out.push({ kind: 'customer', id: customerId, ...customer });
    }
    return out;
  }

  /** The account's newest template override per channel for `type`. */
  async function overridesOf(tx: ServiceContext, scope: TenantScope, type: string) {
    const rows = await tx.db
      .select()
      .from(notificationTemplates)
      .where(
        and(
          eq(notificationTemplates.accountId, scope.accountId),
          eq(notificationTemplates.livemode, scope.livemode),
          eq(notificationTemplates.type, type),
        ),
      )
      .orderBy(desc(notificationTemplates.version));
    const byChannel = new Map<NotificationChannel, { source: TemplateSource; version: number }>();
    for (const r of rows) {
      if (!byChannel.has(r.channel)) {
        byChannel.set(r.channel, { source: { subject: r.subject, text: r.text, html: r.html }, version: r.version });
      }
    }
    return byChannel;
  }

  /**
   * Writes one notification for `recipient` (nothing if it exists: `subjectKey` and the recipient are
   * unique) with a delivery per channel of the type, and the send jobs of those to send.
   */
  async function notify(
    tx: ServiceContext,
    scope: TenantScope,
    input: {
      type: string;
      def: NotificationTypeDefinition;
      eventId: string | null;
      subjectKey: string;
      recipient: Recipient;
      variables: Record<string, unknown>;
      accountName: string;
      accountEmail: string;
      at: Date;
      realNow: Date;
    },
  ): Promise<boolean> {
    const { type, def, recipient } = input;
    const forRecipient = <T extends typeof notificationPreferences | typeof notificationRecipients>(t: T) =>
      and(eq(t.accountId, scope.accountId), eq(t.livemode, scope.livemode), eq(t.recipientId, recipient.id));
    const [prefs, [settings], overrides] = await Promise.all([
      tx.db
        .select()
        .from(notificationPreferences)
        .where(and(forRecipient(notificationPreferences), eq(notificationPreferences.type, type))),
      tx.db.select().from(notificationRecipients).where(forRecipient(notificationRecipients)),
      overridesOf(tx, scope, type),
    ]);
    const locale = settings?.locale ?? DEFAULT_LOCALE;
    const variables = {
      ...input.variables,
      recipient: { kind: recipient.kind, name: recipient.name },
      account: { name: input.accountName, contactEmail: input.accountEmail },
      locale,
    };
    const render = async (channel: NotificationChannel): Promise<{ message: RenderedMessage; version: number }> => {
      const override = overrides.get(channel);
      if (override) {
        try {
          return { message: await renderTemplate(override.source, variables), version: override.version };
        } catch {
          // An override that passed validation but fails on this event falls back to the built-in one.
        }
      }
      return { message: await renderTemplate(def.templates[channel]!, variables), version: 0 };
    };
    const inApp = await render('in_app');
    const notificationId = generateId('notification', input.realNow.getTime());
    const [created] = await tx.db
      .insert(notifications)
      .values({
        id: notificationId,
        accountId: scope.accountId,
        livemode: scope.livemode,
        type,
        eventId: input.eventId,
        subjectKey: input.subjectKey,
        recipientKind: recipient.kind,
        recipientId: recipient.id,
        title: inApp.message.subject ?? '',
        body: inApp.message.text,
        data: input.variables,
        createdAt: input.realNow,
      })
      .onConflictDoNothing()
      .returning({ id: notifications.id });
    if (!created) return false;

    const defaults = def.audience[recipient.kind] ?? [];
    const quiet =
      settings?.quietStart && settings.quietEnd && settings.timeZone
        ? { start: settings.quietStart, end: settings.quietEnd, timeZone: settings.timeZone }
        : null;
    for (const channel of channelsOf(type)) {
      const preference = prefs.find((p) => p.channel === channel);
      const byDefault = defaults.includes(channel);
      // Required types keep their default channels whatever the preference; extra channels may be added.
      const enabled = def.required && byDefault ? true : (preference?.enabled ?? byDefault);
      const base = {
        id: generateId('notificationDelivery', input.realNow.getTime()),
        notificationId,
        accountId: scope.accountId,
        livemode: scope.livemode,
        channel,
        createdAt: input.realNow,
        updatedAt: input.realNow,
      };
      if (channel === 'in_app') {
        await tx.db.insert(notificationDeliveries).values({
          ...base,
          status: enabled ? 'sent' : 'skipped',
          reason: enabled ? null : 'preference',
          templateVersion: inApp.version,
          sentAt: enabled ? input.realNow : null,
        });
        continue;
      }
      const address = channel === 'email' ? recipient.email : recipient.phone;
      // An event written in both modes (account status) is e-mailed and texted once, from live mode.
      const otherCopy = def.sentFromLiveMode === true && !scope.livemode;
      if (!enabled || !address || otherCopy) {
        const reason = !enabled ? 'preference' : otherCopy ? 'sent_in_live_mode' : 'no_address';
        await tx.db.insert(notificationDeliveries).values({ ...base, status: 'skipped', reason });
        continue;
      }
      const { message, version } = await render(channel);
      const hold = def.required ? null : quietHoldUntil(input.at, quiet);
      await tx.db.insert(notificationDeliveries).values({
        ...base,
        status: hold ? 'held' : 'queued',
        subject: message.subject,
        text: message.text,
        html: message.html,
        templateVersion: version,
        heldUntil: hold,
      });
      // The hold is in the tenant's time. Live: real time. Test mode: the job waits until that instant
      // of its test clock, which a clock advance past it reaches at once (runDueJobs compares a job's
      // start with the tenant's new time), and real time reaches later.
      const startAfter = hold ?? undefined;
      const job: NotificationSendJob = { deliveryId: base.id, accountId: scope.accountId, livemode: scope.livemode };
      await ctx.enqueue?.(tx.db, NOTIFICATION_SEND_JOB, job, startAfter ? { startAfter } : undefined);
    }
    return true;
  }

  /**
   * {@link notify} in a savepoint. A message even the built-in templates cannot render (an event
   * whose object lacks what its type needs) is skipped: one malformed event must not fail every
   * fan-out pass, and with it every tenant's notifications.
   */
  async function notifyOrSkip(
    tx: ServiceContext,
    scope: TenantScope,
    input: Parameters<typeof notify>[2],
  ): Promise<boolean> {
    try {
      return await inTransaction(tx, (savepoint) => notify(savepoint, scope, input));
    } catch (error) {
      if (error instanceof TemplateError) return false;
      throw error;
    }
  }

  /** Makes the notifications of events not yet notified (one transaction per batch): events read, notifications written. */
  async function fanOut(limit = batchSize): Promise<{ events: number; notifications: number }> {
    return inTransaction(ctx, async (tx) => {
      const pending = rowsOf<{
        id: string;
        account_id: string;
        livemode: boolean;
        type: string;
        data: Row;
        context: Row | null;
      }>(
        await tx.db.execute(sql`
          select id, account_id, livemode, type, data, context from events where notified_at is null
          order by id limit ${limit} for update skip locked`),
      );
      if (pending.length === 0) return { events: 0, notifications: 0 };
      const realNow = ctx.now();
      const offsets = new Map<string, number>();
      const accountCache = new Map<string, { name: string; email: string } | null>();
      let made = 0;
      for (const event of pending) {
        const def = notificationType(event.type);
        if (!def) continue;
        const scope = { accountId: event.account_id, livemode: event.livemode };
        const object = ((event.data as { object?: Row }).object ?? {}) as Row;
        let loaded: LoadedNotification;
        try {
          loaded = await def.load(object, loadDeps(tx, scope, event.context));
        } catch {
          // An object its type's loader cannot read (malformed): nothing to tell, and not read again.
          continue;
        }
        let account = accountCache.get(scope.accountId);
        if (account === undefined) {
          const [row] = await tx.db
            .select({ name: accounts.name, email: accounts.contactEmail })
            .from(accounts)
            .where(eq(accounts.id, scope.accountId));
          account = row ?? null;
          accountCache.set(scope.accountId, account);
        }
        if (!account) continue;
        const at = await tenantNow(tx, scope, offsets);
        for (const recipient of await recipientsOf(tx, scope, def, loaded.customerId)) {
          const wrote = await notifyOrSkip(tx, scope, {
            type: event.type,
            def,
            eventId: event.id,
            subjectKey: event.id,
            recipient,
            variables: loaded.variables,
            accountName: account.name,
            accountEmail: account.email,
            at,
            realNow,
          });
          if (wrote) made++;
        }
      }
      await tx.db
        .update(events)
        .set({ notifiedAt: realNow })
        .where(
          inArray(
            events.id,
            pending.map((e) => e.id),
          ),
        );
      return { events: pending.length, notifications: made };
    });
  }

  /**
   * Raises `api_key.expiring` for active keys whose `expiresAt` is within 7 days, once per key and
   * expiry (a key given a new expiry is announced again).
   */
  async function raiseExpiringKeys(): Promise<number> {
    const realNow = ctx.now();
    const def = notificationType('api_key.expiring')!;
    const due = await ctx.db
      .select()
      .from(apiKeys)
      .where(
        and(
          gt(apiKeys.expiresAt, realNow),
          lte(apiKeys.expiresAt, new Date(realNow.getTime() + KEY_EXPIRY_NOTICE_MS)),
          isNull(apiKeys.revokedAt),
          // Not announced yet for this expiry (the subject key names the key and the instant).
          sql`not exists (select 1 from notifications n where n.subject_key =
            'api_key.expiring:' || ${apiKeys.id} || ':' || to_char(${apiKeys.expiresAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
        ),
      )
      .orderBy(apiKeys.expiresAt)
      .limit(500);
    let made = 0;
    for (const key of due) {
      made += await inTransaction(ctx, async (tx) => {
        const scope = { accountId: key.accountId, livemode: key.livemode };
        const [account] = await tx.db
          .select({ name: accounts.name, email: accounts.contactEmail })
          .from(accounts)
          .where(eq(accounts.id, key.accountId));
        if (!account) return 0;
        const object = {
          id: key.id,
          name: key.name,
          start: key.start,
          livemode: key.livemode,
          expiresAt: key.expiresAt?.toISOString() ?? null,
          previousSecretExpiresAt: null,
        };
        const loaded = await def.load(object, loadDeps(tx, scope));
        let n = 0;
        for (const recipient of await recipientsOf(tx, scope, def, null)) {
          const wrote = await notify(tx, scope, {
            type: 'api_key.expiring',
            def,
            eventId: null,
            subjectKey: `api_key.expiring:${key.id}:${key.expiresAt?.toISOString()}`,
            recipient,
            variables: loaded.variables,
            accountName: account.name,
            accountEmail: account.email,
            at: realNow,
            realNow,
          });
          if (wrote) n++;
        }
        return n;
      });
    }
    return made;
  }

  /** The current address of a delivery's recipient (it may have changed since it was queued). */
  async function addressOf(delivery: { channel: string }, notification: typeof notifications.$inferSelect) {
    if (notification.recipientKind === 'account') {
      if (delivery.channel !== 'email') return null;
      const [row] = await ctx.db
        .select({ email: accounts.contactEmail })
        .from(accounts)
        .where(eq(accounts.id, notification.accountId));
      return row?.email ?? null;
    }
    const [row] = await ctx.db
      .select({ email: customers.email, phone: customers.phone })
      .from(customers)
      .where(and(eq(customers.id, notification.recipientId), eq(customers.accountId, notification.accountId)));
    return (delivery.channel === 'email' ? row?.email : row?.phone) ?? null;
  }

  /**
   * Sends one queued or held e-mail/SMS delivery: the job's handler. Logs the attempt and moves the
   * delivery to `sent`, or (on a transport error) keeps it `queued` and throws so the job is retried,
   * or marks it `failed` when `final` (the job's last attempt). A delivery already sent, skipped or
   * failed is left alone, so a repeated job never sends twice.
   */
  async function send(
    deliveryId: string,
    final: boolean,
  ): Promise<'sent' | 'failed' | 'skipped' | 'retrying' | 'done'> {
    const [row] = await ctx.db
      .select({ delivery: notificationDeliveries, notification: notifications })
      .from(notificationDeliveries)
      .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
      .where(eq(notificationDeliveries.id, deliveryId));
    if (!row) return 'done';
    const { delivery, notification } = row;
    if (delivery.status !== 'queued' && delivery.status !== 'held') return 'done';
    const to = await addressOf(delivery, notification);
    const now = ctx.now();
    if (!to) {
      await ctx.db
        .update(notificationDeliveries)
        .set({ status: 'skipped', reason: 'no_address', updatedAt: now })
        .where(eq(notificationDeliveries.id, deliveryId));
      return 'skipped';
    }
    // Claims this attempt (compare-and-set on the attempt count): of two runs of the same job at once
    // (one that outlived its expiry and its retry), one sends and the other finds the attempt taken.
    const [claimed] = await ctx.db
      .update(notificationDeliveries)
      .set({ attempts: delivery.attempts + 1 })
      .where(
        and(
          eq(notificationDeliveries.id, deliveryId),
          eq(notificationDeliveries.attempts, delivery.attempts),
          inArray(notificationDeliveries.status, ['queued', 'held']),
        ),
      )
      .returning({ id: notificationDeliveries.id });
    if (!claimed) return 'done';
    const transport = delivery.channel === 'email' ? options.email : options.sms;
    let result: TransportResult | null = null;
    let error: string | null = null;
    let permanent = false;
    const t0 = performance.now();
    try {
      if (!transport) throw new Error(`no ${delivery.channel} transport is configured`);
      result =
        delivery.channel === 'email'
          ? await (transport as EmailTransport).send({
              to,
              subject: delivery.subject ?? '',
              text: delivery.text ?? '',
              html: delivery.html,
              messageId: `<${delivery.id}@lendwire.notifications>`,
            })
          : await (transport as SmsTransport).send({ to, text: delivery.text ?? '', id: delivery.id });
    } catch (e) {
      error = redactPersonal(e instanceof Error ? e.message : String(e));
      permanent = e instanceof PermanentDeliveryError;
    }
    const durationMs = Math.round(performance.now() - t0);
    const finished = ctx.now();
    const status = error === null ? 'sent' : final || permanent ? 'failed' : 'queued';
    await inTransaction(ctx, async (tx) => {
      await tx.db.insert(notificationAttempts).values({
        id: generateId('notificationAttempt', finished.getTime()),
        deliveryId,
        at: now,
        durationMs,
        ok: error === null,
        providerMessageId: result?.providerMessageId ?? null,
        error,
      });
      await tx.db
        .update(notificationDeliveries)
        .set({
          status,
          lastError: error,
          reason: status === 'failed' ? 'transport_failed' : null,
          providerMessageId: result?.providerMessageId ?? null,
          sentAt: error === null ? finished : null,
          updatedAt: finished,
        })
        .where(eq(notificationDeliveries.id, deliveryId));
    });
    if (status === 'queued') throw new Error(`${delivery.channel} send failed: ${error}`);
    return status === 'sent' ? 'sent' : status === 'failed' ? 'failed' : 'retrying';
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running: Promise<unknown> | undefined;
  let lastKeyCheck = 0;

  return {
    fanOut,
    raiseExpiringKeys,
    send,
    /** Fans out back to back while there is work, else every `idleMs` (default 500 ms); checks expiring keys every minute. */
    start(idleMs = 500, onError?: (error: unknown) => void) {
      stopped = false;
      const loop = async () => {
        if (stopped) return;
        let busy = false;
        try {
          running = fanOut();
          busy = ((await running) as { events: number }).events > 0;
          if (Date.now() - lastKeyCheck > 60_000) {
            lastKeyCheck = Date.now();
            running = raiseExpiringKeys();
            await running;
          }
        } catch (error) {
          onError?.(error);
        }
        if (!stopped) {
          timer = setTimeout(loop, busy ? 0 : idleMs);
          timer.unref?.();
        }
      };
      void loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}

/** The notification engine. */
export type Notifier = ReturnType<typeof createNotifier>;

import {
  type ListEnvelope,
  NOTIFICATION_TYPE_NAMES,
  type Notification,
  type NotificationChannelName,
  type NotificationPreferences,
  type NotificationTemplate,
  type NotificationTypeName,
} from '@lendwire/contract';
import { and, desc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import {
  customers,
  notificationDeliveries,
  notificationPreferences,
  notificationRecipients,
  notifications,
  notificationTemplates,
} from '../db/schema.js';
import { COMMON_SAMPLE, channelsOf, type NotificationChannel, notificationType } from '../notifications/catalog.js';
import { DEFAULT_LOCALE } from '../notifications/notifier.js';
import { renderTemplate, TemplateError, type TemplateSource, validateTemplate } from '../notifications/templates.js';
import { inTransaction, iso, type ServiceContext, ServiceError, type TenantScope } from './context.js';
import { type PageParams, toPage } from './pagination.js';

type NotificationRow = typeof notifications.$inferSelect;
type DeliveryRow = typeof notificationDeliveries.$inferSelect;

/** The public shape of a notification (contract `Notification`). */
export function toNotification(row: NotificationRow, deliveries: DeliveryRow[]): Notification {
  const order: NotificationChannel[] = ['in_app', 'email', 'sms'];
  return {
    id: row.id,
    object: 'notification',
    type: row.type as NotificationTypeName,
    recipient: { kind: row.recipientKind, id: row.recipientId },
    title: row.title,
    body: row.body,
    data: row.data,
    readAt: iso(row.readAt),
    channels: deliveries
      .filter((d) => d.notificationId === row.id)
      .sort((a, b) => order.indexOf(a.channel) - order.indexOf(b.channel))
      .map((d) => ({
        channel: d.channel,
        status: d.status,
        attempts: d.attempts,
        reason: d.reason,
        heldUntil: d.status === 'held' ? iso(d.heldUntil) : null,
      })),
    eventId: row.eventId,
    livemode: row.livemode,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Params of {@link NotificationsService.list}. */
export interface NotificationListParams extends PageParams {
  unread?: boolean | undefined;
  recipientId?: string | undefined;
  type?: string | undefined;
}

/** Body of a preferences update, as validated by the contract. */
export interface PreferencesUpdate {
  recipientId?: string | undefined;
  preferences?: { type: NotificationTypeName; channel: NotificationChannelName; enabled: boolean }[] | undefined;
  quietHours?: { start: string; end: string; timeZone: string } | null | undefined;
  locale?: string | null | undefined;
}

/** A template source for `type` and `channel` from a request body, checked for the parts the channel has. */
function sourceFor(
  channel: NotificationChannel,
  body: { subject?: string | null | undefined; text: string; html?: string | null | undefined },
): TemplateSource {
  const errors: { path: string; message: string }[] = [];
  if (channel !== 'sms' && !body.subject) errors.push({ path: 'subject', message: `is required for ${channel}` });
  if (channel === 'sms' && body.subject) errors.push({ path: 'subject', message: 'SMS has no subject' });
  if (channel === 'email' && !body.html) errors.push({ path: 'html', message: 'is required for email' });
  if (channel !== 'email' && body.html) errors.push({ path: 'html', message: `${channel} has no HTML` });
  if (errors.length > 0) throw new ServiceError('unprocessable', `The ${channel} template is incomplete`, errors);
  return { subject: body.subject ?? null, text: body.text, html: body.html ?? null };
}

/**
 * Notifications as the API sees them (DESIGN §3, §7): the in-app inbox of the account and its
 * customers, preferences and quiet hours per recipient, and template overrides with previews.
 * Writing notifications is the notifier's work (`createNotifier`), never a request's.
 */
export function createNotificationsService(ctx: ServiceContext) {
  const { db } = ctx;
  const owned = (scope: TenantScope) =>
    and(eq(notifications.accountId, scope.accountId), eq(notifications.livemode, scope.livemode));

  async function withChannels(rows: NotificationRow[]) {
    if (rows.length === 0) return [];
    return db
      .select()
      .from(notificationDeliveries)
      .where(
        inArray(
          notificationDeliveries.notificationId,
          rows.map((r) => r.id),
        ),
      );
  }

  /** The recipient named by `recipientId` (default: the account): 404 for another tenant's customer. */
  async function recipientOf(scope: TenantScope, recipientId: string | undefined) {
    const id = recipientId ?? scope.accountId;
    if (id === scope.accountId) return { kind: 'account' as const, id };
    const [customer] = await db
      .select({ id: customers.id })
      .from(customers)
      .where(
        and(eq(customers.id, id), eq(customers.accountId, scope.accountId), eq(customers.livemode, scope.livemode)),
      );
    if (!customer) throw new ServiceError('not_found', `No customer ${id}`);
    return { kind: 'customer' as const, id };
  }

  function knownType(type: string) {
    const def = notificationType(type);
    if (!def) throw new ServiceError('not_found', `No notification type ${type}`);
    return def;
  }

  function knownChannel(type: string, channel: NotificationChannel) {
    if (!channelsOf(type).includes(channel)) {
      throw new ServiceError(
        'unprocessable',
        `${type} has no ${channel} message (it has ${channelsOf(type).join(', ')})`,
        [{ path: 'channel', message: `must be one of ${channelsOf(type).join(', ')}` }],
      );
    }
  }

  async function currentTemplate(scope: TenantScope, type: string, channel: NotificationChannel) {
    const [row] = await db
      .select()
      .from(notificationTemplates)
      .where(
        and(
          eq(notificationTemplates.accountId, scope.accountId),
          eq(notificationTemplates.livemode, scope.livemode),
          eq(notificationTemplates.type, type),
          eq(notificationTemplates.channel, channel),
        ),
      )
      .orderBy(desc(notificationTemplates.version))
      .limit(1);
    return row;
  }

  const sampleOf = (type: string) => ({ ...COMMON_SAMPLE, ...knownType(type).sample });

  return {
    /** Notifications newest first; filters: unread, recipient, type. */
    async list(scope: TenantScope, params: NotificationListParams): Promise<ListEnvelope<Notification>> {
      const filters = [owned(scope)];
      if (params.unread === true) filters.push(isNull(notifications.readAt));
      if (params.unread === false) filters.push(isNotNull(notifications.readAt));
      if (params.recipientId) filters.push(eq(notifications.recipientId, params.recipientId));
      if (params.type) filters.push(eq(notifications.type, params.type));
      if (params.startingAfter) filters.push(lt(notifications.id, params.startingAfter));
      const rows = await db
        .select()
        .from(notifications)
        .where(and(...filters))
        .orderBy(desc(notifications.id))
        .limit(params.limit + 1);
      const deliveries = await withChannels(rows.slice(0, params.limit));
      return toPage(rows, params.limit, (r) => toNotification(r, deliveries));
    },

    /** One notification of this tenant (404 for other tenants'). */
    async get(scope: TenantScope, id: string): Promise<Notification> {
      const [row] = await db
        .select()
        .from(notifications)
        .where(and(owned(scope), eq(notifications.id, id)));
      if (!row) throw new ServiceError('not_found', `No notification ${id}`);
      return toNotification(row, await withChannels([row]));
    },

    /** Marks one notification read (keeps the first `readAt`). */
    async markRead(scope: TenantScope, id: string): Promise<Notification> {
      await db
        .update(notifications)
        .set({ readAt: ctx.now() })
        .where(and(owned(scope), eq(notifications.id, id), isNull(notifications.readAt)));
      return this.get(scope, id);
    },

    /** Marks every unread notification read (of one recipient when given); returns how many changed. */
    async readAll(
      scope: TenantScope,
      recipientId?: string,
    ): Promise<{ object: 'notification_read_all'; updated: number }> {
      const filters = [owned(scope), isNull(notifications.readAt)];
      if (recipientId) filters.push(eq(notifications.recipientId, recipientId));
      const rows = await db
        .update(notifications)
        .set({ readAt: ctx.now() })
        .where(and(...filters))
        .returning({ id: notifications.id });
      return { object: 'notification_read_all', updated: rows.length };
    },

    /** A recipient's effective preferences for every type and channel, quiet hours and locale. */
    async getPreferences(scope: TenantScope, recipientId?: string): Promise<NotificationPreferences> {
      const recipient = await recipientOf(scope, recipientId);
      const where = <T extends typeof notificationPreferences | typeof notificationRecipients>(t: T) =>
        and(eq(t.accountId, scope.accountId), eq(t.livemode, scope.livemode), eq(t.recipientId, recipient.id));
      const [stored, [settings]] = await Promise.all([
        db.select().from(notificationPreferences).where(where(notificationPreferences)),
        db.select().from(notificationRecipients).where(where(notificationRecipients)),
      ]);
      const preferences: NotificationPreferences['preferences'] = [];
      for (const type of NOTIFICATION_TYPE_NAMES) {
        const def = knownType(type);
        const audience = def.audience[recipient.kind];
        if (!audience) continue;
        for (const channel of channelsOf(type)) {
          const byDefault = audience.includes(channel);
          const required = Boolean(def.required) && byDefault;
          const set = stored.find((p) => p.type === type && p.channel === channel);
          preferences.push({
            type,
            channel,
            enabled: required || (set?.enabled ?? byDefault),
            default: byDefault,
            required,
          });
        }
      }
      return {
        object: 'notification_preferences',
        recipientId: recipient.id,
        recipientKind: recipient.kind,
        preferences,
        quietHours:
          settings?.quietStart && settings.quietEnd && settings.timeZone
            ? { start: settings.quietStart, end: settings.quietEnd, timeZone: settings.timeZone }
            : null,
        locale: settings?.locale ?? DEFAULT_LOCALE,
      };
    },

    /**
     * Sets the given preferences (others keep theirs), and quiet hours and locale when present
     * (null clears them). Turning off a required type, or a type the recipient never gets, is 422.
     */
    async putPreferences(scope: TenantScope, update: PreferencesUpdate): Promise<NotificationPreferences> {
      const recipient = await recipientOf(scope, update.recipientId);
      const errors: { path: string; message: string }[] = [];
      (update.preferences ?? []).forEach((p, i) => {
        const def = knownType(p.type);
        const audience = def.audience[recipient.kind];
        if (!audience) {
          errors.push({ path: `preferences.${i}.type`, message: `${p.type} is never sent to a ${recipient.kind}` });
        } else if (!channelsOf(p.type).includes(p.channel)) {
          errors.push({ path: `preferences.${i}.channel`, message: `${p.type} has no ${p.channel} message` });
        } else if (def.required && audience.includes(p.channel) && !p.enabled) {
          errors.push({
            path: `preferences.${i}.enabled`,
            message: `${p.type} on ${p.channel} is required and cannot be turned off`,
          });
        }
      });
      if (errors.length > 0) throw new ServiceError('unprocessable', 'Some preferences cannot be set', errors);
      const now = ctx.now();
      await inTransaction(ctx, async (tx) => {
        for (const p of update.preferences ?? []) {
          await tx.db
            .insert(notificationPreferences)
            .values({
              accountId: scope.accountId,
              livemode: scope.livemode,
              recipientId: recipient.id,
              ...p,
              updatedAt: now,
            })
            .onConflictDoUpdate({
              target: [
                notificationPreferences.accountId,
                notificationPreferences.livemode,
                notificationPreferences.recipientId,
                notificationPreferences.type,
                notificationPreferences.channel,
              ],
              set: { enabled: p.enabled, updatedAt: now },
            });
        }
        if (update.quietHours !== undefined || update.locale !== undefined) {
          const set: Partial<typeof notificationRecipients.$inferInsert> = { updatedAt: now };
          if (update.quietHours !== undefined) {
            set.quietStart = update.quietHours?.start ?? null;
            set.quietEnd = update.quietHours?.end ?? null;
            set.timeZone = update.quietHours?.timeZone ?? null;
          }
          if (update.locale !== undefined) set.locale = update.locale;
          await tx.db
            .insert(notificationRecipients)
            .values({
              accountId: scope.accountId,
              livemode: scope.livemode,
              recipientId: recipient.id,
              ...set,
              updatedAt: now,
            })
            .onConflictDoUpdate({
              target: [
                notificationRecipients.accountId,
                notificationRecipients.livemode,
                notificationRecipients.recipientId,
              ],
              set,
            });
        }
      });
      return this.getPreferences(scope, recipient.id);
    },

    /** The template in use for `type` on `channel`: the newest override, or the built-in one (version 0). */
    async getTemplate(scope: TenantScope, type: string, channel: NotificationChannel): Promise<NotificationTemplate> {
      const def = knownType(type);
      knownChannel(type, channel);
      const row = await currentTemplate(scope, type, channel);
      const source = row ?? { ...def.templates[channel]!, version: 0, createdAt: null };
      return {
        object: 'notification_template',
        type: type as NotificationTypeName,
        channel,
        version: source.version,
        subject: source.subject,
        text: source.text,
        html: source.html,
        variables: sampleOf(type),
        createdAt: iso(source.createdAt),
      };
    },

    /**
     * Saves a new version of the account's template for `type` on `channel`, after checking that it
     * parses and renders with the type's sample variables (an unknown variable or filter is 422).
     */
    async putTemplate(
      scope: TenantScope,
      type: string,
      channel: NotificationChannel,
      body: { subject?: string | null | undefined; text: string; html?: string | null | undefined },
    ): Promise<NotificationTemplate> {
      knownType(type);
      knownChannel(type, channel);
      const source = sourceFor(channel, body);
      const problems = await validateTemplate(source, sampleOf(type));
      if (problems.length > 0) {
        throw new ServiceError(
          'unprocessable',
          `The template does not render: ${problems.map((p) => p.message).join('; ')}`,
          problems.map((p) => ({ path: p.part, message: p.message.slice(p.part.length + 2) })),
        );
      }
      await inTransaction(ctx, async (tx) => {
        // Serialize versions of one template: the advisory lock is held to the end of the transaction.
        await tx.db.execute(
          sql`select pg_advisory_xact_lock(hashtext(${`${scope.accountId}:${scope.livemode}:${type}:${channel}`}))`,
        );
        const [last] = await tx.db
          .select({ version: notificationTemplates.version })
          .from(notificationTemplates)
          .where(
            and(
              eq(notificationTemplates.accountId, scope.accountId),
              eq(notificationTemplates.livemode, scope.livemode),
              eq(notificationTemplates.type, type),
              eq(notificationTemplates.channel, channel),
            ),
          )
          .orderBy(desc(notificationTemplates.version))
          .limit(1);
        await tx.db.insert(notificationTemplates).values({
          accountId: scope.accountId,
          livemode: scope.livemode,
          type,
          channel,
          version: (last?.version ?? 0) + 1,
          ...source,
          createdAt: ctx.now(),
        });
      });
      return this.getTemplate(scope, type, channel);
    },

    /**
     * Renders the type's templates in use (or a draft) with its sample variables, overridden by the
     * given ones: what a recipient would get.
     */
    async preview(
      scope: TenantScope,
      type: string,
      input: {
        channel?: NotificationChannel | undefined;
        template?: { subject?: string | null | undefined; text: string; html?: string | null | undefined } | undefined;
        variables?: Record<string, unknown> | undefined;
      },
    ) {
      knownType(type);
      if (input.template && !input.channel) {
        throw new ServiceError('unprocessable', 'A draft template needs its channel', [
          { path: 'channel', message: 'is required with template' },
        ]);
      }
      if (input.channel) knownChannel(type, input.channel);
      const variables = { ...sampleOf(type), ...(input.variables ?? {}) };
      const rendered = [];
      for (const channel of input.channel ? [input.channel] : channelsOf(type)) {
        const draft = input.template ? sourceFor(channel, input.template) : undefined;
        const current = draft ? null : await this.getTemplate(scope, type, channel);
        const source = draft ?? { subject: current!.subject, text: current!.text, html: current!.html };
        try {
          const message = await renderTemplate(source, variables);
          rendered.push({ channel, version: current?.version ?? 0, ...message });
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          throw new ServiceError('unprocessable', `The ${channel} template does not render: ${error.message}`, [
            { path: `template.${error.part}`, message: error.message.slice(error.part.length + 2) },
          ]);
        }
      }
      return { object: 'notification_template_preview' as const, type: type as NotificationTypeName, rendered };
    },
  };
}

/** The notifications service. */
export type NotificationsService = ReturnType<typeof createNotificationsService>;

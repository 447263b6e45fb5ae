import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createNotifier,
  type EmailTransport,
  type Notifier,
  PermanentDeliveryError,
  type Services,
  type SmsTransport,
} from '@lendwire/core';
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/** A transport that holds connections: close it on shutdown. */
type Closable<T> = T & { close(): Promise<void> };

/**
 * E-mail over SMTP with nodemailer (`SMTP_URL`), pooled, with timeouts so a stuck server fails the
 * attempt (and the job retries it) instead of holding a worker. The message id is the delivery's, so
 * a retried message can be recognised by the receiving side.
 */
export function smtpTransport(url: string, from: string): Closable<EmailTransport> {
  const transporter = nodemailer.createTransport(
    {
      url,
      pool: true,
      maxConnections: 4,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as Parameters<typeof nodemailer.createTransport>[0],
    { from },
  );
  return {
    async send(message) {
      const info = await transporter.sendMail({
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: message.messageId,
      });
      return { providerMessageId: typeof info.messageId === 'string' ? info.messageId : null };
    },
    async close() {
      transporter.close();
    },
  };
}

/**
 * The embedded default without `SMTP_URL`: each e-mail is written as an `.eml` file (open it with any
 * mail client) under `dir`, named by time and delivery id.
 */
export function emlDirTransport(dir: string, from: string): Closable<EmailTransport> {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }, { from });
  return {
    async send(message) {
      const info = await transporter.sendMail({
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: message.messageId,
      });
      await mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${message.messageId.replace(/[<>@]/g, '_')}.eml`;
      await writeFile(join(dir, name), info.message as Buffer, { mode: 0o600 });
      return { providerMessageId: message.messageId };
    },
    async close() {},
  };
}

/**
 * The default SMS transport: each message is written to its own file under `dir` (a developer's
 * outbox, not a log: it holds the number and the text, so it is never written to the process log).
 */
export function smsOutboxTransport(dir: string): Closable<SmsTransport> {
  return {
    async send(message) {
      await mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${message.id}.txt`;
      await writeFile(join(dir, name), `To: ${message.to}\n\n${message.text}\n`, { mode: 0o600 });
      return { providerMessageId: message.id };
    },
    async close() {},
  };
}

/** Options of {@link twilioSmsTransport}. */
export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** An E.164 number, or a Messaging Service SID (`MG…`). */
  from: string;
  /** Default https://api.twilio.com. */
  apiUrl?: string;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * SMS through Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded,
 * HTTP Basic auth). 429 and 5xx (and network errors) fail the attempt for a retry; other 4xx answers
 * (an invalid number, an unverified sender) are permanent: the delivery fails at once.
 */
export function twilioSmsTransport(options: TwilioOptions): Closable<SmsTransport> {
  const base = (options.apiUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const auth = `Basic ${btoa(`${options.accountSid}:${options.authToken}`)}`;
  const doFetch = options.fetch ?? fetch;
  return {
    async send(message) {
      const form = new URLSearchParams({ To: message.to, Body: message.text });
      form.set(options.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', options.from);
      const response = await doFetch(url, {
        method: 'POST',
        headers: {
          authorization: auth,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form,
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      const body = (await response.json().catch(() => null)) as {
        sid?: string;
        code?: number;
        message?: string;
      } | null;
      if (response.ok && body?.sid) return { providerMessageId: body.sid };
      // Twilio's error messages can quote the number: only the status and Twilio's error code are kept.
      const what = `twilio answered ${response.status}${body?.code ? ` (error ${body.code})` : ''}`;
      if (response.status === 429 || response.status >= 500) throw new Error(what);
      throw new PermanentDeliveryError(what);
    },
    async close() {},
  };
}

/** The e-mail and SMS transports the configuration asks for. */
export function notificationTransports(config: Config): {
  email: Closable<EmailTransport>;
  sms: Closable<SmsTransport>;
} {
  // An in-memory store has no data dir: its outbox goes to a temporary folder, never the working directory.
  const outbox =
    config.LENDWIRE_DATA_DIR === ':memory:'
      ? join(tmpdir(), `lendwire-outbox-${process.pid}`)
      : join(config.LENDWIRE_DATA_DIR, 'outbox');
  const email = config.SMTP_URL
    ? smtpTransport(config.SMTP_URL, config.LENDWIRE_EMAIL_FROM)
    : emlDirTransport(join(outbox, 'email'), config.LENDWIRE_EMAIL_FROM);
  const sms =
    config.LENDWIRE_SMS === 'twilio'
      ? twilioSmsTransport({
          accountSid: config.TWILIO_ACCOUNT_SID!,
          authToken: config.TWILIO_AUTH_TOKEN!,
          from: config.TWILIO_FROM!,
          ...(config.TWILIO_API_URL ? { apiUrl: config.TWILIO_API_URL } : {}),
        })
      : smsOutboxTransport(join(outbox, 'sms'));
  return { email, sms };
}

/** A running notifier: its fan-out loop, and the transports its send jobs use. */
export interface RunningNotifier {
  notifier: Notifier;
  stop(): Promise<void>;
}

/**
 * The notifier of this process (unless `LENDWIRE_NOTIFICATIONS=off`): its fan-out loop starts with
 * `start()`; the send jobs run on the job queue's workers (see `createMoneyJobs`).
 */
export function createProcessNotifier(
  services: Services,
  config: Config,
  logger: Logger | undefined,
): RunningNotifier & { start(): void } {
  const transports = notificationTransports(config);
  const notifier = createNotifier(services.ctx, { email: transports.email, sms: transports.sms });
  return {
    notifier,
    start() {
      if (config.LENDWIRE_NOTIFICATIONS === 'off') return;
      notifier.start(500, (error) =>
        logger?.error('notification fan-out pass failed', { error: error instanceof Error ? error.name : 'unknown' }),
      );
    },
    async stop() {
      await notifier.stop();
      await transports.email.close();
      await transports.sms.close();
    },
  };
}

import type { AddressInfo } from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';

/** One message the test SMTP server accepted, parsed with postal-mime. */
export interface ReceivedEmail {
  /** Envelope recipients (`RCPT TO`), lower-cased. */
  to: string[];
  /** Envelope sender (`MAIL FROM`). */
  envelopeFrom: string;
  /** The `From` header's address. */
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** When it was accepted (ms since the epoch). */
  at: number;
}

/** A refused attempt: at which stage, with which code, for which envelope recipient(s). */
export interface RefusedAttempt {
  stage: 'rcpt' | 'data';
  code: number;
  to: string[];
  /** Known at the data stage only. */
  messageId: string | null;
  at: number;
}

/** A real SMTP server for one test file, on 127.0.0.1 and a free port. */
export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`, for `SMTP_URL`. */
  url: string;
  /** Every accepted message, in arrival order. */
  received: ReceivedEmail[];
  /** Every refused attempt, in order. */
  refused: RefusedAttempt[];
  /** From now on, refuses every attempt for a recipient matching `pattern` with a 451 at `RCPT TO`. */
  refuseAlways(pattern: RegExp): void;
  /**
   * From now on, refuses the first attempts of each message (by Message-ID) to a recipient matching
   * `pattern` once it has been transmitted (after `DATA`), with `codes[i]` for the i-th attempt
   * (temporary errors: 421 also closes the connection), then accepts it.
   */
  refuseFirst(pattern: RegExp, codes: (421 | 450 | 451 | 452)[]): void;
  /** Messages to `address`. */
  to(address: string): ReceivedEmail[];
  /**
   * Waits until `count` messages (default 1) match `match`, polling every 25 ms, and returns them;
   * throws after `timeoutMs` naming what it waited for and what arrived for that recipient.
   */
  waitFor(
    what: string,
    match: (m: ReceivedEmail) => boolean,
    options?: { count?: number; timeoutMs?: number },
  ): Promise<ReceivedEmail[]>;
  close(): Promise<void>;
}

function temporaryError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * Starts an SMTP server (the `smtp-server` package) that accepts any sender without TLS or
 * authentication and parses each message with postal-mime. Rules make it refuse some recipients with
 * temporary (4xx) errors, for the failure-and-recovery tests.
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedEmail[] = [];
  const refused: RefusedAttempt[] = [];
  const alwaysRefused: RegExp[] = [];
  const refusedFirst: { pattern: RegExp; codes: number[] }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // The gateway closes its pooled connections first; anything left is cut after 1 s.
    closeTimeout: 1_000,
    logger: false,
    // nodemailer pools connections: a few at a time is what a real server sees.
    maxClients: 20,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      if (alwaysRefused.some((p) => p.test(to))) {
        refused.push({ stage: 'rcpt', code: 451, to: [to], messageId: null, at: Date.now() });
        // Like real servers, the reply names the recipient: the gateway must keep it out of its logs.
        callback(temporaryError(451, `<${to}>: Recipient address temporarily unavailable, try again later`));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((a) => a.address.toLowerCase());
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        PostalMime.parse(raw).then(
          (email) => {
            const messageId = email.messageId ?? '';
            const rule = refusedFirst.find((r) => to.some((t) => r.pattern.test(t)));
            const before = refused.filter((r) => r.stage === 'data' && r.messageId === messageId).length;
            const code = rule?.codes[before];
            if (code !== undefined) {
              refused.push({ stage: 'data', code, to, messageId, at: Date.now() });
              callback(temporaryError(code, `Message for <${to.join(', ')}> not accepted now, try again later`));
              return;
            }
            received.push({
              to,
              envelopeFrom,
              from: email.from?.address ?? '',
              subject: email.subject ?? '',
              text: email.text ?? '',
              html: email.html ?? '',
              messageId,
              at: Date.now(),
            });
            callback(null, 'Queued');
          },
          (error: unknown) => callback(temporaryError(451, `Unparsable message: ${String(error)}`)),
        );
      });
    },
  });
  // A client that goes away mid-session is not the test's concern.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;

  const to = (address: string) => received.filter((m) => m.to.includes(address.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refused,
    refuseAlways(pattern) {
      alwaysRefused.push(pattern);
    },
    refuseFirst(pattern, codes) {
      refusedFirst.push({ pattern, codes });
    },
    to,
    async waitFor(what, match, options = {}) {
      const count = options.count ?? 1;
      const deadline = Date.now() + (options.timeoutMs ?? 15_000);
      for (;;) {
        const found = received.filter(match);
        if (found.length >= count) return found;
        if (Date.now() > deadline) {
          const seen = received.map((m) => `${m.to.join(',')}: ${m.subject}`).join('\n  ');
          throw new Error(`timed out waiting for ${count} × ${what}; found ${found.length}. Received:\n  ${seen}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

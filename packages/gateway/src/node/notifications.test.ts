/**
 * The notification transports of the Node entry: `.eml` files and the SMS outbox (the embedded
 * default), Twilio's Messages API (against msw: Twilio cannot run here), and SMTP against a real
 * SMTP server started in the test.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmailMessage, PermanentDeliveryError } from '@lendwire/core';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emlDirTransport, smsOutboxTransport, smtpTransport, twilioSmsTransport } from './notifications.js';

const FROM = 'Acme Lending <notifications@acme.example>';
const PHONE = '+2348012345678';

const message = (over: Partial<EmailMessage> = {}): EmailMessage => ({
  to: 'ada@customer.example',
  subject: 'Your repayment of ₦17,852.58 failed',
  text: 'Hello Ada Obi,\n\nThe repayment failed.',
  html: '<p>Hello Ada &lt;Obi&gt;,</p><p>The repayment failed.</p>',
  messageId: '<ntd_0123456789abcdef@lendwire.notifications>',
  ...over,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lendwire-outbox-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('emlDirTransport', () => {
  it('writes one parseable .eml per message, readable by its owner only', async () => {
    const out = join(dir, 'email');
    const transport = emlDirTransport(out, FROM);
    const sent = message();
    expect(await transport.send(sent)).toEqual({ providerMessageId: sent.messageId });

    const files = await readdir(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-_ntd_0123456789abcdef_lendwire\.notifications_\.eml$/);
    const path = join(out, files[0]!);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const parsed = await PostalMime.parse(await readFile(path));
    expect(parsed.subject).toBe(sent.subject);
    expect(parsed.to?.map((a) => a.address)).toEqual([sent.to]);
    expect(parsed.from).toMatchObject({ name: 'Acme Lending', address: 'notifications@acme.example' });
    expect(parsed.messageId).toBe(sent.messageId);
    expect(parsed.text?.trim()).toBe(sent.text);
    expect(parsed.html?.trim()).toBe(sent.html);
    await transport.close();
  });

  it('writes a text-only message when there is no HTML', async () => {
    const out = join(dir, 'email-text');
    const transport = emlDirTransport(out, FROM);
    await transport.send(message({ html: null, messageId: '<ntd_text@lendwire.notifications>' }));
    const [file] = await readdir(out);
    const parsed = await PostalMime.parse(await readFile(join(out, file!)));
    expect(parsed.html).toBeUndefined();
    expect(parsed.text?.trim()).toBe('Hello Ada Obi,\n\nThe repayment failed.');
  });
});

describe('smsOutboxTransport', () => {
  it('writes each SMS to its own file with the number and the text, readable by its owner only', async () => {
    const out = join(dir, 'sms');
    const transport = smsOutboxTransport(out);
    const text = 'Acme Lending: repayment of ₦17,852.58 on loan loan_1 failed. We will retry.';
    expect(await transport.send({ to: PHONE, text, id: 'ntd_sms1' })).toEqual({ providerMessageId: 'ntd_sms1' });
    await transport.send({ to: '+2348000000001', text: 'second', id: 'ntd_sms2' });
    const files = (await readdir(out)).sort();
    expect(files).toHaveLength(2);
    const first = files.find((f) => f.endsWith('-ntd_sms1.txt'))!;
    expect(await readFile(join(out, first), 'utf8')).toBe(`To: ${PHONE}\n\n${text}\n`);
    expect((await stat(join(out, first))).mode & 0o777).toBe(0o600);
  });
});

describe('twilioSmsTransport (against msw)', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const SID = 'AC0123456789abcdef0123456789abcdef';
  const TOKEN = 'twilio-auth-token';
  const API = 'https://api.twilio.test';
  const MESSAGES = `${API}/2010-04-01/Accounts/${SID}/Messages.json`;

  /** Answers the Messages API with `reply`, keeping each request. */
  function twilio(reply: () => Response, url = MESSAGES) {
    const requests: Request[] = [];
    server.use(
      http.post(url, async ({ request }) => {
        requests.push(request.clone());
        return reply();
      }),
    );
    return requests;
  }

  it('posts the form to the Messages API with Basic auth and returns the message SID', async () => {
    const requests = twilio(() => HttpResponse.json({ sid: 'SM0123', status: 'queued' }, { status: 201 }));
    const transport = twilioSmsTransport({
      accountSid: SID,
      authToken: TOKEN,
      from: '+15005550006',
      apiUrl: `${API}/`,
    });
    const result = await transport.send({ to: PHONE, text: 'Repayment of ₦17,852.58 failed', id: 'ntd_1' });
    expect(result).toEqual({ providerMessageId: 'SM0123' });
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.url).toBe(MESSAGES);
    expect(request.headers.get('authorization')).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(request.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(await request.text());
    expect(Object.fromEntries(form)).toEqual({
      To: PHONE,
      From: '+15005550006',
      Body: 'Repayment of ₦17,852.58 failed',
    });
  });

  it('sends from a Messaging Service when `from` is its SID, to api.twilio.com by default', async () => {
    const requests = twilio(
      () => HttpResponse.json({ sid: 'SM0456' }, { status: 201 }),
      `https://api.twilio.com/2010-04-01/Accounts/${SID}/Messages.json`,
    );
    const transport = twilioSmsTransport({ accountSid: SID, authToken: TOKEN, from: 'MG0123456789abcdef' });
    expect(await transport.send({ to: PHONE, text: 'hi', id: 'ntd_2' })).toEqual({ providerMessageId: 'SM0456' });
    const form = new URLSearchParams(await requests[0]!.text());
    expect(form.get('MessagingServiceSid')).toBe('MG0123456789abcdef');
    expect(form.has('From')).toBe(false);
  });

  // Twilio's own error texts quote the number; none of it may reach the error (stored and logged).
  const quoting = (status: number, code: number) => () =>
    HttpResponse.json(
      {
        code,
        message: `The 'To' number ${PHONE} is not valid`,
        more_info: `https://www.twilio.com/docs/errors/${code}`,
        status,
      },
      { status },
    );

  it.each([
    [429, 20429],
    [500, 20500],
    [503, 20503],
  ])('fails %i as a retryable attempt (a plain Error)', async (status, code) => {
    twilio(quoting(status, code));
    const transport = twilioSmsTransport({ accountSid: SID, authToken: TOKEN, from: '+15005550006', apiUrl: API });
    const error = await transport.send({ to: PHONE, text: 'hi', id: 'ntd_3' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toBe(`twilio answered ${status} (error ${code})`);
    expect((error as Error).message).not.toContain('2348012345678');
  });

  it.each([
    [400, 21211],
    [401, 20003],
    [404, 20404],
  ])('fails %i at once (PermanentDeliveryError), without the number', async (status, code) => {
    twilio(quoting(status, code));
    const transport = twilioSmsTransport({ accountSid: SID, authToken: TOKEN, from: '+15005550006', apiUrl: API });
    const error = await transport.send({ to: PHONE, text: 'hi', id: 'ntd_4' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toBe(`twilio answered ${status} (error ${code})`);
    expect((error as Error).message).not.toContain('2348012345678');
  });

  it('fails a 502 without a JSON body as retryable', async () => {
    twilio(
      () => new HttpResponse('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
    );
    const transport = twilioSmsTransport({ accountSid: SID, authToken: TOKEN, from: '+15005550006', apiUrl: API });
    const error = await transport.send({ to: PHONE, text: 'hi', id: 'ntd_5' }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toBe('twilio answered 502');
  });

  it('fails a network error as retryable', async () => {
    twilio(() => HttpResponse.error());
    const transport = twilioSmsTransport({ accountSid: SID, authToken: TOKEN, from: '+15005550006', apiUrl: API });
    const error = await transport.send({ to: PHONE, text: 'hi', id: 'ntd_6' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(String((error as Error).message)).not.toContain('2348012345678');
  });
});

/** A real SMTP server on a free local port; `refuse` answers the message's DATA with that code. */
async function startSmtp(refuse?: { code: number; text: string }) {
  const received: { envelopeTo: string[]; raw: Buffer }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refuse) {
          callback(Object.assign(new Error(refuse.text), { responseCode: refuse.code }));
          return;
        }
        received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('smtpTransport (against a real SMTP server)', () => {
  it('delivers the message: envelope, headers, both parts and our Message-ID', async () => {
    const smtp = await startSmtp();
    const transport = smtpTransport(smtp.url, FROM);
    try {
      const sent = message();
      expect(await transport.send(sent)).toEqual({ providerMessageId: sent.messageId });
      expect(smtp.received).toHaveLength(1);
      const [mail] = smtp.received;
      expect(mail!.envelopeTo).toEqual([sent.to]);
      const parsed = await PostalMime.parse(mail!.raw);
      expect(parsed.subject).toBe(sent.subject);
      expect(parsed.to?.map((a) => a.address)).toEqual([sent.to]);
      expect(parsed.from?.address).toBe('notifications@acme.example');
      expect(parsed.messageId).toBe(sent.messageId);
      expect(parsed.text?.trim()).toBe(sent.text);
      expect(parsed.html?.trim()).toBe(sent.html);
    } finally {
      await transport.close();
      await smtp.close();
    }
  });

  it('rejects when the server answers 421, so the job retries', async () => {
    const smtp = await startSmtp({ code: 421, text: 'Service not available, try later' });
    const transport = smtpTransport(smtp.url, FROM);
    try {
      const error = await transport.send(message()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(PermanentDeliveryError);
      expect((error as { responseCode?: number }).responseCode).toBe(421);
      expect(smtp.received).toEqual([]);
    } finally {
      await transport.close();
      await smtp.close();
    }
  });

  it('rejects when nothing listens', async () => {
    const smtp = await startSmtp();
    await smtp.close();
    const transport = smtpTransport(smtp.url, FROM);
    try {
      await expect(transport.send(message())).rejects.toThrow(/ECONNREFUSED|connect/i);
    } finally {
      await transport.close();
    }
  });
});

import { API_VERSION, generateId, type LendwireEvent } from '@lendwire/contract';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { unwrapEvent } from '../src/events.js';
import {
  generateWebhookSecret,
  sign,
  signatureHeaders,
  unwrap,
  verify,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from '../src/index.js';
import { signWithSvix } from '../src/sign-svix.js';

const SECRET = 'whsec_QupDUcDRNe+gNC0b9YQhsE80UAgBSa6UlTIEm2/hiNA=';
const NEW_SECRET = 'whsec_X58RuB3f7jZZkBzozCW8xDuftMwSJBHlPlDek2IOr2w=';
const NOW = 1_767_225_600;
const BODY = '{"hello":"world"}';

async function signed(payload = BODY, secrets = [SECRET], id = 'msg_1', timestamp = NOW) {
  return signatureHeaders({ id, timestamp, payload, secrets });
}

/** The error `promise` rejects with, checked to be a WebhookVerificationError. */
async function failure(promise: Promise<unknown>): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return error as WebhookVerificationError;
}

async function code(promise: Promise<unknown>): Promise<WebhookVerificationErrorCode> {
  return (await failure(promise)).code;
}

describe('generateWebhookSecret', () => {
  it('is whsec_ + base64 of 32 random bytes, and usable', async () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(secret.slice(6))).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
    const headers = await signed(BODY, [secret]);
    await expect(verify(BODY, headers, secret, { now: NOW })).resolves.toBeUndefined();
  });
});

describe('sign', () => {
  it('puts one v1 signature per secret, space-separated, the same as svix', async () => {
    const input = { id: 'msg_1', timestamp: NOW, payload: BODY, secrets: [SECRET, NEW_SECRET] };
    const header = await sign(input);
    const parts = header.split(' ');
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(header).toBe(signWithSvix(input));
    expect(parts[0]).toBe(new SvixWebhook(SECRET).sign('msg_1', new Date(NOW * 1000), BODY));
  });

  it('gives the three headers', async () => {
    expect(await signed()).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(NOW),
      'webhook-signature': await sign({ id: 'msg_1', timestamp: NOW, payload: BODY, secrets: [SECRET] }),
    });
  });

  it('rejects a timestamp in milliseconds or fractional, and no secret', async () => {
    await expect(sign({ id: 'm', timestamp: 1.5, payload: '', secrets: [SECRET] })).rejects.toThrow(TypeError);
    await expect(sign({ id: 'm', timestamp: -1, payload: '', secrets: [SECRET] })).rejects.toThrow(/Unix seconds/);
    expect(await code(sign({ id: 'm', timestamp: NOW, payload: '', secrets: [] }))).toBe('invalid_secret');
    expect(await code(sign({ id: 'm', timestamp: NOW, payload: '', secrets: ['whsec_'] }))).toBe('invalid_secret');
  });
});

describe('verify', () => {
  it('accepts a Uint8Array body, signed over its exact bytes', async () => {
    const headers = await signed();
    await verify(new TextEncoder().encode(BODY), headers, SECRET, { now: NOW });
    // Bytes that are not valid UTF-8 are verified as they are, not after a lossy decode.
    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    const content = new Uint8Array([...new TextEncoder().encode(`msg_1.${NOW}.`), ...bytes]);
    const key = await crypto.subtle.importKey(
      'raw',
      Uint8Array.from(atob(SECRET.slice(6)), (c) => c.charCodeAt(0)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, content));
    const signature = `v1,${btoa(String.fromCharCode(...mac))}`;
    const binaryHeaders = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW), 'webhook-signature': signature };
    await verify(bytes, binaryHeaders, SECRET, { now: NOW });
    expect(await code(verify(new TextDecoder().decode(bytes), binaryHeaders, SECRET, { now: NOW }))).toBe(
      'invalid_signature',
    );
  });

  it('reads a Headers object and header objects with array values, names in any case', async () => {
    const h = await signed();
    await verify(BODY, new Headers(h), SECRET, { now: NOW });
    await verify(
      BODY,
      {
        'WEBHOOK-ID': ['msg_1'],
        'Webhook-Timestamp': [String(NOW)],
        'webhook-signature': ['v1,bm9wZQ==', h['webhook-signature']],
        'x-other': undefined,
      },
      SECRET,
      { now: NOW },
    );
    // Repeated signature headers, as `Headers` joins them ("a, b").
    const joined = new Headers();
    joined.append('webhook-id', 'msg_1');
    joined.append('webhook-timestamp', String(NOW));
    joined.append('webhook-signature', h['webhook-signature']);
    joined.append('webhook-signature', 'v1,bm9wZQ==');
    await verify(BODY, joined, SECRET, { now: NOW });
  });

  it('does not accept a signature made for another id or timestamp', async () => {
    const h = await signed();
    const other = await signed(BODY, [SECRET], 'msg_2', NOW + 1);
    expect(
      await code(verify(BODY, { ...h, 'webhook-signature': other['webhook-signature'] }, SECRET, { now: NOW })),
    ).toBe('invalid_signature');
    expect(await code(verify(BODY, { ...h, 'webhook-id': 'msg_2' }, SECRET, { now: NOW }))).toBe('invalid_signature');
    expect(await code(verify(BODY, { ...h, 'webhook-timestamp': String(NOW + 1) }, SECRET, { now: NOW }))).toBe(
      'invalid_signature',
    );
    // The same signature moved between id and timestamp ("msg_1.1767225600." vs "msg_1.176722560.0…").
    const shifted = { ...h, 'webhook-id': 'msg_1.1', 'webhook-timestamp': '767225600' };
    expect(await code(verify(BODY, shifted, SECRET, { now: 767225600 }))).toBe('invalid_signature');
  });

  it('names the missing header', async () => {
    const h = await signed();
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const { [name]: _, ...rest } = h;
      const error = await failure(verify(BODY, rest, SECRET, { now: NOW }));
      expect(error.code).toBe('missing_header');
      expect(error.header).toBe(name);
      expect(error.message).toBe(`Missing the ${name} header`);
      expect(error.name).toBe('WebhookVerificationError');
      expect(error).toBeInstanceOf(Error);
    }
    expect((await failure(verify(BODY, { ...h, 'webhook-id': '  ' }, SECRET, { now: NOW }))).header).toBe('webhook-id');
  });

  it('says what is wrong with the timestamp', async () => {
    const h = await signed();
    for (const bad of ['abc', '1767225600abc', '-5', '1.5', '1e9']) {
      const error = await failure(verify(BODY, { ...h, 'webhook-timestamp': bad }, SECRET, { now: NOW }));
      expect(error.code).toBe('invalid_timestamp');
      expect(error.message).toContain('Unix seconds');
    }
    const old = await failure(verify(BODY, h, SECRET, { now: NOW + 600 }));
    expect(old).toMatchObject({ code: 'timestamp_too_old' });
    expect(old.message).toMatch(/too old: 600 s before now, tolerance 300 s/);
    const future = await failure(verify(BODY, h, SECRET, { now: new Date((NOW - 400) * 1000) }));
    expect(future).toMatchObject({ code: 'timestamp_too_new' });
    expect(future.message).toMatch(/too new: 400 s after now, tolerance 300 s/);
    // The tolerance is configurable.
    await verify(BODY, h, SECRET, { now: NOW + 600, tolerance: 600 });
    expect(await code(verify(BODY, h, SECRET, { now: NOW + 61, tolerance: 60 }))).toBe('timestamp_too_old');
    await expect(verify(BODY, h, SECRET, { now: NOW, tolerance: -1 })).rejects.toThrow(TypeError);
  });

  it('checks the timestamp against the real clock by default', async () => {
    const fresh = await signed(BODY, [SECRET], 'msg_1', Math.floor(Date.now() / 1000));
    await verify(BODY, fresh, SECRET);
    expect(await code(verify(BODY, await signed(), SECRET, { tolerance: 300 }))).toMatch(/^timestamp_too_(old|new)$/);
  });

  it('explains a signature mismatch and a header with no v1 entry', async () => {
    const h = await signed();
    const mismatch = await failure(verify(`${BODY} `, h, SECRET, { now: NOW }));
    expect(mismatch.code).toBe('invalid_signature');
    expect(mismatch.message).toMatch(/No matching signature: none of the 1 v1 signature\(s\) matches/);
    const noV1 = await failure(
      verify(BODY, { ...h, 'webhook-signature': `v2,${h['webhook-signature'].slice(3)} v1a,x` }, SECRET, { now: NOW }),
    );
    expect(noV1.code).toBe('invalid_signature');
    expect(noV1.message).toMatch(/No v1 signature/);
    // Not base64, or a truncated signature, never matches.
    const truncated = h['webhook-signature'].slice(0, 20);
    expect(await code(verify(BODY, { ...h, 'webhook-signature': truncated }, SECRET, { now: NOW }))).toBe(
      'invalid_signature',
    );
    expect(await code(verify(BODY, { ...h, 'webhook-signature': 'v1,***' }, SECRET, { now: NOW }))).toBe(
      'invalid_signature',
    );
  });

  it('takes the secret with or without whsec_, or several of them', async () => {
    const h = await signed();
    await verify(BODY, h, SECRET.slice('whsec_'.length), { now: NOW });
    await verify(BODY, h, [NEW_SECRET, SECRET], { now: NOW });
    const rotated = await signed(BODY, [SECRET, NEW_SECRET]);
    await verify(BODY, rotated, SECRET, { now: NOW });
    await verify(BODY, rotated, NEW_SECRET, { now: NOW });
    expect(await code(verify(BODY, rotated, generateWebhookSecret(), { now: NOW }))).toBe('invalid_signature');
  });

  it('rejects an unusable secret before looking at the request', async () => {
    for (const bad of ['', 'whsec_', 'whsec_%%%', 'whsec_abc=def', []]) {
      const error = await failure(verify(BODY, {}, bad, { now: NOW }));
      expect(error.code).toBe('invalid_secret');
      expect(error.message).toMatch(/^Invalid webhook secret/);
    }
  });
});

describe('unwrap', () => {
  it('verifies, then parses the JSON body', async () => {
    const h = await signed();
    expect(await unwrap<{ hello: string }>(BODY, h, SECRET, { now: NOW })).toEqual({ hello: 'world' });
    expect(await unwrap(new TextEncoder().encode(BODY), h, SECRET, { now: NOW })).toEqual({ hello: 'world' });
    expect(await code(unwrap('{"hello":"mallory"}', h, SECRET, { now: NOW }))).toBe('invalid_signature');
    const notJson = await signed('not json');
    await expect(unwrap('not json', notJson, SECRET, { now: NOW })).rejects.toThrow(SyntaxError);
  });
});

describe('unwrapEvent', () => {
  const event = {
    id: generateId('event'),
    object: 'event',
    type: 'bank_account.added',
    createdAt: '2026-01-01T00:00:00.000Z',
    livemode: false,
    account: generateId('account'),
    apiVersion: API_VERSION,
    data: {
      object: {
        id: generateId('bankAccount'),
        object: 'bank_account',
        bankCode: '058',
        last4: '6789',
        accountName: 'Ada Obi',
        currency: 'NGN',
        status: 'verified',
        metadata: {},
        livemode: false,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
    },
    request: { id: 'req_1', idempotencyKey: null },
  };

  it('returns an event typed and checked by the contract', async (ctx) => {
    const body = JSON.stringify(event);
    const h = await signed(body);
    let parsed: LendwireEvent;
    try {
      parsed = await unwrapEvent(body, h, SECRET, { now: NOW });
    } catch (error) {
      // The fixture must follow the contract's Customer shape; say which field drifted.
      ctx.annotate(String(error));
      throw error;
    }
    expect(parsed.type).toBe('bank_account.added');
    // Narrowing on `type` types `data.object`.
    if (parsed.type === 'bank_account.added') expect(parsed.data.object.last4).toBe('6789');
  });

  it('rejects what is not authentic, then what is not an event', async () => {
    const body = JSON.stringify(event);
    const h = await signed(body);
    expect(await code(unwrapEvent(body, h, NEW_SECRET, { now: NOW }))).toBe('invalid_signature');
    const notEvent = JSON.stringify({ type: 'nope' });
    await expect(unwrapEvent(notEvent, await signed(notEvent), SECRET, { now: NOW })).rejects.toThrow();
    await expect(unwrapEvent(notEvent, await signed(notEvent), SECRET, { now: NOW })).rejects.not.toBeInstanceOf(
      WebhookVerificationError,
    );
  });
});

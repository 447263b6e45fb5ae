import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sign, verify, WebhookVerificationError, type WebhookVerificationErrorCode } from '../src/index.js';
import { signWithSvix } from '../src/sign-svix.js';
import file from './vectors.json' with { type: 'json' };

type Outcome = 'ok' | WebhookVerificationErrorCode;

interface Vector {
  name: string;
  description?: string;
  sign?: { secrets: string[]; id: string; timestamp: number; payload: string };
  secret: string | string[];
  payload: string;
  headers: Record<string, string>;
  now: number;
  expected: Outcome;
  header?: string;
}

const vectors = file.vectors as unknown as Vector[];
const { tolerance } = file;

/** Our `verify`, as an outcome. */
async function ours(v: Vector): Promise<Outcome> {
  try {
    await verify(v.payload, v.headers, v.secret, { tolerance, now: v.now });
    return 'ok';
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    if (v.header !== undefined) expect(error.header).toBe(v.header);
    return error.code;
  }
}

/** What the standardwebhooks package's error message is for each of our codes. */
const REFERENCE_MESSAGES: Record<Exclude<Outcome, 'ok' | 'invalid_secret'>, string> = {
  missing_header: 'Missing required headers',
  invalid_timestamp: 'Invalid Signature Headers',
  timestamp_too_old: 'Message timestamp too old',
  timestamp_too_new: 'Message timestamp too new',
  invalid_signature: 'No matching signature found',
};

/**
 * The standardwebhooks package's `Webhook.verify` (clock set to the vector's `now`), as an outcome:
 * ok when any of the receiver's secrets verifies; else the code whose reference message it threw.
 */
function reference(v: Vector): Outcome {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(v.now * 1000);
  let outcome: Outcome = 'invalid_signature';
  for (const secret of typeof v.secret === 'string' ? [v.secret] : v.secret) {
    let webhook: StandardWebhook;
    try {
      webhook = new StandardWebhook(secret);
    } catch {
      return 'invalid_secret';
    }
    try {
      webhook.verify(v.payload, v.headers, { jsonParse: false });
      return 'ok';
    } catch (error) {
      const message = (error as Error).message;
      const code = (Object.keys(REFERENCE_MESSAGES) as (keyof typeof REFERENCE_MESSAGES)[]).find(
        (c) => REFERENCE_MESSAGES[c] === message,
      );
      if (!code) throw error;
      outcome = code;
    }
  }
  return outcome;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Standard Webhooks vectors', () => {
  it('has the reference known-answer vector and every case the spec asks for', () => {
    expect(vectors[0]).toMatchObject({
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      headers: {
        'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        'webhook-timestamp': '1614265330',
        'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      },
      payload: '{"test": 2432232314}',
      expected: 'ok',
    });
    const outcomes = new Set(vectors.map((v) => v.expected));
    for (const code of Object.keys(REFERENCE_MESSAGES)) expect(outcomes).toContain(code);
    expect(outcomes).toContain('invalid_secret');
  });

  describe.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const input = v.sign;
    if (input) {
      it('our sign and svix give the received webhook-signature header', async () => {
        const header = v.headers['webhook-signature'];
        expect(header).toBeTypeOf('string');
        expect(await sign(input)).toBe(header);
        expect(signWithSvix(input)).toBe(header);
      });
    }

    it(`our verify: ${v.expected}`, async () => {
      expect(await ours(v)).toBe(v.expected);
    });

    it(`standardwebhooks' Webhook.verify agrees: ${v.expected}`, () => {
      expect(reference(v)).toBe(v.expected);
    });
  });
});

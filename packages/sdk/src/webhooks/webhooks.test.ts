import { API_VERSION, generateId } from '@lendwire/contract';
import { signatureHeaders } from '@lendwire/webhooks';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError as CoreError, Lendwire } from '../index.js';
import { unwrap, WebhookVerificationError } from './index.js';

const SECRET = 'whsec_QupDUcDRNe+gNC0b9YQhsE80UAgBSa6UlTIEm2/hiNA=';
const NOW = Math.floor(Date.now() / 1000);

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
  request: null,
};
const body = JSON.stringify(event);
const headers = () => signatureHeaders({ id: 'msg_1', timestamp: NOW, payload: body, secrets: [SECRET] });

describe('lendwire.webhooks.unwrap', () => {
  const lendwire = new Lendwire({ apiKey: 'lw_test_x', baseUrl: 'http://127.0.0.1:9' });

  it('verifies and returns the typed event', async () => {
    const parsed = await lendwire.webhooks.unwrap(body, new Headers(await headers()), SECRET);
    expect(parsed).toEqual(event);
    if (parsed.type === 'bank_account.added') expect(parsed.data.object.last4).toBe('6789');
  });

  it('takes the tolerance and throws WebhookVerificationError with a code', async () => {
    const h = await headers();
    const tampered = body.replace('6789', '0000');
    await expect(lendwire.webhooks.unwrap(tampered, h, SECRET)).rejects.toMatchObject({ code: 'invalid_signature' });
    const old = { ...h, 'webhook-timestamp': String(NOW - 120) };
    const error = await lendwire.webhooks.unwrap(body, old, SECRET, { tolerance: 60 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toBeInstanceOf(CoreError);
    expect(error).toMatchObject({ code: 'timestamp_too_old' });
  });

  it('does not check the schema, so a newer event type still arrives', async () => {
    const newer = JSON.stringify({ ...event, type: 'loan.restructured' });
    const h = await signatureHeaders({ id: 'msg_2', timestamp: NOW, payload: newer, secrets: [SECRET] });
    expect((await lendwire.webhooks.unwrap(newer, h, SECRET)).type).toBe('loan.restructured');
  });
});

describe('@lendwire/sdk/webhooks unwrap', () => {
  it('verifies and checks the event against the contract', async () => {
    expect(await unwrap(new TextEncoder().encode(body), await headers(), [SECRET])).toEqual(event);
    const newer = JSON.stringify({ ...event, type: 'loan.restructured' });
    const h = await signatureHeaders({ id: 'msg_2', timestamp: NOW, payload: newer, secrets: [SECRET] });
    await expect(unwrap(newer, h, SECRET)).rejects.toThrow(/Invalid discriminator|invalid/i);
    await expect(unwrap(body, { ...(await headers()), 'webhook-id': 'msg_x' }, SECRET)).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
  });
});

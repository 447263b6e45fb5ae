import { schema } from '@lendwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, type Partner, type TestGateway } from '../../../test/support/gateway.js';

let gw: TestGateway;
let partner: Partner;
beforeAll(async () => {
  gw = await createTestGateway();
  partner = await gw.createPartner();
});
afterAll(() => gw.close());

async function storedBodies(): Promise<string> {
  const rows = await gw.store.handle.db.select().from(schema.idempotencyKeys);
  return rows.map((r) => r.responseBody ?? '').join('\n');
}

describe('idempotent responses that hold a secret', () => {
  it('replays a created key with its secret, yet never stores the secret in plain text', async () => {
    const headers = { 'idempotency-key': 'create-key-1' };
    const body = { name: 'ci', scopes: ['customers:read'] };
    const first = await gw.request('POST', '/v1/api-keys', { key: partner.key, headers, body });
    expect(first.status).toBe(201);
    const replay = await gw.request('POST', '/v1/api-keys', { key: partner.key, headers, body });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.secret).toBe(first.body.secret);
    expect(replay.body.id).toBe(first.body.id);
    const stored = await storedBodies();
    expect(stored).toContain('sealed:v1:');
    expect(stored).not.toContain(first.body.secret);
  });

  it('seals rotate responses too', async () => {
    const created = await gw.request('POST', '/v1/api-keys', { key: partner.key, body: { name: 'r', scopes: ['*'] } });
    const headers = { 'idempotency-key': 'rotate-1' };
    const rotated = await gw.request('POST', `/v1/api-keys/${created.body.id}/rotate`, {
      key: partner.key,
      headers,
      body: { gracePeriodSeconds: 60 },
    });
    expect(rotated.status).toBe(200);
    expect(await storedBodies()).not.toContain(rotated.body.secret);
    const replay = await gw.request('POST', `/v1/api-keys/${created.body.id}/rotate`, {
      key: partner.key,
      headers,
      body: { gracePeriodSeconds: 60 },
    });
    expect(replay.body.secret).toBe(rotated.body.secret);
  });

  it('refuses to replay a sealed response to another API key of the same account (422)', async () => {
    const headers = { 'idempotency-key': 'create-key-2' };
    const body = { name: 'ci2', scopes: ['customers:read'] };
    const first = await gw.request('POST', '/v1/api-keys', { key: partner.key, headers, body });
    expect(first.status).toBe(201);
    const sibling = await gw.createKey(partner.accountId, { name: 'sibling' });
    const replay = await gw.request('POST', '/v1/api-keys', { key: sibling.secret, headers, body });
    expect(replay.status).toBe(422);
    expect(replay.body.code).toBe('idempotency_key_reused');
    expect(replay.text).not.toContain(first.body.secret);
  });

  it('stores ordinary responses readable (customers are not sealed)', async () => {
    const headers = { 'idempotency-key': 'cust-1' };
    const res = await gw.request('POST', '/v1/customers', { key: partner.key, headers, body: { name: 'Plain' } });
    expect(res.status).toBe(201);
    expect(await storedBodies()).toContain(res.body.id);
  });
});

import { readFileSync } from 'node:fs';
import { generateWebhookSecret, sign, verify } from '@lendwire/webhooks';
import { describe, expect, it } from 'vitest';
import { nodeSign } from './webhook-sender.js';

// The Node entry's dispatcher signs with node:crypto (nodeSign) instead of Web Crypto: both must give
// the same header, byte for byte, on every vector that has something to sign.
const vectors = JSON.parse(readFileSync(new URL('../../../webhooks/test/vectors.json', import.meta.url), 'utf8')) as {
  vectors: {
    name: string;
    sign?: { secrets: string[]; id: string; timestamp: number; payload: string };
    headers: Record<string, string>;
  }[];
};

describe('nodeSign (node:crypto) signs as the Standard Webhooks vectors and the Web Crypto signer do', () => {
  const signed = vectors.vectors.filter((v) => v.sign);
  it('has vectors to check, among them the known answer', () => {
    expect(signed.length).toBeGreaterThan(3);
    expect(signed.map((v) => v.name)).toContain('standard-webhooks known answer');
  });
  it.each(signed.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const header = nodeSign(v.sign!);
    expect(header).toBe(v.headers['webhook-signature']);
    expect(header).toBe(await sign(v.sign!));
  });
  it('signs with both secrets during a rotation, and what it signs verifies', async () => {
    const secrets = [generateWebhookSecret(), generateWebhookSecret()];
    const input = { id: 'msg_rotation', timestamp: Math.floor(Date.now() / 1000), payload: '{"ok":true}', secrets };
    const header = nodeSign(input);
    expect(header.split(' ')).toHaveLength(2);
    expect(header).toBe(await sign(input));
    for (const secret of secrets) {
      const headers = {
        'webhook-id': input.id,
        'webhook-timestamp': String(input.timestamp),
        'webhook-signature': header,
      };
      await expect(verify(input.payload, headers, secret)).resolves.toBeUndefined();
    }
  });
});

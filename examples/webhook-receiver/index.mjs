// A minimal receiver of Lendwire webhooks on Node's own `http` server.
//
//   LENDWIRE_WEBHOOK_SECRET=whsec_… node index.mjs
//
// Each POST to /webhooks is verified with `unwrap` from `@lendwire/webhooks` (Standard Webhooks:
// the HMAC of `webhook-id`, `webhook-timestamp` and the raw body, and a timestamp within 5 minutes)
// before its body is trusted. A request that fails verification gets 400 and is not processed; an
// authentic one gets 200 quickly, and a message seen before (same `webhook-id`: a retry) is
// acknowledged without being handled twice.
import { createServer } from 'node:http';
import { unwrap, WebhookVerificationError } from '@lendwire/webhooks';

const secret = process.env.LENDWIRE_WEBHOOK_SECRET;
if (!secret) {
  console.error(
    'Set LENDWIRE_WEBHOOK_SECRET to the endpoint secret (whsec_…), shown once when the endpoint is created (POST /v1/webhook-endpoints).',
  );
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST || '127.0.0.1';
const PATH = '/webhooks';
/** Larger bodies are refused before they are read in full. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * `webhook-id`s already handled. Delivery is at least once: a retry (or a replay) of a message
 * carries the same id. Keep these in your database in production, next to the work the event did.
 */
const seen = new Set();

/** The body exactly as received, as bytes: verification needs them unchanged. */
async function rawBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
}

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://receiver').pathname;
  if (req.method !== 'POST' || path !== PATH) return reply(res, 404, 'not found');
  let body;
  try {
    body = await rawBody(req);
  } catch (error) {
    return reply(res, error.status ?? 400, error.message);
  }

  let event;
  try {
    // Throws WebhookVerificationError (missing header, bad signature, stale timestamp) unless authentic.
    event = await unwrap(body, req.headers, secret);
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      console.log(`refused   ${error.code}: ${error.message}`);
      return reply(res, 400, `webhook refused: ${error.code}`);
    }
    // Authentic but not JSON: cannot happen with Lendwire; answer 400 rather than retry forever.
    console.log(`refused   ${error.message}`);
    return reply(res, 400, 'body is not JSON');
  }

  const messageId = req.headers['webhook-id'];
  if (seen.has(messageId)) {
    console.log(`duplicate ${event.type} ${event.id} (webhook-id ${messageId}), already handled`);
    return reply(res, 200, 'ok (duplicate)');
  }
  seen.add(messageId);
  const object = event.data?.object ?? {};
  console.log(
    `verified  ${event.type} ${event.id} (webhook-id ${messageId}): ${object.object ?? 'object'} ${object.id ?? ''}`.trimEnd(),
  );
  // Answer fast (2xx within the timeout, 15 s by default) and do slow work after, or in a queue.
  reply(res, 200, 'ok');
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`Listening on http://${host}:${address.port}${PATH}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}

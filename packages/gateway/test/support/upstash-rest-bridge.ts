import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis as IORedis } from 'ioredis';
import { LuaShebangScripts, toRedisArgs } from '../../src/node/redis-adapter.js';

/** Options of {@link startUpstashRestBridge}. */
export interface UpstashRestBridgeOptions {
  /** The real Redis the commands go to. */
  redisUrl: string;
  /** Bearer token clients must send. */
  token: string;
}

/** A running bridge: point an `@upstash/redis` client at `url` with `token`. */
export interface UpstashRestBridge {
  url: string;
  token: string;
  close(): Promise<void>;
}

type Reply = { result: unknown } | { error: string };

/**
 * Starts a small server speaking the Upstash REST protocol in front of a plain Redis, so the `upstash` limiter
 * runs end to end in tests without an Upstash account (a pocket version of Upstash's SRH proxy).
 *
 * Served: `POST /` with one command `["CMD", ...args]`, `POST /pipeline` and `POST /multi-exec` with an array
 * of commands; `Authorization: Bearer <token>`; `Upstash-Encoding: base64`. Like the TCP adapter, it strips
 * the `#!lua` shebang Redis 7 refuses, translating script SHAs.
 */
export async function startUpstashRestBridge(options: UpstashRestBridgeOptions): Promise<UpstashRestBridge> {
  const client = new IORedis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  const scripts = new LuaShebangScripts();
  const expectedAuth = `Bearer ${options.token}`;

  async function runOne(command: unknown[]): Promise<Reply> {
    try {
      const [name, ...args] = scripts.rewrite(command);
      return { result: await client.call(String(name), toRedisArgs(args)) };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  }

  async function runMany(commands: unknown[][], atomic: boolean): Promise<Reply[]> {
    const replies: (Reply | undefined)[] = new Array(commands.length);
    const batch = atomic ? client.multi() : client.pipeline();
    const sent: number[] = [];
    commands.forEach((command, i) => {
      try {
        const [name, ...args] = scripts.rewrite(command);
        batch.call(String(name), ...toRedisArgs(args));
        sent.push(i);
      } catch (error) {
        replies[i] = { error: errorMessage(error) };
      }
    });
    if (sent.length > 0) {
      const results = (await batch.exec()) ?? [];
      sent.forEach((index, j) => {
        const [error, result] = results[j] ?? [new Error('transaction aborted'), null];
        replies[index] = error ? { error: errorMessage(error) } : { result };
      });
    }
    return replies.map((r) => r ?? { error: 'not executed' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, { error: 'only POST is served' });
    if (req.headers.authorization !== expectedAuth) return send(res, 401, { error: 'Unauthorized' });
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: 'ERR failed to parse command' });
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/pipeline' || path === '/multi-exec') {
      if (!Array.isArray(body) || !body.every(Array.isArray))
        return send(res, 400, { error: 'ERR expected [[...], ...]' });
      const replies = await runMany(body as unknown[][], path === '/multi-exec');
      return send(
        res,
        200,
        replies.map((r) => encodeReply(r, base64)),
      );
    }
    if (path !== '/') return send(res, 404, { error: `ERR unknown path ${path}` });
    if (!Array.isArray(body) || body.length === 0) return send(res, 400, { error: 'ERR expected ["CMD", ...args]' });
    const reply = await runOne(body);
    send(res, 'error' in reply ? 400 : 200, encodeReply(reply, base64));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: errorMessage(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token: options.token,
    close: async () => {
      // fetch keeps connections alive; close() alone would wait for them to idle out.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}

function errorMessage(error: unknown): string {
  // Redis error replies ("NOSCRIPT …", "ERR …") pass through as they are, as Upstash's do.
  return error instanceof Error ? error.message : String(error);
}

/** Upstash's base64 mode: every string is base64 except the `OK` status, which clients special-case. */
function encodeValue(value: unknown): unknown {
  if (typeof value === 'string') return value === 'OK' ? value : Buffer.from(value, 'utf8').toString('base64');
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(encodeValue);
  return value ?? null;
}

function encodeReply(reply: Reply, base64: boolean): Reply {
  if ('error' in reply) return reply;
  return { result: base64 ? encodeValue(reply.result) : (reply.result ?? null) };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookDispatcher, type WebhookDispatcher } from '@lendwire/core';
import { createWebhookSender } from '../../src/node/webhook-sender.js';
import type { TestGateway } from './gateway.js';

/** One request a receiver got. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/hooks/a`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any;
}

/** How a receiver answers. */
export interface ReceiverReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Send the status, headers and body, then never end the response (until `close`). */
  hold?: boolean;
}

/** A local HTTP server on 127.0.0.1 that records every request and answers as told. */
export interface Receiver {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** `origin` + `path` (default `/hooks`). */
  url(path?: string): string;
  /** Every request, oldest first. */
  requests: ReceivedRequest[];
  /** The requests to one path. */
  requestsTo(path: string): ReceivedRequest[];
  /** Sets the answer to every later request (default 200 `ok`), or a function of the request. */
  reply(reply: ReceiverReply | ((request: ReceivedRequest) => ReceiverReply)): void;
  close(): Promise<void>;
}

/** Starts a {@link Receiver} on a free port of 127.0.0.1. */
export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let answer: ReceiverReply | ((request: ReceivedRequest) => ReceiverReply) = { status: 200, body: 'ok' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
      };
      requests.push(request);
      const r = typeof answer === 'function' ? answer(request) : answer;
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(r.status ?? 200, r.headers ?? {});
        if (!r.hold) res.end(r.body ?? '');
        else {
          res.flushHeaders();
          if (r.body) res.write(r.body);
        }
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path = '/hooks') => `${origin}${path}`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    reply(r) {
      answer = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A dispatcher on the gateway's services sending over real HTTP (private networks allowed, for the
 * local receiver), with `schedule` and no jitter, so `nextAttemptAt` is exact.
 */
export function dispatcherFor(gw: TestGateway, options: { schedule: readonly number[] }): WebhookDispatcher {
  return createWebhookDispatcher(gw.services.ctx, {
    sender: createWebhookSender({ allowPrivateNetworks: true }),
    schedule: options.schedule,
    jitter: 0,
  });
}

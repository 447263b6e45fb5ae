import type { Context, Next } from 'hono';
import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';

/**
 * What `next()` returns inside a {@link FusingRouter} chain when everything after the caller finished
 * synchronously: a middleware that sees it may finish synchronously too, so the whole request is
 * answered without a promise (and @hono/node-server writes such a response at once).
 */
export const SETTLED: Promise<void> = Promise.resolve();

type Handler = (c: Context, next: Next) => unknown;
/** What Hono stores in its router per handler: the handler and its route record. */
type Entry = [Handler, { path: string; method: string; handler: Handler; basePath: string }];
type ErrorHandler = (error: Error, c: Context) => Response | Promise<Response>;

/**
 * Hono's default router (RegExpRouter, else TrieRouter), answering each match with one handler that
 * runs the matched chain (middleware, validators, route handler) itself, so Hono takes its
 * single-handler path: no `compose`, no async function per layer. The chain keeps compose's rules:
 * each layer's error goes to the app's error handler (`onError`), a value a layer returns becomes
 * the response when none was set, and the last `next` is Hono's own (not found). A chain whose
 * every layer answers synchronously is answered synchronously ({@link SETTLED}).
 *
 * The fused match keeps the route record and parameters of the matched route (the last handler),
 * so `c.req.param()`, `matchedRoutes(c)` and `routePath(c, -1)` name the route, as before; the
 * middleware's own records (`*`) are left out of `matchedRoutes(c)`.
 */
export class FusingRouter implements Router<Entry> {
  name = 'FusingRouter';
  /** Set once the app exists: the app's error handler, looked up per request as compose does. */
  onError: ErrorHandler = (error) => {
    throw error;
  };
  private readonly inner: Router<Entry> = new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] });
  /** Fused handlers by the route handler that ends their chain, with the chain they run. */
  private readonly fused = new WeakMap<Handler, { chain: Handler[]; handler: Handler }[]>();
  /**
   * Fused matches of paths without parameters (`/v1/me`, list and create routes), by method and
   * path: a match depends on nothing else, and Hono only reads it. Cleared when full, so unknown
   * paths cannot grow it without bound.
   */
  private readonly staticMatches = new Map<string, Result<Entry>>();

  add(method: string, path: string, handler: Entry): void {
    this.inner.add(method, path, handler);
  }

  match(method: string, path: string): Result<Entry> {
    const key = `${method} ${path}`;
    const known = this.staticMatches.get(key);
    if (known) return known;
    const result = this.inner.match(method, path);
    const entries = result[0];
    if (entries.length < 2) return result;
    const last = entries[entries.length - 1]!;
    const fused: Entry = [this.handlerFor(entries), last[0][1]];
    const match = (result.length === 2 ? [[[fused, last[1]]], result[1]] : [[[fused, last[1]]]]) as Result<Entry>;
    if (!hasParams(result)) {
      if (this.staticMatches.size >= MAX_STATIC_MATCHES) this.staticMatches.clear();
      this.staticMatches.set(key, match);
    }
    return match;
  }

  private handlerFor(entries: Result<Entry>[0]): Handler {
    const end = entries[entries.length - 1]![0][0];
    let known = this.fused.get(end);
    if (!known) {
      known = [];
      this.fused.set(end, known);
    }
    for (const k of known) {
      if (k.chain.length === entries.length && k.chain.every((h, i) => h === entries[i]![0][0])) return k.handler;
    }
    const chain = entries.map((e) => e[0][0]);
    const handler = fuse(chain, (error, c) => this.onError(error, c));
    known.push({ chain, handler });
    return handler;
  }
}

const MAX_STATIC_MATCHES = 1000;

/** Whether any matched handler has a path parameter (both result formats of Hono's routers). */
function hasParams(result: Result<Entry>): boolean {
  if (result.length === 2 && result[1].length > 0) return true;
  for (const [, params] of result[0]) for (const _ in params) return true;
  return false;
}

/** Where one request is in its chain. */
interface Run {
  c: Context;
  chain: Handler[];
  last: Next;
  onError: ErrorHandler;
  /** The last layer started: `next()` may be called once per layer, as in compose. */
  index: number;
}

/** The handlers of one chain as one handler; `last` is the `next` of the final one. */
function fuse(chain: Handler[], onError: ErrorHandler): Handler {
  return (c, last) => {
    const done = dispatch({ c, chain, last, onError, index: -1 }, 0);
    if (done === SETTLED) return c.finalized ? c.res : undefined;
    return done.then(() => (c.finalized ? c.res : undefined));
  };
}

/** Runs layer `i` of a chain, as compose's `dispatch(i)` does, synchronously where it can. */
function dispatch(run: Run, i: number): Promise<void> {
  if (i <= run.index) return Promise.reject(new Error('next() called multiple times'));
  run.index = i;
  const { c, chain, onError } = run;
  const handler = i < chain.length ? chain[i]! : run.last;
  let res: unknown;
  let isError = false;
  try {
    res = handler(c, () => dispatch(run, i + 1));
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    c.error = error;
    res = onError(error, c);
    isError = true;
  }
  if (res instanceof Promise) return settleLater(c, res, isError, onError);
  if (res && (!c.finalized || isError)) c.res = res as Response;
  return SETTLED;
}

async function settleLater(c: Context, pending: Promise<unknown>, isError: boolean, onError: ErrorHandler) {
  let res: unknown;
  try {
    res = await pending;
  } catch (error) {
    if (isError || !(error instanceof Error)) throw error;
    c.error = error;
    res = await onError(error, c);
    isError = true;
  }
  if (res && (!c.finalized || isError)) c.res = res as Response;
}

import type { ProblemFieldError } from '@lendwire/contract';
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../../env.js';
import { ApiError } from '../../problem.js';
import { requestHeader } from '../../request-headers.js';

/** Deepest nesting a JSON body may have; no request of the API comes near it. */
export const MAX_BODY_DEPTH = 32;
/** Most entries one object or array of a body may hold (metadata takes 50, lists of rows more). */
export const MAX_COLLECTION_ENTRIES = 1000;
/** Most values (of any kind, nested ones included) a body may hold. */
export const MAX_BODY_VALUES = 10_000;

interface Frame {
  array: boolean;
  /** Separators seen: the container holds `commas + 1` entries once it has one. */
  commas: number;
  /** The key being read or last read (objects), for naming paths. */
  key: string;
  expectKey: boolean;
}

function framePath(stack: Frame[], upTo: number): string {
  let path = 'body';
  for (let i = 0; i < upTo; i++) {
    const f = stack[i] as Frame;
    path += `.${f.array ? f.commas : f.key}`;
  }
  return path;
}

/**
 * Bounds a JSON text before it is parsed: depth, entries per object or array, and values in all,
 * in one pass over the characters (about 1 ms per 100 KB) that never builds the value. A body with
 * 100,000 keys is refused here, before `JSON.parse`, the schema and the error list each spend time
 * and memory on every entry, which is how one tenant could slow the others. Not a validator: text
 * that is not JSON passes and is refused by the parse after it.
 */
export function scanJsonBounds(text: string): ProblemFieldError | undefined {
  const stack: Frame[] = [];
  let values = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      let end = text.indexOf('"', i + 1);
      // Skip escaped quotes: a quote preceded by an odd run of backslashes belongs to the string.
      while (end !== -1) {
        let slashes = 0;
        for (let k = end - 1; text.charCodeAt(k) === 92; k--) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return undefined;
      const top = stack.at(-1);
      if (top && !top.array && top.expectKey) {
        top.key = text.slice(i + 1, Math.min(end, i + 61));
        top.expectKey = false;
      } else values++;
      i = end;
    } else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      values++;
      if (stack.length >= MAX_BODY_DEPTH) {
        return {
          path: framePath(stack, stack.length),
          message: `is nested too deeply (at most ${MAX_BODY_DEPTH} levels)`,
        };
      }
      stack.push({ array: ch === 91, commas: 0, key: '', expectKey: ch === 123 });
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
      stack.pop();
    } else if (ch === 44 /* , */) {
      const top = stack.at(-1);
      if (!top) continue;
      top.commas++;
      values++;
      if (top.commas >= MAX_COLLECTION_ENTRIES) {
        return {
          path: framePath(stack, stack.length - 1),
          message: `has too many entries (at most ${MAX_COLLECTION_ENTRIES})`,
        };
      }
      if (!top.array) top.expectKey = true;
    }
    if (values > MAX_BODY_VALUES) {
      return { path: 'body', message: `holds too many values (at most ${MAX_BODY_VALUES})` };
    }
  }
  return undefined;
}

const NUL_MESSAGE = 'must not contain NUL (U+0000) characters';

function refuse(errors: ProblemFieldError[]): never {
  const [first] = errors as [ProblemFieldError];
  throw new ApiError('validation_failed', `${first.path} ${first.message}`, { errors });
}

/** Where a NUL byte sits in the URL (`path.<param>`, `path` or `query.<name>`), if anywhere. */
function nulInUrl(c: Context<AppEnv>): string | undefined {
  const url = c.req.url;
  // Fast path: a URL without an encoded or raw NUL needs no parsing.
  if (!/%00|\0/.test(url)) return undefined;
  const parsed = new URL(url);
  if (/%00|\0/.test(parsed.pathname)) {
    // Name the parameter from the matched route's pattern (`/v1/accounts/:id` → `path.id`).
    const pattern = matchedRoutes(c).at(-1)?.path.split('/') ?? [];
    const segments = parsed.pathname.split('/');
    const at = segments.findIndex((segment) => /%00|\0/.test(segment));
    const name = pattern.length === segments.length ? pattern[at] : undefined;
    return name?.startsWith(':') ? `path.${name.slice(1)}` : 'path';
  }
  for (const [name, value] of parsed.searchParams) {
    if (name.includes('\0') || value.includes('\0')) return `query.${name.replaceAll('\0', '\\0').slice(0, 60)}`;
  }
  return 'query';
}

/**
 * The first problem of a parsed JSON body: a string or key holding NUL (Postgres text cannot store
 * it, and it would reach the database), a `__proto__` key (dropped by object spreads at any depth,
 * so refused at every depth as at the top level), or nesting deeper than {@link MAX_BODY_DEPTH}.
 * Iterative, so no body can overflow the stack.
 */
export function bodyProblem(body: unknown): ProblemFieldError | undefined {
  const stack: Array<[unknown, string, number]> = [[body, 'body', 0]];
  while (stack.length > 0) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return { path, message: NUL_MESSAGE };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { path, message: `is nested too deeply (at most ${MAX_BODY_DEPTH} levels)` };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}.${i}`, depth + 1]);
      continue;
    }
    for (const key of Object.keys(value)) {
      const child = `${path}.${key.replaceAll('\0', '\\0').slice(0, 60)}`;
      if (key.includes('\0')) return { path: child, message: `key ${NUL_MESSAGE}` };
      if (key === '__proto__') return { path: child, message: 'is not an allowed key' };
      stack.push([(value as Record<string, unknown>)[key], child, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Input every route refuses before validation, whatever its schema: NUL bytes in the path, the
 * query or any string or key of a JSON body, `__proto__` keys, bodies too deep or too many entries
 * long ({@link scanJsonBounds}, before parsing). A 400 naming the field, rather than a database
 * error (500), a silently dropped key or seconds of CPU. The body is parsed once here and Hono
 * keeps the parse for the route's validator; a body that is not JSON is left to the validator's
 * `invalid_json`.
 */
export function guardInput(c: Context<AppEnv>): Promise<void> | undefined {
  const where = nulInUrl(c);
  if (where) refuse([{ path: where, message: NUL_MESSAGE }]);
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS') return undefined;
  const type = requestHeader(c, 'content-type');
  if (!type || !/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type)) return undefined;
  return guardJsonBody(c);
}

/** The body checks of {@link guardInput}: bounds, then the parse, then NULs and `__proto__`. */
async function guardJsonBody(c: Context<AppEnv>): Promise<void> {
  const text = await c.req.text();
  const bounds = scanJsonBounds(text);
  if (bounds) refuse([bounds]);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return; // the route's validator answers invalid_json
  }
  const problem = bodyProblem(body);
  if (problem) refuse([problem]);
  // The route's validator reads this parse instead of parsing the text again.
  c.req.bodyCache.json = Promise.resolve(body);
}

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** A structured log record: a message and flat fields. Never put secrets in one. */
export type LogFields = Record<string, unknown>;

/** The logger the gateway writes to; inject your own to ship logs elsewhere. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /**
   * Optional: false when lines of `level` would be dropped, so callers can skip building their
   * fields. Loggers without it are treated as enabled at every level.
   */
  enabled?(level: Exclude<LogLevel, 'silent'>): boolean;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Anything that looks like a Lendwire key or a bearer token is masked before a line is written. */
const SECRET_PATTERN = /lw_(test|live)_[0-9A-Za-z]{6,}|whsec_[0-9A-Za-z+/=]{6,}|Bearer\s+\S+/g;

/** Masks key-like and token-like substrings. A last line of defence: callers never log secrets. */
export function redact(line: string): string {
  return line.replace(SECRET_PATTERN, (m) =>
    m.startsWith('Bearer') ? 'Bearer [redacted]' : `${m.slice(0, 12)}…[redacted]`,
  );
}

/** A logger writing one JSON object per line through `write` (default `console.log`). */
export function createJsonLogger(options: { level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => console.log(line));
  const emit = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    write(redact(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    enabled: (level) => ORDER[level] >= min,
  };
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * Fields that describe an unexpected error without the data it carried. A database error's message
 * holds the query's parameters (Drizzle: `Failed query: … params: …`) and Postgres quotes input
 * values in its own messages and `detail`; a customer's name or e-mail must not reach the log. So
 * for a database error only the SQL text (parameters are bound, never inlined), the SQLSTATE and the
 * constraint are kept; for any error the stack keeps its frames and loses its message line.
 */
export function loggableError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: `non-Error thrown (${typeof error})` };
  const fields: LogFields = { errorName: error.name };
  const chain: Record<string, unknown>[] = [];
  for (let e: unknown = error; e && typeof e === 'object' && chain.length < 5; e = (e as { cause?: unknown }).cause) {
    chain.push(e as Record<string, unknown>);
  }
  const query = chain.find((e) => typeof e.query === 'string')?.query as string | undefined;
  const sqlState = chain.map((e) => e.code).find((c): c is string => typeof c === 'string' && SQLSTATE.test(c));
  const constraint = chain
    .map((e) => e.constraint ?? e.constraint_name)
    .find((c): c is string => typeof c === 'string');
  if (query !== undefined || sqlState !== undefined) {
    fields.error = `database error${sqlState ? ` ${sqlState}` : ''}`;
    if (query !== undefined) fields.query = query.slice(0, 1000);
    if (sqlState) fields.sqlState = sqlState;
    if (constraint) fields.constraint = constraint.slice(0, 100);
  } else {
    fields.error = `${error.name}: ${error.message.split('\n')[0]?.slice(0, 300)}`;
  }
  fields.stack = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .join('\n');
  return fields;
}

/** SDK log levels, quietest first. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/** Where SDK logs go. `console` fits; so do pino and winston loggers. */
export interface Logger {
  /** Messages at level `error`. */
  error(message: string, ...rest: unknown[]): void;
  /** Messages at level `warn`. */
  warn(message: string, ...rest: unknown[]): void;
  /** Messages at level `info`: retries, with the reason and the delay before the next attempt. */
  info(message: string, ...rest: unknown[]): void;
  /** Messages at level `debug`: every attempt with its redacted headers, every response status. */
  debug(message: string, ...rest: unknown[]): void;
}

const ORDER: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

const SECRET = /lw_(test|live)_[0-9A-Za-z]{6,}|whsec_[0-9A-Za-z+/=]{6,}/g;

/** Replaces API keys and webhook secrets in a string with a redacted marker. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET, (m) => `${m.slice(0, 8)}***`);
}

/** Headers with credentials masked, as a plain object for logging. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k] = /^(authorization|cookie|set-cookie|x-api-key)$/i.test(k) ? '***' : redactSecrets(v);
  }
  return out;
}

/** A logger that drops messages below `level` and redacts secrets in everything it passes on. */
export function leveledLogger(logger: Logger, level: LogLevel): Logger {
  const at = ORDER[level];
  const clean = (args: unknown[]) =>
    args.map((a) =>
      typeof a === 'string'
        ? redactSecrets(a)
        : a instanceof Error
          ? { name: a.name, message: redactSecrets(a.message) }
          : a && typeof a === 'object'
            ? JSON.parse(redactSecrets(JSON.stringify(a)))
            : a,
    );
  const make =
    (name: Exclude<LogLevel, 'off'>) =>
    (message: string, ...rest: unknown[]) => {
      if (ORDER[name] <= at) logger[name](redactSecrets(message), ...clean(rest));
    };
  return { error: make('error'), warn: make('warn'), info: make('info'), debug: make('debug') };
}

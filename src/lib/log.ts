// The one logger: a JSON line per event with its level, message, request id and account id, written
// through the console method of the same level (Workers Logs and `wrangler tail` keep both).
// LOG_LEVEL (wrangler.toml) sets the lowest level written; `silent` writes nothing (the tests use it).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const WRITE: Record<LogLevel, (line: string) => void> = {
  debug: (l) => console.debug(l),
  info: (l) => console.log(l),
  warn: (l) => console.warn(l),
  error: (l) => console.error(l),
};

/** Who a line is about: the request (X-Request-Id) and the account, once known. */
export interface LogContext {
  request_id?: string;
  account_id?: string | null;
  [field: string]: unknown;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** The same logger with more context on every line (e.g. a call id inside a Durable Object). */
  with(fields: LogContext): Logger;
}

/** Errors serialise to `{}` in JSON; keep what helps reading a line. */
const plain = (v: unknown) => (v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v);

/** A logger for one request, queue batch or Durable Object, reading LOG_LEVEL from its env. */
export function logger(env: { LOG_LEVEL?: string } | undefined, context: LogContext = {}): Logger {
  const min = RANK[(env?.LOG_LEVEL ?? 'info') as LogLevel] ?? RANK.info;
  const line =
    (level: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (RANK[level] < min) return;
      const out: Record<string, unknown> = { level, msg, ...context };
      for (const [k, v] of Object.entries(fields)) out[k] = plain(v);
      WRITE[level](JSON.stringify(out));
    };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    with: (fields) => logger(env, { ...context, ...fields }),
  };
}

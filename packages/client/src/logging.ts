/**
 * Log events of the client, with credentials redacted before anything reaches a logger: bearer
 * tokens, gateway signatures, cookies and secrets in query strings or form bodies never appear.
 */

/** Anything with console-like methods; `console` itself qualifies. Missing levels are skipped. */
export interface Logger {
  debug?(message: string, fields: LogFields): void;
  info?(message: string, fields: LogFields): void;
  warn?(message: string, fields: LogFields): void;
  error?(message: string, fields: LogFields): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured fields of one log event. Header and URL values are already redacted. */
export interface LogFields {
  method?: string;
  url?: string;
  attempt?: number;
  status?: number;
  requestId?: string;
  durationMs?: number;
  delayMs?: number;
  headers?: Record<string, string>;
  error?: string;
  reason?: string;
  [field: string]: unknown;
}

export const REDACTED = '[redacted]';

/** Headers whose value is a credential or a proof derived from one. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-ca-signature',
  'x-tif-signature',
]);

/** Query or form field names that carry secrets (`client_secret`, `access_token`, `sign`, Tianditu's `tk`, Baidu's `ak`…). */
const SECRET_FIELD = /secret|token|password|passwd|signature|^sign$|^key$|^tk$|^ak$|api[-_]?key|credential/i;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** A plain-object copy of `headers` with every credential replaced by `[redacted]`. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const copy: Record<string, string> = {};
  headers.forEach((value, name) => {
    copy[name] = isSecretHeader(name) ? REDACTED : value;
  });
  return copy;
}

/** Replaces the values of secret-looking fields in a query string or form body. */
export function redactParams(params: string): string {
  const search = new URLSearchParams(params);
  let changed = false;
  for (const name of new Set(search.keys())) {
    if (SECRET_FIELD.test(name)) {
      search.set(name, REDACTED);
      changed = true;
    }
  }
  return changed ? search.toString() : params;
}

/** `url` with user info and secret-looking query parameters redacted. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username || parsed.password) {
    parsed.username = REDACTED;
    parsed.password = '';
  }
  if (parsed.search) parsed.search = redactParams(parsed.search.slice(1));
  return parsed.toString();
}

/** Sends an event to the logger's method for `level`, swallowing logger failures: logging must never fail a call. */
export function emit(logger: Logger | undefined, level: LogLevel, message: string, fields: LogFields): void {
  const write = logger?.[level];
  if (typeof write !== 'function') return;
  try {
    write.call(logger, message, fields);
  } catch {
    // A broken logger is the host's problem, not a reason to fail the request being logged.
  }
}

/**
 * The retry policy as pure functions: which failures are retried, how long to wait, and when the
 * total time budget says stop. The transport feeds these into ky's retry loop (`shouldRetry` +
 * `delay`), so ky keeps doing the retrying while the decisions stay testable without a network.
 */
import { ApiError, CityBrainError, ConflictError, TimeoutError } from './errors.js';
import { checkNonNegative, describe } from './check.js';

export interface RetryOptions {
  /** Attempts in total, the first included. Default 3; 1 disables retries. */
  maxAttempts?: number;
  /** Base of the exponential backoff in ms: attempt n waits up to `baseDelay·2^(n-1)`. Default 500. */
  baseDelay?: number;
  /** Cap of one backoff wait in ms, before jitter. Default 10 000. */
  maxDelay?: number;
  /**
   * Cap of a server's Retry-After in ms; longer requests are shortened to this. Default 60 000.
   * A Retry-After beyond what is left of the call's total budget is not shortened: the call gives
   * up at once with the error that carried it.
   */
  maxRetryAfter?: number;
  /** HTTP statuses that are retried. Default 408, 429, 500, 502, 503, 504. */
  statusCodes?: readonly number[];
  /**
   * Retry a keyed write answered 409 whose problem says the original is still being processed
   * (an idempotency conflict, not an illegal state transition). Default true.
   */
  retryInProgressConflicts?: boolean;
}

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  baseDelay: 500,
  maxDelay: 10_000,
  maxRetryAfter: 60_000,
  statusCodes: Object.freeze([408, 429, 500, 502, 503, 504]),
  retryInProgressConflicts: true,
});

/** `retry: false` disables retries, a number sets `maxAttempts`, an object overrides single fields. */
export type RetrySetting = RetryOptions | number | false;

/**
 * The policy `setting` makes of `base`. Throws a TypeError or RangeError naming the field for a wrong
 * value: a `NaN` attempt count, for one, would otherwise retry until the total budget runs out.
 */
export function resolveRetryPolicy(setting: RetrySetting | undefined, base: RetryPolicy = DEFAULT_RETRY): RetryPolicy {
  if (setting === undefined) return base;
  if (setting === false) return { ...base, maxAttempts: 1 };
  if (typeof setting === 'number') {
    checkNonNegative('retry', setting);
    return { ...base, maxAttempts: Math.max(1, Math.floor(setting)) };
  }
  if (typeof setting !== 'object' || setting === null || Array.isArray(setting)) {
    throw new TypeError(`retry must be false, a number of attempts or an options object, got ${describe(setting)}`);
  }
  const merged = { ...base };
  for (const [key, value] of Object.entries(setting) as [keyof RetryPolicy, never][]) {
    if (value !== undefined) merged[key] = value;
  }
  for (const key of ['maxAttempts', 'baseDelay', 'maxDelay', 'maxRetryAfter'] as const) checkNonNegative(`retry.${key}`, merged[key]);
  if (!Array.isArray(merged.statusCodes) || !merged.statusCodes.every((status) => Number.isInteger(status))) {
    throw new TypeError(`retry.statusCodes must be an array of HTTP statuses, got ${describe(merged.statusCodes)}`);
  }
  merged.maxAttempts = Math.max(1, Math.floor(merged.maxAttempts));
  return merged;
}

/** RFC 9110 §9.2.2: methods whose repetition has the same effect as one request. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Whether a request may be sent more than once: idempotent by method, or made so by an Idempotency-Key. */
export function isReplayable(method: string, hasIdempotencyKey: boolean): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase()) || hasIdempotencyKey;
}

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date. Returns milliseconds
 * (never negative), or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // Only date forms: a bare or negative number such as "-5" must not be read by Date.parse as a year.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * a uniform wait in [0, min(maxDelay, baseDelay·2^(retry-1))). Full jitter spreads the retries of
 * many clients failing together, which fixed or equal-jitter schedules would keep in lockstep.
 */
export function backoffDelay(retryNumber: number, policy: Pick<RetryPolicy, 'baseDelay' | 'maxDelay'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** Math.max(0, retryNumber - 1));
  return Math.floor(random() * ceiling);
}

/** A problem that says "the original request with this key is still running" rather than "illegal transition". */
export function isInProgressConflict(error: CityBrainError): boolean {
  if (!(error instanceof ConflictError)) return false;
  const marker = `${error.problem?.type ?? ''} ${error.problem?.code ?? ''}`;
  return /idempoten|in[-_ ]?progress|still[-_ ]?processing|concurrent/i.test(marker);
}

export interface RetryQuestion {
  error: CityBrainError;
  /** 1 for the first retry (after the first attempt failed). */
  retryNumber: number;
  policy: RetryPolicy;
  /** Whether the request may be repeated at all (see {@link isReplayable}). */
  replayable: boolean;
  /** Whether the request carries an Idempotency-Key (409 in-progress retries need one). */
  keyed: boolean;
  /** Time left in the call's total budget, ms. */
  remainingMs: number;
  random?: () => number;
}

export type RetryAnswer = { retry: true; delayMs: number } | { retry: false; reason: string };

/** Decides whether a failed attempt is retried and after how long. */
export function decideRetry(q: RetryQuestion): RetryAnswer {
  const { error, policy } = q;
  if (q.retryNumber >= policy.maxAttempts) return { retry: false, reason: 'attempts exhausted' };
  if (!q.replayable) return { retry: false, reason: 'not idempotent and no Idempotency-Key' };
  if (error instanceof TimeoutError && error.phase === 'total') return { retry: false, reason: 'total budget spent' };

  let retryAfterMs: number | undefined;
  if (error instanceof ApiError) {
    const inProgress = q.keyed && policy.retryInProgressConflicts && isInProgressConflict(error);
    if (!inProgress && !policy.statusCodes.includes(error.status)) return { retry: false, reason: `status ${error.status}` };
    retryAfterMs = error.retryAfter;
  } else if (!error.retryable) {
    // Network errors, attempt timeouts and truncated JSON are transient; an HTML login page,
    // a gateway error envelope or an abort are not.
    return { retry: false, reason: error.name };
  }

  // A server asking for more time than the call has left would only be answered by a timeout later.
  if (retryAfterMs !== undefined && retryAfterMs >= q.remainingMs) return { retry: false, reason: 'Retry-After exceeds the total budget' };
  // The server's Retry-After is obeyed as sent (up to the cap); jitter only applies to our own schedule.
  const delayMs =
    retryAfterMs !== undefined ? Math.min(retryAfterMs, policy.maxRetryAfter) : backoffDelay(q.retryNumber, policy, q.random);
  if (delayMs >= q.remainingMs) return { retry: false, reason: 'next attempt would exceed the total budget' };
  return { retry: true, delayMs };
}

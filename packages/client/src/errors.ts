/**
 * Typed failures of the City Brain client. Every error a call can reject with is a
 * {@link CityBrainError}; `instanceof` on a subclass tells what went wrong, and each carries the
 * method, URL, status, request id and (for API errors) the RFC 9457 problem the server sent.
 */

import type { FieldError, Problem as ContractProblem } from '@citybrain/contract';

export type { FieldError };

/**
 * RFC 9457 problem details as the platform sends them (`application/problem+json`): the contract's
 * `Problem`, plus whatever extension members a gateway or a newer server adds.
 */
export type Problem = ContractProblem & { [extension: string]: unknown };

export interface CityBrainErrorInit {
  method: string;
  url: string;
  status?: number;
  requestId?: string;
  problem?: Problem;
  /** How many attempts the call made before giving up (1 when it was not retried). */
  attempts?: number;
  cause?: unknown;
  message?: string;
}

/** Base class of every error thrown by the client. */
export class CityBrainError extends Error {
  /** HTTP method of the failed call. */
  readonly method: string;
  /** Full URL of the failed call (query included; credentials never appear in URLs we build). */
  readonly url: string;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** `X-Request-Id` of the call: quote it when reporting a problem to the platform's operators. */
  readonly requestId: string | undefined;
  /** Problem details from the response body, when there was one. */
  readonly problem: Problem | undefined;
  /** Attempts made, including retries. */
  attempts: number;

  constructor(init: CityBrainErrorInit) {
    super(init.message ?? describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'CityBrainError';
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.requestId = init.requestId ?? init.problem?.requestId;
    this.problem = init.problem;
    this.attempts = init.attempts ?? 1;
  }

  /**
   * Whether the same request may succeed if sent again (a transient failure: rate limit, server
   * error, network, timeout, truncated body). It describes the failure, not the method: the client
   * itself only retries writes that carry an Idempotency-Key.
   */
  get retryable(): boolean {
    return false;
  }
}

function describe(init: CityBrainErrorInit): string {
  const where = `${init.method} ${init.url}`;
  const problem = init.problem;
  const what = problem ? [problem.title, problem.detail].filter(Boolean).join(': ') : 'request failed';
  const status = init.status === undefined ? '' : ` → ${init.status}`;
  const id = init.requestId ?? problem?.requestId;
  return `${where}${status} ${what}${id ? ` (request id ${id})` : ''}`;
}

/** The server answered with an error status. Subclasses narrow it by status. */
export class ApiError extends CityBrainError {
  declare readonly status: number;
  /** The response's Retry-After in milliseconds (uncapped), when it sent one (429 and 503 usually do). */
  readonly retryAfter: number | undefined;
  constructor(init: CityBrainErrorInit & { status: number; retryAfter?: number }) {
    super(init);
    this.name = 'ApiError';
    this.retryAfter = init.retryAfter;
  }
}

/** 400: the request is malformed; {@link fieldErrors} names each offending field. */
export class BadRequestError extends ApiError {
  /** The problem's `errors`: one entry per invalid field. */
  readonly fieldErrors: readonly FieldError[];
  constructor(init: CityBrainErrorInit & { status: number }) {
    super(init);
    this.name = 'BadRequestError';
    this.fieldErrors = Array.isArray(init.problem?.errors) ? init.problem.errors : [];
  }
}

/** 401: missing, invalid or expired credentials (after the client's one refresh-and-replay). */
export class UnauthorizedError extends ApiError {
  constructor(init: CityBrainErrorInit & { status: number }) {
    super(init);
    this.name = 'UnauthorizedError';
  }
}

/** 403: authenticated, but the role or the region scope does not allow this. */
export class ForbiddenError extends ApiError {
  constructor(init: CityBrainErrorInit & { status: number }) {
    super(init);
    this.name = 'ForbiddenError';
  }
}

/** 404: no such resource in the caller's region scope. */
export class NotFoundError extends ApiError {
  constructor(init: CityBrainErrorInit & { status: number }) {
    super(init);
    this.name = 'NotFoundError';
  }
}

/** 409: the resource's state does not allow this (illegal transition, or a keyed write still processing). */
export class ConflictError extends ApiError {
  constructor(init: CityBrainErrorInit & { status: number }) {
    super(init);
    this.name = 'ConflictError';
  }
}

/** 422: well-formed but semantically invalid, e.g. an Idempotency-Key reused with another payload. */
export class UnprocessableError extends ApiError {
  /** The problem's `errors`, when the server named fields. */
  readonly fieldErrors: readonly FieldError[];
  constructor(init: CityBrainErrorInit & { status: number }) {
    super(init);
    this.name = 'UnprocessableError';
    this.fieldErrors = Array.isArray(init.problem?.errors) ? init.problem.errors : [];
  }
}

/** 408: the server gave up waiting for the request. */
export class RequestTimeoutError extends ApiError {
  constructor(init: CityBrainErrorInit & { status: number }) {
    super(init);
    this.name = 'RequestTimeoutError';
  }
  override get retryable(): boolean {
    return true;
  }
}

/** 429: rate limited; `retryAfter` says for how long, when the server said. */
export class RateLimitedError extends ApiError {
  constructor(init: CityBrainErrorInit & { status: number; retryAfter?: number }) {
    super(init);
    this.name = 'RateLimitedError';
  }
  override get retryable(): boolean {
    return true;
  }
}

/** 5xx: the platform or a gateway in front of it failed. */
export class ServerError extends ApiError {
  constructor(init: CityBrainErrorInit & { status: number; retryAfter?: number }) {
    super(init);
    this.name = 'ServerError';
  }
  override get retryable(): boolean {
    // 501 and 505 describe what the server cannot do at all; waiting does not change them.
    return this.status !== 501 && this.status !== 505;
  }
}

/** No response: DNS, connection refused or reset, TLS, CORS, or a body cut off mid-transfer. */
export class NetworkError extends CityBrainError {
  constructor(init: CityBrainErrorInit) {
    super({ ...init, message: init.message ?? `${init.method} ${init.url} failed: network error${causeText(init.cause)}` });
    this.name = 'NetworkError';
  }
  override get retryable(): boolean {
    return true;
  }
}

/** Which clock ran out: one attempt, the whole call with its retries, or a stream that went silent. */
export type TimeoutPhase = 'attempt' | 'total' | 'idle';

/** The call took longer than its per-attempt `timeout`, its `totalTimeout`, or a stream's idle limit. */
export class TimeoutError extends CityBrainError {
  readonly phase: TimeoutPhase;
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  constructor(init: CityBrainErrorInit & { phase: TimeoutPhase; timeoutMs: number }) {
    super({ ...init, message: init.message ?? `${init.method} ${init.url} timed out (${init.phase} limit ${init.timeoutMs} ms)` });
    this.name = 'TimeoutError';
    this.phase = init.phase;
    this.timeoutMs = init.timeoutMs;
  }
  override get retryable(): boolean {
    return true;
  }
}

/** The caller's AbortSignal fired. `cause` is the signal's reason. */
export class AbortError extends CityBrainError {
  constructor(init: CityBrainErrorInit) {
    super({ ...init, message: init.message ?? `${init.method} ${init.url} was aborted` });
    this.name = 'AbortError';
  }
}

/**
 * A live event stream (`watch()`) reconnected `maxReconnects` times in a row without receiving an
 * event. `cause` is the last failure (the server ended or dropped the stream, or it went silent).
 */
export class ReconnectLimitError extends CityBrainError {
  /** The reconnections made before giving up. */
  readonly reconnects: number;
  constructor(init: CityBrainErrorInit & { reconnects: number }) {
    super({ ...init, message: init.message ?? `${init.method} ${init.url}: gave up after ${init.reconnects} reconnections without an event` });
    this.name = 'ReconnectLimitError';
    this.reconnects = init.reconnects;
  }
}

/** Why a paged iteration stopped before the server said it was done. */
export type PaginationStopReason = 'repeated-cursor' | 'empty-pages' | 'max-pages';

/**
 * A paged iteration (`list`, `rows`, `items`…) stopped before its last page: the server repeated a
 * next token, kept naming next pages while sending none of the items, or `maxPages` was reached.
 */
export class PaginationError extends CityBrainError {
  readonly reason: PaginationStopReason;
  /** Pages loaded before stopping. */
  readonly pages: number;
  constructor(init: CityBrainErrorInit & { reason: PaginationStopReason; pages: number }) {
    super(init);
    this.name = 'PaginationError';
    this.reason = init.reason;
    this.pages = init.pages;
  }
}

/** Why a successful-looking response could not be used. */
export type ResponseFormatReason = 'html-page' | 'content-type' | 'invalid-json';

/**
 * A 2xx response that is not what the API sends: an HTML page (a gateway or WAF login page
 * answered 200), another unexpected content type, or JSON that does not parse (truncated body).
 */
export class ResponseFormatError extends CityBrainError {
  readonly reason: ResponseFormatReason;
  readonly contentType: string | null;
  /** The first few hundred characters of the body, for diagnosis. */
  readonly bodySnippet: string;
  constructor(init: CityBrainErrorInit & { reason: ResponseFormatReason; contentType: string | null; bodySnippet: string }) {
    super({
      ...init,
      message:
        init.message ??
        `${init.method} ${init.url} → ${init.status ?? '?'} unusable response (${init.reason}, ${init.contentType ?? 'no content type'})`,
    });
    this.name = 'ResponseFormatError';
    this.reason = init.reason;
    this.contentType = init.contentType;
    this.bodySnippet = init.bodySnippet;
  }
  override get retryable(): boolean {
    // A cut-off JSON body is a transport accident; an HTML login page will be served again.
    return this.reason === 'invalid-json';
  }
}

/**
 * A government gateway answered HTTP 200 with an error envelope: `{code, msg, data}` with a
 * non-zero `code`, or `{errcode, errmsg}` with a non-zero `errcode`.
 */
export class GatewayError extends CityBrainError {
  /** The envelope's `code` / `errcode`. */
  readonly gatewayCode: string | number;
  /** The envelope's `msg` / `message` / `errmsg`. */
  readonly gatewayMessage: string;
  constructor(init: CityBrainErrorInit & { gatewayCode: string | number; gatewayMessage: string }) {
    super({
      ...init,
      message:
        init.message ?? `${init.method} ${init.url} → gateway error ${init.gatewayCode}: ${init.gatewayMessage}`,
    });
    this.name = 'GatewayError';
    this.gatewayCode = init.gatewayCode;
    this.gatewayMessage = init.gatewayMessage;
  }
}

function causeText(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  // undici wraps the useful reason (ECONNRESET, ECONNREFUSED…) one level down.
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return ` (${cause.message}${inner})`;
}

type ApiErrorClass = new (init: CityBrainErrorInit & { status: number; retryAfter?: number }) => ApiError;

const BY_STATUS: Record<number, ApiErrorClass> = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  408: RequestTimeoutError,
  409: ConflictError,
  422: UnprocessableError,
  429: RateLimitedError,
};

/** The error class for an HTTP error status: one per status family the platform documents. */
export function apiErrorFor(init: CityBrainErrorInit & { status: number; retryAfter?: number }): ApiError {
  const Class = BY_STATUS[init.status] ?? (init.status >= 500 ? ServerError : ApiError);
  return new Class(init);
}

/** Narrowing helper that also works across duplicated copies of the package in one bundle. */
export function isCityBrainError(value: unknown): value is CityBrainError {
  return value instanceof CityBrainError || (value instanceof Error && typeof (value as Partial<CityBrainError>).method === 'string' && 'attempts' in value);
}

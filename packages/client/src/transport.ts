/**
 * One logical call over HTTP: ky runs the attempts (per-attempt timeout, retry loop, abortable
 * waits, per-attempt hooks), and this module tells it what to do:
 *
 * - each attempt's fetch reads and checks the body *inside* the attempt, so a stalled or truncated
 *   body counts against that attempt's timeout and can be retried, and every failure is thrown as a
 *   typed {@link CityBrainError} (ky's `throwHttpErrors` never has to convert a status);
 * - `shouldRetry` asks {@link decideRetry} and stores the wait it chose for ky's `delay`, so ky's
 *   own retry loop stays in charge (see DESIGN.md: a layer that turns ky's HTTP errors into
 *   responses silently switches retries off);
 * - a total budget bounds all attempts and waits together (ky 1 has no `totalTimeout`);
 * - a 401 is answered by one single-flight token refresh and one replay;
 * - the gateway signer runs after every other hook on every attempt, so each retry is re-signed.
 */
import ky from 'ky';
import type { TokenManager } from './auth.js';
import {
  AbortError,
  apiErrorFor,
  CityBrainError,
  GatewayError,
  NetworkError,
  ResponseFormatError,
  TimeoutError,
  UnauthorizedError,
  type Problem,
} from './errors.js';
import { isHtmlMediaType, isJsonMediaType, mediaTypeOf, readGatewayEnvelope, snippet } from './format.js';
import { emit, redactHeaders, redactUrl, type Logger } from './logging.js';
import { decideRetry, isReplayable, parseRetryAfter, resolveRetryPolicy, type RetryPolicy, type RetrySetting } from './retry.js';
import { randomId } from './ids.js';
import { checkNonNegative } from './check.js';
import { abortableSleep, LinkedAbort, MAX_TIMER_MS } from './signals.js';

/** How a successful body is handed back. `stream` leaves it unread for the caller. */
export type ParseAs = 'json' | 'text' | 'blob' | 'arrayBuffer' | 'stream';

/**
 * Adds signature headers to a request about to leave. Runs last, after authentication and every
 * hook, and again on each retry and replay, so timestamps and nonces are always fresh.
 * `gatewaySigner()` from `@citybrain/client/node` implements the HMAC gateway signature.
 */
export interface RequestSigner {
  sign(request: Request): void | Promise<void>;
}

export interface AttemptInfo {
  /** 1 for the first attempt of a call; counts retries and the replay after a token refresh. */
  attempt: number;
}

/** Extension points around each attempt. Hooks see live requests: credentials are not redacted here. */
export interface Hooks {
  /** Before each attempt, after authentication and before signing; may change headers. */
  beforeRequest?(request: Request, info: AttemptInfo): void | Promise<void>;
  /** After each attempt's response headers arrive, whatever the status. Do not read the body. */
  afterResponse?(response: Response, info: AttemptInfo & { request: Request; durationMs: number }): void | Promise<void>;
  /** Before a retry is sent, after the `delayMs` wait that followed the failed attempt. */
  beforeRetry?(info: AttemptInfo & { request: Request; error: CityBrainError; delayMs: number }): void | Promise<void>;
  /** When a call fails for good, with the error it will reject with. */
  onError?(error: CityBrainError): void;
}

export interface TransportConfig {
  fetch: typeof globalThis.fetch;
  /** Per attempt, until the whole body is read (streams: until headers, then between chunks). 0 = none. */
  timeout: number;
  /** For all attempts and waits of one call. 0 = none. */
  totalTimeout: number;
  retry: RetryPolicy;
  tokens?: TokenManager;
  signer?: RequestSigner;
  hooks: Hooks;
  logger?: Logger;
  /** Read `{code,msg,data}` / `{errcode,errmsg}` gateway envelopes on 2xx JSON. */
  gatewayEnvelopes: boolean;
  /**
   * Send the call's id as `X-Request-Id` (default). Off for foreign servers: a custom header makes a
   * cross-origin GET need a CORS preflight that a bureau's MapServer does not answer.
   */
  sendRequestId?: boolean;
}

export interface TransportRequest {
  method: string;
  url: string;
  headers: Headers;
  body?: BodyInit | null;
  parseAs: ParseAs;
  signal?: AbortSignal;
  timeout?: number;
  totalTimeout?: number;
  retry?: RetrySetting;
  /** For `stream`: the longest silence between chunks before the stream fails (default: `timeout`). */
  idleTimeout?: number;
}

export interface TransportResult {
  data: unknown;
  response: Response;
  requestId: string;
  attempts: number;
}

const ALL_METHODS = ['get', 'put', 'head', 'delete', 'options', 'trace', 'post', 'patch'];

/**
 * The total budget of one call, linked to the caller's signal. Every call releases it when it
 * settles (a stream: when the stream ends), so a long-lived caller signal keeps nothing of it.
 */
class CallClock {
  readonly #startedAt = Date.now();
  readonly #link: LinkedAbort;
  #budgetSpent = false;

  constructor(
    readonly totalMs: number,
    readonly callerSignal: AbortSignal | undefined,
    totalTimeoutError: () => CityBrainError,
  ) {
    this.#link = new LinkedAbort([callerSignal]);
    if (totalMs > 0) {
      this.#link.abortAfter(totalMs, () => {
        this.#budgetSpent = true;
        return totalTimeoutError();
      });
    }
  }

  get signal(): AbortSignal {
    return this.#link.signal;
  }
  get remainingMs(): number {
    return this.totalMs > 0 ? this.totalMs - (Date.now() - this.#startedAt) : Number.POSITIVE_INFINITY;
  }
  get callerAborted(): boolean {
    return this.callerSignal?.aborted === true;
  }
  get budgetSpent(): boolean {
    return this.#budgetSpent;
  }
  /** A stream's headers have arrived: only idle limits apply from here, but the caller can still abort. */
  stopBudget(): void {
    this.#link.stopTimer();
  }
  /** The call is settled: detach from the caller's signal. */
  release(): void {
    this.#link.release();
  }
}

export interface Transport {
  send(request: TransportRequest): Promise<TransportResult>;
  readonly config: TransportConfig;
}

export function createTransport(config: TransportConfig): Transport {
  return { config, send: (request) => sendCall(config, request) };
}

async function sendCall(config: TransportConfig, call: TransportRequest): Promise<TransportResult> {
  const method = call.method.toUpperCase();
  const headers = new Headers(call.headers);
  const requestId = headers.get('x-request-id') ?? randomId();
  if (config.sendRequestId !== false) headers.set('x-request-id', requestId);
  if (!headers.has('accept')) headers.set('accept', call.parseAs === 'json' ? 'application/json, application/problem+json' : '*/*');
  const url = call.url;
  const where = { method, url: redactUrl(url), requestId };

  checkNonNegative('timeout', call.timeout);
  checkNonNegative('totalTimeout', call.totalTimeout);
  checkNonNegative('idleTimeout', call.idleTimeout);
  const timeout = call.timeout ?? config.timeout;
  const totalTimeout = call.totalTimeout ?? config.totalTimeout;
  const policy = resolveRetryPolicy(call.retry, config.retry);
  // An empty key is no key: the server runs such a write every time, so it must not be retried.
  const keyed = (headers.get('idempotency-key') ?? '') !== '';
  const replayable = isReplayable(method, keyed);
  // A caller-supplied Authorization header (e.g. for one call as another principal) is left alone.
  const tokens = headers.has('authorization') ? undefined : config.tokens;

  const clock = new CallClock(totalTimeout, call.signal, () => new TimeoutError({ ...where, phase: 'total', timeoutMs: totalTimeout }));
  if (clock.callerAborted) {
    clock.release();
    throw new AbortError({ ...where, cause: call.signal?.reason, attempts: 0 });
  }

  let attempts = 0;
  let tokenSent: string | undefined;
  let result: { data: unknown; response: Response } | undefined;
  let nextDelayMs = 0;

  /**
   * The typed error for anything an attempt can throw, or undefined for a foreign error (a bug in a
   * hook, signer or token supplier), which is neither retried nor disguised as a network failure.
   */
  const toCallError = (error: unknown): CityBrainError | undefined => {
    if (clock.callerAborted) return new AbortError({ ...where, cause: call.signal?.reason });
    if (error instanceof CityBrainError) return error;
    if (clock.budgetSpent) return new TimeoutError({ ...where, phase: 'total', timeoutMs: totalTimeout, cause: error });
    return undefined;
  };

  /**
   * One attempt: fetch, then read and check the body while the attempt's timeout still runs. The
   * attempt's own signal (call signal + its timer) replaces ky's, whose timeout would reject without
   * aborting the fetch where `AbortSignal.any` is missing, leaving a stalled connection open.
   */
  const attemptFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // ky always hands over the Request it built; the other forms are accepted to match fetch's type.
    const attempt = attempts;
    const attemptAbort = new LinkedAbort([clock.signal]);
    let timedOut = false;
    const attemptTimeout = () => new TimeoutError({ ...where, phase: 'attempt', timeoutMs: timeout, attempts: attempt });
    if (timeout > 0) {
      attemptAbort.abortAfter(timeout, () => {
        timedOut = true;
        return attemptTimeout();
      });
    }
    const request = new Request(input instanceof Request ? input : new Request(input, init), { signal: attemptAbort.signal });
    const startedAt = Date.now();
    // Everything fetch and the body stream throw is the network's doing, or one of our aborts.
    const asNetworkFailure = (error: unknown) =>
      toCallError(error) ?? (timedOut ? attemptTimeout() : new NetworkError({ ...where, attempts: attempt, cause: error }));
    let streamHandedOver = false;
    try {
      let response: Response;
      try {
        response = await config.fetch(request, input instanceof Request ? init : undefined);
      } catch (error) {
        throw asNetworkFailure(error);
      }
      const durationMs = Date.now() - startedAt;
      const responseId = response.headers.get('x-request-id') ?? requestId;
      emit(config.logger, 'debug', 'citybrain response', { ...where, requestId: responseId, attempt, status: response.status, durationMs });
      await config.hooks.afterResponse?.(response, { request, attempt, durationMs });

      const at = { ...where, status: response.status, requestId: responseId, attempts: attempt };
      try {
        if (!response.ok) throw await errorFromResponse(response, at, attemptAbort.signal);
        result = { data: await readBody(response, call.parseAs, at, config.gatewayEnvelopes, attemptAbort.signal), response };
      } catch (error) {
        throw asNetworkFailure(error);
      }
      streamHandedOver = call.parseAs === 'stream';
      return response;
    } finally {
      // A handed-over stream stays abortable by the call until it ends (released with the clock).
      if (streamHandedOver) attemptAbort.stopTimer();
      else attemptAbort.release();
    }
  };

  const runAttempts = (attemptBase: number) =>
    ky(url, {
      method,
      headers,
      body: call.body ?? undefined,
      signal: clock.signal,
      // Per-attempt timeouts are attemptFetch's; ky's own would not abort the fetch everywhere.
      timeout: false,
      throwHttpErrors: true,
      fetch: attemptFetch,
      retry: {
        limit: policy.maxAttempts - 1,
        methods: ALL_METHODS,
        // ky asks shouldRetry first and uses its true/false as final; `delay` then returns the wait chosen here.
        shouldRetry: ({ error, retryCount }) => {
          const failure = toCallError(error);
          if (!failure || clock.callerAborted || clock.budgetSpent) return false;
          const answer = decideRetry({ error: failure, retryNumber: retryCount, policy, replayable, keyed, remainingMs: clock.remainingMs });
          if (!answer.retry) {
            emit(config.logger, 'debug', 'citybrain not retrying', { ...where, attempt: attempts, reason: answer.reason });
            return false;
          }
          nextDelayMs = answer.delayMs;
          emit(config.logger, 'warn', 'citybrain retrying', { ...where, attempt: attempts, status: failure.status, error: failure.name, delayMs: nextDelayMs });
          return true;
        },
        // The wait itself happens in beforeRetry, on the call's signal: ky 1 only makes its own
        // wait abortable where AbortSignal.any exists.
        delay: () => 0,
        backoffLimit: Number.POSITIVE_INFINITY,
      },
      hooks: {
        beforeRequest: [
          async (request, _options, state) => {
            attempts = attemptBase + state.retryCount + 1;
            if (tokens) {
              tokenSent = await unlessAborted(tokens.current(), clock.signal);
              request.headers.set('authorization', `Bearer ${tokenSent}`);
            }
            await config.hooks.beforeRequest?.(request, { attempt: attempts });
            await config.signer?.sign(request);
            emit(config.logger, 'debug', 'citybrain request', { ...where, attempt: attempts, headers: redactHeaders(request.headers) });
          },
        ],
        beforeRetry: [
          async ({ request, error }) => {
            await abortableSleep(nextDelayMs, clock.signal, () => clock.signal.reason);
            const failure = toCallError(error);
            if (failure) await config.hooks.beforeRetry?.({ request, error: failure, attempt: attempts + 1, delayMs: nextDelayMs });
          },
        ],
      },
    });

  try {
    try {
      await runAttempts(0);
    } catch (error) {
      // One refresh and one replay per call: a second 401 means the credentials themselves are wrong.
      if (!(toCallError(error) instanceof UnauthorizedError) || !tokens?.canRefresh || tokenSent === undefined) throw error;
      emit(config.logger, 'info', 'citybrain refreshing token after 401', { ...where, attempt: attempts });
      await unlessAborted(tokens.refresh(tokenSent), clock.signal);
      await runAttempts(attempts);
    }
  } catch (error) {
    clock.release();
    const failure = toCallError(error);
    if (!failure) throw error;
    failure.attempts = Math.max(attempts, failure.attempts);
    emit(config.logger, 'warn', 'citybrain request failed', {
      ...where,
      attempt: failure.attempts,
      status: failure.status,
      error: `${failure.name}: ${failure.message}`,
    });
    config.hooks.onError?.(failure);
    throw failure;
  }

  const { response } = result!;
  let data = result!.data;
  const responseId = response.headers.get('x-request-id') ?? requestId;
  if (call.parseAs === 'stream' && response.body) {
    // The budget covered getting the stream; from here only silence between chunks is limited.
    clock.stopBudget();
    const idleMs = call.idleTimeout ?? timeout;
    data = guardStream(response.body, idleMs, (error) => {
      if (clock.callerAborted) return new AbortError({ ...where, requestId: responseId, cause: call.signal?.reason });
      if (error instanceof CityBrainError) return error;
      return new NetworkError({ ...where, requestId: responseId, status: response.status, cause: error });
    }, () => new TimeoutError({ ...where, requestId: responseId, status: response.status, phase: 'idle', timeoutMs: idleMs }), () => clock.release(), clock.signal);
  } else {
    clock.release();
  }
  return { data, response, requestId: responseId, attempts };
}

/**
 * Waits for `promise` unless `signal` fires first. A token supplier knows nothing of the call's
 * signal: without this, an aborted call would wait for a slow token endpoint before letting go.
 */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

interface ResponseContext {
  method: string;
  url: string;
  status: number;
  requestId: string;
  attempts: number;
}

/** The typed error for a non-2xx response, with its problem details parsed when there are any. */
async function errorFromResponse(response: Response, at: ResponseContext, signal: AbortSignal): Promise<CityBrainError> {
  const text = decodeText(await readWholeBody(response, signal));
  const mediaType = mediaTypeOf(response.headers);
  let problem: Problem | undefined;
  if (isJsonMediaType(mediaType)) {
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) problem = parsed as Problem;
    } catch {
      // An error body that is not valid JSON still yields a typed error by status.
    }
  }
  // Gateways and proxies answer errors with HTML or plain text; describe them as a minimal problem.
  problem ??= { type: 'about:blank', title: response.statusText || `HTTP ${response.status}`, status: response.status, detail: snippet(text) || undefined };
  return apiErrorFor({ ...at, problem, retryAfter: parseRetryAfter(response.headers.get('retry-after')) });
}

/**
 * Reads the whole body, failing as soon as `signal` aborts. fetch's own wiring cannot be trusted for
 * that on Node: undici links the body to the signal through the Request object fetch made inside,
 * which the garbage collector may take once the headers have arrived, and then a stalled body outlives
 * the attempt's timeout (seen under load in the fault campaign). Cancelling our reader also closes
 * the connection.
 */
async function readWholeBody(response: Response, signal: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
  const body = response.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', cancel, { once: true });
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    if (signal.aborted) cancel();
    for (;;) {
      const { done, value } = await reader.read();
      // A cancelled reader ends its pending read as if the body were complete.
      if (signal.aborted) throw signal.reason ?? new DOMException('The body was aborted', 'AbortError');
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
    }
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** UTF-8 with the BOM dropped and broken sequences replaced, as `Response.text()` decodes. */
const decodeText = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Reads a 2xx body as asked, rejecting HTML pages, wrong content types, broken JSON and gateway errors. */
async function readBody(response: Response, parseAs: ParseAs, at: ResponseContext, gatewayEnvelopes: boolean, signal: AbortSignal): Promise<unknown> {
  const mediaType = mediaTypeOf(response.headers);
  const formatError = (reason: 'html-page' | 'content-type' | 'invalid-json', text: string) =>
    new ResponseFormatError({ ...at, reason, contentType: mediaType, bodySnippet: snippet(text) });

  if (parseAs === 'stream' && !isHtmlMediaType(mediaType)) return response.body;
  const bytes = await readWholeBody(response, signal);
  if (isHtmlMediaType(mediaType)) throw formatError('html-page', decodeText(bytes));
  switch (parseAs) {
    case 'text':
      return decodeText(bytes);
    case 'blob':
      return new Blob([bytes], { type: response.headers.get('content-type') ?? '' });
    case 'arrayBuffer':
      return bytes.buffer;
  }
  const text = decodeText(bytes);
  if (response.status === 204 || text === '') return undefined;
  if (!isJsonMediaType(mediaType)) throw formatError('content-type', text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw formatError('invalid-json', text);
  }
  if (!gatewayEnvelopes) return value;
  const verdict = readGatewayEnvelope(value);
  if (!verdict) return value;
  if (!verdict.ok) throw new GatewayError({ ...at, gatewayCode: verdict.code, gatewayMessage: verdict.message });
  return verdict.payload;
}

/**
 * Wraps a response body so that a silence longer than `idleMs` between chunks fails the stream with
 * an idle {@link TimeoutError}, and network or abort failures surface as typed errors. The idle
 * clock only runs while the consumer is waiting for a chunk, so a slow consumer is never blamed.
 */
export function guardStream(
  source: ReadableStream<Uint8Array>,
  idleMs: number,
  toError: (error: unknown) => CityBrainError,
  idleError: () => CityBrainError,
  onSettled: () => void = () => undefined,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let output!: ReadableStreamDefaultController<Uint8Array>;
  let settled = false;
  const settle = () => {
    if (settled) return false;
    settled = true;
    signal?.removeEventListener('abort', onAbort);
    onSettled();
    return true;
  };
  const fail = (error: unknown) => {
    if (!settle()) return;
    const failure = toError(error);
    reader.cancel(failure).catch(() => undefined);
    output.error(failure);
  };
  // The call's signal is watched here rather than trusted to reach the body through fetch (see readWholeBody).
  const onAbort = () => fail(signal!.reason);
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        output = controller;
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      },
      async pull(controller) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          const read = reader.read();
          const chunk =
            idleMs > 0
              ? await Promise.race([read, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(idleError()), Math.min(idleMs, MAX_TIMER_MS))))])
              : await read;
          if (settled) return;
          if (chunk.done) {
            settle();
            controller.close();
          } else controller.enqueue(chunk.value);
        } catch (error) {
          fail(error);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel(reason) {
        settle();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

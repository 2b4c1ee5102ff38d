/**
 * One logical call over HTTP. ky builds each attempt's Request (URL, method, body, headers) and
 * runs it through its hooks; this module runs the attempts around it:
 *
 * - one ky call per attempt, with ky's own retries and timeout off (`retry: 0`, `timeout: false`):
 *   the attempt loop here asks {@link decideRetry}, waits on the caller's signal and calls the
 *   retry hook, so ky merges and normalises no retry options per call (bench/client);
 * - each attempt runs in ky's beforeRequest hook and settles there (ky's documented way to skip its
 *   own fetch), which spares ky's Request clone (kept for retries ky no longer runs) and its fetch wrapper;
 * - each attempt's fetch reads and checks the body *inside* the attempt, so a stalled or truncated
 *   body counts against that attempt's timeout and can be retried, and every failure is thrown as a
 *   typed {@link CityBrainError} (ky's `throwHttpErrors` never has to convert a status);
 * - a total budget bounds all attempts and waits together (ky 1 has no `totalTimeout`);
 * - a 401 is answered by one single-flight token refresh and one replay;
 * - the gateway signer runs after every other hook on every attempt, so each retry is re-signed.
 */
import ky, { type KyInstance } from 'ky';
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
  /** Called with the attempt's Request and, when the attempt can be aborted, an init carrying only its signal. */
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
  /** Handed over: the transport adds its own headers (request id, accept) to this object. */
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

export interface Transport {
  send(request: TransportRequest): Promise<TransportResult>;
  readonly config: TransportConfig;
}

/** What the transport's ky instance needs to reach the call an attempt belongs to. */
interface CallContext {
  call: Call;
}

export function createTransport(config: TransportConfig): Transport {
  // Built once: what is the same for every call lives here, so a call hands ky only its own part
  // (method, body, the call) and ky merges as little as it can.
  const attempts = ky.create({
    // Per-attempt timeouts are the call's own (see Call.attempt); ky's would not abort the fetch everywhere.
    timeout: false,
    // One ky call is one attempt: the call's loop retries (Call.runAttempts). ky 1 would only make
    // its own backoff wait abortable where AbortSignal.any exists.
    retry: 0,
    throwHttpErrors: true,
    // Only reached if an attempt did not settle in beforeRequest, which Call.attempt always does.
    fetch: config.fetch,
    hooks: {
      beforeRequest: [(request, options) => (options.context as unknown as CallContext).call.attempt(request)],
    },
  });
  return { config, send: (request) => sendCall(config, attempts, request) };
}

/**
 * What an attempt's beforeRequest hook hands back to ky once the attempt has settled (the response
 * read and checked, its result kept by the call). A Response from beforeRequest is ky's documented
 * way to skip its own fetch: ky then neither clones the Request for a retry nor runs its fetch
 * wrapper. ky only reads `ok` of it.
 */
const ATTEMPT_SETTLED = new Response(null, { status: 204 });

async function sendCall(config: TransportConfig, attempts: KyInstance, request: TransportRequest): Promise<TransportResult> {
  const call = new Call(config, request);
  if (call.callerAborted) throw new AbortError({ ...call.where, cause: request.signal?.reason, attempts: 0 });
  try {
    try {
      await call.runAttempts(attempts, 0);
    } catch (error) {
      // One refresh and one replay per call: a second 401 means the credentials themselves are wrong.
      const tokens = call.tokens;
      if (!(call.toCallError(error) instanceof UnauthorizedError) || !tokens?.canRefresh || call.tokenSent === undefined) throw error;
      emit(config.logger, 'info', 'citybrain refreshing token after 401', { ...call.where, attempt: call.attempts });
      await call.withinBudget(tokens.refresh(call.tokenSent));
      await call.runAttempts(attempts, call.attempts);
    }
  } catch (error) {
    call.release();
    const failure = call.toCallError(error);
    if (!failure) throw error;
    failure.attempts = Math.max(call.attempts, failure.attempts);
    if (config.logger) {
      emit(config.logger, 'warn', 'citybrain request failed', {
        ...call.where,
        attempt: failure.attempts,
        status: failure.status,
        error: `${failure.name}: ${failure.message}`,
      });
    }
    config.hooks.onError?.(failure);
    throw failure;
  }
  return call.settle();
}

/**
 * One logical call: its options resolved, its bookkeeping across attempts, and what ky asks of it
 * (each attempt's fetch, whether to retry, the hooks around an attempt).
 *
 * Abort plumbing costs a controller and a timer per attempt, no more: the attempt's {@link LinkedAbort}
 * follows the caller's signal and runs one timer, set to whichever comes first of the attempt's
 * timeout and the end of the call's total budget, and names the right one when it fires. When the
 * caller gave no signal and no timeout applies, nothing can abort an attempt and none is made.
 */
class Call {
  readonly where: { method: string; url: string; requestId: string };
  readonly timeout: number;
  readonly totalTimeout: number;
  readonly tokens: TokenManager | undefined;
  attempts = 0;
  tokenSent: string | undefined;
  readonly #config: TransportConfig;
  readonly #request: TransportRequest;
  readonly #headers: Headers;
  readonly #policy: RetryPolicy;
  readonly #keyed: boolean;
  readonly #replayable: boolean;
  readonly #startedAt = Date.now();
  readonly #abortable: boolean;
  #budgetSpent = false;
  /** The running attempt's abort link (a handed-over stream's, until the stream settles). */
  #link: LinkedAbort | undefined;
  #attemptTimedOut = false;
  /** The Request of the latest attempt, for the retry hook. */
  #sent: Request | undefined;
  #result: { data: unknown; response: Response } | undefined;

  constructor(config: TransportConfig, request: TransportRequest) {
    this.#config = config;
    this.#request = request;
    const method = request.method.toUpperCase();
    // The caller's Headers object is the transport's from here (both callers build a fresh one).
    const headers = request.headers;
    this.#headers = headers;
    const requestId = headers.get('x-request-id') ?? randomId();
    if (config.sendRequestId !== false) headers.set('x-request-id', requestId);
    if (!headers.has('accept')) headers.set('accept', request.parseAs === 'json' ? 'application/json, application/problem+json' : '*/*');
    // Redacted only when something reads it (an error or a log event), not on every call.
    let redactedUrl: string | undefined;
    this.where = {
      method,
      get url() {
        return (redactedUrl ??= redactUrl(request.url));
      },
      requestId,
    };

    checkNonNegative('timeout', request.timeout);
    checkNonNegative('totalTimeout', request.totalTimeout);
    checkNonNegative('idleTimeout', request.idleTimeout);
    this.timeout = request.timeout ?? config.timeout;
    this.totalTimeout = request.totalTimeout ?? config.totalTimeout;
    this.#policy = resolveRetryPolicy(request.retry, config.retry);
    // An empty key is no key: the server runs such a write every time, so it must not be retried.
    this.#keyed = (headers.get('idempotency-key') ?? '') !== '';
    // Each attempt builds its Request from the body anew: a stream can be sent only once.
    this.#replayable = isReplayable(method, this.#keyed) && !(request.body instanceof ReadableStream);
    // A caller-supplied Authorization header (e.g. for one call as another principal) is left alone.
    this.tokens = headers.has('authorization') ? undefined : config.tokens;
    this.#abortable = request.signal !== undefined || this.timeout > 0 || this.totalTimeout > 0;
  }

  get callerAborted(): boolean {
    return this.#request.signal?.aborted === true;
  }

  get #remainingMs(): number {
    return this.totalTimeout > 0 ? this.totalTimeout - (Date.now() - this.#startedAt) : Number.POSITIVE_INFINITY;
  }

  /**
   * The typed error for anything an attempt can throw, or undefined for a foreign error (a bug in a
   * hook, signer or token supplier), which is neither retried nor disguised as a network failure.
   */
  toCallError(error: unknown): CityBrainError | undefined {
    if (this.callerAborted) return new AbortError({ ...this.where, cause: this.#request.signal?.reason });
    if (error instanceof CityBrainError) return error;
    if (this.#budgetSpent) return this.#totalTimeoutError(error);
    return undefined;
  }

  #totalTimeoutError(cause?: unknown): TimeoutError {
    return new TimeoutError({ ...this.where, phase: 'total', timeoutMs: this.totalTimeout, cause });
  }

  #attemptTimeoutError(attempt: number): TimeoutError {
    return new TimeoutError({ ...this.where, phase: 'attempt', timeoutMs: this.timeout, attempts: attempt });
  }

  /**
   * Aims the attempt's one timer at what ends first: the attempt's own timeout (once it is fetching)
   * or the call's total budget.
   */
  #armTimer(link: LinkedAbort, attemptRunning: boolean): void {
    const remainingMs = this.#remainingMs;
    const attemptMs = attemptRunning && this.timeout > 0 ? this.timeout : Number.POSITIVE_INFINITY;
    if (remainingMs <= attemptMs) {
      if (remainingMs <= 0) link.abort(this.#spendBudget());
      else if (Number.isFinite(remainingMs)) link.abortAfter(remainingMs, this.#spendBudget);
      else link.stopTimer();
    } else {
      this.#timedAttempt = this.attempts;
      link.abortAfter(attemptMs, this.#timeOutAttempt);
    }
  }

  readonly #spendBudget = () => {
    this.#budgetSpent = true;
    return this.#totalTimeoutError();
  };

  /** The attempt the running timer is for. */
  #timedAttempt = 0;
  readonly #timeOutAttempt = () => {
    this.#attemptTimedOut = true;
    return this.#attemptTimeoutError(this.#timedAttempt);
  };

  /** Waits for `promise` within the caller's signal and the total budget (a token refresh between runs). */
  async withinBudget<T>(promise: Promise<T>): Promise<T> {
    if (!this.#abortable) return promise;
    const link = new LinkedAbort([this.#request.signal]);
    this.#armTimer(link, false);
    try {
      return await unlessAborted(promise, link.signal);
    } finally {
      link.release();
    }
  }

  /**
   * Attempts until one succeeds or {@link decideRetry} says stop, numbering them from
   * `attemptBase + 1` (a replay after a token refresh goes on counting).
   */
  async runAttempts(attempts: KyInstance, attemptBase: number): Promise<void> {
    const request = this.#request;
    for (let retryNumber = 0; ; retryNumber++) {
      this.attempts = attemptBase + retryNumber + 1;
      try {
        // The headers are set on each attempt's Request (attempt): given to ky, they would be
        // copied into new Headers objects four times over by its option merging.
        await attempts(request.url, { method: this.where.method, body: request.body ?? undefined, context: { call: this } satisfies CallContext });
        return;
      } catch (error) {
        const failure = this.#retryable(error, retryNumber + 1);
        if (!failure) throw error;
        // The backoff wait, abortable by the caller, then the caller's hook.
        await abortableSleep(failure.delayMs, request.signal, () => request.signal?.reason);
        await this.#config.hooks.beforeRetry?.({ request: this.#sent!, error: failure.error, attempt: this.attempts + 1, delayMs: failure.delayMs });
      }
    }
  }

  /** The failure and the wait before retrying it, or undefined when `error` ends the call. */
  #retryable(error: unknown, retryNumber: number): { error: CityBrainError; delayMs: number } | undefined {
    const failure = this.toCallError(error);
    if (!failure || this.callerAborted || this.#budgetSpent) return undefined;
    const logger = this.#config.logger;
    const answer = decideRetry({ error: failure, retryNumber, policy: this.#policy, replayable: this.#replayable, keyed: this.#keyed, remainingMs: this.#remainingMs });
    if (!answer.retry) {
      if (logger) emit(logger, 'debug', 'citybrain not retrying', { ...this.where, attempt: this.attempts, reason: answer.reason });
      return undefined;
    }
    if (logger) emit(logger, 'warn', 'citybrain retrying', { ...this.where, attempt: this.attempts, status: failure.status, error: failure.name, delayMs: answer.delayMs });
    return { error: failure, delayMs: answer.delayMs };
  }

  /**
   * One attempt, run as ky's beforeRequest hook on the Request ky built: authentication, the
   * caller's hook and the signer, then fetch, then read and check the body while the attempt's
   * timeout still runs, so a stalled or truncated body counts against that attempt. Settles ky's
   * attempt with {@link ATTEMPT_SETTLED}; its result or typed error is the call's.
   */
  async attempt(request: Request): Promise<Response> {
    const config = this.#config;
    this.#sent = request;
    for (const [name, value] of this.#headers) request.headers.set(name, value);
    if (this.#abortable) {
      this.#link = new LinkedAbort([this.#request.signal]);
      this.#armTimer(this.#link, false);
    }
    try {
      if (this.tokens) {
        const token = this.tokens.current();
        this.tokenSent = await (this.#link ? unlessAborted(token, this.#link.signal) : token);
        request.headers.set('authorization', `Bearer ${this.tokenSent}`);
      }
      // Awaited only when there is one: every await is a turn of the microtask queue per call.
      if (config.hooks.beforeRequest) await config.hooks.beforeRequest(request, { attempt: this.attempts });
      if (config.signer) await config.signer.sign(request);
    } catch (error) {
      this.#releaseLink();
      throw error;
    }
    if (config.logger) emit(config.logger, 'debug', 'citybrain request', { ...this.where, attempt: this.attempts, headers: redactHeaders(request.headers) });
    await this.#exchange(request);
    return ATTEMPT_SETTLED;
  }

  /**
   * Sends `request` and reads its response. The attempt's signal goes to fetch in its init (fetch
   * makes its Request from both); ky's own timeout would reject without aborting the fetch where
   * `AbortSignal.any` is missing, leaving a stalled connection open.
   */
  async #exchange(request: Request): Promise<void> {
    const config = this.#config;
    const attempt = this.attempts;
    const link = this.#link;
    this.#attemptTimedOut = false;
    if (link) this.#armTimer(link, true);
    const startedAt = Date.now();
    let streamHandedOver = false;
    try {
      let response: Response;
      try {
        response = await (link ? config.fetch(request, { signal: link.signal }) : config.fetch(request));
      } catch (error) {
        throw this.#asNetworkFailure(error, attempt);
      }
      const durationMs = Date.now() - startedAt;
      const responseId = response.headers.get('x-request-id') ?? this.where.requestId;
      if (config.logger) emit(config.logger, 'debug', 'citybrain response', { ...this.where, requestId: responseId, attempt, status: response.status, durationMs });
      if (config.hooks.afterResponse) await config.hooks.afterResponse(response, { request, attempt, durationMs });

      // Only a failure reads (and so redacts) the URL.
      const where = this.where;
      const at: ResponseContext = {
        method: where.method,
        get url() {
          return where.url;
        },
        status: response.status,
        requestId: responseId,
        attempts: attempt,
      };
      try {
        if (!response.ok) throw await errorFromResponse(response, at, link?.signal);
        this.#result = { data: await readBody(response, this.#request.parseAs, at, config.gatewayEnvelopes, link?.signal), response };
      } catch (error) {
        throw this.#asNetworkFailure(error, attempt);
      }
      streamHandedOver = this.#request.parseAs === 'stream';
    } finally {
      // A handed-over stream stays abortable by the caller until it ends (released in settle's guard).
      if (streamHandedOver) link?.stopTimer();
      else this.#releaseLink();
    }
  }

  /** Everything fetch and the body stream throw is the network's doing, or one of our aborts. */
  #asNetworkFailure(error: unknown, attempt: number): CityBrainError {
    return this.toCallError(error) ?? (this.#attemptTimedOut ? this.#attemptTimeoutError(attempt) : new NetworkError({ ...this.where, attempts: attempt, cause: error }));
  }

  #releaseLink(): void {
    this.#link?.release();
    this.#link = undefined;
  }

  /** Detaches from the caller's signal: the call has failed. */
  release(): void {
    this.#releaseLink();
  }

  /** The result of a successful call; a stream keeps the caller's abort until it ends. */
  settle(): TransportResult {
    const { response } = this.#result!;
    let data = this.#result!.data;
    const request = this.#request;
    const where = this.where;
    const responseId = response.headers.get('x-request-id') ?? where.requestId;
    if (request.parseAs === 'stream' && response.body) {
      // The budget covered getting the stream; from here only silence between chunks is limited.
      const link = this.#link;
      this.#link = undefined;
      const idleMs = request.idleTimeout ?? this.timeout;
      data = guardStream(response.body, idleMs, (error) => {
        if (this.callerAborted) return new AbortError({ ...where, requestId: responseId, cause: request.signal?.reason });
        if (error instanceof CityBrainError) return error;
        return new NetworkError({ ...where, requestId: responseId, status: response.status, cause: error });
      }, () => new TimeoutError({ ...where, requestId: responseId, status: response.status, phase: 'idle', timeoutMs: idleMs }), () => link?.release(), link?.signal);
    } else {
      this.#releaseLink();
    }
    return { data, response, requestId: responseId, attempts: this.attempts };
  }
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
async function errorFromResponse(response: Response, at: ResponseContext, signal: AbortSignal | undefined): Promise<CityBrainError> {
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
 * Reads the whole body on a reader of our own, failing as soon as `signal` (if any) aborts. fetch's
 * own wiring cannot be trusted for that on Node: undici links the body to the signal through the
 * Request object fetch made inside, which the garbage collector may take once the headers have
 * arrived, and then a stalled body outlives the attempt's timeout (seen under load in the fault
 * campaign). Cancelling our reader also closes the connection. Without a signal the reader is kept
 * all the same: on Node it costs less CPU per call than `arrayBuffer()` (bench/client).
 */
async function readWholeBody(response: Response, signal: AbortSignal | undefined): Promise<Uint8Array<ArrayBuffer>> {
  const body = response.body;
  if (!body) return new Uint8Array(0);
  // No timeout or caller's signal to watch: the platform's own reading is cheaper than a reader loop.
  if (!signal) return new Uint8Array(await response.arrayBuffer());
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    if (signal?.aborted) cancel();
    for (;;) {
      const { done, value } = await reader.read();
      // A cancelled reader ends its pending read as if the body were complete.
      if (signal?.aborted) throw signal.reason ?? new DOMException('The body was aborted', 'AbortError');
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
  // A small body is usually one chunk of its own: no copy needed.
  const only = chunks.length === 1 ? chunks[0]! : undefined;
  if (only && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength && only.buffer instanceof ArrayBuffer) return only as Uint8Array<ArrayBuffer>;
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** UTF-8 with the BOM dropped and broken sequences replaced, as `Response.text()` decodes. */
const utf8 = new TextDecoder();
const decodeText = (bytes: Uint8Array) => utf8.decode(bytes);

/** Reads a 2xx body as asked, rejecting HTML pages, wrong content types, broken JSON and gateway errors. */
async function readBody(response: Response, parseAs: ParseAs, at: ResponseContext, gatewayEnvelopes: boolean, signal: AbortSignal | undefined): Promise<unknown> {
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

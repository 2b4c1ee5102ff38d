/**
 * `createClient()`: typed path-level calls for every operation, resource helpers per service, and
 * the options that decide authentication, retries, timeouts, region scope and logging.
 */
import { TokenManager, type AuthOption } from './auth.js';
import { DEFAULT_RETRY, resolveRetryPolicy, type RetrySetting } from './retry.js';
import { createTransport, type Hooks, type ParseAs, type RequestSigner, type Transport } from './transport.js';
import type { Logger } from './logging.js';
import type { ApiResponse, CoreClient, HttpMethod, RawCallOptions } from './types.js';
import { commaSeparatedParamsOf, expandPath, normalizeBaseUrl, serializeQuery } from './url.js';
import { randomId } from './ids.js';
import { checkFunction, checkNonNegative, describe } from './check.js';
import { headerRecord } from './headers.js';
import { createAuthResource, createRegionsResource, type AuthResource, type RegionsResource } from './resources/common.js';
import { createGisResource, type GisResource } from './resources/gis.js';
import { createApprovalsResource, type ApprovalsResource } from './resources/approvals.js';
import { createWorkOrdersResource, type WorkOrdersResource } from './resources/workorders.js';
import { createDataResource, type DataResource } from './resources/data.js';

export interface ClientOptions {
  /**
   * The platform's API root, e.g. `https://citybrain.example.gov.cn/api/v1`. A URL without a path
   * gets `/api/v1` (`http://localhost:8080` works); in a browser a relative URL is resolved against the page.
   */
  baseUrl: string;
  /** A bearer token, or a supplier asked for one (and asked again after a 401). See {@link AuthOption}. */
  auth?: AuthOption;
  /** Per-attempt timeout in ms, until the whole body has been read. Default 30 000; 0 disables. */
  timeout?: number;
  /** Budget in ms for a call's attempts and waits together. Default 120 000; 0 disables. */
  totalTimeout?: number;
  /** Retry policy (`false` disables retries, a number sets the attempts). See {@link RetryOptions}. */
  retry?: RetrySetting;
  /** The fetch implementation (default: the global `fetch`, looked up at call time). */
  fetch?: typeof globalThis.fetch;
  /** Headers sent with every call (a caller's `Authorization` here disables `auth`). */
  headers?: Record<string, string>;
  /** Narrows every call's region scope (`X-Region-Code`): a town or village code inside the token's region. */
  regionCode?: string;
  /** Per-attempt extension points (they see credentials: do not log requests from them). */
  hooks?: Hooks;
  /** Receives redacted request, response, retry and failure events; `console` works. */
  logger?: Logger;
  /** Signs every attempt last, e.g. `gatewaySigner()` from `@citybrain/client/node`. */
  signer?: RequestSigner;
  /** Treat `{code,msg,data}` / `{errcode,errmsg}` gateway envelopes on 2xx as errors or unwrap them. Default true. */
  gatewayEnvelopes?: boolean;
}

export interface CityBrainClient extends CoreClient {
  /** Tokens and the caller's identity. */
  readonly auth: AuthResource;
  /** Administrative divisions (区 → 镇街 → 村居). */
  readonly regions: RegionsResource;
  /** The "one map": layer catalogue, TileJSON, features, identify, place search. */
  readonly gis: GisResource;
  /** Homestead (宅基地) applications: list, create, act, timeline, live events, public lookup, zones. */
  readonly approvals: ApprovalsResource;
  /** Work orders (12345 / 一网统管): list, create, act, timeline, stats, live events. */
  readonly workorders: WorkOrdersResource;
  /** The data platform: catalogue, rows, counts, CSV export. */
  readonly data: DataResource;
  /**
   * A client with some options changed (region scope, timeouts, logger…), sharing this client's
   * token cache unless `auth` is given.
   */
  withOptions(overrides: Partial<Omit<ClientOptions, 'baseUrl'>>): CityBrainClient;
  /**
   * The bearer token this client sends (asking its supplier when none is cached), or undefined without
   * `auth`. For a server of the district's own that accepts the same sign-in, such as a bureau's GIS
   * server behind the same identity provider (`<cb-map-layer auth="platform">`); never for anyone else.
   */
  bearerToken(): Promise<string | undefined>;
  /**
   * The headers a plain `fetch` of this platform needs to be the same request the client would send
   * (its `headers`, region scope and bearer token), for requests made outside it — a map engine's worker
   * fetching vector tiles. Undefined when a plain fetch cannot stand in for the client: it has its own
   * `fetch`, `hooks` or a `signer`. Ask again before the token may have lapsed: the answer is a snapshot.
   */
  handoverHeaders(): Promise<Record<string, string> | undefined>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_TOTAL_TIMEOUT_MS = 120_000;
const METHODS: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * Creates a client.
 *
 * @example
 * const client = createClient({ baseUrl: 'http://localhost:8080/api/v1', auth: token });
 * const { data } = await client.GET('/regions/{code}', { params: { path: { code: '440605124' } } });
 * for await (const application of client.approvals.list({ townCode: '440605124', overdue: true })) …
 */
export function createClient(options: ClientOptions): CityBrainClient {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`createClient needs an options object with at least baseUrl, got ${describe(options)}`);
  }
  return buildClient(options, options.auth === undefined ? undefined : new TokenManager(options.auth));
}

function buildClient(options: ClientOptions, tokens: TokenManager | undefined): CityBrainClient {
  checkOptions(options);
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const origin = new URL(baseUrl).origin;
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const transport: Transport = createTransport({
    fetch: fetchImpl,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
    totalTimeout: options.totalTimeout ?? DEFAULT_TOTAL_TIMEOUT_MS,
    retry: resolveRetryPolicy(options.retry, DEFAULT_RETRY),
    tokens,
    signer: options.signer,
    hooks: options.hooks ?? {},
    logger: options.logger,
    gatewayEnvelopes: options.gatewayEnvelopes ?? true,
  });

  async function send(method: string, url: string, init: RawCallOptions & { headerParams?: Record<string, unknown> }): Promise<ApiResponse<unknown>> {
    const headers = new Headers(options.headers);
    for (const source of [init.headerParams, init.headers && headerRecord(init.headers)]) {
      if (!source) continue;
      for (const [name, value] of Object.entries(source)) {
        if (value !== undefined && value !== null) headers.set(name, String(value));
      }
    }
    // The call's own regionCode wins; then a header the caller set; then the client's default.
    const region = init.regionCode !== undefined ? init.regionCode : headers.has('x-region-code') ? undefined : options.regionCode;
    if (region === null) headers.delete('x-region-code');
    else if (region) headers.set('x-region-code', region);
    // Generated once here, so every retry and the replay after a token refresh carry the same key.
    const key = init.idempotencyKey;
    if (typeof key === 'string') headers.set('idempotency-key', key);
    else if (key === true && !headers.get('idempotency-key')) headers.set('idempotency-key', randomId());

    const { data, response, requestId } = await transport.send({
      method,
      url,
      headers,
      body: serializeBody(init.body, headers),
      parseAs: init.parseAs ?? 'json',
      signal: init.signal,
      timeout: init.timeout,
      totalTimeout: init.totalTimeout,
      retry: init.retry,
      idleTimeout: init.idleTimeout,
    });
    return { data, response, requestId };
  }

  const pathCall =
    (method: HttpMethod) =>
    // async, so that a missing path parameter rejects the returned promise rather than throwing.
    async (path: string, init: RawCallOptions & { params?: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> } } = {}) => {
      const upper = method.toUpperCase();
      const params = init.params?.query;
      const query = params ? serializeQuery(params, commaSeparatedParamsOf(`${upper} ${path}`)) : '';
      const url = `${baseUrl}${expandPath(path, init.params?.path)}${query ? `?${query}` : ''}`;
      return send(upper, url, { ...init, headerParams: init.params?.header });
    };

  const core = {
    baseUrl,
    async raw(method: string, url: string, init: RawCallOptions = {}) {
      let target: URL;
      try {
        target = new URL(url.startsWith('/') && !url.startsWith('//') ? `${baseUrl}${url}` : url);
      } catch {
        throw new TypeError(`raw() needs a path under baseUrl ("/gis/layers") or an absolute URL, got ${describe(url)}`);
      }
      if (target.origin !== origin) {
        throw new TypeError(`Refusing to send credentials to ${target.origin}: the client's origin is ${origin}`);
      }
      const query = serializeQuery(init.query);
      if (query) target.search = target.search ? `${target.search}&${query}` : `?${query}`;
      return send(method.toUpperCase(), target.toString(), init);
    },
  } as CoreClient;
  for (const method of METHODS) {
    (core as unknown as Record<string, unknown>)[method.toUpperCase()] = pathCall(method);
  }

  return Object.assign(core, {
    auth: createAuthResource(core),
    regions: createRegionsResource(core),
    gis: createGisResource(core),
    approvals: createApprovalsResource(core),
    workorders: createWorkOrdersResource(core),
    data: createDataResource(core),
    withOptions: (overrides: Partial<Omit<ClientOptions, 'baseUrl'>>) =>
      buildClient({ ...options, ...overrides }, overrides.auth === undefined ? tokens : new TokenManager(overrides.auth)),
    bearerToken: async () => tokens?.current(),
    handoverHeaders: async () => {
      if (options.fetch || options.signer || Object.values(options.hooks ?? {}).some(Boolean)) return undefined;
      const headers = new Headers(options.headers);
      if (options.regionCode && !headers.has('x-region-code')) headers.set('x-region-code', options.regionCode);
      if (tokens && !headers.has('authorization')) headers.set('authorization', `Bearer ${await tokens.current()}`);
      return Object.fromEntries(headers);
    },
  });
}

/**
 * Refuses options that would otherwise fail obscurely on the first call (a fetch that is not a
 * function), or not fail at all (a negative timeout silently meant none). `baseUrl`, `auth` and
 * `retry` are checked where they are read.
 */
function checkOptions(options: ClientOptions): void {
  checkNonNegative('timeout', options.timeout);
  checkNonNegative('totalTimeout', options.totalTimeout);
  checkFunction('fetch', options.fetch);
  if (options.hooks !== undefined) {
    if (typeof options.hooks !== 'object' || options.hooks === null) throw new TypeError(`hooks must be an object, got ${describe(options.hooks)}`);
    for (const [name, hook] of Object.entries(options.hooks)) checkFunction(`hooks.${name}`, hook);
  }
  if (options.signer !== undefined) checkFunction('signer.sign', (options.signer as Partial<RequestSigner> | null)?.sign ?? null);
  try {
    new Headers(options.headers);
  } catch (cause) {
    throw new TypeError(`headers must be a record of header names to ASCII values: ${(cause as Error).message}`, { cause });
  }
}

/** The types `fetch` sends as they are; anything else is a JSON or (by content type) form body. */
function isBodyInit(value: unknown): value is BodyInit {
  return (
    typeof value === 'string' ||
    value instanceof URLSearchParams ||
    value instanceof Blob ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    value instanceof ReadableStream ||
    (typeof FormData !== 'undefined' && value instanceof FormData)
  );
}

function serializeBody(body: unknown, headers: Headers): BodyInit | undefined {
  if (body === undefined) return undefined;
  if (isBodyInit(body)) return body;
  if (headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      if (value !== undefined && value !== null) form.set(name, String(value));
    }
    return form;
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return JSON.stringify(body);
}

export type { ParseAs };

/**
 * Calls to a server that is not the City Brain platform — a bureau's MapServer or GeoServer, a
 * provincial WMTS — on the client's transport (timeouts, retries, typed errors) but with none of the
 * platform's credentials: only the headers, key parameter and cookie policy given here. The OGC API
 * helpers and the map's external layers read such servers through this.
 */
import { checkNonNegative } from './check.js';
import { DEFAULT_RETRY, resolveRetryPolicy, type RetrySetting } from './retry.js';
import { createTransport, type Hooks } from './transport.js';

export interface ExternalServiceOptions {
  /** The service's base URL (a landing page, a WMS endpoint…). */
  url: string;
  fetch?: typeof globalThis.fetch;
  /** Extra headers on every request, e.g. an `Authorization` the page got from its own sign-in. */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /** Query parameters on every request, e.g. a Tianditu-style key `{ tk: '…' }` (a public, referer-bound key). */
  query?: Record<string, string>;
  /** Cookies: `same-origin` (default) sends the page's own cookies only to its own origin. */
  credentials?: RequestCredentials;
  timeout?: number;
  totalTimeout?: number;
  retry?: RetrySetting;
  hooks?: Hooks;
}

export interface ExternalGetOptions {
  /** The `Accept` header. */
  accept?: string;
  /** Read the body as text (XML capabilities, GML) or a Blob (tile images) instead of JSON. */
  parseAs?: 'json' | 'text' | 'blob';
  signal?: AbortSignal;
}

export interface ExternalService {
  /** The base URL, without a trailing slash. */
  readonly url: string;
  /** `url` (relative to the base) with `params` and the service's own query parameters added where absent. */
  resolve(url: string, params?: Record<string, string | undefined>): string;
  get<T>(url: string, options?: ExternalGetOptions): Promise<{ data: T; response: Response }>;
}

export function createExternalService(options: ExternalServiceOptions): ExternalService {
  const baseUrl = options.url.replace(/\/+$/, '');
  checkNonNegative('timeout', options.timeout);
  checkNonNegative('totalTimeout', options.totalTimeout);
  const baseFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const credentials = options.credentials ?? 'same-origin';
  const transport = createTransport({
    fetch: (input, init) => baseFetch(new Request(input, { ...init, credentials })),
    timeout: options.timeout ?? 30_000,
    totalTimeout: options.totalTimeout ?? 120_000,
    retry: resolveRetryPolicy(options.retry, DEFAULT_RETRY),
    hooks: options.hooks ?? {},
    gatewayEnvelopes: false,
    // Plain GETs with safelisted headers need no CORS preflight, which most GIS servers do not answer.
    sendRequestId: false,
  });

  const resolve = (url: string, params: Record<string, string | undefined> = {}) => {
    const target = new URL(url, `${baseUrl}/`);
    for (const [name, value] of Object.entries({ ...params, ...options.query })) {
      if (value !== undefined && !target.searchParams.has(name)) target.searchParams.set(name, value);
    }
    return target.toString();
  };

  return {
    url: baseUrl,
    resolve,
    async get<T>(url: string, { accept, parseAs = 'json', signal }: ExternalGetOptions = {}) {
      const extra = typeof options.headers === 'function' ? await options.headers() : options.headers;
      const headers = new Headers(extra);
      if (accept) headers.set('accept', accept);
      const result = await transport.send({ method: 'GET', url: resolve(url), headers, parseAs, signal });
      return { data: result.data as T, response: result.response };
    },
  };
}

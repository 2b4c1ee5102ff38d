/** Resource helpers of the common contract: tokens, the caller's identity, administrative regions. */
import type { CommonComponents as components } from '@citybrain/contract';
import type { CallOptions, CoreClient } from '../types.js';
import { headersWith } from '../headers.js';
import type { paginate, PageLimitOptions } from '../pagination.js';

export type Principal = components['schemas']['Principal'];
export type TokenResponse = components['schemas']['TokenResponse'];
type TokenRequest = components['schemas']['TokenRequest'];
export type Region = components['schemas']['Region'];
export type RegionDetail = components['schemas']['RegionDetail'];

/** Options of a helper call: everything a call accepts except what the helper decides itself. */
export type HelperOptions = Omit<CallOptions, 'parseAs'>;
/** Options of a paged helper: the call options of every page plus `maxPages`. */
export type ListOptions = HelperOptions & PageLimitOptions;

/** Splits a paged helper's options into the paging limits and the options of each page's call. */
export function pagingOf(client: CoreClient, path: string, options: ListOptions = {}): { limits: PagingLimits; call: HelperOptions } {
  const { maxPages, ...call } = options;
  return { limits: { maxPages, where: { method: 'GET', url: `${client.baseUrl}${path}` } }, call };
}
type PagingLimits = Parameters<typeof paginate>[3];

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes (`read write`); the client's own scopes when absent. */
  scope?: string;
  /**
   * How the credentials travel: HTTP Basic (RFC 6749 §2.3.1, the default) or form fields, for
   * gateways that only read the body.
   */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
}

export interface AuthResource {
  /**
   * Issues an access token with the OAuth2 client-credentials grant. Server-side only: a browser
   * must never hold a client secret. For automatic caching and renewal pass
   * `clientCredentials()` from `@citybrain/client/node` as the client's `auth` instead.
   */
  token(credentials: ClientCredentials, options?: HelperOptions): Promise<TokenResponse>;
  /** The caller's role, region scope, department and permissions (`public` without a token). */
  me(options?: HelperOptions): Promise<Principal>;
}

export interface RegionsResource {
  /** The divisions directly under `parent` (default: the district and its 镇街), or those matching `q`. */
  list(query?: { parent?: string; q?: string }, options?: HelperOptions): Promise<Region[]>;
  /** One division with its ancestors, bbox, centroid and boundary. */
  get(code: string, options?: HelperOptions): Promise<RegionDetail>;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined for Basic auth. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const pair = new TextEncoder().encode(`${encode(clientId)}:${encode(clientSecret)}`);
  return `Basic ${btoa(String.fromCharCode(...pair))}`;
}

/**
 * The headers and form body of a client-credentials token request (RFC 6749 §4.4.2), with the
 * credentials in HTTP Basic or in the form as `authMethod` says. Shared by `client.auth.token()` and
 * `clientCredentials()` from `@citybrain/client/node`.
 */
export function clientCredentialsRequest({ clientId, clientSecret, scope, authMethod = 'client_secret_basic' }: ClientCredentials): {
  headers: Record<string, string | undefined>;
  body: TokenRequest;
} {
  const viaBasic = authMethod === 'client_secret_basic';
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: viaBasic ? basicCredentials(clientId, clientSecret) : undefined,
    },
    body: viaBasic
      ? { grant_type: 'client_credentials', scope }
      : { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope },
  };
}

export function createAuthResource(client: CoreClient): AuthResource {
  return {
    async token(credentials, options = {}) {
      const { headers, body } = clientCredentialsRequest(credentials);
      const { data } = await client.POST('/auth/token', {
        ...options,
        // Issuing a token has no effect worth de-duplicating, so a key only serves to allow retries.
        idempotencyKey: options.idempotencyKey ?? true,
        headers: headersWith(options.headers, headers),
        body,
      });
      return data;
    },
    async me(options) {
      return (await client.GET('/auth/me', options)).data;
    },
  };
}

export function createRegionsResource(client: CoreClient): RegionsResource {
  return {
    async list(query = {}, options) {
      return (await client.GET('/regions', { ...options, params: { query } })).data.items;
    },
    async get(code, options) {
      return (await client.GET('/regions/{code}', { ...options, params: { path: { code } } })).data;
    },
  };
}

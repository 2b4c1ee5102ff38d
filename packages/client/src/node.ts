/**
 * `@citybrain/client/node`: the parts that hold secrets and therefore run only on a server — the
 * OAuth2 client-credentials token source and the gateway request signers. The browser entry never
 * imports this module, so neither `node:crypto` nor a secret can end up in a browser bundle.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createClient, type ClientOptions } from './client.js';
import type { TokenGrant, TokenRequestContext } from './auth.js';
import type { RequestSigner } from './transport.js';
import { clientCredentialsRequest, type TokenResponse } from './resources/common.js';

export interface ClientCredentialsOptions {
  /** The token endpoint, e.g. `http://localhost:8080/api/v1/auth/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to ask for. */
  scope?: string;
  /** HTTP Basic (default) or credentials in the form body. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Renew this many seconds before the token expires. Default 60. */
  skewSeconds?: number;
  /** Transport settings for the token requests themselves. */
  fetch?: ClientOptions['fetch'];
  timeout?: number;
  retry?: ClientOptions['retry'];
  logger?: ClientOptions['logger'];
  /** Clock, for tests. */
  now?: () => number;
}

/** A token source for the client's `auth` option (see {@link clientCredentials}). */
export interface ClientCredentialsSource {
  getToken(context?: TokenRequestContext): Promise<TokenGrant>;
  /** Forgets the cached token, e.g. after rotating the secret. */
  invalidate(): void;
}

/**
 * OAuth2 client credentials (RFC 6749 §4.4) as a token source: the token is cached until
 * `expires_in` minus a skew, fetched single-flight (concurrent callers share one request), and
 * replaced when the API rejects it.
 *
 * @example
 * const client = createClient({ baseUrl, auth: clientCredentials({ tokenUrl: `${baseUrl}/auth/token`, clientId, clientSecret }) });
 */
export function clientCredentials(options: ClientCredentialsOptions): ClientCredentialsSource {
  const now = options.now ?? Date.now;
  const skewMs = (options.skewSeconds ?? 60) * 1000;
  const tokenClient = createClient({
    baseUrl: new URL(options.tokenUrl).origin,
    fetch: options.fetch,
    timeout: options.timeout,
    retry: options.retry,
    logger: options.logger,
  });
  let cached: TokenGrant | undefined;
  let pending: Promise<TokenGrant> | undefined;

  const fresh = (grant: TokenGrant | undefined): grant is TokenGrant =>
    grant !== undefined && (grant.expiresAt === undefined || grant.expiresAt - skewMs > now());

  const requestToken = async (): Promise<TokenGrant> => {
    const { data } = await tokenClient.raw<TokenResponse>('POST', options.tokenUrl, {
      // Issuing a token has no effect worth de-duplicating; the key only lets a failed attempt be retried.
      idempotencyKey: true,
      ...clientCredentialsRequest(options),
    });
    return { token: data.access_token, expiresAt: now() + data.expires_in * 1000 };
  };

  return {
    getToken(context = { forceRefresh: false }) {
      // After a 401 the stale token is replaced, unless another caller already replaced it.
      const usable = context.forceRefresh ? fresh(cached) && cached.token !== context.staleToken : fresh(cached);
      if (usable) return Promise.resolve(cached!);
      pending ??= requestToken()
        .then((grant) => (cached = grant))
        .finally(() => (pending = undefined));
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

export interface GatewaySignerOptions {
  /** The AppKey issued by the gateway (`X-Ca-Key`). */
  key: string;
  /** The AppSecret: the HMAC key. */
  secret: string;
  /** The gateway stage (`X-Ca-Stage`: RELEASE, PRE, TEST), when the gateway routes by it. */
  stage?: string;
  /** Extra request headers to sign besides the X-Ca-* ones (X-Region-Code is always signed when sent). */
  signedHeaders?: string[];
  /** Clock and nonce source, for tests. */
  now?: () => number;
  nonce?: () => string;
}

const ALWAYS_SIGNED = ['x-ca-key', 'x-ca-nonce', 'x-ca-signature-method', 'x-ca-timestamp'];

/**
 * The string an HMAC gateway signs (domain reference §8.2, `gatewaySignature` in common.yaml):
 * `METHOD\nAccept\nContent-MD5\nContent-Type\nDate\n`, then `name:value\n` for each header named in
 * `X-Ca-Signature-Headers` (lower-case names, sorted), then the path with its query parameters
 * sorted by name, unencoded (`k=v1,v2` for a repeated name, `k` alone for an empty value).
 * Empty fields keep their `\n`.
 */
export function gatewayStringToSign(method: string, headers: Headers, url: string): string {
  const signedNames = (headers.get('x-ca-signature-headers') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)
    .sort();
  const signedLines = signedNames.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join('');
  const { pathname, searchParams } = new URL(url);
  const query = [...new Set(searchParams.keys())]
    .sort()
    .map((name) => {
      const value = searchParams.getAll(name).join(',');
      return value === '' ? name : `${name}=${value}`;
    })
    .join('&');
  const lines = [method.toUpperCase(), 'accept', 'content-md5', 'content-type', 'date'].map((name, index) =>
    index === 0 ? name : (headers.get(name) ?? ''),
  );
  return `${lines.join('\n')}\n${signedLines}${pathname}${query ? `?${query}` : ''}`;
}

/**
 * HMAC-SHA256 gateway signing (Alibaba API Gateway pattern) for the client's `signer` option. It
 * runs after authentication and every hook, on every attempt, so each retry carries a fresh
 * timestamp and nonce. JSON and other non-form bodies are covered by `Content-MD5`.
 */
export function gatewaySigner(options: GatewaySignerOptions): RequestSigner {
  const now = options.now ?? Date.now;
  const nonce = options.nonce ?? randomUUID;
  return {
    async sign(request) {
      const headers = request.headers;
      headers.set('x-ca-key', options.key);
      headers.set('x-ca-timestamp', String(now()));
      headers.set('x-ca-nonce', nonce());
      headers.set('x-ca-signature-method', 'HmacSHA256');
      if (options.stage) headers.set('x-ca-stage', options.stage);
      const contentType = headers.get('content-type') ?? '';
      if (request.body && !contentType.startsWith('application/x-www-form-urlencoded')) {
        const body = Buffer.from(await request.clone().arrayBuffer());
        headers.set('content-md5', createHash('md5').update(body).digest('base64'));
      }
      const extra = [...(options.signedHeaders ?? []), 'x-region-code', ...(options.stage ? ['x-ca-stage'] : [])]
        .map((name) => name.toLowerCase())
        .filter((name) => headers.has(name));
      headers.set('x-ca-signature-headers', [...new Set([...ALWAYS_SIGNED, ...extra])].join(','));
      const signature = createHmac('sha256', options.secret).update(gatewayStringToSign(request.method, headers, request.url), 'utf8').digest('base64');
      headers.set('x-ca-signature', signature);
    },
  };
}

export interface TifSignerOptions {
  /** The paasId issued by the 数字政府 gateway. */
  paasId: string;
  /** The paasToken: the shared secret. */
  paasToken: string;
  /** The target service id, when the gateway routes by it (`x-tif-serviceId`). */
  serviceId?: string;
  now?: () => number;
  nonce?: () => string;
}

/**
 * "TIF" header signing of the Guangdong 数字政府 gateway (粤政易, 粤省事; domain reference §8.1):
 * `x-tif-signature = sha256_hex(timestamp + paasToken + nonce + timestamp)` with the timestamp in
 * unix seconds. Like {@link gatewaySigner} it re-signs every attempt.
 */
export function tifSigner(options: TifSignerOptions): RequestSigner {
  const now = options.now ?? Date.now;
  const nonce = options.nonce ?? (() => randomUUID().replace(/-/g, ''));
  return {
    sign(request) {
      const timestamp = String(Math.floor(now() / 1000));
      const once = nonce();
      request.headers.set('x-tif-paasid', options.paasId);
      request.headers.set('x-tif-timestamp', timestamp);
      request.headers.set('x-tif-nonce', once);
      request.headers.set('x-tif-signature', createHash('sha256').update(timestamp + options.paasToken + once + timestamp).digest('hex'));
      if (options.serviceId) request.headers.set('x-tif-serviceId', options.serviceId);
    },
  };
}

/**
 * Bearer tokens for the client: a fixed token, or a supplier that is asked again when the server
 * rejects the current one. Fetching is single-flight: however many requests need a token at the
 * same moment, the supplier runs once and all of them share its answer.
 */
import { describe } from './check.js';

/** What a token supplier is told about why it is being asked. */
export interface TokenRequestContext {
  /**
   * True when the server rejected `staleToken` with 401: return a fresh token, not a cached one.
   */
  forceRefresh: boolean;
  /** The token the server rejected, when `forceRefresh` is true. */
  staleToken?: string;
}

/** A token with its expiry, so the client can renew it before the server has to refuse it. */
export interface TokenGrant {
  token: string;
  /** Epoch milliseconds after which the token must not be used. */
  expiresAt?: number;
}

export type TokenSupplier = (context: TokenRequestContext) => string | TokenGrant | Promise<string | TokenGrant>;

/**
 * `auth` option of the client:
 * - a string: a fixed bearer token (a 401 is final);
 * - a function or an object with `getToken` (such as `clientCredentials()` from `@citybrain/client/node`):
 *   asked for a token when needed, and once more with `forceRefresh` after a 401.
 */
export type AuthOption = string | TokenSupplier | { getToken: TokenSupplier };

/** Renew a token this long before its `expiresAt`, so a request never leaves with one about to lapse. */
const EXPIRY_SKEW_MS = 30_000;

export class TokenManager {
  readonly #supplier: TokenSupplier | undefined;
  #grant: TokenGrant | undefined;
  #pending: Promise<TokenGrant> | undefined;

  constructor(auth: AuthOption, private readonly now: () => number = Date.now) {
    if (typeof auth === 'string' && auth !== '') {
      this.#grant = { token: auth };
    } else if (typeof auth === 'function') {
      this.#supplier = auth;
    } else if (typeof auth === 'object' && auth !== null && typeof auth.getToken === 'function') {
      this.#supplier = (context) => auth.getToken(context);
    } else {
      throw new TypeError(`auth must be a bearer token, a token supplier function or an object with getToken(), got ${describe(auth)}`);
    }
  }

  /** Whether a rejected token can be replaced (false for a fixed token). */
  get canRefresh(): boolean {
    return this.#supplier !== undefined;
  }

  /** The token to send now: the cached one while it is valid, otherwise one fetched single-flight. */
  async current(): Promise<string> {
    const grant = this.#grant;
    if (grant && (grant.expiresAt === undefined || grant.expiresAt - EXPIRY_SKEW_MS > this.now())) return grant.token;
    return (await this.#fetch({ forceRefresh: false })).token;
  }

  /**
   * A replacement for `staleToken` after the server answered 401. If another request has already
   * replaced it (or is replacing it), that token is shared instead of asking again: N concurrent
   * 401s for one token cause exactly one refresh.
   */
  async refresh(staleToken: string): Promise<string> {
    if (this.#grant && this.#grant.token !== staleToken) return this.#grant.token;
    if (this.#pending) return (await this.#pending).token;
    // Forget the rejected token: if this refresh fails, the next call asks the supplier again
    // instead of sending a token the server already refused.
    if (this.#supplier) this.#grant = undefined;
    return (await this.#fetch({ forceRefresh: true, staleToken })).token;
  }

  #fetch(context: TokenRequestContext): Promise<TokenGrant> {
    if (this.#pending) return this.#pending;
    const supplier = this.#supplier;
    if (!supplier) return Promise.resolve(this.#grant as TokenGrant);
    // The supplier runs a microtask later, so even one that throws synchronously settles after
    // `#pending` is set and the `finally` below can clear it: a failure is shared by the calls
    // waiting on it, never cached for the calls after them.
    const pending: Promise<TokenGrant> = Promise.resolve()
      .then(() => supplier(context))
      .then((answer) => {
        const grant = typeof answer === 'string' ? { token: answer } : answer;
        if (!grant || typeof grant.token !== 'string' || grant.token === '') {
          throw new TypeError('The auth token supplier returned no token');
        }
        this.#grant = grant;
        return grant;
      })
      .finally(() => {
        if (this.#pending === pending) this.#pending = undefined;
      });
    this.#pending = pending;
    return pending;
  }
}

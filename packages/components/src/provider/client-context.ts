import { createContext, ContextConsumer, ContextEvent } from '@lit/context';
import type { ReactiveControllerHost } from 'lit';
import { createClient, type CityBrainClient, type ClientOptions, type TokenSupplier } from '@citybrain/client';
import { msg, str } from '@lit/localize';
import { ConfigurationError } from '../shared/status.js';
import { textOf } from '../shared/text.js';
import { isRegionCode } from '../shared/region-code.js';
import { warnOnceFor } from '../shared/warn-once.js';

export type { ClientOptions, TokenSupplier };

/**
 * How `cb-*` elements find their City Brain client.
 *
 * `<cb-provider>` creates one client and offers it to its descendants through
 * @lit/context (across shadow roots). An element may instead carry its own
 * `base-url` (and `token`, `region`) and then works without a provider; its own
 * `base-url` wins over a provider's, being the more specific setting.
 */

/**
 * What `<cb-provider>` shares: its client; or the `ConfigurationError` describing its
 * invalid `base-url`/`region`, so descendants show that precise message in their error
 * state; or undefined when it has no `base-url` (a provider used only for `locale` or
 * `elderly`).
 */
export type ProvidedClient = CityBrainClient | ConfigurationError | undefined;

/**
 * The context `<cb-provider>` shares its client through. Its key is registered with
 * `Symbol.for` so a provider and an element from two copies of the library still
 * find each other.
 */
export const clientContext = createContext<ProvidedClient>(Symbol.for('@citybrain/components:client'));

/** The attributes and properties an element (or the provider) configures a client with. */
export interface ClientSettings {
  /** The API root (`https://host/api/v1`; a bare origin gets `/api/v1`); relative URLs resolve against the page. */
  baseUrl?: string | null;
  /** A fixed bearer token. */
  token?: string | null;
  /** Supplies short-lived tokens; wins over `token`. */
  getToken?: TokenSupplier | null;
  /** Administrative region code (6, 9 or 12 digits) narrowing every request. */
  region?: string | null;
}

export type ClientSettingsResult =
  | { ok: true; options: ClientOptions }
  | { ok: false; error: ConfigurationError };

/**
 * One shared instance: elements reload when their client changes identity, so "no
 * client" must be the same value every time it is asked for.
 */
const missingBaseUrl = new ConfigurationError(
  'no base-url: set the base-url attribute, or place the element inside <cb-provider base-url="…">',
  () => msg('未配置服务地址：请设置 base-url 属性，或放在 <cb-provider base-url="…"> 内。', { id: 'config.base-url-missing' }),
);

/** An absolute http(s) URL, resolving relative ones against the page; undefined otherwise. */
function parseHttpUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw, document.baseURI);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Validates settings and turns them into `createClient` options. Never throws: a
 * bad value comes back as a `ConfigurationError`.
 */
export function clientOptionsFrom(settings: ClientSettings): ClientSettingsResult {
  const rawBaseUrl = textOf(settings.baseUrl)?.trim();
  if (!rawBaseUrl) return { ok: false, error: missingBaseUrl };
  const baseUrl = parseHttpUrl(rawBaseUrl);
  if (baseUrl === undefined) {
    return {
      ok: false,
      error: new ConfigurationError(`invalid base-url "${rawBaseUrl}": expected an http(s) URL`, () =>
        msg(str`服务地址无效：“${rawBaseUrl}”，应为 http(s) 地址。`, { id: 'config.base-url-invalid' }),
      ),
    };
  }
  const region = textOf(settings.region)?.trim();
  if (region && !isRegionCode(region)) {
    return {
      ok: false,
      error: new ConfigurationError(`invalid region "${region}": expected a 6, 9 or 12-digit code`, () =>
        msg(str`行政区划代码无效：“${region}”，应为 6、9 或 12 位数字。`, { id: 'config.region-invalid' }),
      ),
    };
  }
  const getToken = settings.getToken ?? undefined;
  // The client would take a string here as the token itself: say what is wrong instead.
  if (getToken !== undefined && typeof getToken !== 'function') {
    return {
      ok: false,
      error: new ConfigurationError(`invalid getToken: expected a function that returns a token, got ${typeof getToken}`, () =>
        msg(str`getToken 无效：应为返回令牌的函数，实为 ${typeof getToken}。`, { id: 'config.get-token-invalid' }),
      ),
    };
  }
  const token = textOf(settings.token)?.trim() || undefined;
  // A supplier can replace a rejected token, a fixed token cannot: the supplier wins.
  const auth = getToken ?? token;
  return {
    ok: true,
    options: {
      // Absolute, so the client does not depend on where it is later used; the client
      // itself appends /api/v1 to a bare origin and drops a trailing slash.
      baseUrl: baseUrl.href,
      ...(auth !== undefined ? { auth } : {}),
      ...(region ? { regionCode: region } : {}),
    },
  };
}

/** A client, or why the settings cannot make one. */
export type ClientResult = { ok: true; client: CityBrainClient } | { ok: false; error: ConfigurationError };

/**
 * `clientOptionsFrom`, then the client. Never throws: settings the client itself refuses (a
 * user name in the URL, a `getToken` that is not a function) come back as a `ConfigurationError`
 * with the client's own explanation, like the settings refused here.
 */
export function clientFrom(settings: ClientSettings): ClientResult {
  const result = clientOptionsFrom(settings);
  if (!result.ok) return result;
  try {
    return { ok: true, client: createClient(result.options) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: new ConfigurationError(`invalid client settings: ${reason}`, () =>
        msg(str`服务配置无效：${reason}`, { id: 'config.client-refused' }),
      ),
    };
  }
}

interface CachedClient {
  baseUrl: string | null | undefined;
  token: string | null | undefined;
  region: string | null | undefined;
  getToken: TokenSupplier | null | undefined;
  result: ClientResult;
}

const standaloneClients = new WeakMap<HTMLElement, CachedClient>();

/**
 * The client an element builds from its own `base-url`, `token`, `getToken` and
 * `region`; the same instance while those stay the same. Undefined when the element
 * has no `base-url` of its own; a `ConfigurationError` when its settings are invalid.
 */
export function standaloneClient(element: HTMLElement & ClientSettings): CityBrainClient | ConfigurationError | undefined {
  const { baseUrl, token, region, getToken } = element;
  if (!textOf(baseUrl)?.trim()) {
    // The element's own settings make one client together: without its base-url they are not
    // used, and the provider's or the page's token applies. Say so rather than send a request
    // the page meant to authenticate as an anonymous one.
    const own = (['token', 'getToken'] as const).filter((name) => element[name] != null && element[name] !== '');
    if (own.length) {
      warnOnceFor(
        element.constructor,
        `settings-without-base-url:${own.join()}`,
        `<${element.localName}> ignores its own ${own.join(', ')} because it has no base-url of its own: ` +
          'set them on <cb-provider> or with CityBrain.configure(), or give the element a base-url too.',
      );
    }
    return undefined;
  }
  let cached = standaloneClients.get(element);
  if (
    cached === undefined ||
    cached.baseUrl !== baseUrl ||
    cached.token !== token ||
    cached.region !== region ||
    cached.getToken !== getToken
  ) {
    cached = { baseUrl, token, region, getToken, result: clientFrom({ baseUrl, token, region, getToken }) };
    standaloneClients.set(element, cached);
  }
  return cached.result.ok ? cached.result.client : cached.result.error;
}

/** Asks the nearest `<cb-provider>` for its client, once (no subscription). */
export function providedClient(element: HTMLElement): ProvidedClient {
  let client: ProvidedClient;
  element.dispatchEvent(
    new ContextEvent(clientContext, element, (value) => {
      client = value;
    }),
  );
  return client;
}

/**
 * The client for an element that may be used alone: its own `base-url` first, then
 * the nearest `<cb-provider>`. Returns a `ConfigurationError` (never throws) when
 * there is neither or the settings are invalid, for the element's error state.
 * Call it at the start of each load to pick up the current client; use
 * {@link ClientController} to also re-render when a provider's client changes.
 */
export function resolveClient(element: HTMLElement & ClientSettings): CityBrainClient | ConfigurationError {
  return standaloneClient(element) ?? providedClient(element) ?? missingBaseUrl;
}

/**
 * Keeps an element's client current: subscribes to the nearest provider and asks the
 * host to update when the provider's client changes, so `willUpdate` can compare
 * `client` with the one it last loaded with and reload.
 */
export class ClientController {
  private readonly host: ReactiveControllerHost & HTMLElement & ClientSettings;
  private readonly consumer: ContextConsumer<typeof clientContext, ReactiveControllerHost & HTMLElement>;

  constructor(host: ReactiveControllerHost & HTMLElement & ClientSettings) {
    this.host = host;
    // The consumer registers itself with the host and requests an update on every new value.
    this.consumer = new ContextConsumer(host, { context: clientContext, subscribe: true });
  }

  /**
   * Same precedence as {@link resolveClient}, with the subscribed provider client.
   * Stable: the same value until a setting or the provider's client changes.
   */
  get client(): CityBrainClient | ConfigurationError {
    return standaloneClient(this.host) ?? this.consumer.value ?? missingBaseUrl;
  }
}

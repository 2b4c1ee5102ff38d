/**
 * The entry of `citybrain.js`, the classic-script bundle for pages without a build step.
 *
 * ```html
 * <script src="https://citybrain.example.gov.cn/embed/citybrain.js" defer></script>
 * <script src="/js/page.js" defer></script>   <!-- CityBrain.configure({ baseUrl, getToken }) -->
 * <cb-map-viewer layers="homestead-zones"></cb-map-viewer>
 * ```
 *
 * It registers every `cb-*` element and publishes one small global, `CityBrain`, for pages
 * that prefer configuring in JavaScript over attributes and `<cb-provider>`.
 *
 * Two choices worth knowing:
 * - **Page-wide configuration is a context provider on `<html>`.** `configure()` sets the
 *   value that `<html>` provides to every `cb-*` element through @lit/context, so the
 *   precedence stays the one elements already follow: their own `base-url` first, then the
 *   nearest `<cb-provider>`, then the page-wide configuration.
 * - **Elements are registered once the document has been parsed and its first frame is on
 *   screen** (`DOMContentLoaded`, then the first paint: `script-tag/after-first-paint.ts`), not
 *   while this script runs. A page's own script placed after this one (plain or `defer`)
 *   therefore calls `configure()` before any element starts loading, so elements never load
 *   once without credentials, warn "no base-url" and load again. Waiting for the paint keeps the
 *   elements' first renders and requests out of the page's own first contentful paint (web.dev's
 *   advice for third-party embeds; issue #19: +900 ms of Lighthouse LCP on the town page): they
 *   are not the page's main content. A hidden page, a browser without Paint Timing, or a page
 *   that paints nothing within 500 ms registers without the paint. Loaded later (`async`, or
 *   injected after the first paint), the bundle registers at once; a later `configure()` makes
 *   the elements reload with the new settings. `ready`, `load()`, `configure()` and
 *   `setLocale()` may all be called before registration.
 */
import { ContextProvider } from '@lit/context';
import type { CityBrainClient } from '@citybrain/client';
import { clientContext, clientFrom, type ProvidedClient, type TokenSupplier } from './provider/client-context.js';
import { CbProvider } from './provider/provider.js';
import { CbMapViewer } from './map-viewer/map-viewer.js';
import { CbMapLayer } from './map-layer/map-layer.js';
import { afterFirstPaint } from './script-tag/after-first-paint.js';
import { reserveElementBoxes } from './script-tag/reserved-boxes.js';
import { defineOnFirstUse, type ElementLoader, type FirstUseRegistry } from './script-tag/define-on-first-use.js';
import { setMapWorkerUrl } from './map-viewer/worker-url.js';
import { defineElement } from './shared/define-element.js';
import { getLocale, setLocale, type SupportedLocale } from './shared/localization.js';
import { textOf } from './shared/text.js';
import { warnOnce } from './shared/warn-once.js';

/** Kept equal to packages/components/package.json by the end-to-end tests. */
const VERSION = '0.1.0';

/**
 * Every element of the library, by tag name (the end-to-end tests compare the two lists with
 * the manifest). Small ones are defined at once; the provider must be, because it answers its
 * descendants' context requests, and the map viewer's element is a shell whose engine already
 * loads on demand. The large ones load from their own chunk when the first one appears.
 */
const DEFINED_AT_ONCE: ReadonlyArray<readonly [string, CustomElementConstructor]> = [
  ['cb-provider', CbProvider],
  ['cb-map-viewer', CbMapViewer],
  ['cb-map-layer', CbMapLayer],
];
const DEFINED_ON_FIRST_USE: Record<string, ElementLoader> = {
  'cb-application-form': () => import('./application-form/application-form.js').then((module) => module.CbApplicationForm),
  'cb-approval-status': () => import('./approval-status/approval-status.js').then((module) => module.CbApprovalStatus),
  'cb-data-table': () => import('./data-table/data-table.js').then((module) => module.CbDataTable),
};

/** What `CityBrain.configure()` accepts; every field is optional and merged into the previous call's. */
export interface PageConfiguration {
  /** The platform's API root, e.g. `https://citybrain.example.gov.cn/api/v1`; relative URLs resolve against the page. */
  baseUrl?: string | null;
  /**
   * Supplies short-lived tokens from the host site's own back end (never a secret in the
   * browser): called before the first request and with `{ forceRefresh: true }` after a 401;
   * may return `{ token, expiresAt }`.
   */
  getToken?: TokenSupplier | null;
  /** A fixed bearer token; `getToken` wins when both are set. */
  token?: string | null;
  /** Administrative region code (6, 9 or 12 digits) narrowing every request. */
  region?: string | null;
  /** `zh-CN` (default) or `en`; any `zh-*` / `en-*` tag is accepted. */
  locale?: string;
  /** Where maplibre-gl's worker is hosted when not beside `citybrain.js`. */
  mapWorkerUrl?: string;
}

/** The `CityBrain` global. */
export interface CityBrainGlobal {
  readonly version: string;
  /** Merges `options` into the page-wide configuration; elements pick it up at once. Never throws. */
  configure(options: PageConfiguration): void;
  /** The client built from the page-wide configuration, for page scripts that call the platform themselves. */
  readonly client: CityBrainClient | undefined;
  /**
   * Resolves once the elements are registered and every `cb-*` element in the document at that
   * moment has its code loaded. `<cb-data-table>`, `<cb-approval-status>` and `<cb-application-form>`
   * otherwise load when they near the viewport: asking for `ready` loads the ones still waiting.
   */
  readonly ready: Promise<void>;
  /**
   * Loads and defines an element now. Only needed for elements created inside another
   * component's shadow root, where the first-use observer cannot see them.
   */
  load(tagName: string): Promise<void>;
  setLocale(locale: string): Promise<SupportedLocale>;
  getLocale(): SupportedLocale;
  setMapWorkerUrl(url: string): void;
}

declare global {
  // eslint-disable-next-line no-var
  var CityBrain: CityBrainGlobal | undefined;
}

function createGlobal(): { api: CityBrainGlobal; markRegistered: (registry: FirstUseRegistry) => void } {
  // Answers the context requests of every element not inside a <cb-provider> (and without
  // its own base-url). Until configure() is called it provides nothing, which elements treat
  // exactly like having no provider.
  const pageProvider = new ContextProvider(document.documentElement, { context: clientContext, initialValue: undefined as ProvidedClient });
  const settings: Omit<PageConfiguration, 'locale' | 'mapWorkerUrl'> = {};

  function rebuild(): void {
    if (!textOf(settings.baseUrl)?.trim()) {
      pageProvider.setValue(undefined);
      return;
    }
    const result = clientFrom(settings);
    if (result.ok) {
      pageProvider.setValue(result.client);
    } else {
      // Elements show this exact message in their error state, as with a bad <cb-provider>.
      warnOnce(`configure:${result.error.message}`, `CityBrain.configure(): ${result.error.message}`);
      pageProvider.setValue(result.error);
    }
  }

  let markRegistered: (registry: FirstUseRegistry) => void = () => {};
  const registered = new Promise<FirstUseRegistry>((resolve) => (markRegistered = resolve));
  const api: CityBrainGlobal = {
    version: VERSION,
    configure(options) {
      if (options === null || typeof options !== 'object') {
        warnOnce('configure:type', 'CityBrain.configure() expects an object such as { baseUrl, getToken }.');
        return;
      }
      let clientChanged = false;
      for (const key of ['baseUrl', 'getToken', 'token', 'region'] as const) {
        if (key in options && options[key] !== settings[key]) {
          (settings as Record<string, unknown>)[key] = options[key];
          clientChanged = true;
        }
      }
      if (clientChanged) rebuild();
      if (options.locale) void setLocale(options.locale);
      if (options.mapWorkerUrl) setMapWorkerUrl(options.mapWorkerUrl);
    },
    get client() {
      const value = pageProvider.value;
      return value instanceof Error ? undefined : value;
    },
    get ready() {
      return registered.then((registry) => registry.loadFound());
    },
    load: (tagName) => registered.then((registry) => registry.load(tagName)),
    setLocale,
    getLocale,
    setMapWorkerUrl,
  };
  return { api, markRegistered: (registry) => markRegistered(registry) };
}

function defineAtOnce(): void {
  for (const [tagName, constructor] of DEFINED_AT_ONCE) defineElement(tagName, constructor);
}

/** True while the document is still being parsed, including while `defer` scripts run. */
function documentIsParsing(): boolean {
  if (document.readyState === 'loading') return true;
  // `defer` scripts run when readyState is already "interactive" but before DOMContentLoaded;
  // navigation timing tells the two apart (the event's start time stays 0 until it fires).
  const navigation = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
  return document.readyState === 'interactive' && navigation !== undefined && navigation.domContentLoadedEventStart === 0;
}

const existing = globalThis.CityBrain;
if (existing === undefined) {
  const { api, markRegistered } = createGlobal();
  globalThis.CityBrain = api;
  // The map engine is a chunk of this bundle, and its worker ships beside it: maplibre cannot find
  // the worker from inside a chunk by itself. CityBrain.configure({ mapWorkerUrl }) still overrides.
  const bundleUrl = (document.currentScript as HTMLScriptElement | null)?.src;
  if (bundleUrl) setMapWorkerUrl(new URL('maplibre-gl-worker.mjs', bundleUrl).href);
  const register = () => {
    defineAtOnce();
    markRegistered(defineOnFirstUse(DEFINED_ON_FIRST_USE));
  };
  // Defined after the first paint, the map and the table would grow from nothing in the reader's view.
  reserveElementBoxes();
  const registerAfterFirstPaint = () => afterFirstPaint(register);
  if (documentIsParsing()) document.addEventListener('DOMContentLoaded', registerAfterFirstPaint, { once: true });
  else registerAfterFirstPaint();
} else if (existing.version !== VERSION) {
  // A different version is already on the page (a CMS template and a page snippet each pasted
  // one). Its global and its elements stay; defineElement keeps the first definition of each
  // tag and warns once, so the page sees why its elements come from the other copy (the
  // elements defined on first use come from the first copy without downloading ours).
  defineAtOnce();
}
// The same version loaded twice: everything is already registered; nothing to do.

// The value formatting that the table, the timeline and the map popups all use (1.5 KB) rides in
// this entry. Otherwise it becomes a chunk of its own that each of them would fetch only after
// itself had loaded (AMD declares dependencies when it runs): a second round trip on every page.
export { formatNumber } from './shared/format.js';

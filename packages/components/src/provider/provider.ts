import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { ContextEvent, provide, type Context } from '@lit/context';
import type { CityBrainClient } from '@citybrain/client';
import { CityBrainElement } from '../shared/city-brain-element.js';
import { setLocale } from '../shared/localization.js';
import { describeError } from '../shared/status.js';
import { textOf } from '../shared/text.js';
import { clientContext, clientFrom, type ProvidedClient, type TokenSupplier } from './client-context.js';
import { providerStyles } from './provider.styles.js';

/**
 * Configures the `cb-*` elements inside it: one shared client (server URL,
 * credentials, region scope), the page-wide locale, and the elderly display mode.
 * It renders no box of its own. Elements inside with their own `base-url` use
 * their own client instead.
 *
 * ```html
 * <cb-provider base-url="https://citybrain.example.gov.cn/api/v1" region="440605">
 *   <cb-approval-status tracking-number="…"></cb-approval-status>
 * </cb-provider>
 * ```
 *
 * @summary Shares one City Brain client, the locale and the elderly mode with the elements inside it.
 * @tagname cb-provider
 * @slot - Page content; every `cb-*` element inside uses this provider's client.
 * @fires cb-error - `base-url` or `region` is invalid; `detail.message` explains it. Elements inside show the same message.
 */
export class CbProvider extends CityBrainElement {
  static override styles = providerStyles;

  /**
   * The platform's API root, e.g. `https://citybrain.example.gov.cn/api/v1` (a bare
   * origin gets `/api/v1`). Relative URLs resolve against the page.
   */
  @property({ attribute: 'base-url' }) baseUrl?: string;

  /** Bearer token sent with every request. Prefer `getToken` for short-lived tokens. */
  @property() token?: string;

  /**
   * Administrative region code (GB/T 2260, 6 digits; or 9/12-digit township and village
   * codes) narrowing every request; the token's own region remains the ceiling.
   */
  @property() region?: string;

  /**
   * Locale of every `cb-*` element on the page: `zh-CN` (default) or `en`; any `zh-*`
   * or `en-*` tag is accepted. Unsupported values warn once and are ignored.
   */
  @property() locale?: string;

  /**
   * Supplies tokens when the host page manages login (e.g. from its own session):
   * called before the first request and again with `{ forceRefresh: true }` after a
   * 401; may return `{ token, expiresAt }`. Wins over `token`.
   */
  @property({ attribute: false }) getToken?: TokenSupplier;

  @provide({ context: clientContext })
  private sharedClient: ProvidedClient;

  /** Settings the current `sharedClient` was built from, to rebuild only when they change. */
  private sharedClientSettings?: readonly unknown[];

  /** The shared client, for page scripts that call the platform directly; undefined without a valid `base-url`. */
  get client(): CityBrainClient | undefined {
    return this.sharedClient instanceof Error ? undefined : this.sharedClient;
  }

  constructor() {
    super();
    // A provider used only for `locale` or `elderly` has no client of its own. Its context
    // provider would still answer (with undefined) and stop the request, hiding any client from
    // an enclosing provider or the page-wide CityBrain.configure(): relay the request past it.
    this.addEventListener('context-request', (event) => this.relayWithoutClient(event), { capture: true });
  }

  private relayWithoutClient(event: ContextEvent<Context<unknown, unknown>>): void {
    if (event.context !== clientContext || this.sharedClient !== undefined) return;
    const root = this.getRootNode();
    const outer = this.parentElement ?? (root instanceof ShadowRoot ? root.host : null);
    if (!outer) return;
    // Relay only to a client that exists. Otherwise our own provider answers and keeps the
    // subscription, so elements update when this provider gets its base-url later.
    let outerClient: unknown;
    outer.dispatchEvent(new ContextEvent(clientContext, this, (value) => (outerClient = value), false));
    if (outerClient === undefined) return;
    event.stopImmediatePropagation();
    outer.dispatchEvent(new ContextEvent(event.context, event.contextTarget, event.callback, event.subscribe));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Create the client before the first (asynchronous) update so that elements
    // inside, which connect right after the provider, get it on their first request.
    this.syncClient();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('baseUrl') || changed.has('token') || changed.has('region') || changed.has('getToken')) {
      this.syncClient();
    }
    const locale = textOf(this.locale);
    if (changed.has('locale') && locale) void setLocale(locale);
  }

  protected override render(): TemplateResult {
    return html`<slot></slot>`;
  }

  private syncClient(): void {
    const settings = [this.baseUrl, this.token, this.region, this.getToken] as const;
    const previous = this.sharedClientSettings;
    if (previous !== undefined && settings.every((value, index) => value === previous[index])) return;
    this.sharedClientSettings = settings;

    if (!textOf(this.baseUrl)?.trim()) {
      this.sharedClient = undefined;
      return;
    }
    const result = clientFrom(this);
    if (result.ok) {
      this.sharedClient = result.client;
    } else {
      this.sharedClient = result.error;
      this.warnOnce(`config:${result.error.message}`, result.error.message);
      this.emit('cb-error', { error: result.error, message: describeError(result.error) });
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cb-provider': CbProvider;
  }
}

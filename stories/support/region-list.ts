/**
 * Story fixture, not a library element: the smallest data element built the way the
 * real ones are (ClientController + LoadController + renderLoadStatus), listing the
 * towns of a region. It lets the foundation stories show the provider and every
 * shared state before cb-data-table and friends exist.
 */
import { css, html, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import type { CityBrainClient } from '@citybrain/client';
import {
  CityBrainElement,
  ClientController,
  LoadController,
  defineElement,
  getLocale,
  loadStatusStyles,
  renderLoadStatus,
  type TokenSupplier,
} from '@citybrain/components';

type Region = Awaited<ReturnType<CityBrainClient['regions']['list']>>[number];

export class StoryRegionList extends CityBrainElement {
  static override styles = [
    CityBrainElement.styles,
    loadStatusStyles,
    css`
      :host {
        display: block;
        border: 1px solid var(--_cb-color-divider);
        border-radius: var(--_cb-radius);
        background: var(--_cb-color-surface);
        max-inline-size: 28rem;
      }
      h3 {
        margin: 0;
        padding: var(--_cb-space-m) var(--_cb-space-l);
        font-size: var(--_cb-font-size-l);
        border-block-end: 1px solid var(--_cb-color-divider);
      }
      ul {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: flex;
        justify-content: space-between;
        gap: var(--_cb-space-m);
        padding: var(--_cb-space-s) var(--_cb-space-l);
      }
      li + li {
        border-block-start: 1px solid var(--_cb-color-divider);
      }
      code {
        color: var(--_cb-color-text-muted);
        font-size: var(--_cb-font-size-s);
      }
    `,
  ];

  @property({ attribute: 'base-url' }) baseUrl?: string;
  @property() token?: string;
  @property() region?: string;
  @property({ attribute: false }) getToken?: TokenSupplier;
  /** Region whose children are listed. */
  @property() parent = '440605';
  /** Filter on name or code. */
  @property() q?: string;

  private readonly clients = new ClientController(this);
  private readonly load = new LoadController<Region[]>(this, {
    onError: (error, message) => this.emit('cb-error', { error, message }),
  });
  private loadedWith?: unknown;

  protected override willUpdate(changed: PropertyValues<this>): void {
    const client = this.clients.client;
    if (client === this.loadedWith && !changed.has('parent') && !changed.has('q')) return;
    this.loadedWith = client;
    void this.load.run(async (signal) => {
      if (client instanceof Error) throw client;
      return client.regions.list({ parent: this.parent, q: this.q || undefined }, { signal });
    });
  }

  protected override render() {
    return html`
      <h3>${getLocale() === 'en' ? 'Towns and streets' : '下辖镇街'}</h3>
      ${renderLoadStatus(this.load)}
      ${this.load.status === 'ready'
        ? html`<ul>
            ${this.load.value!.map((region) => html`<li><span>${region.name}</span><code>${region.code}</code></li>`)}
          </ul>`
        : ''}
    `;
  }
}

defineElement('story-region-list', StoryRegionList);

declare global {
  interface HTMLElementTagNameMap {
    'story-region-list': StoryRegionList;
  }
}

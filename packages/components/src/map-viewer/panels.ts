/**
 * The optional panels of `<cb-map-viewer>`: the layer list, the legend and the place search.
 * A map shows them only when its `layer-list`, `legend` or `search` attribute asks, so they load
 * from a chunk of their own then (in parallel with maplibre-gl), and a plain map never pays for
 * them. The viewer hands over what they read and do through a `PanelContext`.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { msg, str } from '@lit/localize';
import type { CityBrainClient, GisComponents, LayerCatalogue, SearchResult } from '@citybrain/client';
import { describeError } from '../shared/status.js';
import { getLocale } from '../shared/localization.js';
import { toBBox, toLngLat } from './config.js';
import type { MapEngine } from './engine.js';
import { hostState } from './host-state.js';
import { layerTitle, swatch } from './layer-labels.js';
import type { CatalogueLayer, MapViewerHost } from './types.js';
import { isRegionCode } from '../shared/region-code.js';

export { panelStyles } from './panels.styles.js';

type Category = GisComponents['schemas']['Category'];
type CategoryId = GisComponents['schemas']['CategoryId'];
export type Place = SearchResult['items'][number];
export type LayerStatus = 'loading' | 'ready' | 'error';

const SEARCH_DELAY_MS = 250;

/** What the panels read from the viewer and ask it to do. */
export interface PanelContext {
  readonly host: MapViewerHost;
  /** Prefix of the ids the panels give their elements (unique per map on the page). */
  readonly uid: string;
  zoom(): number;
  visibleIds(): ReadonlySet<string>;
  layerStatus(layerId: string): LayerStatus | undefined;
  setup(): { catalogue: LayerCatalogue } | undefined;
  drawnLayers(): CatalogueLayer[];
  setLayerVisible(layerId: string, visible: boolean): void;
  /** Layers from the district's own GIS servers (their own group). */
  externalLayers(): CatalogueLayer[];
  /** The legend image a WMS layer's server offers. */
  legendImage(layerId: string): string | undefined;
  /** The client searches go through; undefined until the map is set up. */
  searchClient(): CityBrainClient | undefined;
  /** Says `text` in the map's polite live region. */
  announce(text: string): void;
  /** The map, once set up. */
  engine(): MapEngine | undefined;
  /** Focuses the map on a region (outline, breadcrumb), like the element's `fitRegion()`. */
  fitRegion(code: string): void;
}

export class MapPanels {
  @hostState private layerListOpen = true;
  @hostState private legendOpen = true;
  @hostState private searchText = '';
  @hostState private searchResults: Place[] = [];
  @hostState private searchOpen = false;
  @hostState private searchActive = -1;
  private searchAbort: AbortController | undefined;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** The platform's categories (all ten, in order) for the layer list; until they arrive, those of the catalogue's layers. */
  @hostState private categories: Category[] = [];
  private categoriesClient: CityBrainClient | undefined;

  /** What the `@hostState` fields re-render. */
  readonly host: MapViewerHost;

  constructor(private readonly context: PanelContext) {
    this.host = context.host;
  }

  /** Asks `client` for the categories once (only maps with panels need them, so the panels ask). */
  loadCategories(client: CityBrainClient): void {
    if (this.categoriesClient === client) return;
    this.categoriesClient = client;
    client.GET('/gis/categories').then(
      ({ data }) => {
        if (this.categoriesClient === client) this.categories = data.items;
      },
      () => undefined,
    );
  }

  /** On a narrow map (a phone, a sidebar) the panels start folded so the map stays visible. */
  foldOnNarrowMaps(): void {
    if (this.host.clientWidth > 0 && this.host.clientWidth < 640) {
      this.layerListOpen = false;
      this.legendOpen = false;
    }
  }

  teardown(): void {
    this.searchAbort?.abort();
    clearTimeout(this.searchTimer);
  }

  private onSearchInput = (event: Event): void => {
    this.searchText = (event.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.runSearch(this.searchText), SEARCH_DELAY_MS);
  };

  private async runSearch(text: string): Promise<void> {
    this.searchAbort?.abort();
    const q = text.trim().slice(0, 50);
    const client = this.context.searchClient();
    if (q === '' || !client) {
      this.searchResults = [];
      this.searchOpen = false;
      return;
    }
    const abort = new AbortController();
    this.searchAbort = abort;
    try {
      const result = await client.gis.search({ q, limit: 8 }, { signal: abort.signal });
      if (abort.signal.aborted) return;
      this.searchResults = result.items;
      this.searchActive = -1;
      this.searchOpen = result.items.length > 0;
      this.context.announce(
        result.items.length > 0
          ? msg(str`找到 ${result.items.length} 个地点，用上下方向键选择。`, { id: 'map.search.count' })
          : msg(str`未找到“${q}”。`, { id: 'map.search.none' }),
      );
    } catch (error) {
      if (abort.signal.aborted || (error as { name?: string }).name === 'AbortError') return;
      this.searchResults = [];
      this.searchOpen = false;
      this.context.announce(describeError(error));
    }
  }

  private onSearchKeydown = (event: KeyboardEvent): void => {
    const count = this.searchResults.length;
    switch (event.key) {
      case 'ArrowDown':
        if (count === 0) return;
        event.preventDefault();
        this.searchOpen = true;
        this.searchActive = (this.searchActive + 1) % count;
        break;
      case 'ArrowUp':
        if (count === 0) return;
        event.preventDefault();
        this.searchOpen = true;
        this.searchActive = (this.searchActive - 1 + count) % count;
        break;
      case 'Enter': {
        event.preventDefault();
        const place = this.searchResults[this.searchActive >= 0 ? this.searchActive : 0];
        if (place && this.searchOpen) this.selectPlace(place);
        else {
          clearTimeout(this.searchTimer);
          void this.runSearch(this.searchText);
        }
        break;
      }
      case 'Escape':
        if (this.searchOpen) {
          event.preventDefault();
          event.stopPropagation();
          this.searchOpen = false;
          this.searchActive = -1;
        }
        break;
      default:
    }
  };

  private selectPlace(place: Place): void {
    this.searchOpen = false;
    this.searchActive = -1;
    this.searchText = place.label;
    this.locate(place);
  }

  /** Moves the map to a picked place: a town or village by its boundary, anything else by a marker. */
  private locate(place: Place): void {
    const engine = this.context.engine();
    if (!engine) return;
    if ((place.kind === 'town' || place.kind === 'village') && isRegionCode(place.code)) {
      engine.setMarker(undefined);
      this.context.fitRegion(place.code);
      return;
    }
    const center = toLngLat(place.center);
    const bbox = toBBox(place.bbox);
    if (bbox) engine.fitBounds(bbox, 17, true);
    else if (center) engine.flyTo(center, 16, true);
    engine.setMarker(center);
    this.context.announce(msg(str`已定位到${place.label}`, { id: 'map.region.located' }));
  }

  private categoryTitle(category: Pick<Category, 'title' | 'titleEn'>): string {
    return getLocale() === 'en' && category.titleEn ? category.titleEn : category.title;
  }

  /** The ten categories in order with their layers (categories from the API, else from the layers). */
  private categoryGroups(): { id: CategoryId | 'external'; title: string; layers: CatalogueLayer[] }[] {
    const setup = this.context.setup();
    if (!setup) return [];
    const layers = setup.catalogue.layers;
    const categories: Pick<Category, 'id' | 'title' | 'titleEn'>[] =
      this.categories.length > 0
        ? [...this.categories].sort((a, b) => a.order - b.order)
        : (setup.catalogue.groups ?? []).map((group) => group.category);
    const known = new Set(categories.map((category) => category.id));
    const groups: { id: CategoryId | 'external'; title: string; layers: CatalogueLayer[] }[] = categories.map((category) => ({
      id: category.id,
      title: this.categoryTitle(category),
      layers: layers.filter((layer) => layer.category === category.id),
    }));
    const orphans = layers.filter((layer) => !known.has(layer.category));
    if (orphans.length > 0) {
      groups.push({ id: 'basemap', title: msg('其他', { id: 'map.layers.other' }), layers: orphans });
    }
    const external = this.context.externalLayers();
    if (external.length > 0) groups.push({ id: 'external', title: msg('外部图层', { id: 'map.layers.external' }), layers: external });
    return groups;
  }

  renderSearch(): TemplateResult {
    const listId = `${this.context.uid}-search-results`;
    const inputId = `${this.context.uid}-search-input`;
    const active = this.searchOpen && this.searchActive >= 0 ? `${this.context.uid}-place-${this.searchActive}` : undefined;
    return html`<form part="search" class="search" role="search" @submit=${(event: Event) => event.preventDefault()}>
      <label class="visually-hidden" for=${inputId}>${msg('搜索地点', { id: 'map.search.label' })}</label>
      <input
        id=${inputId}
        part="search-input"
        class="search__input"
        type="search"
        role="combobox"
        autocomplete="off"
        maxlength="50"
        aria-autocomplete="list"
        aria-expanded=${String(this.searchOpen)}
        aria-controls=${listId}
        aria-activedescendant=${active ?? nothing}
        placeholder=${msg('搜索村居、区划代码或宗地号', { id: 'map.search.placeholder' })}
        .value=${live(this.searchText)}
        @input=${this.onSearchInput}
        @keydown=${this.onSearchKeydown}
        @blur=${() => setTimeout(() => (this.searchOpen = false), 150)}
      />
      <ul id=${listId} part="search-results" class="search__results" role="listbox" aria-label=${msg('搜索结果', { id: 'map.search.results' })} ?hidden=${!this.searchOpen}>
        ${this.searchResults.map(
          (place, index) => html`<li
            id="${this.context.uid}-place-${index}"
            role="option"
            class="search__option ${index === this.searchActive ? 'search__option--active' : ''}"
            aria-selected=${String(index === this.searchActive)}
            @mousedown=${(event: Event) => event.preventDefault()}
            @click=${() => this.selectPlace(place)}
          >
            <span class="search__name">${place.label}</span>
            <span class="search__context">${placeKindLabel(place.kind)}${place.context ? ` · ${place.context}` : ''}</span>
          </li>`,
        )}
      </ul>
    </form>`;
  }

  renderLayerList(): TemplateResult {
    const zoom = this.context.zoom();
    return this.panel(
      { part: 'layer-list', name: 'layers', title: msg('图层', { id: 'map.layers.title' }), open: this.layerListOpen },
      () => (this.layerListOpen = !this.layerListOpen),
      html`${this.categoryGroups().map(
          (group) => html`<details class="category" ?open=${group.layers.some((layer) => this.context.visibleIds().has(layer.id))}>
            <summary>${group.title} <span class="category__count">${group.layers.length}</span></summary>
            ${group.layers.length === 0
              ? html`<p class="category__empty">${msg('暂无可查看的图层', { id: 'map.layers.empty' })}</p>`
              : html`<ul class="layers">
                  ${group.layers.map((layer) => {
                    const checked = this.context.visibleIds().has(layer.id);
                    const status = this.context.layerStatus(layer.id);
                    const item = layer.legend.items[0];
                    return html`<li class="layer">
                      <label class="layer__label">
                        <input type="checkbox" .checked=${live(checked)} @change=${(event: Event) => this.context.setLayerVisible(layer.id, (event.target as HTMLInputElement).checked)} />
                        ${item ? swatch(item.color) : nothing}
                        <span class="layer__title">${layerTitle(layer, layer.id)}</span>
                      </label>
                      ${(layer.category as string) === 'external'
                        ? nothing
                        : html`<span class="badge badge--${layer.access}">${layer.access === 'internal' ? msg('内部', { id: 'map.access.internal' }) : msg('公开', { id: 'map.access.public' })}</span>`}
                      ${status === 'loading' ? html`<span class="layer__state">${msg('加载中', { id: 'map.layers.loading' })}</span>` : nothing}
                      ${status === 'error' ? html`<span class="layer__state layer__state--error">${msg('加载失败', { id: 'map.layers.failed' })}</span>` : nothing}
                      ${checked && status !== 'error' && zoom < layer.minzoom
                        ? html`<span class="layer__state">${msg('放大后显示', { id: 'map.layers.zoom-in' })}</span>`
                        : nothing}
                    </li>`;
                  })}
                </ul>`}
          </details>`,
      )}`,
    );
  }

  renderLegend(): TemplateResult {
    const drawn = this.context.drawnLayers().reverse();
    const en = getLocale() === 'en';
    return this.panel(
      { part: 'legend', name: 'legend', title: msg('图例', { id: 'map.legend.title' }), open: this.legendOpen },
      () => (this.legendOpen = !this.legendOpen),
      html`${drawn.length === 0 ? html`<p class="category__empty">${msg('未显示专题图层', { id: 'map.legend.empty' })}</p>` : nothing}
        ${drawn.map(
          (layer) => html`<div class="legend__layer">
            <h3 class="legend__title">${layerTitle(layer, layer.id)}</h3>
            ${this.context.legendImage(layer.id)
              ? html`<img class="legend__image" src=${this.context.legendImage(layer.id)!} alt=${msg(str`${layerTitle(layer, layer.id)}的图例`, { id: 'map.legend.image-alt' })} />`
              : html`<ul class="legend__items">
                  ${layer.legend.items.map((item) => html`<li>${swatch(item.color)}<span>${en && item.labelEn ? item.labelEn : item.label}</span></li>`)}
                </ul>`}
          </div>`,
      )}`,
    );
  }

  /** A foldable panel: a heading whose button shows and hides the body (`name` makes its ids and class). */
  private panel(
    { part, name, title, open }: { part: string; name: string; title: string; open: boolean },
    toggle: () => void,
    body: TemplateResult,
  ): TemplateResult {
    const bodyId = `${this.context.uid}-${name}`;
    return html`<section part=${part} class="panel panel--${name}" aria-labelledby="${bodyId}-title">
      <h2 class="panel__title" id="${bodyId}-title">
        <button type="button" class="panel__toggle" aria-expanded=${String(open)} aria-controls=${bodyId} @click=${toggle}>${title}</button>
      </h2>
      <div id=${bodyId} class="panel__body" ?hidden=${!open}>${body}</div>
    </section>`;
  }
}

function placeKindLabel(kind: Place['kind']): string {
  switch (kind) {
    case 'town':
      return msg('镇街', { id: 'map.place.town' });
    case 'village':
      return msg('村居', { id: 'map.place.village' });
    case 'parcel':
      return msg('宗地', { id: 'map.place.parcel' });
    case 'park':
      return msg('村级工业园', { id: 'map.place.park' });
    case 'river':
      return msg('河流', { id: 'map.place.river' });
    case 'road':
      return msg('道路', { id: 'map.place.road' });
    case 'service-point':
      return msg('服务设施', { id: 'map.place.service-point' });
    default:
      return String(kind);
  }
}

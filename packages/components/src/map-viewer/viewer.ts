/**
 * The implementation of `<cb-map-viewer>`, loaded (with the map engine) only when an element
 * connects: state, the maplibre map, catalogue layers, controls, popups, search and zone checks.
 * The element class itself (map-viewer.ts) holds the public attributes and delegates here, so a
 * page without a map downloads only that shell.
 */
import { html, nothing, svg, type CSSResult, type PropertyValues, type ReactiveController, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type {
  CityBrainClient,
  GisComponents,
  LayerCatalogue,
  RegionDetail,
  TileJson,
} from '@citybrain/client';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { ConfigurationError, LoadController, describeError, renderLoadStatus } from '../shared/status.js';
import { standaloneClient, type ClientSettings } from '../provider/client-context.js';
import { attributionText, blankBasemap, offlineBasemap, urlBasemap, type Basemap } from './basemaps.js';
import {
  MAX_ZOOM,
  parseBasemap,
  parseBasemapCrs,
  parseCenter,
  parseLayerIds,
  parseMode,
  parseZoom,
  safeColor,
  toBBox,
  toLngLat,
  type BasemapChoice,
} from './config.js';
import { MapEngine, loadDatumConverter, loadMaplibre, maplibreStyleSheet, needsConversion } from './engine.js';
import { layerCatalogue, layerStyle, layerTileJson, requestLayerInputs, untilAborted } from './catalogue-request.js';
import { handOverTiles } from './platform-tiles.js';
import { hostState } from './host-state.js';
import { mapViewerStyles } from './viewer.styles.js';
import { layerTitle } from './layer-labels.js';
import type { ClickContext } from './click-queries.js';
import type { ExternalLayers } from './external-layers.js';
import { specFromElement, type ExternalLayerSpec } from '../map-layer/spec.js';
import type { LayerStatus, MapPanels, PanelContext } from './panels.js';
import { metresPerPixel, scaleBar } from './scale.js';
import type { BasemapCrs, BBoxTuple, CatalogueLayer, LngLatTuple, MapMode, MapView, MapViewerHost } from './types.js';
import { isRegionCode } from '../shared/region-code.js';

type ClickQueries = typeof import('./click-queries.js');

let clickQueriesModule: Promise<ClickQueries> | undefined;
/** Identify, zone check and their popups, fetched with the first click. */
function loadClickQueries(): Promise<ClickQueries> {
  clickQueriesModule ??= import('./click-queries.js');
  // A failed download (offline) may succeed on the next click.
  clickQueriesModule.catch(() => (clickQueriesModule = undefined));
  return clickQueriesModule;
}

/** Nanhai district, when neither the page nor the basemap says where to look. */
const DEFAULT_CENTER: LngLatTuple = [113.06, 23.03];
const DEFAULT_ZOOM = 10;
/** Converted (GeoJSON) layers load at most this many features per view. */
const MAX_CONVERTED_FEATURES = 5000;
const FONT_FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

interface ViewerConfig {
  layerIds: string[];
  center: LngLatTuple | undefined;
  zoom: number | undefined;
  basemap: BasemapChoice;
  basemapCrs: BasemapCrs;
  mode: MapMode;
  region: string | undefined;
}

interface OverlayInputs {
  tileJson: TileJson | undefined;
  fragment: GisComponents['schemas']['MapLibreStyle'] | undefined;
}

interface Setup {
  client: CityBrainClient;
  catalogue: LayerCatalogue;
  basemap: Basemap;
  engine: MapEngine;
}


/** Attributes that need a new map (basemap, client) when they change. */
const RELOADING_PROPERTIES = ['basemap', 'basemapCrs', 'tiandituKey', 'tiandituUrl', 'reviewNo', 'baseUrl', 'token', 'getToken', 'client', 'externalLayers'] as const;
/** External layers stack above the platform's own (their order among themselves is the page's). */
const EXTERNAL_ORDER = 2000;

let instanceCounter = 0;

/** The element's own styles beyond its shell, adopted when this module loads. */
export const viewerStyles: CSSResult = mapViewerStyles;

/** Everything `<cb-map-viewer>` does, for one element. */
export class MapViewerController implements ReactiveController {
  constructor(private readonly host: MapViewerHost) {
    this.adopt(viewerStyles);
    host.addController(this);
  }

  @hostState private layerStatus = new Map<string, LayerStatus>();
  @hostState private view: MapView | undefined;
  @hostState private regionDetail: RegionDetail | undefined;
  @hostState private announcement = '';
  @hostState private notices: string[] = [];
  @hostState private fullscreen = false;
  @hostState private pseudoFullscreen = false;
  @hostState private visibleIds = new Set<string>();

  private get mapContainer(): HTMLElement | null {
    return this.host.renderRoot.querySelector('.map');
  }

  private get scaleBarElement(): HTMLElement | null {
    return this.host.renderRoot.querySelector('.scale__bar');
  }

  private readonly uid = `cbmv${++instanceCounter}`;
  private readonly setup = new LoadController<Setup>(this.host, {
    isEmpty: () => false,
    onError: (error, message) => this.host.emit('cb-error', { error, message }),
  });
  private engine: MapEngine | undefined;
  private config: ViewerConfig | undefined;
  private setupClient: CityBrainClient | ConfigurationError | undefined;
  private needsSetup = true;
  private layersById = new Map<string, CatalogueLayer>();
  /** Catalogue layer id → its place in the catalogue (stacking order). */
  private catalogueOrder = new Map<string, number>();
  private fieldDescriptions = new Map<string, Record<string, string>>();
  private overlayLoads = new Map<string, Promise<void>>();
  private overlayAbort: AbortController | undefined;
  private clickAbort: AbortController | undefined;
  private regionAbort: AbortController | undefined;
  /** The region part (outline, breadcrumb), once a region was shown. */
  private region: typeof import('./region.js') | undefined;
  /** The next map "click" comes from the Enter key (focus then moves into the popup and back). */
  private fromKeyboard = false;
  private popupFromKeyboard = false;
  private focusedRegion: string | undefined;
  /** The layer list, legend and search, once their module has loaded (only when asked for). */
  private panels: MapPanels | undefined;
  /** Layers from the district's own GIS servers, once their module has loaded (only maps that have them). */
  private external: ExternalLayers | undefined;
  /** `<cb-map-layer>` children come and go, or change: the map is set up again with them. */
  private readonly childLayers = new MutationObserver((records) => {
    const touched = (node: Node) => node instanceof Element && node.localName === 'cb-map-layer';
    if (records.some((record) => touched(record.target) || [...record.addedNodes, ...record.removedNodes].some(touched))) {
      this.needsSetup = true;
      this.host.requestUpdate();
    }
  });
  private panelsLoad: Promise<void> | undefined;

  /** What `standaloneClient` reads: this element's own settings, but never its `region` (the map's focus, not a data scope). */
  private readonly ownClientSettings = (() => {
    const host = this.host;
    return {
      get baseUrl() {
        return host.baseUrl;
      },
      get token() {
        return host.token;
      },
      get getToken() {
        return host.getToken;
      },
      region: undefined,
    };
  })();

  // ---- public API ----------------------------------------------------------------------

  /** The maplibre-gl `Map`, once created (an escape hatch: changes you make are yours to keep consistent). */
  getMap(): MapLibreMap | undefined {
    return this.engine?.map;
  }

  /** Ids of the catalogue layers currently drawn, bottom to top. */
  get visibleLayers(): string[] {
    return this.engine?.visibleOverlayIds() ?? [...this.visibleIds];
  }

  /**
   * Moves the camera: `flyTo([113.04, 23.13], 15)`, or `flyTo({ bbox: [w, s, e, n] })`.
   * Invalid input warns once and is ignored.
   */
  flyTo(target: LngLatTuple | { center?: LngLatTuple; zoom?: number; bbox?: BBoxTuple }, zoom?: number): void {
    const options = Array.isArray(target) ? { center: target, zoom } : (target ?? {});
    const bbox = options.bbox === undefined ? undefined : toBBox(options.bbox);
    const center = options.center === undefined ? undefined : toLngLat(options.center);
    const parsedZoom = parseZoom(options.zoom);
    if ((options.bbox !== undefined && !bbox) || (options.center !== undefined && !center) || !parsedZoom.ok) {
      this.host.warnOnce('flyTo', `flyTo(): expected [lon, lat], zoom 0–20 or { bbox }`);
      return;
    }
    const engine = this.engine;
    if (!engine) return;
    if (bbox) engine.fitBounds(bbox, parsedZoom.value ?? 17, true);
    else if (center) engine.flyTo(center, parsedZoom.value, true);
    else if (parsedZoom.value !== undefined) engine.flyTo(engine.view().center, parsedZoom.value, true);
  }

  /**
   * Fits the map to a district, town or village (6, 9 or 12 digits) and outlines it.
   * Resolves when the boundary is drawn; a bad code warns once and resolves.
   */
  async fitRegion(code: string): Promise<void> {
    if (!isRegionCode(code)) {
      this.host.warnOnce(`fitRegion:${code}`, `fitRegion(): invalid region code "${code}"`);
      return;
    }
    this.focusedRegion = code;
    await this.applyRegion(code, true);
  }

  /** Shows or hides a catalogue layer (loading it on first use). Unknown ids warn once. */
  setLayerVisible(layerId: string, visible: boolean): void {
    if (this.layersById.size > 0 && !this.layersById.has(layerId)) {
      this.host.warnOnce(`layer:${layerId}`, `setLayerVisible(): no layer "${layerId}" in the catalogue`);
      return;
    }
    const next = new Set(this.visibleIds);
    if (visible) next.add(layerId);
    else next.delete(layerId);
    this.visibleIds = next;
    void this.syncOverlays();
  }

  // ---- lifecycle -----------------------------------------------------------------------

  hostConnected(): void {
    document.addEventListener('fullscreenchange', this.onFullscreenChange);
    this.childLayers.observe(this.host, { childList: true, subtree: true, attributes: true });
    this.needsSetup = true;
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    document.removeEventListener('fullscreenchange', this.onFullscreenChange);
    this.childLayers.disconnect();
    this.teardown();
  }

  private teardown(): void {
    this.overlayAbort?.abort();
    this.clickAbort?.abort();
    this.regionAbort?.abort();
    this.panels?.teardown();
    this.engine?.destroy();
    this.engine = undefined;
    this.external = undefined;
    this.overlayLoads.clear();
    this.needsSetup = true;
  }

  willUpdate(changed: PropertyValues<MapViewerHost>): void {
    if (changed.has('search') || changed.has('layerList') || changed.has('legend')) void this.loadPanels();
    const configChanged = ['layers', 'center', 'zoom', 'basemap', 'basemapCrs', 'mode', 'region', 'tiandituKey', 'tiandituUrl'].some((key) =>
      changed.has(key as keyof MapViewerHost),
    );
    const client = this.resolveClient();
    const reload =
      this.needsSetup ||
      !sameClient(client, this.setupClient) ||
      RELOADING_PROPERTIES.some((key) => changed.has(key as keyof MapViewerHost)) ||
      (configChanged && this.setup.status === 'error');
    if (!reload && !configChanged && !changed.has('cooperativeGestures')) return;

    const parsed = this.readConfig();
    if (!parsed.ok) {
      this.config = undefined;
      this.setupClient = client;
      this.needsSetup = false;
      this.teardownForError();
      const error = parsed.error;
      void this.setup.run(async () => {
        throw error;
      });
      return;
    }
    const previous = this.config;
    this.config = parsed.config;
    if (reload || previous === undefined) {
      this.needsSetup = false;
      this.setupClient = client;
      this.visibleIds = new Set(parsed.config.layerIds);
      this.focusedRegion = parsed.config.region;
      void this.startSetup(parsed.config, client);
      return;
    }
    // The map exists: apply what changed in place.
    const config = parsed.config;
    if (changed.has('layers')) {
      this.visibleIds = new Set(config.layerIds);
      this.warnUnknownLayers();
      void this.syncOverlays();
    }
    if ((changed.has('center') || changed.has('zoom')) && this.engine && (config.center || config.zoom !== undefined)) {
      this.engine.flyTo(config.center ?? this.engine.view().center, config.zoom, true);
    }
    if (changed.has('region')) {
      this.focusedRegion = config.region;
      void this.applyRegion(config.region, true);
    }
    if (changed.has('mode')) {
      this.engine?.closePopup();
      this.engine?.setMarker(undefined);
    }
    if (changed.has('cooperativeGestures')) this.engine?.setCooperativeGestures(this.host.cooperativeGestures);
  }

  updated(): void {
    const bar = this.scaleBarElement;
    if (bar && this.view) {
      // CSSOM, not a style attribute: allowed under a strict CSP.
      bar.style.inlineSize = `${scaleBar(this.view.center[1], this.view.zoom).width}px`;
    }
    this.engine?.describeCanvas(this.mapLabel(), `${this.uid}-keys`);
  }

  // ---- parts loaded on demand --------------------------------------------------------

  private adopt(styles: CSSResult): void {
    const root = this.host.renderRoot as ShadowRoot;
    const sheet = styles.styleSheet;
    if (sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }

  private async clickQueries(): Promise<ClickQueries> {
    const queries = await loadClickQueries();
    this.adopt(queries.popupStyles);
    return queries;
  }

  /**
   * Loads the panels' module once the element asks for a panel. Setup waits for it, so a map
   * appears with its panels; if it cannot load, the map still works without them.
   */
  private loadPanels(): Promise<void> {
    if (!(this.host.search || this.host.layerList || this.host.legend)) return Promise.resolve();
    this.panelsLoad ??= import('./panels.js').then(
      ({ MapPanels, panelStyles }) => {
        this.adopt(panelStyles);
        this.panels = new MapPanels(this.panelContext());
        this.host.requestUpdate();
      },
      (error: unknown) => {
        this.panelsLoad = undefined;
        this.host.warnOnce('panels', `the layer list, legend and search could not be loaded: ${describeError(error)}`);
      },
    );
    return this.panelsLoad;
  }

  private panelContext(): PanelContext {
    return {
      host: this.host,
      uid: this.uid,
      zoom: () => this.view?.zoom ?? DEFAULT_ZOOM,
      visibleIds: () => this.visibleIds,
      layerStatus: (layerId) => this.layerStatus.get(layerId),
      setup: () => this.setup.value,
      drawnLayers: () => this.drawnLayers(),
      setLayerVisible: (layerId, visible) => this.setLayerVisible(layerId, visible),
      searchClient: () => this.ready()?.client,
      externalLayers: () => this.external?.layers() ?? [],
      legendImage: (layerId) => this.external?.legendImage(layerId),
      announce: (text) => (this.announcement = text),
      engine: () => this.engine,
      fitRegion: (code) => void this.fitRegion(code),
    };
  }

  // ---- configuration and setup ---------------------------------------------------------

  private resolveClient(): CityBrainClient | ConfigurationError {
    if (this.host.client) return this.host.client;
    if (this.host.baseUrl?.trim()) {
      return standaloneClient(this.ownClientSettings as unknown as HTMLElement & ClientSettings) as CityBrainClient | ConfigurationError;
    }
    return this.host.clients.client;
  }

  private invalid(key: string, message: string): { ok: false; error: ConfigurationError } {
    this.host.warnOnce(key, message);
    return { ok: false, error: new ConfigurationError(message) };
  }

  private readConfig(): { ok: true; config: ViewerConfig } | { ok: false; error: ConfigurationError } {
    const layers = parseLayerIds(this.host.layers);
    if (!layers.ok) {
      return this.invalid(
        `layers:${this.host.layers}`,
        msg(str`layers 属性无效：“${layers.value}”不是图层编号（应为小写字母、数字和连字符，以逗号分隔）。`, { id: 'map.config.layers-invalid' }),
      );
    }
    const center = parseCenter(this.host.center);
    if (!center.ok) {
      return this.invalid(
        `center:${this.host.center}`,
        msg(str`center 属性无效：“${center.value}”，应为“经度,纬度”，如 113.06,23.03。`, { id: 'map.config.center-invalid' }),
      );
    }
    const zoom = parseZoom(this.host.zoom);
    if (!zoom.ok) {
      return this.invalid(
        `zoom:${this.host.zoom}`,
        msg(str`zoom 属性无效：“${zoom.value}”，应为 0 到 20 之间的数字。`, { id: 'map.config.zoom-invalid' }),
      );
    }
    const basemap = parseBasemap(this.host.basemap);
    if (!basemap.ok) {
      return this.invalid(
        `basemap:${this.host.basemap}`,
        msg(str`basemap 属性无效：“${basemap.value}”，应为 offline、tianditu-vec、tianditu-img、imagery、imagery:影像编号、none 或样式地址。`, { id: 'map.config.basemap-invalid' }),
      );
    }
    const basemapCrs = parseBasemapCrs(this.host.basemapCrs);
    if (!basemapCrs.ok) {
      return this.invalid(
        `basemap-crs:${this.host.basemapCrs}`,
        msg(str`basemap-crs 属性无效：“${basemapCrs.value}”，应为 wgs84、cgcs2000 或 gcj02。`, { id: 'map.config.basemap-crs-invalid' }),
      );
    }
    const mode = parseMode(this.host.mode);
    if (!mode.ok) {
      return this.invalid(
        `mode:${this.host.mode}`,
        msg(str`mode 属性无效：“${mode.value}”，应为 identify、zone-check 或 none。`, { id: 'map.config.mode-invalid' }),
      );
    }
    const region = this.host.region?.trim() || undefined;
    if (region !== undefined && !isRegionCode(region)) {
      return this.invalid(
        `region:${region}`,
        msg(str`行政区划代码无效：“${region}”，应为 6、9 或 12 位数字。`, { id: 'config.region-invalid' }),
      );
    }
    return {
      ok: true,
      config: {
        layerIds: layers.value,
        center: center.value,
        zoom: zoom.value,
        basemap: basemap.value,
        basemapCrs: basemapCrs.value,
        mode: mode.value,
        region,
      },
    };
  }

  /** An invalid configuration shows only its error: the map (if any) goes away. */
  private teardownForError(): void {
    this.overlayAbort?.abort();
    this.engine?.destroy();
    this.engine = undefined;
    this.overlayLoads.clear();
  }

  private async startSetup(config: ViewerConfig, client: CityBrainClient | ConfigurationError): Promise<void> {
    // Start downloading maplibre now, in parallel with the catalogue.
    void loadMaplibre().catch(() => undefined);
    await this.setup.run((signal) => this.runSetup(config, client, signal));
    const setup = this.setup.value;
    if (this.setup.status === 'ready' && setup && setup.engine === this.engine) await this.afterSetup(setup);
  }

  private async loadBasemap(config: ViewerConfig, client: CityBrainClient, signal: AbortSignal): Promise<Basemap> {
    const choice = config.basemap;
    const reviewNo = this.host.reviewNo?.trim() || undefined;
    switch (choice.kind) {
      case 'offline': {
        const { data } = await client.GET('/gis/basemap/style.json', { signal });
        return offlineBasemap(data as never, reviewNo);
      }
      case 'none':
        return blankBasemap();
      case 'tianditu': {
        const proxy = this.host.tiandituUrl?.trim();
        const key = this.host.tiandituKey?.trim() || undefined;
        // Checked with the 天地图 code, so that maps without it do not carry the checks.
        const { tiandituBasemap, tiandituSettingsProblem } = await import('./tianditu.js');
        const problem = tiandituSettingsProblem(key, proxy);
        if (problem) throw this.invalid(problem.key, problem.message).error;
        return tiandituBasemap({
          variant: choice.variant,
          key,
          ...(proxy ? { baseUrl: proxy } : {}),
          reviewNo,
          attribution: msg('天地图（国家地理信息公共服务平台）', { id: 'map.attribution.tianditu' }),
        });
      }
      case 'imagery': {
        const { imageryBasemap } = await import('./imagery.js');
        return imageryBasemap(client, choice.id, reviewNo, signal);
      }
      case 'url':
        return urlBasemap(choice.url, config.basemapCrs, reviewNo);
    }
  }

  private async runSetup(config: ViewerConfig, resolved: CityBrainClient | ConfigurationError, signal: AbortSignal): Promise<Setup> {
    if (resolved instanceof Error) throw resolved;
    const client = resolved;
    this.overlayAbort?.abort();
    this.overlayAbort = new AbortController();
    // The map does not wait for the catalogue: both load side by side, and so do the visible layers'
    // TileJSON and styles (asked for already by the shell when it started the map, unless this is a reload).
    const catalogueLoad = layerCatalogue(client, signal);
    catalogueLoad.catch(() => undefined);
    const basemapLoad = this.loadBasemap(config, client, signal);
    requestLayerInputs(client, this.visibleIds);
    const [, , basemap, platformTiles] = await Promise.all([loadMaplibre(), this.loadPanels(), basemapLoad, handOverTiles(client)]);
    this.panels?.loadCategories(client);
    await this.host.updateComplete;
    // maplibre's own rules go first, so that the element's styles (popups) win over them.
    const root = this.host.renderRoot as ShadowRoot;
    const sheet = maplibreStyleSheet();
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [sheet, ...root.adoptedStyleSheets];
    const container = this.mapContainer;
    if (signal.aborted || !container || !this.host.isConnected) {
      platformTiles?.stop();
      throw new DOMException('Superseded', 'AbortError');
    }

    // A reload keeps the camera where the user left it.
    const previousView = this.engine?.view();
    this.engine?.destroy();
    this.engine = undefined;
    this.external = undefined;
    this.overlayLoads.clear();
    const style = typeof basemap.style === 'object' ? basemap.style : undefined;
    const styleCenter = toLngLat(style?.center);
    let engine: MapEngine;
    try {
      engine = await MapEngine.create({
        container,
        basemap,
        center: config.center ?? previousView?.center ?? styleCenter ?? DEFAULT_CENTER,
        zoom: config.zoom ?? previousView?.zoom ?? (typeof style?.zoom === 'number' ? style.zoom : DEFAULT_ZOOM),
        cooperativeGestures: this.host.cooperativeGestures,
        preserveDrawingBuffer: this.host.preserveDrawingBuffer,
        locale: this.maplibreLocale(),
        fontFamily: FONT_FAMILY,
        client: () => client,
        platformTiles,
        transformRequest: (url) => this.external?.transformRequest(url),
        callbacks: {
          click: (lngLat) => this.onMapClick(lngLat),
          viewChange: (view) => this.onViewChange(view),
          error: (error, key) => this.onEngineError(error, key),
          loadFeatures: (layer, bbox, featureSignal) =>
            this.external?.owns(layer.id) ? this.external.features(layer.id, bbox, featureSignal) : this.loadConvertedFeatures(client, layer, bbox, featureSignal),
        },
      });
    } catch (error) {
      platformTiles?.stop();
      if (/webgl/i.test(String((error as Error | undefined)?.message ?? error))) {
        throw new ConfigurationError(msg('此浏览器无法显示地图（不支持 WebGL）。请换用新版浏览器。', { id: 'map.error.webgl' }));
      }
      throw error;
    }
    if (signal.aborted) {
      engine.destroy();
      throw new DOMException('Superseded', 'AbortError');
    }
    this.engine = engine;
    engine.setHighlightColor(this.highlightColor());
    engine.describeCanvas(this.mapLabel(), `${this.uid}-keys`);
    let setup: Setup;
    try {
      const catalogue = await catalogueLoad;
      setup = { client, catalogue, basemap, engine };
      this.useCatalogue(catalogue);
      // The visible layers' sources join maplibre's style as soon as it is parsed (`style.load`),
      // not after its first complete render: their tiles load with the basemap's.
      void this.syncOverlays(setup);
      await engine.loaded;
    } catch (error) {
      engine.destroy();
      if (this.engine === engine) this.engine = undefined;
      throw error;
    }
    if (signal.aborted) throw new DOMException('Superseded', 'AbortError');
    return setup;
  }

  private useCatalogue(catalogue: LayerCatalogue): void {
    this.layersById = new Map(catalogue.layers.map((layer) => [layer.id, layer]));
    this.catalogueOrder = new Map(catalogue.layers.map((layer, index) => [layer.id, index]));
  }

  private async afterSetup(setup: Setup): Promise<void> {
    this.panels?.foldOnNarrowMaps();
    this.notices = [];
    this.view = setup.engine.view();
    this.warnUnknownLayers();
    const config = this.config;
    const jobs: Promise<unknown>[] = [this.syncOverlays(), this.loadExternalLayers(setup)];
    if (this.focusedRegion) jobs.push(this.applyRegion(this.focusedRegion, false, config?.center !== undefined || config?.zoom !== undefined));
    await Promise.all(jobs);
    if (this.engine !== setup.engine) return;
    await setup.engine.idle();
    if (this.engine !== setup.engine) return;
    this.host.emit('cb-ready', { ...setup.engine.view(), layers: setup.engine.visibleOverlayIds() });
  }

  /** The page's external layers: the `externalLayers` property, then the `<cb-map-layer>` children. */
  private externalSpecs(): ExternalLayerSpec[] {
    const children = [...this.host.querySelectorAll('cb-map-layer')].flatMap((element) => {
      const spec = specFromElement(element);
      if (!spec) this.host.warnOnce(`map-layer:${element.outerHTML.slice(0, 120)}`, `<cb-map-layer> needs a type (wms, ogc-features) and a url; it is not drawn.`);
      return spec ? [spec] : [];
    });
    return [...(this.host.externalLayers ?? []), ...children];
  }

  private async loadExternalLayers(setup: Setup): Promise<void> {
    const specs = this.externalSpecs();
    const signal = this.overlayAbort?.signal;
    if (specs.length === 0 || !signal) return;
    const { ExternalLayers } = await import('./external-layers.js');
    if (this.engine !== setup.engine) return;
    const external = new ExternalLayers({
      warnOnce: (key, message) => this.host.warnOnce(key, message),
      metresPerPixel: () => (this.view ? metresPerPixel(this.view.center[1], this.view.zoom) : 10),
      maplibre: setup.engine.maplibre,
      platformToken: () => setup.client.bearerToken(),
    });
    this.external = external;
    let ids: string[];
    try {
      ids = await external.load(specs, signal, (layer, error) => {
        this.layersById.set(layer.id, layer);
        this.setLayerStatus(layer.id, 'error');
        this.reportLayerError(layer, error);
      });
    } catch {
      return;
    }
    if (this.engine !== setup.engine) return;
    const visible = new Set(this.visibleIds);
    for (const [index, id] of ids.entries()) {
      const entry = external.entry(id)!;
      this.layersById.set(id, entry.layer);
      if (entry.visible) visible.add(id);
      setup.engine.addOverlay(entry.layer, entry.build, EXTERNAL_ORDER + index, entry.visible);
      this.setLayerStatus(id, 'ready');
    }
    this.visibleIds = visible;
  }

  private warnUnknownLayers(): void {
    if (this.layersById.size === 0) return;
    const unknown = [...this.visibleIds].filter((id) => !this.layersById.has(id) && !this.external?.owns(id));
    if (unknown.length === 0) {
      this.notices = [];
      return;
    }
    this.host.warnOnce(`unknown-layers:${unknown.join(',')}`, `layers: the catalogue has no layer ${unknown.map((id) => `"${id}"`).join(', ')} (or this caller may not see it).`);
    this.notices = [msg(str`目录中没有这些图层，或无权查看：${unknown.join('、')}`, { id: 'map.notice.unknown-layers' })];
  }

  // ---- overlays ------------------------------------------------------------------------

  private ready(): Setup | undefined {
    const setup = this.setup.value;
    return this.setup.status === 'ready' && setup && setup.engine === this.engine ? setup : undefined;
  }

  /** Order of a layer in the stack: catalogue order (basemap and boundaries first, so below). */
  private orderOf(layerId: string): number {
    const external = this.external?.layers().findIndex((layer) => layer.id === layerId) ?? -1;
    if (external >= 0) return EXTERNAL_ORDER + external;
    const index = this.catalogueOrder.get(layerId) ?? -1;
    // Boundaries are drawn above thematic layers so that outlines stay visible.
    const layer = this.layersById.get(layerId);
    return (layer?.category === 'boundaries' ? 1000 : 0) + index;
  }

  private async syncOverlays(setup = this.ready()): Promise<void> {
    if (!setup) return;
    const { engine } = setup;
    const jobs: Promise<void>[] = [];
    for (const id of this.visibleIds) {
      const layer = this.layersById.get(id);
      if (!layer) continue;
      // External layers are added once their server answered (loadExternalLayers).
      if (this.external?.owns(id) && !engine.hasOverlay(id)) continue;
      if (engine.hasOverlay(id)) engine.setOverlayVisible(id, true);
      else jobs.push(this.loadOverlay(setup, layer));
    }
    for (const id of engine.visibleOverlayIds()) if (!this.visibleIds.has(id)) engine.setOverlayVisible(id, false);
    if (jobs.length === 0) this.host.requestUpdate();
    await Promise.all(jobs);
  }

  private setLayerStatus(layerId: string, status: LayerStatus | undefined): void {
    const next = new Map(this.layerStatus);
    if (status === undefined) next.delete(layerId);
    else next.set(layerId, status);
    this.layerStatus = next;
  }

  private loadOverlay(setup: Setup, layer: CatalogueLayer): Promise<void> {
    const pending = this.overlayLoads.get(layer.id);
    if (pending) return pending;
    const job = (async () => {
      this.setLayerStatus(layer.id, 'loading');
      try {
        const { client, engine } = setup;
        const { tileJson, fragment } = await this.overlayInputs(client, setup.basemap, layer);
        if (this.engine !== engine) return;
        if (tileJson) {
          const source = tileJson.vector_layers.find((vectorLayer) => vectorLayer.id === layer.sourceLayer);
          if (source) this.fieldDescriptions.set(layer.id, source.fields);
        }
        const build = engine.build(layer, fragment, tileJson ? { kind: 'tiles', tileJson } : { kind: 'geojson' });
        engine.addOverlay(layer, build, this.orderOf(layer.id), this.visibleIds.has(layer.id));
        this.setLayerStatus(layer.id, 'ready');
      } catch (error) {
        this.overlayLoads.delete(layer.id);
        if ((error as { name?: string }).name === 'AbortError') {
          this.setLayerStatus(layer.id, undefined);
          return;
        }
        this.setLayerStatus(layer.id, 'error');
        this.reportLayerError(layer, error);
      }
    })();
    this.overlayLoads.set(layer.id, job);
    return job;
  }

  /**
   * What drawing a catalogue layer needs — its TileJSON (none for layers converted in the browser) and
   * its style fragment (legend colours when it has none or it fails), shared with the element's shell,
   * which asks for the visible layers' beside the catalogue when it starts the map (catalogue-request.ts).
   */
  private async overlayInputs(client: CityBrainClient, basemap: Basemap, layer: CatalogueLayer): Promise<OverlayInputs> {
    const signal = this.overlayAbort?.signal;
    const converted = needsConversion(layer.coordSys, basemap.crs);
    const styled = layer.links.some((link) => link.rel === 'stylesheet');
    const [tileJson, fragment] = await Promise.all([
      converted ? undefined : untilAborted(layerTileJson(client, layer.id), signal),
      styled
        ? untilAborted(layerStyle(client, layer.id), signal).catch((error: unknown) => {
            if ((error as { name?: string }).name === 'AbortError') throw error;
            this.host.warnOnce(`style:${layer.id}`, `the style of layer "${layer.id}" could not be loaded (${String(error)}); drawing it from its legend.`);
            return undefined;
          })
        : undefined,
      converted && loadDatumConverter(),
    ]);
    return { tileJson, fragment };
  }

  private async loadConvertedFeatures(
    client: CityBrainClient,
    layer: CatalogueLayer,
    bbox: BBoxTuple,
    signal: AbortSignal,
  ): Promise<GeoJSON.FeatureCollection> {
    const features: GeoJSON.Feature[] = [];
    const bboxParam = bbox.map((value) => value.toFixed(6)).join(',');
    for await (const page of client.gis.items(layer.id, { bbox: bboxParam, limit: 1000 }, { signal }).pages()) {
      features.push(...(page.features as GeoJSON.Feature[]));
      if (features.length >= MAX_CONVERTED_FEATURES) {
        this.host.warnOnce(
          `truncated:${layer.id}`,
          `layer "${layer.id}" is in another datum than the basemap and is converted in the browser; only ${MAX_CONVERTED_FEATURES} features per view are drawn. Zoom in, or use a basemap in the layer's datum.`,
        );
        break;
      }
    }
    return { type: 'FeatureCollection', features };
  }

  private reportLayerError(layer: CatalogueLayer, error: unknown): void {
    const message = msg(str`图层“${layerTitle(layer, layer.id)}”加载失败：${describeError(error)}`, { id: 'map.error.layer' });
    this.host.warnOnce(`layer-error:${layer.id}`, `layer "${layer.id}" could not be loaded: ${String(error)}`);
    this.host.emit('cb-error', { error, message });
  }

  private onEngineError(error: unknown, key: string): void {
    const layerId = /^cb-src-([a-z0-9-]+):/.exec(key)?.[1];
    const layer = layerId ? this.layersById.get(layerId) : undefined;
    if (layer) {
      this.setLayerStatus(layer.id, 'error');
      this.reportLayerError(layer, error);
      return;
    }
    this.host.warnOnce(`map-error:${key}`, `map: ${redactKeys(String((error as Error | undefined)?.message ?? error))}`);
    this.host.emit('cb-error', { error, message: describeError(error) });
  }

  // ---- region --------------------------------------------------------------------------

  private async applyRegion(code: string | undefined, animate: boolean, keepCamera = false): Promise<void> {
    this.regionAbort?.abort();
    const setup = this.ready();
    if (!setup) return;
    if (code === undefined) {
      this.regionDetail = undefined;
      setup.engine.setRegion(undefined);
      return;
    }
    const abort = new AbortController();
    this.regionAbort = abort;
    try {
      const [region, detail] = await Promise.all([import('./region.js'), setup.client.regions.get(code, { signal: abort.signal })]);
      if (abort.signal.aborted || this.engine !== setup.engine) return;
      this.adopt(region.regionStyles);
      this.region = region;
      this.regionDetail = detail;
      region.showRegion(setup.engine, detail, animate, keepCamera);
      this.announcement = msg(str`已定位到${detail.name}`, { id: 'map.region.located' });
    } catch (error) {
      if (abort.signal.aborted || (error as { name?: string }).name === 'AbortError') return;
      this.host.warnOnce(`region-error:${code}`, `region "${code}" could not be loaded: ${String(error)}`);
      const message = msg(str`无法定位行政区划 ${code}：${describeError(error)}`, { id: 'map.error.region' });
      this.notices = [...this.notices, message];
      this.host.emit('cb-error', { error, message });
    }
  }

  // ---- clicks: identify and zone check -------------------------------------------------

  private onMapClick(lngLat: LngLatTuple): void {
    this.popupFromKeyboard = this.fromKeyboard;
    this.fromKeyboard = false;
    const mode = this.config?.mode ?? 'identify';
    const setup = this.ready();
    if (mode === 'none' || !setup) return;
    this.clickAbort?.abort();
    const abort = new AbortController();
    this.clickAbort = abort;
    const { engine, client } = setup;
    const context: ClickContext = {
      host: this.host,
      uid: this.uid,
      engine,
      client,
      layersById: this.layersById,
      signal: abort.signal,
      zoneCheck: mode === 'zone-check',
      fromKeyboard: this.popupFromKeyboard,
      sameMap: () => this.engine === engine,
      current: () => !abort.signal.aborted && this.engine === engine,
      fieldDescriptions: (layerId) => this.fieldDescriptions.get(layerId),
      announce: (text) => (this.announcement = text),
      isExternal: (layerId) => this.external?.owns(layerId) ?? false,
      identifyExternal: (at, visibleIds) =>
        this.external?.identify(at, visibleIds, (layerIds) => engine.renderedFeaturesAt(at, layerIds), abort.signal) ?? Promise.resolve([]),
    };
    void this.clickQueries().then(
      (queries) => (mode === 'zone-check' ? queries.zoneCheckAt(context, lngLat) : queries.identifyAt(context, lngLat)),
      (error: unknown) => {
        if (context.current()) this.announcement = describeError(error);
      },
    );
  }

  // ---- view, controls ------------------------------------------------------------------

  private onViewChange(view: MapView): void {
    this.view = view;
    this.host.emit('cb-view-change', view);
  }

  private zoomIn = (): void => this.engine?.zoomBy(1);
  private zoomOut = (): void => this.engine?.zoomBy(-1);

  private resetView = (): void => {
    const engine = this.engine;
    if (!engine) return;
    if (this.focusedRegion) {
      void this.applyRegion(this.focusedRegion, true);
      return;
    }
    const setup = this.setup.value;
    const style = setup && typeof setup.basemap.style === 'object' ? setup.basemap.style : undefined;
    engine.flyTo(
      this.config?.center ?? toLngLat(style?.center) ?? DEFAULT_CENTER,
      this.config?.zoom ?? (typeof style?.zoom === 'number' ? style.zoom : DEFAULT_ZOOM),
      true,
    );
  };

  private toggleFullscreen = (): void => {
    if (this.pseudoFullscreen) {
      this.pseudoFullscreen = false;
      return;
    }
    if (this.isFullscreenElement()) {
      void document.exitFullscreen?.();
      return;
    }
    // Fullscreen of the host element itself: it works from inside shadow roots (unlike
    // maplibre's FullscreenControl there). Where the API is refused (an iframe without
    // allowfullscreen, iPhone Safari), the frame covers the viewport instead.
    const request = this.host.requestFullscreen?.bind(this.host);
    if (!request) {
      this.pseudoFullscreen = true;
      return;
    }
    request().catch(() => {
      this.pseudoFullscreen = true;
    });
  };

  private isFullscreenElement(): boolean {
    const root = this.host.getRootNode() as Document | ShadowRoot;
    return document.fullscreenElement === this.host || root.fullscreenElement === this.host;
  }

  private onFullscreenChange = (): void => {
    this.fullscreen = this.isFullscreenElement();
    requestAnimationFrame(() => this.engine?.resize());
  };

  private onFrameKeydown = (event: KeyboardEvent): void => {
    const engine = this.engine;
    if (event.key === 'Escape') {
      if (engine?.popupOpen) {
        engine.closePopup();
        event.stopPropagation();
      } else if (this.pseudoFullscreen) {
        this.pseudoFullscreen = false;
        event.stopPropagation();
      }
      return;
    }
    // Keyboard users identify (or check) what is at the centre of the map with Enter.
    if ((event.key === 'Enter' || event.key === ' ') && engine && event.composedPath().includes(engine.map.getCanvas())) {
      event.preventDefault();
      const { center } = engine.view();
      this.fromKeyboard = true;
      engine.setMarker(center);
      this.onMapClick(center);
    }
  };

  // ---- search --------------------------------------------------------------------------

  // ---- rendering -----------------------------------------------------------------------

  private mapLabel(): string {
    return this.host.label?.trim() || msg('地图', { id: 'map.label' });
  }

  private maplibreLocale(): Record<string, string> {
    return {
      'Map.Title': this.mapLabel(),
      'Popup.Close': msg('关闭', { id: 'map.popup.close' }),
      'Marker.Title': msg('标记', { id: 'map.marker' }),
      'CooperativeGesturesHandler.WindowsHelpText': msg('按住 Ctrl 键并滚动鼠标滚轮以缩放地图', { id: 'map.gesture.windows' }),
      'CooperativeGesturesHandler.MacHelpText': msg('按住 ⌘ 键并滚动以缩放地图', { id: 'map.gesture.mac' }),
      'CooperativeGesturesHandler.MobileHelpText': msg('请用双指移动地图', { id: 'map.gesture.mobile' }),
    };
  }

  private highlightColor(): string {
    return safeColor(getComputedStyle(this.host).getPropertyValue('--_cb-color-primary').trim(), '#1a5fb4');
  }

  private drawnLayers(): CatalogueLayer[] {
    return [...this.visibleIds]
      .map((id) => this.layersById.get(id))
      .filter((layer): layer is CatalogueLayer => layer !== undefined && this.layerStatus.get(layer.id) !== 'error')
      .sort((a, b) => this.orderOf(a.id) - this.orderOf(b.id));
  }

  render(): TemplateResult {
    const status = this.setup.status;
    const ready = status === 'ready';
    return html`
      <div
        part="frame"
        class="frame ${this.pseudoFullscreen ? 'frame--pseudo-fullscreen' : ''} mode--${this.config?.mode ?? 'identify'}"
        @keydown=${this.onFrameKeydown}
      >
        <div part="map" class="map"></div>
        <p id="${this.uid}-keys" class="visually-hidden">
          ${msg('地图可用键盘操作：方向键平移，加号、减号键缩放，回车键查询地图中心位置，Esc 键关闭弹窗。', { id: 'map.keyboard-hint' })}
          ${this.config?.mode === 'zone-check'
            ? msg('点击地图上的位置，查询该处是否可建宅基地。', { id: 'map.zone.hint' })
            : nothing}
        </p>
        ${ready ? this.renderOverlayUi() : nothing}
        <div class="load-state load-state--${status}">
          ${renderLoadStatus(this.setup, { loading: msg('正在加载地图…', { id: 'map.loading' }) })}
        </div>
        <p class="visually-hidden" role="status" aria-live="polite">${this.announcement}</p>
      </div>
    `;
  }

  private renderOverlayUi(): TemplateResult {
    return html`
      <div class="ui ui--top-left">
        ${this.host.search ? (this.panels?.renderSearch() ?? nothing) : nothing} ${this.regionDetail && this.region ? this.region.breadcrumb(this.regionDetail, (code) => void this.fitRegion(code)) : nothing}
        ${this.notices.map((notice) => html`<p class="notice" role="alert">${notice}</p>`)}
        ${this.config?.mode === 'zone-check'
          ? html`<p class="mode-hint">${msg('管控分区查询：点击地图上的位置', { id: 'map.zone.mode-label' })}</p>`
          : nothing}
      </div>
      <div class="ui ui--top-right">
        ${this.host.layerList ? (this.panels?.renderLayerList() ?? nothing) : nothing}
        ${this.host.legend ? (this.panels?.renderLegend() ?? nothing) : nothing}
      </div>
      <div class="ui ui--right">${this.renderControls()}</div>
      <div class="ui ui--bottom-left">${this.renderScale()} ${this.renderAttribution()}</div>
    `;
  }

  private renderControls(): TemplateResult {
    const zoom = this.view?.zoom ?? DEFAULT_ZOOM;
    const fullscreen = this.fullscreen || this.pseudoFullscreen;
    const button = (label: string, onClick: () => void, icon: TemplateResult, extra: { disabled?: boolean; pressed?: boolean } = {}) =>
      html`<button
        part="control-button"
        class="control"
        type="button"
        title=${label}
        aria-label=${label}
        aria-pressed=${extra.pressed === undefined ? nothing : String(extra.pressed)}
        ?disabled=${extra.disabled ?? false}
        @click=${onClick}
      >
        ${icon}
      </button>`;
    return html`<div part="controls" class="controls" role="group" aria-label=${msg('地图控件', { id: 'map.controls' })}>
      ${button(msg('放大', { id: 'map.zoom-in' }), this.zoomIn, icon('M12 5v14M5 12h14'), { disabled: zoom >= MAX_ZOOM })}
      ${button(msg('缩小', { id: 'map.zoom-out' }), this.zoomOut, icon('M5 12h14'), { disabled: zoom <= 0 })}
      ${button(msg('复位', { id: 'map.reset' }), this.resetView, icon('M4 11l8-7 8 7M6 10v9h12v-9'))}
      ${button(
        fullscreen ? msg('退出全屏', { id: 'map.fullscreen-exit' }) : msg('全屏', { id: 'map.fullscreen' }),
        this.toggleFullscreen,
        fullscreen ? icon('M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5') : icon('M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5'),
        { pressed: fullscreen },
      )}
    </div>`;
  }

  private renderScale(): TemplateResult | typeof nothing {
    if (!this.view) return nothing;
    const { metres } = scaleBar(this.view.center[1], this.view.zoom);
    if (metres <= 0) return nothing;
    const text =
      metres >= 1000
        ? msg(str`${metres / 1000} 公里`, { id: 'map.scale.km' })
        : msg(str`${metres} 米`, { id: 'map.scale.m' });
    return html`<div part="scale" class="scale" role="img" aria-label=${msg(str`比例尺 ${text}`, { id: 'map.scale.label' })}>
      <span class="scale__bar"></span><span class="scale__text" aria-hidden="true">${text}</span>
    </div>`;
  }

  private renderAttribution(): TemplateResult {
    const setup = this.setup.value;
    const drawn = this.drawnLayers();
    const basemap = setup?.basemap;
    const reviewNos = unique([basemap?.reviewNo, ...drawn.map((layer) => layer.reviewNo ?? undefined)]);
    const styleAttributions = typeof basemap?.style === 'string' ? (this.engine?.styleAttributions() ?? []).map(attributionText) : [];
    const sources = unique([basemap?.attribution, ...styleAttributions, ...drawn.map((layer) => layer.attribution)]);
    const internal = drawn.some((layer) => layer.access === 'internal');
    return html`<p part="attribution" class="attribution">
      ${reviewNos.length > 0
        ? html`<span class="attribution__review">${msg(str`审图号：${reviewNos.join('、')}`, { id: 'map.review-no' })}</span>`
        : nothing}
      ${internal
        ? html`<span class="attribution__internal">${this.host.internalNotice?.trim() || msg('内部用图，注意保密', { id: 'map.internal-notice' })}</span>`
        : nothing}
      ${sources.map((source) => html`<span class="attribution__source">${source}</span>`)}
    </p>`;
  }


}

/** Tile URLs in error messages may carry a site key (天地图 `tk`): never print it. */
function redactKeys(text: string): string {
  return text.replace(/([?&](?:tk|key|token|access_token|ak)=)[^&\s]+/gi, '$1[redacted]');
}

/** Whether two resolved clients are the same (two configuration errors are, when they say the same). */
function sameClient(a: CityBrainClient | ConfigurationError | undefined, b: CityBrainClient | ConfigurationError | undefined): boolean {
  if (a instanceof ConfigurationError && b instanceof ConfigurationError) return a.message === b.message;
  return a === b;
}

function icon(path: string): TemplateResult {
  return html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${svg`<path d=${path}></path>`}</svg>`;
}

function unique(values: (string | undefined | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value.trim() !== '').map((value) => value.trim()))];
}

/**
 * The part of `<cb-map-viewer>` that drives maplibre-gl. This module (with maplibre-gl, its
 * stylesheet and gcoord) is imported only when a map element connects, so pages without a
 * map never download any of it; maplibre-gl itself is reached through a dynamic `import()`
 * only (the script-tag bundle keeps it as a separate file beside itself).
 */
import type {
  FeatureIdentifier,
  GeoJSONSource,
  LayerSpecification,
  Map as MapLibreMap,
  MapGeoJSONFeature,
  MapLayerMouseEvent,
  Popup,
  StyleSpecification,
} from 'maplibre-gl';
import type { CityBrainClient } from '@citybrain/client';
import { LABEL_LAYER_FLAG, type Basemap } from './basemaps.js';
import { convertBBox, convertGeoJson, convertPoint, loadDatumConverter, needsConversion } from './coords.js';
import { buildOverlay, firstLabelLayerId, type OverlayBuild, type OverlayDelivery, type StyleFragment } from './overlays.js';
import type { BBoxTuple, CatalogueLayer, LngLatTuple, MapView } from './types.js';
import { startMapWorkers } from './worker-url.js';
import type { PlatformTiles } from './platform-tiles.js';

export { buildOverlay, loadDatumConverter, needsConversion, type OverlayBuild, type OverlayDelivery, type StyleFragment };

type Maplibre = typeof import('maplibre-gl');

/** Tile requests of internal layers carry this scheme and go through the element's client. */
const PROTOCOL = 'citybrain';

const tileClients = new Map<string, () => CityBrainClient | undefined>();
let maplibrePromise: Promise<Maplibre> | undefined;

function registerTileProtocol(maplibre: Maplibre): void {
  maplibre.addProtocol(PROTOCOL, async (params, abortController) => {
    const rest = params.url.slice(PROTOCOL.length + 3);
    const slash = rest.indexOf('/');
    const client = tileClients.get(rest.slice(0, slash))?.();
    if (client === undefined) throw new Error('cb-map-viewer: the map that requested this tile is gone');
    const { data, response } = await client.raw<ArrayBuffer | undefined>('GET', rest.slice(slash + 1), {
      parseAs: 'arrayBuffer',
      signal: abortController.signal,
    });
    return {
      data: data ?? new ArrayBuffer(0),
      cacheControl: response.headers.get('cache-control') ?? undefined,
      expires: response.headers.get('expires') ?? undefined,
    };
  });
}

/**
 * maplibre-gl, imported once, with the tile protocol and the page's worker URL applied, and its
 * stylesheet filled in. The stylesheet is maplibre's, so it travels with the engine in a chunk of
 * its own rather than in the wrapper's code.
 */
export function loadMaplibre(): Promise<Maplibre> {
  maplibrePromise ??= Promise.all([import('maplibre-gl'), import('./maplibre-css.js')]).then(([maplibre, { maplibreCss }]) => {
    maplibreStyleSheet().replaceSync(maplibreCss);
    registerTileProtocol(maplibre);
    startMapWorkers(maplibre);
    return maplibre;
  });
  // A failed download (offline, CSP) may succeed on a retry.
  maplibrePromise.catch(() => {
    maplibrePromise = undefined;
  });
  return maplibrePromise;
}

let styleSheet: CSSStyleSheet | undefined;

/** maplibre's stylesheet (the parts we use) as a constructable sheet for shadow roots; filled by `loadMaplibre()`. */
export function maplibreStyleSheet(): CSSStyleSheet {
  styleSheet ??= new CSSStyleSheet();
  return styleSheet;
}

export interface EngineCallbacks {
  /** A click on the map, in WGS84. */
  click(lngLat: LngLatTuple): void;
  /** The camera stopped moving. */
  viewChange(view: MapView): void;
  /** A style, source or tile failed; `key` identifies the failing thing for deduplication. */
  error(error: unknown, key: string): void;
  /** Features of a layer drawn from converted GeoJSON, for a WGS84 bbox (the layer's datum). */
  loadFeatures(layer: CatalogueLayer, bbox: BBoxTuple, signal: AbortSignal): Promise<GeoJSON.FeatureCollection>;
}

export interface EngineOptions {
  container: HTMLElement;
  basemap: Basemap;
  center: LngLatTuple;
  zoom: number;
  cooperativeGestures: boolean;
  preserveDrawingBuffer: boolean;
  /** maplibre's own UI strings (canvas label, popup close button, gesture hints). */
  locale: Record<string, string>;
  /** CSS font family for CJK labels drawn locally (styles without glyphs). */
  fontFamily: string;
  /** Resolves the client that tiles of internal layers are fetched with when they cannot be handed over. */
  client: () => CityBrainClient | undefined;
  /** Tiles of internal layers fetched by maplibre's worker with the client's headers, when the client allows it. */
  platformTiles: PlatformTiles | undefined;
  /** Headers, cookie policy or a rewritten URL for requests maplibre makes itself (external layers' tiles). */
  transformRequest?: (url: string) => { url: string; headers?: Record<string, string>; credentials?: 'same-origin' | 'include' } | undefined;
  callbacks: EngineCallbacks;
}

interface OverlayEntry {
  layer: CatalogueLayer;
  build: OverlayBuild;
  visible: boolean;
  /** Stacking order: higher draws above. */
  order: number;
  /** Converted GeoJSON layers: the load in flight. */
  abort?: AbortController;
  /** Its style layers: the build's, and its highlight from the first hover or selection on. */
  layers: LayerSpecification[];
}

const REGION_SOURCE = 'cb-region';
const MARKER_SOURCE = 'cb-marker';
const REGION_LAYERS = ['cb-region-mask', 'cb-region-line'];
const MARKER_LAYERS = ['cb-marker-halo', 'cb-marker-dot'];
const DEFAULT_HIGHLIGHT = '#1a5fb4';

let viewerCounter = 0;

export class MapEngine {
  readonly map: MapLibreMap;
  readonly maplibre: Maplibre;
  /** Resolves when the style has loaded; rejects when it cannot (a bad style URL). */
  readonly loaded: Promise<void>;

  private basemap: Basemap;
  private readonly id = `m${++viewerCounter}`;
  private readonly callbacks: EngineCallbacks;
  private readonly overlays = new Map<string, OverlayEntry>();
  /** The region's veil and outline, in the basemap's datum. */
  private region: GeoJSON.FeatureCollection | undefined;
  private marker: LngLatTuple | undefined;
  private popup: Popup | undefined;
  private hovered: FeatureIdentifier | undefined;
  private selected: FeatureIdentifier[] = [];
  private styleLoaded = false;
  private destroyed = false;
  private highlightColor = DEFAULT_HIGHLIGHT;
  private readonly reportedErrors = new Set<string>();
  private readonly platformTiles: PlatformTiles | undefined;

  static async create(options: EngineOptions): Promise<MapEngine> {
    const [maplibre] = await Promise.all([loadMaplibre(), options.basemap.crs === 'wgs84' ? undefined : loadDatumConverter()]);
    return new MapEngine(maplibre, options);
  }

  private constructor(maplibre: Maplibre, options: EngineOptions) {
    this.maplibre = maplibre;
    this.basemap = options.basemap;
    this.callbacks = options.callbacks;
    this.platformTiles = options.platformTiles;
    tileClients.set(this.id, options.client);
    const center = convertPoint(options.center, 'wgs84', this.basemap.crs);
    this.map = new maplibre.Map({
      container: options.container,
      style: options.basemap.style,
      center,
      zoom: options.zoom,
      maxZoom: 20,
      attributionControl: false,
      localIdeographFontFamily: options.fontFamily,
      cooperativeGestures: options.cooperativeGestures,
      locale: options.locale,
      transformRequest: (url: string) => options.transformRequest?.(url) ?? this.platformTiles?.transform(url) ?? { url },
      // A district map reads north-up: no rotation or pitch gestures.
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      maxPitch: 0,
      ...(options.preserveDrawingBuffer
        ? { canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false } }
        : {}),
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.keyboard.disableRotation();

    this.loaded = new Promise<void>((resolve, reject) => {
      const onError = (event: { error?: unknown }) => {
        if (this.styleLoaded) return;
        this.map.off('style.load', onLoad);
        reject(event.error ?? new Error('The basemap style could not be loaded'));
      };
      const onLoad = () => {
        this.map.off('error', onError);
        resolve();
      };
      this.map.once('style.load', onLoad);
      this.map.once('error', onError);
    });
    // Never an unhandled rejection: the element awaits `loaded` when it needs to.
    this.loaded.catch(() => undefined);

    this.map.on('style.load', () => {
      this.styleLoaded = true;
      this.applyAll();
    });
    this.map.on('error', (event) => this.onMapError(event as { error?: unknown; sourceId?: string }));
    this.map.on('click', (event) => this.callbacks.click(this.toWgs84([event.lngLat.lng, event.lngLat.lat])));
    this.map.on('moveend', () => {
      this.callbacks.viewChange(this.view());
      this.refreshConvertedOverlays();
    });
    this.map.on('mousemove', (event) => this.onHover(event as MapLayerMouseEvent));
    this.map.on('mouseout', () => this.setHovered(undefined));
  }

  /** The camera in WGS84. */
  view(): MapView {
    const center = this.map.getCenter();
    const bounds = this.map.getBounds();
    const [west, south] = this.toWgs84([bounds.getWest(), bounds.getSouth()]);
    const [east, north] = this.toWgs84([bounds.getEast(), bounds.getNorth()]);
    const round = (value: number) => Math.round(value * 1e6) / 1e6;
    return {
      center: this.toWgs84([center.lng, center.lat]).map(round) as LngLatTuple,
      zoom: Math.round(this.map.getZoom() * 100) / 100,
      bbox: [round(west), round(south), round(east), round(north)],
    };
  }

  get crs(): Basemap['crs'] {
    return this.basemap.crs;
  }

  /** Attribution texts of the style's own sources (for URL basemaps). */
  styleAttributions(): unknown[] {
    const style = this.styleLoaded ? this.map.getStyle() : undefined;
    return Object.values(style?.sources ?? {}).map((source) => (source as { attribution?: unknown }).attribution);
  }

  /** Resolves after the next frame in which nothing is loading or moving. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      if (this.destroyed) return resolve();
      this.map.once('idle', () => resolve());
      this.map.triggerRepaint();
    });
  }

  setHighlightColor(color: string): void {
    this.highlightColor = color;
  }

  // ---- overlays ------------------------------------------------------------------------

  /** A tile URL that makes maplibre fetch through the client (internal layers whose requests cannot be handed over). */
  protocolUrl = (url: string): string => `${PROTOCOL}://${this.id}/${url}`;

  private internalTileUrl = (url: string): string => (this.platformTiles?.covers(url) ? url : this.protocolUrl(url));

  build(layer: CatalogueLayer, fragment: StyleFragment | undefined, delivery: OverlayDelivery): OverlayBuild {
    return buildOverlay({
      layer,
      fragment,
      delivery,
      tileUrl: layer.access === 'internal' ? this.internalTileUrl : (url) => url,
      highlightColor: this.highlightColor,
    });
  }

  hasOverlay(layerId: string): boolean {
    return this.overlays.has(layerId);
  }

  /** Adds a built overlay at `order` in the stack (higher above), shown or hidden. */
  addOverlay(layer: CatalogueLayer, build: OverlayBuild, order: number, visible: boolean): void {
    if (this.destroyed || this.overlays.has(layer.id)) return;
    const entry: OverlayEntry = { layer, build, order, visible, layers: build.layers };
    this.overlays.set(layer.id, entry);
    if (this.styleLoaded) this.addToStyle(entry);
    if (visible && build.source.type === 'geojson') this.refreshConverted(entry);
  }

  setOverlayVisible(layerId: string, visible: boolean): void {
    const entry = this.overlays.get(layerId);
    if (!entry || entry.visible === visible) return;
    entry.visible = visible;
    if (this.styleLoaded) {
      for (const styleLayer of entry.layers) {
        if (this.map.getLayer(styleLayer.id)) this.map.setLayoutProperty(styleLayer.id, 'visibility', visible ? 'visible' : 'none');
      }
    }
    if (visible && entry.build.source.type === 'geojson') this.refreshConverted(entry);
    if (!visible) entry.abort?.abort();
  }

  /** Ids of the overlays drawn (visible), bottom to top. */
  visibleOverlayIds(): string[] {
    return [...this.overlays.values()]
      .filter((entry) => entry.visible)
      .sort((a, b) => a.order - b.order)
      .map((entry) => entry.layer.id);
  }

  private addToStyle(entry: OverlayEntry): void {
    const { build } = entry;
    if (!this.map.getSource(build.sourceId)) this.map.addSource(build.sourceId, build.source);
    const beforeId = this.beforeIdFor(entry);
    for (const styleLayer of entry.layers) {
      if (this.map.getLayer(styleLayer.id)) continue;
      const layout = { ...((styleLayer as { layout?: object }).layout ?? {}), visibility: entry.visible ? 'visible' : 'none' };
      try {
        this.map.addLayer({ ...styleLayer, layout } as LayerSpecification, beforeId);
      } catch (error) {
        this.report(error, `layer:${styleLayer.id}`);
      }
    }
  }

  /** The first style layer above `entry`: the next overlay up, else our own layers, else basemap labels. */
  private beforeIdFor(entry: OverlayEntry): string | undefined {
    const above = [...this.overlays.values()]
      .filter((other) => other.order > entry.order)
      .sort((a, b) => a.order - b.order);
    for (const other of above) {
      const first = other.build.layers.find((styleLayer) => this.map.getLayer(styleLayer.id));
      if (first) return first.id;
    }
    return this.ownBeforeId();
  }

  private ownBeforeId(): string | undefined {
    for (const id of [...REGION_LAYERS, ...MARKER_LAYERS]) if (this.map.getLayer(id)) return id;
    return firstLabelLayerId(this.map.getStyle() as StyleSpecification, LABEL_LAYER_FLAG);
  }

  /** Re-adds everything after a (new) style loaded. */
  private applyAll(): void {
    for (const entry of [...this.overlays.values()].sort((a, b) => a.order - b.order)) this.addToStyle(entry);
    this.applyRegion();
    this.applyMarker();
    for (const entry of this.overlays.values()) {
      if (entry.visible && entry.build.source.type === 'geojson') this.refreshConverted(entry);
    }
  }

  private refreshConvertedOverlays(): void {
    for (const entry of this.overlays.values()) {
      if (entry.visible && entry.build.source.type === 'geojson') this.refreshConverted(entry);
    }
  }

  /** Loads a converted layer's features for the current view (abandoning the previous load). */
  private refreshConverted(entry: OverlayEntry): void {
    if (!this.styleLoaded || this.map.getZoom() < entry.layer.minzoom) return;
    entry.abort?.abort();
    const abort = new AbortController();
    entry.abort = abort;
    const bounds = this.map.getBounds();
    const viewBox: BBoxTuple = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()];
    // The view is in the basemap's datum; the layer's features are requested in theirs.
    const layerBox = convertBBox(viewBox, this.basemap.crs, entry.layer.coordSys);
    this.callbacks
      .loadFeatures(entry.layer, layerBox, abort.signal)
      .then((collection) => {
        if (abort.signal.aborted || this.destroyed) return;
        const features = collection.features.map((feature) => ({
          ...feature,
          properties: { ...(feature.properties ?? {}), id: feature.properties?.id ?? feature.id },
        }));
        const converted = convertGeoJson({ type: 'FeatureCollection', features }, entry.layer.coordSys, this.basemap.crs);
        (this.map.getSource(entry.build.sourceId) as GeoJSONSource | undefined)?.setData(converted as GeoJSON.FeatureCollection);
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted) this.report(error, `features:${entry.layer.id}`);
      });
  }

  // ---- hover and selection (feature-state) ---------------------------------------------

  private interactiveLayerIds(): string[] {
    return [...this.overlays.values()]
      .filter((entry) => entry.visible && entry.build.hasFeatureIds)
      .flatMap((entry) => entry.build.drawnLayerIds.filter((id) => this.map.getLayer(id)));
  }

  private identifierOf(feature: MapGeoJSONFeature): FeatureIdentifier | undefined {
    if (feature.id === undefined) return undefined;
    return { source: feature.source, sourceLayer: feature.sourceLayer, id: feature.id };
  }

  private onHover(event: MapLayerMouseEvent): void {
    if (!this.styleLoaded) return;
    const layers = this.interactiveLayerIds();
    const [top] = layers.length > 0 ? this.map.queryRenderedFeatures(event.point, { layers }) : [];
    this.setHovered(top ? this.identifierOf(top) : undefined);
  }

  private setHovered(target: FeatureIdentifier | undefined): void {
    const previous = this.hovered;
    if (previous && target && previous.source === target.source && previous.id === target.id) return;
    if (previous) this.setState(previous, { hover: false });
    this.hovered = target;
    if (target) this.setState(target, { hover: true });
    this.map.getCanvas().style.cursor = target ? 'pointer' : '';
  }

  /** The features drawn in `layerIds` within a few pixels of a WGS84 point, topmost first. */
  renderedFeaturesAt(lngLat: LngLatTuple, layerIds: string[], radiusPx = 4): GeoJSON.Feature[] {
    const layers = layerIds.filter((id) => this.map.getLayer(id));
    if (!this.styleLoaded || layers.length === 0) return [];
    const { x, y } = this.map.project(convertPoint(lngLat, 'wgs84', this.basemap.crs));
    return this.map.queryRenderedFeatures([[x - radiusPx, y - radiusPx], [x + radiusPx, y + radiusPx]], { layers }).map((feature) => ({
      type: 'Feature',
      id: feature.id,
      geometry: feature.geometry,
      properties: feature.properties,
    }));
  }

  /** Marks the identified features as selected (clearing the previous selection). */
  select(features: { layerId: string; featureId: string | number | undefined }[]): void {
    for (const previous of this.selected) this.setState(previous, { selected: false });
    this.selected = [];
    for (const { layerId, featureId } of features) {
      const entry = this.overlays.get(layerId);
      if (!entry?.build.hasFeatureIds || featureId === undefined) continue;
      const target: FeatureIdentifier = { source: entry.build.sourceId, sourceLayer: entry.build.sourceLayer, id: featureId };
      this.selected.push(target);
      this.setState(target, { selected: true });
    }
  }

  private setState(target: FeatureIdentifier, state: Record<string, boolean>): void {
    if (!this.styleLoaded || !this.map.getSource(target.source)) return;
    if (state.hover || state.selected) this.showHighlight(target.source);
    try {
      this.map.setFeatureState(target, state);
    } catch {
      // A source reloading between hover and state change: nothing to highlight.
    }
  }

  /** Adds the highlight layer of the overlay drawn from `sourceId` to the style, once. */
  private showHighlight(sourceId: string): void {
    const entry = [...this.overlays.values()].find((candidate) => candidate.build.sourceId === sourceId);
    const highlight = entry?.build.highlight;
    if (!highlight || entry.layers.includes(highlight)) return;
    entry.layers = [...entry.layers, highlight];
    this.addToStyle(entry);
  }

  // ---- region, marker, popup -----------------------------------------------------------

  /** Highlights a boundary: a veil outside it and a strong outline (`role` mask and outline, in the basemap's datum; see region.ts). */
  setRegion(features: GeoJSON.FeatureCollection | undefined): void {
    this.region = features;
    this.applyRegion();
  }

  private applyRegion(): void {
    if (!this.styleLoaded) return;
    const data = this.region ?? { type: 'FeatureCollection', features: [] };
    const source = this.map.getSource(REGION_SOURCE) as GeoJSONSource | undefined;
    if (source) {
      source.setData(data);
      return;
    }
    // Each extra style layer costs GL programs and draw calls: none until a region is shown.
    if (!this.region) return;
    this.map.addSource(REGION_SOURCE, { type: 'geojson', data });
    const beforeId = this.map.getLayer(MARKER_LAYERS[0]!)
      ? MARKER_LAYERS[0]
      : firstLabelLayerId(this.map.getStyle() as StyleSpecification, LABEL_LAYER_FLAG);
    this.map.addLayer(
      { id: 'cb-region-mask', type: 'fill', source: REGION_SOURCE, filter: ['==', ['get', 'role'], 'mask'], paint: { 'fill-color': '#1f2329', 'fill-opacity': 0.18 } },
      beforeId,
    );
    this.map.addLayer(
      {
        id: 'cb-region-line',
        type: 'line',
        source: REGION_SOURCE,
        filter: ['==', ['get', 'role'], 'outline'],
        layout: { 'line-join': 'round' },
        paint: { 'line-color': this.highlightColor, 'line-width': 3 },
      },
      beforeId,
    );
  }

  /** A point marker (search result, zone check) in WGS84; undefined removes it. */
  setMarker(lngLat: LngLatTuple | undefined): void {
    this.marker = lngLat;
    this.applyMarker();
  }

  private applyMarker(): void {
    if (!this.styleLoaded) return;
    const data: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: this.marker
        ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: convertPoint(this.marker, 'wgs84', this.basemap.crs) } }]
        : [],
    };
    const source = this.map.getSource(MARKER_SOURCE) as GeoJSONSource | undefined;
    if (source) {
      source.setData(data);
      return;
    }
    if (!this.marker) return;
    this.map.addSource(MARKER_SOURCE, { type: 'geojson', data });
    const beforeId = firstLabelLayerId(this.map.getStyle() as StyleSpecification, LABEL_LAYER_FLAG);
    this.map.addLayer(
      { id: 'cb-marker-halo', type: 'circle', source: MARKER_SOURCE, paint: { 'circle-radius': 11, 'circle-color': '#ffffff', 'circle-opacity': 0.9 } },
      beforeId,
    );
    this.map.addLayer(
      {
        id: 'cb-marker-dot',
        type: 'circle',
        source: MARKER_SOURCE,
        paint: { 'circle-radius': 7, 'circle-color': this.highlightColor, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
      },
      beforeId,
    );
  }

  /** Shows `content` (DOM rendered by the element, never an HTML string) at a WGS84 point. */
  showPopup(lngLat: LngLatTuple, content: HTMLElement, onClose: () => void, focus = false): void {
    this.closePopup();
    const popup = new this.maplibre.Popup({ closeButton: true, closeOnClick: false, maxWidth: '340px', className: 'cb-popup', focusAfterOpen: focus })
      .setLngLat(convertPoint(lngLat, 'wgs84', this.basemap.crs))
      .setDOMContent(content)
      .addTo(this.map);
    popup.once('close', () => {
      if (this.popup === popup) this.popup = undefined;
      onClose();
    });
    this.popup = popup;
  }

  get popupOpen(): boolean {
    return this.popup !== undefined;
  }

  closePopup(): void {
    const popup = this.popup;
    this.popup = undefined;
    popup?.remove();
  }

  // ---- camera --------------------------------------------------------------------------

  flyTo(center: LngLatTuple, zoom: number | undefined, animate: boolean): void {
    const target = { center: convertPoint(center, 'wgs84', this.basemap.crs), ...(zoom !== undefined ? { zoom } : {}) };
    if (animate && !prefersReducedMotion()) this.map.flyTo({ ...target, essential: false });
    else this.map.jumpTo(target);
  }

  fitBounds(bbox: BBoxTuple, maxZoom: number, animate: boolean): void {
    const [w, s, e, n] = convertBBox(bbox, 'wgs84', this.basemap.crs);
    const { clientWidth, clientHeight } = this.map.getContainer();
    const padding = Math.max(0, Math.min(40, Math.floor(Math.min(clientWidth, clientHeight) / 8)));
    this.map.fitBounds(
      [
        [w, s],
        [e, n],
      ],
      { padding, maxZoom, animate: animate && !prefersReducedMotion(), duration: 600 },
    );
  }

  zoomBy(delta: number): void {
    this.map.easeTo({ zoom: this.map.getZoom() + delta, duration: prefersReducedMotion() ? 0 : 250 });
  }

  setCooperativeGestures(enabled: boolean): void {
    if (enabled) this.map.cooperativeGestures.enable();
    else this.map.cooperativeGestures.disable();
  }

  /** The map canvas's accessible name and description (maplibre sets role="region"). */
  describeCanvas(label: string, descriptionId: string | undefined): void {
    const canvas = this.map.getCanvas();
    canvas.setAttribute('aria-label', label);
    if (descriptionId) canvas.setAttribute('aria-describedby', descriptionId);
  }

  resize(): void {
    if (!this.destroyed) this.map.resize();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const entry of this.overlays.values()) entry.abort?.abort();
    tileClients.delete(this.id);
    this.platformTiles?.stop();
    this.closePopup();
    this.map.remove();
  }

  // ---- helpers -------------------------------------------------------------------------

  private toWgs84(point: LngLatTuple): LngLatTuple {
    return convertPoint(point, this.basemap.crs, 'wgs84');
  }

  private onMapError(event: { error?: unknown; sourceId?: string }): void {
    if (!this.styleLoaded) return; // reported through `loaded`
    const error = event.error;
    // Aborted tile requests are routine while panning.
    if ((error as { name?: string } | undefined)?.name === 'AbortError') return;
    // One report per source and status: a failing tile server fails for every tile.
    const status = (error as { status?: number } | undefined)?.status;
    this.report(error, `${event.sourceId ?? 'map'}:${status ?? 'error'}`);
  }

  private report(error: unknown, key: string): void {
    if (this.reportedErrors.has(key)) return;
    this.reportedErrors.add(key);
    this.callbacks.error(error, key);
  }
}

function prefersReducedMotion(): boolean {
  return globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

/** Twice the signed area of a ring (positive: counter-clockwise in lon/lat). */

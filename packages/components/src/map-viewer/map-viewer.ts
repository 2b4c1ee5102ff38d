import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { msg } from '@lit/localize';
import type { CityBrainClient, TokenSupplier } from '@citybrain/client';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { CityBrainElement } from '../shared/city-brain-element.js';
import { baseStyles } from '../shared/theme.js';
import { LoadController, loadStatusStyles, renderLoadStatus } from '../shared/status.js';
import { ClientController } from '../provider/client-context.js';
import { MapFacade } from './facade.js';
import { startMapWorkers } from './worker-url.js';
import { requestLayerInputs } from './catalogue-request.js';
import { facadeStyles, shellStyles } from './map-viewer.styles.js';
import type { BBoxTuple, LngLatTuple, MapViewerSettings } from './types.js';
import type { MapViewerController } from './viewer.js';
import type { ExternalLayerSpec } from '../map-layer/spec.js';

/**
 * The district "one map" (一张图): the GIS catalogue's layers on the platform's offline
 * basemap, 天地图 or any MapLibre style, with a layer list by the platform's ten categories,
 * a legend, place search, identify on click and a homestead zone-check mode.
 *
 * ```html
 * <cb-map-viewer base-url="https://citybrain.example.gov.cn/api/v1"
 *   layers="zones,villages" region="440605124" layer-list legend search></cb-map-viewer>
 * ```
 *
 * Until the map engine is wanted the element shows a light preview of the same view (the region's
 * outline, the legend, the 审图号 and a button that starts the map); `loading` says when maplibre-gl
 * is downloaded: `lazy` (default) once the element nears the viewport and the page is idle, `eager` at
 * once, `interaction` on the first press. Coordinates in attributes, methods and events are lon/lat in
 * CGCS2000 ≈ WGS84, whatever the basemap's datum.
 *
 * @summary Interactive map of the City Brain GIS catalogue, with identify, search, legend and zone checks.
 * @tagname cb-map-viewer
 *
 * @fires cb-ready - The map drew its basemap and layers for the first time (again after a reload); `detail`: `center`, `zoom`, `bbox`, `layers`.
 * @fires cb-view-change - The camera stopped moving; `detail`: `center`, `zoom`, `bbox` (WGS84).
 * @fires cb-feature-click - A click identified features; `detail`: `layerId`, `featureId`, `properties` (masked per role), `regionCode`, `lngLat`, `features`, `masking`. Cancelable: `preventDefault()` suppresses the built-in popup.
 * @fires cb-zone-check - In `zone-check` mode, a click was checked; `detail`: `lngLat`, `result` (buildable / restricted / prohibited), `check`.
 * @fires cb-error - Loading the catalogue, basemap or a layer failed, or an attribute is invalid; `detail.message` explains it.
 *
 * Layers from the district's own GIS servers go beside the catalogue's as `<cb-map-layer>` children
 * (WMS 1.3.0, OGC API - Features) or the `externalLayers` property; they get a group of their own in
 * the layer list, a legend entry and identify results, and never receive the platform's token.
 *
 * @slot - `<cb-map-layer>` elements: layers from the district's own GIS servers (nothing else is shown).
 * @csspart frame - The box holding the map and its controls (and, before it, the preview).
 * @csspart facade - The preview shown until the map engine loads (with `frame`).
 * @csspart preview - The preview's SVG picture of the region; `preview-outline` its outline.
 * @csspart preview-outline - The region's outline in the preview.
 * @csspart facade-legend - The preview's legend (with `legend`).
 * @csspart start-button - The preview's button that loads the interactive map.
 * @csspart map - The map's container (maplibre's canvas is inside).
 * @csspart controls - The zoom, reset and fullscreen buttons.
 * @csspart control-button - Each of those buttons.
 * @csspart search - The place search box.
 * @csspart search-input - Its input.
 * @csspart search-results - Its list of matches.
 * @csspart layer-list - The layer list panel.
 * @csspart legend - The legend panel.
 * @csspart breadcrumb - The region path (区 › 镇街 › 村居) when a region is highlighted.
 * @csspart attribution - The bottom-left line with the 审图号 and data sources.
 * @csspart scale - The scale bar.
 * @csspart popup - The contents of an identify or zone-check popup.
 * @csspart status - Loading state (see the shared status parts: `error`, `error-message`, `retry-button`…).
 * @csspart error - The error state.
 *
 * @cssprop --cb-map-height - Height of the element (480px).
 * @cssprop --cb-map-preview-fill - Fill of the region in the preview (the theme's primary colour, faint).
 * @cssprop --cb-map-panel-width - Width of the layer list and legend panels (240px).
 */
export class CbMapViewer extends CityBrainElement implements MapViewerSettings {
  static override styles = [baseStyles, loadStatusStyles, shellStyles, facadeStyles];

  /**
   * When to download the map engine (maplibre-gl, ≈ 290 KB gzip): `lazy` (default) once the element is
   * near the viewport and the page is idle, `eager` at once, `interaction` when the reader presses the
   * preview or its button. Until then a light preview of the same view is shown in the same box. The
   * element's own map code comes earlier: once a lazy map is near, or a pointer or focus reaches the preview.
   * Calling a method that needs the map (`flyTo`, `fitRegion`, `setLayerVisible`, `load`) starts it.
   */
  @property() loading?: string;

  /** The platform's API root (`https://host/api/v1`); without it the nearest `<cb-provider>`'s client is used. */
  @property({ attribute: 'base-url' }) baseUrl?: string;

  /** Bearer token for this element's own client (with `base-url`). Internal layers and owner details need one. */
  @property() token?: string;

  /** Supplies tokens for this element's own client; wins over `token`. */
  @property({ attribute: false }) getToken?: TokenSupplier;

  /** A ready-made client (for applications that already have one); wins over `base-url` and any provider. */
  @property({ attribute: false }) client?: CityBrainClient;

  /** Catalogue layer ids to draw, comma-separated: `layers="zones,villages"`. The layer list can turn others on. */
  @property() layers?: string;

  /** Map centre as `lon,lat` (CGCS2000/WGS84), e.g. `113.06,23.03`. */
  @property() center?: string;

  /** Zoom level 0–20. */
  @property({ type: Number }) zoom?: number;

  /**
   * District, town or village code (6, 9 or 12 digits) to fit the map to and outline.
   * This is the map's focus only: to narrow what data the caller sees, set `region` on `<cb-provider>`.
   */
  @property() region?: string;

  /**
   * `offline` (default: the platform's own basemap), `tianditu-vec` (天地图矢量), `tianditu-img`
   * (天地图影像), `imagery` (the platform's newest 遥感影像; `imagery:<id>` for a given capture),
   * `none` (plain background), or the URL of any MapLibre style.
   */
  @property() basemap?: string;

  /** Datum of a style-URL basemap: `wgs84` (also `cgcs2000`; default) or `gcj02` (AMap, Tencent): overlays are then converted. */
  @property({ attribute: 'basemap-crs' }) basemapCrs?: string;

  /** This website's 天地图 key (`tk`), bound to its domain. There is no built-in key. */
  @property({ attribute: 'tianditu-key' }) tiandituKey?: string;

  /**
   * Root of the 天地图 tile services: default `https://t{s}.tianditu.gov.cn`; a provincial node or a
   * 政务外网 proxy (which may add the key itself, so `tianditu-key` becomes optional).
   */
  @property({ attribute: 'tianditu-url' }) tiandituUrl?: string;

  /** The basemap's 审图号 (e.g. that of 天地图 or a commercial provider), shown bottom-left. */
  @property({ attribute: 'review-no' }) reviewNo?: string;

  /** Shows the legend of the drawn layers. */
  @property({ type: Boolean }) legend = false;

  /** Shows the layer list, grouped by the platform's ten categories, with access badges. */
  @property({ type: Boolean, attribute: 'layer-list' }) layerList = false;

  /** Shows place search (towns, villages, codes, 宗地号, parks) with fly-to. */
  @property({ type: Boolean }) search = false;

  /** What a click does: `identify` (default), `zone-check` (buildable / restricted / prohibited) or `none`. */
  @property() mode?: string;

  /** Inside a scrolling page: zoom only with Ctrl/⌘ + wheel and pan with two fingers. */
  @property({ type: Boolean, attribute: 'cooperative-gestures' }) cooperativeGestures = false;

  /**
   * Keeps the drawn image readable (`canvas.toDataURL()`, printing, screenshots, pixel tests).
   * Costs some speed; read when the map is created.
   */
  @property({ type: Boolean, attribute: 'preserve-drawing-buffer' }) preserveDrawingBuffer = false;

  /** Accessible name of the map (default 地图 / Map). */
  @property() label?: string;

  /** The notice shown while internal layers are drawn (default 内部用图，注意保密). */
  @property({ attribute: 'internal-notice' }) internalNotice?: string;

  /**
   * Layers from the district's own GIS servers, for frameworks (pages write `<cb-map-layer>`
   * children): `{ type: 'wms' | 'ogc-features', url, layers?, collection?, title?, opacity?, color?,
   * limit?, credentials?, keyParam?, key?, headers?, visible? }`. Drawn above the catalogue's layers.
   */
  @property({ attribute: false }) externalLayers?: ExternalLayerSpec[];

  /** @internal the provider's client (subscribed), for the implementation. */
  readonly clients = new ClientController(this);

  private readonly facade = new MapFacade(this, {
    start: () => void this.loader.run(() => this.loadImplementation()),
    prefetch: () => void this.viewerModule().catch(() => undefined),
  });
  private impl: MapViewerController | undefined;
  private implPromise: Promise<MapViewerController> | undefined;
  private viewerLoad: Promise<typeof import('./viewer.js')> | undefined;
  /** Loading the implementation (and with it the map engine): the element's first loading state. */
  private readonly loader = new LoadController<MapViewerController>(this, {
    isEmpty: () => false,
    onError: (error, message) => this.emit('cb-error', { error, message }),
  });

  /** The maplibre-gl `Map`, once created (an escape hatch: changes you make are yours to keep consistent). */
  getMap(): MapLibreMap | undefined {
    return this.impl?.getMap();
  }

  /** Ids of the catalogue layers currently drawn, bottom to top. */
  get visibleLayers(): string[] {
    return this.impl?.visibleLayers ?? [];
  }

  /**
   * Moves the camera: `flyTo([113.04, 23.13], 15)`, or `flyTo({ bbox: [w, s, e, n] })`.
   * Invalid input warns once and is ignored; before the map exists the call is ignored.
   */
  flyTo(target: LngLatTuple | { center?: LngLatTuple; zoom?: number; bbox?: BBoxTuple }, zoom?: number): void {
    if (this.impl) this.impl.flyTo(target, zoom);
    else void this.load().then(() => this.impl?.flyTo(target, zoom));
  }

  /** Loads the map now, whatever `loading` says; resolves when the map's code is in (not when it has drawn: listen for `cb-ready`). */
  async load(): Promise<void> {
    this.facade.engage();
    await this.implPromise?.catch(() => undefined);
  }

  /**
   * Fits the map to a district, town or village (6, 9 or 12 digits) and outlines it. Resolves
   * when the boundary is drawn (called early, once the map is ready); a bad code warns once.
   */
  async fitRegion(code: string): Promise<void> {
    if (!this.impl) await this.load();
    await this.impl?.fitRegion(code);
  }

  /** Shows or hides a catalogue layer (loading it on first use). Unknown ids warn once. */
  setLayerVisible(layerId: string, visible: boolean): void {
    if (this.impl) this.impl.setLayerVisible(layerId, visible);
    else void this.load().then(() => this.impl?.setLayerVisible(layerId, visible));
  }

  private loadImplementation(): Promise<MapViewerController> {
    // maplibre-gl (the large download) and its stylesheet start now, beside the viewer's code, rather
    // than after it: the viewer's own imports then find them loaded or loading, and the workers started.
    if (this.implPromise === undefined) {
      import('maplibre-gl').then(startMapWorkers, () => undefined);
      import('./maplibre-css.js').catch(() => undefined);
      // So do the drawn layers' TileJSON and styles, beside the catalogue: the viewer finds them shared.
      const client = this.client ?? this.clients.client;
      if (!(client instanceof Error)) requestLayerInputs(client, this.layers?.split(',').map((id) => id.trim()) ?? []);
    }
    this.implPromise ??= this.viewerModule().then(({ MapViewerController }) => {
      this.impl ??= new MapViewerController(this);
      return this.impl;
    });
    // A failed download (offline, CSP) may succeed on the retry button.
    this.implPromise.catch(() => {
      this.implPromise = undefined;
    });
    return this.implPromise;
  }

  /** The viewer's module, fetched once (again after a failed download: offline, CSP). */
  private viewerModule(): Promise<typeof import('./viewer.js')> {
    if (this.viewerLoad === undefined) {
      const load = import('./viewer.js');
      this.viewerLoad = load;
      load.catch(() => {
        if (this.viewerLoad === load) this.viewerLoad = undefined;
      });
    }
    return this.viewerLoad;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.impl?.willUpdate(changed);
  }

  protected override updated(): void {
    this.impl?.updated();
  }

  protected override render(): TemplateResult {
    if (this.impl) return this.impl.render();
    return this.facade.render(
      html`<div class="load-state load-state--${this.loader.status}">
        ${renderLoadStatus(this.loader, { loading: msg('正在加载地图…', { id: 'map.loading' }) })}
      </div>`,
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cb-map-viewer': CbMapViewer;
  }
}

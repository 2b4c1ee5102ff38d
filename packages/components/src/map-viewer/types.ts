/**
 * Public types of `<cb-map-viewer>` and the `cb-*` events it dispatches.
 *
 * Every coordinate in this API (attributes, methods, event details) is lon/lat in
 * CGCS2000 ≈ WGS84 degrees, the platform's own system, whatever the basemap is drawn in:
 * on a GCJ-02 basemap the element converts on the way in and out.
 */
import type { CityBrainClient, GisComponents, IdentifyResult, Layer, TokenSupplier, ZoneCheckResult } from '@citybrain/client';
import type { CityBrainElement } from '../shared/city-brain-element.js';
import type { ClientController } from '../provider/client-context.js';
import type { ExternalLayerSpec } from '../map-layer/spec.js';

/** `[longitude, latitude]` in CGCS2000 / WGS84 degrees. */
export type LngLatTuple = [lon: number, lat: number];

/** `[minLon, minLat, maxLon, maxLat]` in CGCS2000 / WGS84 degrees. */
export type BBoxTuple = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/**
 * Coordinate system of a source or basemap. CGCS2000 is drawn as WGS84 (they differ by
 * centimetres); GCJ-02 (AMap, Tencent) and BD-09 (Baidu) are offset by hundreds of metres.
 */
export type CoordSys = GisComponents['schemas']['CoordSys'];

/** The datum a basemap is drawn in; overlays in another datum are converted to it. */
export type BasemapCrs = 'wgs84' | 'gcj02';

/** What a click on the map does. */
export type MapMode = 'identify' | 'zone-check' | 'none';

/** One identified feature, with its layer. */
export interface IdentifiedFeature {
  layerId: string;
  layerTitle: string;
  featureId: string | number | undefined;
  properties: Record<string, unknown>;
  /** Metres from the clicked point (0 inside a polygon). */
  distanceM: number;
}

/** The camera of the map. */
export interface MapView {
  center: LngLatTuple;
  zoom: number;
  /** The visible area (west, south, east, north). */
  bbox: BBoxTuple;
}

/** `detail` of `cb-ready`. */
export interface MapReadyDetail extends MapView {
  /** Ids of the catalogue layers drawn, bottom to top. */
  layers: string[];
}

/** `detail` of `cb-view-change`. */
export type MapViewChangeDetail = MapView;

/** `detail` of `cb-feature-click`: the topmost identified feature, and all of them. */
export interface MapFeatureClickDetail {
  layerId: string;
  featureId: string | number | undefined;
  /** The feature's attributes as the server sent them (owner details masked for the caller's role). */
  properties: Record<string, unknown>;
  /** The administrative region the feature belongs to (village, else town), when known. */
  regionCode: string | undefined;
  /** Where the map was clicked. */
  lngLat: LngLatTuple;
  /** Every feature found at the point, topmost layer first. */
  features: IdentifiedFeature[];
  /** Which fields the server masked for this caller (`masking` of the identify answer). */
  masking: IdentifyResult['masking'];
}

/** `detail` of `cb-zone-check`. */
export interface MapZoneCheckDetail {
  lngLat: LngLatTuple;
  /** buildable 可建 / restricted 限建 / prohibited 禁建. */
  result: ZoneCheckResult['result'];
  /** The server's full answer: the decisive rule, every matching zone, town and village. */
  check: ZoneCheckResult;
}

/** A catalogue layer as the element knows it. */
export type CatalogueLayer = Layer;

declare global {
  interface CityBrainEventMap {
    /** `<cb-map-viewer>` drew its basemap and layers for the first time (after a reload, again). */
    'cb-ready': MapReadyDetail;
    /** `<cb-map-viewer>`'s camera stopped moving. */
    'cb-view-change': MapViewChangeDetail;
    /** A click identified features on `<cb-map-viewer>`; cancel it to suppress the built-in popup. */
    'cb-feature-click': MapFeatureClickDetail;
    /** A zone check finished on `<cb-map-viewer>` in `zone-check` mode. */
    'cb-zone-check': MapZoneCheckDetail;
  }
}

/** The attributes and properties of `<cb-map-viewer>` that its parts read (documented on the element). */
export interface MapViewerSettings {
  baseUrl?: string;
  token?: string;
  getToken?: TokenSupplier;
  client?: CityBrainClient;
  layers?: string;
  center?: string;
  zoom?: number;
  region?: string;
  basemap?: string;
  basemapCrs?: string;
  tiandituKey?: string;
  tiandituUrl?: string;
  reviewNo?: string;
  legend: boolean;
  layerList: boolean;
  search: boolean;
  mode?: string;
  cooperativeGestures: boolean;
  preserveDrawingBuffer: boolean;
  label?: string;
  internalNotice?: string;
  externalLayers?: ExternalLayerSpec[];
}

/**
 * What the map's parts (the viewer controller, the panels, the click queries) need of the
 * element: its settings, its client, and the base element's events and warnings. They depend on
 * this rather than on the element's class, which imports them (lazily): no import cycle.
 */
export type MapViewerHost = CityBrainElement & MapViewerSettings & { readonly clients: ClientController };

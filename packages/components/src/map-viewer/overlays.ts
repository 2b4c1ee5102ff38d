/**
 * Turns catalogue layers into MapLibre sources and style layers: the server's style fragment
 * (the layer's `stylesheet` link) when there is one, else layers drawn from its legend; plus
 * a highlight layer per source driven by feature-state (`hover`, `selected`), which the engine adds to
 * the style only once a feature is hovered or selected.
 */
import type {
  ExpressionSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import type { GisComponents, TileJson } from '@citybrain/client';
import { safeColor } from './config.js';
import type { CatalogueLayer } from './types.js';

export type StyleFragment = GisComponents['schemas']['MapLibreStyle'];

/** How a layer's features reach MapLibre. */
export type OverlayDelivery =
  /** Vector tiles in the basemap's datum (the normal case). */
  | { kind: 'tiles'; tileJson: TileJson }
  /** GeoJSON converted to the basemap's datum, loaded per view (a layer in another datum). */
  | { kind: 'geojson' };

export interface OverlayBuild {
  layerId: string;
  sourceId: string;
  source: SourceSpecification;
  /** Style layers, bottom to top. */
  layers: LayerSpecification[];
  /**
   * The layer that outlines hovered and selected features (feature-state), drawn above `layers`.
   * Kept out of the style until the first hover or selection: it is one more GL program and one more
   * draw of every feature per tile, for a view nobody may point at.
   */
  highlight?: LayerSpecification;
  /** Style layer ids that identify hover targets (the drawn layers, not the highlight). */
  drawnLayerIds: string[];
  /** The `source-layer` within the tiles (undefined for GeoJSON sources). */
  sourceLayer: string | undefined;
  /** Whether features carry an id usable with feature-state. */
  hasFeatureIds: boolean;
}

export const FALLBACK_COLOR = '#868e96';

export function sourceIdOf(layerId: string): string {
  return `cb-src-${layerId}`;
}

/** The colour of features by the legend: a `match` on the legend property, or its single colour. */
export function legendColorExpression(layer: CatalogueLayer): string | ExpressionSpecification {
  const { property, items } = layer.legend;
  const first = items[0];
  if (!first) return FALLBACK_COLOR;
  if (!property || items.length === 1) return safeColor(first.color);
  const pairs = items.flatMap((item) =>
    item.value === undefined ? [] : [item.value as string | number, safeColor(item.color)],
  );
  if (pairs.length === 0) return safeColor(first.color);
  return ['match', ['get', property], ...pairs, FALLBACK_COLOR] as unknown as ExpressionSpecification;
}

function isPolygonal(type: CatalogueLayer['geometryType']): boolean {
  return type === 'Polygon' || type === 'MultiPolygon';
}

function isLinear(type: CatalogueLayer['geometryType']): boolean {
  return type === 'LineString' || type === 'MultiLineString';
}

/** Style layers drawn from the legend, for a catalogue layer without a `stylesheet` link. */
function legendLayers(layer: CatalogueLayer, base: { source: string; 'source-layer'?: string }): LayerSpecification[] {
  const color = legendColorExpression(layer);
  const id = (suffix: string) => `cb-${layer.id}-${suffix}`;
  const zoom = { minzoom: layer.minzoom };
  if (isPolygonal(layer.geometryType)) {
    return [
      { ...base, ...zoom, id: id('fill'), type: 'fill', paint: { 'fill-color': color, 'fill-opacity': 0.35 } },
      { ...base, ...zoom, id: id('outline'), type: 'line', paint: { 'line-color': color, 'line-width': 1 } },
    ] as LayerSpecification[];
  }
  if (isLinear(layer.geometryType)) {
    return [{ ...base, ...zoom, id: id('line'), type: 'line', paint: { 'line-color': color, 'line-width': 2 } }] as LayerSpecification[];
  }
  return [
    {
      ...base,
      ...zoom,
      id: id('circle'),
      type: 'circle',
      paint: { 'circle-color': color, 'circle-radius': 5, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
    },
  ] as LayerSpecification[];
}

const SELECTED: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false];
const HOVER: ExpressionSpecification = ['boolean', ['feature-state', 'hover'], false];

function stateValue(selected: number, hover: number, otherwise: number): ExpressionSpecification {
  return ['case', SELECTED, selected, HOVER, hover, otherwise];
}

/** The layer that outlines hovered and selected features (feature-state). */
function highlightLayer(
  layer: CatalogueLayer,
  base: { source: string; 'source-layer'?: string },
  color: string,
): LayerSpecification {
  const id = `cb-${layer.id}-highlight`;
  const metadata = { 'citybrain:layerId': layer.id, 'citybrain:highlight': true };
  if (isPolygonal(layer.geometryType) || isLinear(layer.geometryType)) {
    return {
      ...base,
      id,
      type: 'line',
      minzoom: layer.minzoom,
      metadata,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': color,
        'line-width': isLinear(layer.geometryType) ? stateValue(6, 5, 0) : stateValue(3, 2, 0),
        'line-opacity': stateValue(1, 0.85, 0),
      },
    } as LayerSpecification;
  }
  return {
    ...base,
    id,
    type: 'circle',
    minzoom: layer.minzoom,
    metadata,
    paint: {
      'circle-radius': stateValue(10, 8, 0),
      'circle-color': 'rgba(0,0,0,0)',
      'circle-stroke-color': color,
      'circle-stroke-width': stateValue(3, 2, 0),
      'circle-stroke-opacity': stateValue(1, 0.85, 0),
    },
  } as LayerSpecification;
}

const ALLOWED_LAYER_TYPES = new Set(['fill', 'line', 'symbol', 'circle', 'fill-extrusion', 'heatmap']);

/**
 * The fragment's style layers re-pointed at our source id. Only drawing layers of this
 * layer's source are taken: a fragment cannot add sources, backgrounds or other layers' data.
 */
function fragmentLayers(
  layer: CatalogueLayer,
  fragment: StyleFragment,
  base: { source: string; 'source-layer'?: string },
): LayerSpecification[] {
  const fragmentSources = new Set(Object.keys(fragment.sources ?? {}));
  const prefix = `cb-${layer.id}-`;
  const result: LayerSpecification[] = [];
  for (const styleLayer of fragment.layers ?? []) {
    if (!ALLOWED_LAYER_TYPES.has(styleLayer.type)) continue;
    if (styleLayer.source === undefined || !fragmentSources.has(styleLayer.source)) continue;
    const { source: _source, 'source-layer': sourceLayer, ...rest } = styleLayer;
    const id = styleLayer.id.startsWith(prefix) ? styleLayer.id : `${prefix}${styleLayer.id}`;
    result.push({
      ...rest,
      ...base,
      ...(base['source-layer'] !== undefined ? { 'source-layer': sourceLayer ?? base['source-layer'] } : {}),
      id,
      metadata: { ...(styleLayer.metadata ?? {}), 'citybrain:layerId': layer.id },
    } as LayerSpecification);
  }
  return result;
}

/** Builds what MapLibre needs to draw `layer`. */
export function buildOverlay(options: {
  layer: CatalogueLayer;
  fragment: StyleFragment | undefined;
  delivery: OverlayDelivery;
  /** Rewrites tile URLs (internal layers go through the client). */
  tileUrl: (url: string) => string;
  highlightColor: string;
}): OverlayBuild {
  const { layer, fragment, delivery } = options;
  const sourceId = sourceIdOf(layer.id);
  let source: SourceSpecification;
  let sourceLayer: string | undefined;
  let hasFeatureIds: boolean;
  if (delivery.kind === 'tiles') {
    const { tileJson } = delivery;
    sourceLayer = layer.sourceLayer;
    const fields = tileJson.vector_layers.find((vectorLayer) => vectorLayer.id === sourceLayer)?.fields ?? {};
    hasFeatureIds = 'id' in fields;
    source = {
      type: 'vector',
      tiles: tileJson.tiles.map(options.tileUrl),
      ...(tileJson.minzoom !== undefined ? { minzoom: tileJson.minzoom } : {}),
      ...(tileJson.maxzoom !== undefined ? { maxzoom: tileJson.maxzoom } : {}),
      ...(tileJson.bounds !== undefined ? { bounds: tileJson.bounds as [number, number, number, number] } : {}),
      ...(hasFeatureIds ? { promoteId: 'id' } : {}),
    };
  } else {
    sourceLayer = undefined;
    hasFeatureIds = true;
    source = { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, promoteId: 'id' };
  }
  const base = sourceLayer === undefined ? { source: sourceId } : { source: sourceId, 'source-layer': sourceLayer };
  let drawn = fragment ? fragmentLayers(layer, fragment, base) : [];
  if (drawn.length === 0) drawn = legendLayers(layer, base);
  return {
    layerId: layer.id,
    sourceId,
    source,
    layers: drawn,
    highlight: hasFeatureIds ? highlightLayer(layer, base, options.highlightColor) : undefined,
    drawnLayerIds: drawn.map((l) => l.id),
    sourceLayer,
    hasFeatureIds,
  };
}

/** Id of the first basemap layer that must stay above overlays (labels), if any. */
export function firstLabelLayerId(style: StyleSpecification | undefined, labelFlag: string): string | undefined {
  for (const layer of style?.layers ?? []) {
    if (layer.id.startsWith('cb-')) continue;
    const metadata = (layer as { metadata?: Record<string, unknown> }).metadata;
    if (layer.type === 'symbol' || metadata?.[labelFlag] === true) return layer.id;
  }
  return undefined;
}


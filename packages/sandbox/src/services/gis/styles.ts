/**
 * MapLibre style documents: a fragment per catalogue layer (coloured from its legend) and the
 * offline basemap. Neither sets `glyphs`: MapLibre GL JS ≥ 5.11 then draws every label with local
 * fonts, using the `text-font` names as CSS font families — so Chinese labels need no glyph server,
 * and the sandbox has no font rasteriser to make SDF glyph PBFs with.
 */
import type { LayerDef } from './layers.js';

type Expression = (string | number | boolean | Expression | null)[];
export type StyleValue = string | number | boolean | null | Expression | StyleValue[] | { [key: string]: StyleValue };
export interface StyleLayer {
  id: string;
  type: 'background' | 'fill' | 'line' | 'symbol' | 'circle';
  source?: string;
  'source-layer'?: string;
  minzoom?: number;
  maxzoom?: number;
  filter?: Expression;
  layout?: Record<string, StyleValue>;
  paint?: Record<string, StyleValue>;
  metadata?: Record<string, StyleValue>;
}
export interface StyleDocument {
  version: 8;
  name: string;
  metadata: Record<string, StyleValue>;
  center?: [number, number];
  zoom?: number;
  sources: Record<string, { type: string } & Record<string, StyleValue>>;
  layers: StyleLayer[];
}

/** Local font families, CJK first; the map component adds `localIdeographFontFamily` as well. */
export const LOCAL_FONT_STACK = ['Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];

const FALLBACK_COLOR = '#868e96';

/** A `match` on the legend property, or the single legend colour. */
export function legendColor(layer: LayerDef): StyleValue {
  const { property, items } = layer.legend;
  if (!property || items.length === 1) return items[0]!.color;
  const pairs = items.flatMap((item) => [item.value ?? '', item.color]);
  return ['match', ['get', property], ...pairs, FALLBACK_COLOR];
}

const FILL_OPACITY: Record<string, number> = {
  'homestead-parcels': 0.65,
  water: 0.85,
  towns: 0.03,
  villages: 0.03,
  // The grid reads by its lines; the hotspots are a heat map, so their colour must carry.
  'grid-cells': 0.08,
  'workorder-hotspots': 0.6,
};

/** The style layers that draw one catalogue layer from `source` (its vector source id). */
export function styleLayersFor(layer: LayerDef, source: string): StyleLayer[] {
  const base = { source, 'source-layer': layer.id, metadata: { 'citybrain:layerId': layer.id } };
  const color = legendColor(layer);
  const id = (suffix: string) => `cb-${layer.id}-${suffix}`;
  switch (layer.geometryType) {
    case 'Polygon': {
      const boundary = layer.category === 'boundaries';
      const layers: StyleLayer[] = [
        {
          ...base,
          id: id('fill'),
          type: 'fill',
          minzoom: layer.minzoom,
          // A faint fill keeps boundary polygons clickable without hiding what is below.
          paint: { 'fill-color': color, 'fill-opacity': FILL_OPACITY[layer.id] ?? 0.35 },
        },
        {
          ...base,
          id: id('outline'),
          type: 'line',
          minzoom: layer.id === 'homestead-parcels' ? 14 : layer.minzoom,
          paint: {
            'line-color': color,
            'line-width': boundary ? (layer.id === 'towns' ? 2 : 1) : ['interpolate', ['linear'], ['zoom'], 12, 0.5, 16, 1.2],
            ...(layer.id === 'villages' ? { 'line-dasharray': [3, 2] } : {}),
          },
        },
      ];
      if (boundary) {
        layers.push({
          ...base,
          id: id('label'),
          type: 'symbol',
          minzoom: layer.id === 'towns' ? 8 : 11,
          layout: { 'text-field': ['get', 'name'], 'text-font': LOCAL_FONT_STACK, 'text-size': layer.id === 'towns' ? 14 : 11 },
          paint: { 'text-color': '#5f3dc4', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
        });
      }
      return layers;
    }
    case 'LineString':
      return [
        {
          ...base,
          id: id('line'),
          type: 'line',
          minzoom: layer.minzoom,
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: { 'line-color': color, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1, 14, 5] },
        },
      ];
    case 'Point':
      return [
        {
          ...base,
          id: id('circle'),
          type: 'circle',
          minzoom: layer.minzoom,
          paint: { 'circle-color': color, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 16, 7], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
        },
        {
          ...base,
          id: id('label'),
          type: 'symbol',
          minzoom: 13,
          layout: { 'text-field': ['get', 'name'], 'text-font': LOCAL_FONT_STACK, 'text-size': 11, 'text-offset': [0, 1.1], 'text-anchor': 'top' },
          paint: { 'text-color': '#343a40', 'text-halo-color': '#ffffff', 'text-halo-width': 1 },
        },
      ];
  }
}

export function layerStyle(layer: LayerDef, tileJsonUrl: string): StyleDocument {
  return {
    version: 8,
    name: layer.title,
    metadata: { 'citybrain:layerId': layer.id, 'citybrain:access': layer.access },
    sources: { [layer.id]: { type: 'vector', url: tileJsonUrl } },
    layers: styleLayersFor(layer, layer.id),
  };
}

/** Source layers of the basemap tiles. */
export const BASEMAP_SOURCE_LAYERS = ['neighbours', 'district', 'towns', 'villages', 'water', 'waterways', 'roads', 'places'] as const;
export type BasemapSourceLayer = (typeof BASEMAP_SOURCE_LAYERS)[number];

export const BASEMAP_MAX_ZOOM = 14;

export function basemapStyle(options: {
  tilesUrl: string;
  bounds: [number, number, number, number];
  reviewNo: string;
  attribution: string;
}): StyleDocument {
  const src = { source: 'basemap' };
  const label = (size: number | Expression) => ({ 'text-field': ['get', 'name'] as Expression, 'text-font': LOCAL_FONT_STACK, 'text-size': size });
  return {
    version: 8,
    name: '南海区离线底图',
    metadata: {
      'citybrain:reviewNo': options.reviewNo,
      'citybrain:attribution': options.attribution,
      'citybrain:fonts': 'local fonts (no glyphs URL); set localIdeographFontFamily',
    },
    center: [113.06, 23.06],
    zoom: 10,
    sources: {
      basemap: {
        type: 'vector',
        tiles: [options.tilesUrl],
        minzoom: 0,
        maxzoom: BASEMAP_MAX_ZOOM,
        bounds: options.bounds,
        attribution: `${options.attribution} ${options.reviewNo}`,
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef0f2' } },
      { ...src, id: 'neighbours-fill', type: 'fill', 'source-layer': 'neighbours', paint: { 'fill-color': '#e9ecef' } },
      { ...src, id: 'district-fill', type: 'fill', 'source-layer': 'district', paint: { 'fill-color': '#f8f4ec' } },
      { ...src, id: 'water-fill', type: 'fill', 'source-layer': 'water', paint: { 'fill-color': '#a5d8ff' } },
      {
        ...src,
        id: 'village-boundaries',
        type: 'line',
        'source-layer': 'villages',
        minzoom: 11,
        paint: { 'line-color': '#c5b8de', 'line-width': 0.8, 'line-dasharray': [3, 2] },
      },
      { ...src, id: 'town-boundaries', type: 'line', 'source-layer': 'towns', paint: { 'line-color': '#9c88c9', 'line-width': 1.2, 'line-dasharray': [4, 2] } },
      { ...src, id: 'neighbour-boundaries', type: 'line', 'source-layer': 'neighbours', paint: { 'line-color': '#adb5bd', 'line-width': 1 } },
      { ...src, id: 'district-boundary', type: 'line', 'source-layer': 'district', paint: { 'line-color': '#7950f2', 'line-width': 2.2 } },
      {
        ...src,
        id: 'roads-casing',
        type: 'line',
        'source-layer': 'roads',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#c9bfae', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 14, 8] },
      },
      {
        ...src,
        id: 'roads',
        type: 'line',
        'source-layer': 'roads',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-color': ['match', ['get', 'kind'], 'expressway', '#f7b267', 'national', '#ffe08a', '#ffffff'],
          'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.8, 14, 6],
        },
      },
      {
        ...src,
        id: 'waterway-labels',
        type: 'symbol',
        'source-layer': 'waterways',
        minzoom: 10,
        layout: { ...label(12), 'symbol-placement': 'line' },
        paint: { 'text-color': '#1c7ed6', 'text-halo-color': '#ffffff', 'text-halo-width': 1 },
      },
      {
        ...src,
        id: 'road-labels',
        type: 'symbol',
        'source-layer': 'roads',
        minzoom: 12,
        layout: { ...label(11), 'symbol-placement': 'line' },
        paint: { 'text-color': '#495057', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
      },
      {
        ...src,
        id: 'neighbour-labels',
        type: 'symbol',
        'source-layer': 'places',
        filter: ['==', ['get', 'level'], 'neighbour'],
        maxzoom: 12,
        layout: label(13),
        paint: { 'text-color': '#868e96', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
      },
      {
        ...src,
        id: 'village-labels',
        type: 'symbol',
        'source-layer': 'places',
        filter: ['==', ['get', 'level'], 'village'],
        minzoom: 12,
        layout: label(11),
        paint: { 'text-color': '#6741d9', 'text-halo-color': '#ffffff', 'text-halo-width': 1 },
      },
      {
        ...src,
        id: 'town-labels',
        type: 'symbol',
        'source-layer': 'places',
        filter: ['==', ['get', 'level'], 'town'],
        minzoom: 8,
        maxzoom: 13,
        layout: label(['interpolate', ['linear'], ['zoom'], 8, 12, 12, 16]),
        paint: { 'text-color': '#343a40', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
    ],
  };
}

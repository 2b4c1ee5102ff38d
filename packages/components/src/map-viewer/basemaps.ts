/**
 * Basemaps of `<cb-map-viewer>`: the platform's offline style (fetched through the client),
 * 天地图 vector or imagery on the Web Mercator `_w` WMTS services with the site's own key,
 * a plain background, or any MapLibre style URL.
 */
import type { StyleSpecification } from 'maplibre-gl';
import type { BasemapCrs } from './types.js';

/** A basemap ready for MapLibre, with what the attribution line must say about it. */
export interface Basemap {
  /** A style document, or the URL of one that MapLibre fetches itself. */
  style: StyleSpecification | string;
  crs: BasemapCrs;
  /** 审图号 of the basemap (shown bottom-left); undefined when unknown. */
  reviewNo?: string;
  /** Plain-text attribution of the basemap. */
  attribution?: string;
  /** Whether the basemap is drawn from the internet (a public map needs a 审图号). */
  internet: boolean;
}

/** Style metadata flag on layers that must stay above the overlays (basemap labels). */
export const LABEL_LAYER_FLAG = 'citybrain:labels';

const TIANDITU_DEFAULT_URL = 'https://t{s}.tianditu.gov.cn';
const TIANDITU_SUBDOMAINS = ['0', '1', '2', '3', '4', '5', '6', '7'];

function tiandituTiles(baseUrl: string, layer: string, key: string | undefined): string[] {
  const query =
    `SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles` +
    `&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}` +
    (key ? `&tk=${encodeURIComponent(key)}` : '');
  const base = baseUrl.replace(/\/+$/, '');
  const hosts = base.includes('{s}') ? TIANDITU_SUBDOMAINS.map((s) => base.replace('{s}', s)) : [base];
  // TILEROW is y and TILECOL is x (some published snippets swap them).
  return hosts.map((host) => `${host}/${layer}_w/wmts?${query}`);
}

/**
 * 天地图 on the Web Mercator grid (`vec_w` + `cva_w` notes, or `img_w` + `cia_w`). Its tiles
 * are CGCS2000: overlays need no conversion. `baseUrl` may point at a provincial node
 * (天地图·广东) or a 政务外网 proxy that adds the key itself, in which case `key` may be absent.
 */
export function tiandituBasemap(options: {
  variant: 'vec' | 'img';
  key: string | undefined;
  baseUrl?: string;
  reviewNo?: string;
  attribution: string;
}): Basemap {
  const baseUrl = options.baseUrl ?? TIANDITU_DEFAULT_URL;
  const base = options.variant;
  const notes = options.variant === 'vec' ? 'cva' : 'cia';
  const raster = (layer: string) => ({
    type: 'raster' as const,
    tiles: tiandituTiles(baseUrl, layer, options.key),
    tileSize: 256,
    minzoom: 1,
    maxzoom: 18,
  });
  return {
    style: {
      version: 8,
      name: `天地图 ${base}_w`,
      sources: { [`tianditu-${base}`]: raster(base), [`tianditu-${notes}`]: raster(notes) },
      layers: [
        { id: 'tianditu-background', type: 'background', paint: { 'background-color': base === 'img' ? '#1d2b36' : '#f5f3f0' } },
        { id: `tianditu-${base}`, type: 'raster', source: `tianditu-${base}` },
        { id: `tianditu-${notes}`, type: 'raster', source: `tianditu-${notes}`, metadata: { [LABEL_LAYER_FLAG]: true } },
      ],
    },
    crs: 'wgs84',
    reviewNo: options.reviewNo,
    attribution: options.attribution,
    internet: true,
  };
}

/** A plain background (overlays only), in the surface colour. */
export function blankBasemap(color = '#ffffff'): Basemap {
  return {
    style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': color } }] },
    crs: 'wgs84',
    internet: false,
  };
}

/**
 * The platform's offline basemap as served by `GET /gis/basemap/style.json`: its metadata
 * carries the 审图号 and attribution for the bottom-left line.
 */
export function offlineBasemap(style: StyleSpecification, reviewNo: string | undefined): Basemap {
  const metadata = (style.metadata ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof metadata[key] === 'string' ? (metadata[key] as string) : undefined);
  return {
    style,
    crs: 'wgs84',
    reviewNo: reviewNo ?? text('citybrain:reviewNo'),
    attribution: text('citybrain:attribution'),
    internet: false,
  };
}

/** Any MapLibre style URL; its datum comes from `basemap-crs` (AMap and Tencent styles: `gcj02`). */
export function urlBasemap(url: string, crs: BasemapCrs, reviewNo: string | undefined): Basemap {
  return { style: url, crs, reviewNo, internet: true };
}

/**
 * Source attributions are often HTML (`<a href>© …</a>`). They are untrusted: reduce them to
 * their text with an inert parser (DOMParser runs no scripts and loads no images).
 */
export function attributionText(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (!/[<&]/.test(value)) return value.trim();
  const text = new DOMParser().parseFromString(value, 'text/html').body.textContent ?? '';
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean === '' ? undefined : clean;
}

/**
 * Basemaps of `<cb-map-viewer>`: the platform's offline style (fetched through the client),
 * a plain background, or any MapLibre style URL. 天地图 is in tianditu.ts, loaded only for maps
 * that ask for it.
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

/**
 * Parsing of `<cb-map-viewer>`'s attributes. Never throws: every function returns either the
 * parsed value or a problem for the element to warn about and show.
 */
import type { BBoxTuple, BasemapCrs, LngLatTuple, MapMode } from './types.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; value: string };

const LAYER_ID = /^[a-z][a-z0-9-]{1,63}$/;

/** At most this many layers are identified at once (the identify operation's limit). */
export const MAX_IDENTIFY_LAYERS = 20;

/**
 * `layers="zones, homestead-parcels"`: comma- or space-separated catalogue ids. Empty or
 * absent means none. A value that is not a list of ids fails as a whole (the page author
 * made a mistake worth fixing, not something to half-apply).
 */
export function parseLayerIds(value: string | null | undefined): Parsed<string[]> {
  const text = (value ?? '').trim();
  if (text === '') return { ok: true, value: [] };
  const ids = text.split(/[\s,]+/).filter((id) => id !== '');
  const bad = ids.find((id) => !LAYER_ID.test(id));
  if (bad !== undefined) return { ok: false, value: bad };
  return { ok: true, value: [...new Set(ids)] };
}

export function isLayerId(value: string): boolean {
  return LAYER_ID.test(value);
}

function isLon(value: number): boolean {
  return Number.isFinite(value) && value >= -180 && value <= 180;
}

function isLat(value: number): boolean {
  return Number.isFinite(value) && value >= -85.06 && value <= 85.06;
}

/** `center="113.06,23.06"` (lon,lat; a space works as separator too). */
export function parseCenter(value: string | null | undefined): Parsed<LngLatTuple | undefined> {
  const text = (value ?? '').trim();
  if (text === '') return { ok: true, value: undefined };
  const parts = text.split(/[\s,]+/);
  if (parts.length !== 2 || parts.some((part) => !/^-?\d+(\.\d+)?$/.test(part))) return { ok: false, value: text };
  const [lon, lat] = parts.map(Number) as [number, number];
  if (!isLon(lon) || !isLat(lat)) return { ok: false, value: text };
  return { ok: true, value: [lon, lat] };
}

/** Validates a `[lon, lat]` given by a script. */
export function toLngLat(value: unknown): LngLatTuple | undefined {
  if (!Array.isArray(value) || value.length < 2) return undefined;
  const [lon, lat] = value as unknown[];
  if (typeof lon !== 'number' || typeof lat !== 'number' || !isLon(lon) || !isLat(lat)) return undefined;
  return [lon, lat];
}

/** Validates a `[minLon, minLat, maxLon, maxLat]` given by a script or the server. */
export function toBBox(value: unknown): BBoxTuple | undefined {
  if (!Array.isArray(value) || value.length !== 4) return undefined;
  const numbers = value as unknown[];
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) return undefined;
  const [w, s, e, n] = numbers as number[] as BBoxTuple;
  if (!isLon(w) || !isLon(e) || !isLat(s) || !isLat(n) || w > e || s > n) return undefined;
  return [w, s, e, n];
}

export const MIN_ZOOM = 0;
export const MAX_ZOOM = 20;

/** `zoom="12"`: 0–20; absent means the basemap's own (or the district's extent). */
export function parseZoom(value: number | string | null | undefined): Parsed<number | undefined> {
  if (value === null || value === undefined || value === '') return { ok: true, value: undefined };
  const zoom = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(zoom) || zoom < MIN_ZOOM || zoom > MAX_ZOOM) return { ok: false, value: String(value) };
  return { ok: true, value: zoom };
}

export type BasemapChoice =
  | { kind: 'offline' }
  | { kind: 'none' }
  | { kind: 'tianditu'; variant: 'vec' | 'img' }
  /** The platform's imagery (遥感影像): the newest capture, or the one with this id. */
  | { kind: 'imagery'; id: string | undefined }
  | { kind: 'url'; url: string };

/**
 * `basemap`: `offline` (default, the platform's own style), `tianditu-vec`, `tianditu-img`,
 * `imagery` or `imagery:<id>` (the platform's 遥感影像), `none` (a plain background), or the URL
 * of any MapLibre style (https, or relative to the page).
 */
export function parseBasemap(value: string | null | undefined): Parsed<BasemapChoice> {
  const text = (value ?? '').trim();
  if (text === '' || text === 'offline') return { ok: true, value: { kind: 'offline' } };
  if (text === 'none') return { ok: true, value: { kind: 'none' } };
  if (text === 'tianditu-vec' || text === 'tianditu') return { ok: true, value: { kind: 'tianditu', variant: 'vec' } };
  if (text === 'tianditu-img') return { ok: true, value: { kind: 'tianditu', variant: 'img' } };
  if (text === 'imagery') return { ok: true, value: { kind: 'imagery', id: undefined } };
  if (text.startsWith('imagery:')) {
    const id = text.slice('imagery:'.length);
    return LAYER_ID.test(id) ? { ok: true, value: { kind: 'imagery', id } } : { ok: false, value: text };
  }
  const url = safeHttpUrl(text);
  return url === undefined ? { ok: false, value: text } : { ok: true, value: { kind: 'url', url } };
}

/** `basemap-crs`: `wgs84` (also `cgcs2000`, the default) or `gcj02`. */
export function parseBasemapCrs(value: string | null | undefined): Parsed<BasemapCrs> {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === 'wgs84' || text === 'cgcs2000') return { ok: true, value: 'wgs84' };
  if (text === 'gcj02') return { ok: true, value: 'gcj02' };
  return { ok: false, value: text };
}

export function parseMode(value: string | null | undefined): Parsed<MapMode> {
  const text = (value ?? '').trim();
  if (text === '' || text === 'identify') return { ok: true, value: 'identify' };
  if (text === 'zone-check' || text === 'none') return { ok: true, value: text };
  return { ok: false, value: text };
}

/** An absolute http(s) URL (relative ones resolve against the page); undefined otherwise. */
export function safeHttpUrl(value: string): string | undefined {
  try {
    const url = new URL(value, document.baseURI);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A Tianditu key (`tk`, 32 hex digits today): letters and digits only, so it cannot alter the tile URL. */
export function isTiandituKey(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^[0-9A-Za-z]{8,64}$/.test(value);
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** A legend colour as the contract promises it (`#rrggbb`); anything else falls back to grey. */
export function safeColor(value: unknown, fallback = '#868e96'): string {
  return typeof value === 'string' && HEX_COLOR.test(value) ? value : fallback;
}

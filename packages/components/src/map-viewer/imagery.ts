/**
 * The platform's imagery (遥感影像, `GET /gis/imagery`) as a raster basemap: `basemap="imagery"`
 * draws the newest capture, `basemap="imagery:<id>"` a given one. The tiles are PNGs on the same
 * Web Mercator grid as the vector layers, in CGCS2000 like them, so overlays need no conversion;
 * the catalogue's attribution and 审图号 go to the bottom-left line. Loaded only by maps that ask.
 */
import { msg, str } from '@lit/localize';
import type { StyleSpecification } from 'maplibre-gl';
import type { CityBrainClient, Imagery } from '@citybrain/client';
import type { Basemap } from './basemaps.js';
import { toBBox } from './config.js';
import { ConfigurationError } from '../shared/status.js';

/** A MapLibre style with one raster source over the imagery's PNG tiles, within its extent and zooms. */
export function imageryStyle(imagery: Imagery, background = '#ffffff'): StyleSpecification {
  const bounds = toBBox(imagery.bbox);
  return {
    version: 8,
    sources: {
      [`imagery-${imagery.id}`]: {
        type: 'raster',
        tiles: imagery.tiles,
        tileSize: imagery.tileSize,
        minzoom: imagery.minzoom,
        maxzoom: imagery.maxzoom,
        // The server's extent, validated like any bbox it sends (a bad one: tiles asked everywhere).
        ...(bounds ? { bounds } : {}),
        attribution: imagery.attribution,
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': background } },
      { id: `imagery-${imagery.id}`, type: 'raster', source: `imagery-${imagery.id}` },
    ],
  };
}

/** The imagery `imageryId` (the newest when absent) from the platform's catalogue, as a basemap. */
export async function imageryBasemap(
  client: CityBrainClient,
  imageryId: string | undefined,
  reviewNo: string | undefined,
  signal: AbortSignal,
): Promise<Basemap> {
  const list = await client.gis.imagery({ signal });
  const imagery = imageryId ? list.find((entry) => entry.id === imageryId) : list[0];
  // The page asked for what the platform does not have: its configuration, not a passing failure.
  if (!imagery) {
    throw new ConfigurationError(
      imageryId ? msg(str`影像目录中没有“${imageryId}”。`, { id: 'map.error.imagery-missing' }) : msg('影像目录为空，无法显示影像底图。', { id: 'map.error.imagery-none' }),
    );
  }
  return {
    style: imageryStyle(imagery),
    crs: 'wgs84',
    reviewNo: reviewNo ?? imagery.reviewNo ?? undefined,
    attribution: imagery.attribution,
    internet: false,
  };
}

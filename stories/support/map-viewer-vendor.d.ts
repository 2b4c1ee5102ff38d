// Type declarations for the two tile libraries the map stories cut vector tiles with (they ship
// none). Only what stories/support/map-viewer-gis.ts uses is described.

declare module 'geojson-vt' {
  import type { FeatureCollection } from 'geojson';

  export interface GeoJsonVtTile {
    features: unknown[];
  }

  export interface GeoJsonVtIndex {
    getTile(z: number, x: number, y: number): GeoJsonVtTile | null;
  }

  export default function geojsonvt(
    data: FeatureCollection,
    options?: { maxZoom?: number; indexMaxZoom?: number; extent?: number; buffer?: number },
  ): GeoJsonVtIndex;
}

declare module 'vt-pbf' {
  import type { GeoJsonVtTile } from 'geojson-vt';

  export function fromGeojsonVt(layers: Record<string, GeoJsonVtTile>, options?: { version?: number; extent?: number }): Uint8Array;
}

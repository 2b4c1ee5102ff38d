// Type declarations for the two tile libraries, which ship none (no @types packages are installed).
// Only the parts the GIS service uses are described.

declare module 'geojson-vt' {
  import type { FeatureCollection } from 'geojson';

  export interface GeoJsonVtOptions {
    maxZoom?: number;
    indexMaxZoom?: number;
    indexMaxPoints?: number;
    tolerance?: number;
    extent?: number;
    buffer?: number;
    lineMetrics?: boolean;
    promoteId?: string | null;
    generateId?: boolean;
    debug?: number;
  }

  /** A tile in tile coordinates: `type` 1 point, 2 line, 3 polygon. */
  export interface GeoJsonVtFeature {
    type: 1 | 2 | 3;
    geometry: unknown[];
    tags: Record<string, unknown> | null;
    id?: number | string;
  }

  export interface GeoJsonVtTile {
    features: GeoJsonVtFeature[];
    numPoints: number;
    numSimplified: number;
    numFeatures: number;
  }

  export interface GeoJsonVtIndex {
    getTile(z: number, x: number, y: number): GeoJsonVtTile | null;
  }

  export default function geojsonvt(data: FeatureCollection, options?: GeoJsonVtOptions): GeoJsonVtIndex;
}

declare module 'vt-pbf' {
  import type { GeoJsonVtTile } from 'geojson-vt';

  /** Encodes geojson-vt tiles (one per MVT layer name) as a Mapbox Vector Tile. */
  export function fromGeojsonVt(layers: Record<string, GeoJsonVtTile>, options?: { version?: number; extent?: number }): Uint8Array;
}

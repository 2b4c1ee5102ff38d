/**
 * Web Mercator tiles redrawn from a geographic (CGCS2000 / WGS 84 degrees) WMTS tile matrix set, for
 * the 天地图 `_c` services and provincial platforms that publish only those: maplibre draws Web
 * Mercator tiles, so a tile z/x/y is assembled from the geographic tiles under it, row by row (the
 * longitudes map linearly, the latitudes through the Mercator projection), on a canvas.
 */
import type { GeographicMatrix } from './wmts.js';

const TILE = 256;
/** More source tiles than this under one tile means a matrix far too coarse or fine: nothing is drawn. */
const MAX_SOURCE_TILES = 16;

/** Latitude of the northern edge of Web Mercator tile row `y` (fractional rows allowed) at zoom `z`. */
function rowLatitude(y: number, z: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
}

/** The level whose pixels are closest to, and not much coarser than, `degreesPerPixel`. */
function matrixFor(matrices: readonly GeographicMatrix[], degreesPerPixel: number): GeographicMatrix {
  const finestFirst = [...matrices].sort((a, b) => a.degreesPerPixel - b.degreesPerPixel);
  return [...finestFirst].reverse().find((matrix) => matrix.degreesPerPixel <= degreesPerPixel * 1.5) ?? finestFirst[0]!;
}

export interface GeographicSource {
  template: string;
  matrices: readonly GeographicMatrix[];
  /** Loads one source tile; undefined for a tile the server has not (404, 204). */
  load(url: string, signal: AbortSignal): Promise<Blob | undefined>;
}

/** Web Mercator tile z/x/y as PNG bytes (an empty buffer when no source tile covers it). */
export async function redrawTile(source: GeographicSource, z: number, x: number, y: number, signal: AbortSignal): Promise<ArrayBuffer> {
  const west = (x / 2 ** z) * 360 - 180;
  const east = ((x + 1) / 2 ** z) * 360 - 180;
  const matrix = matrixFor(source.matrices, (east - west) / TILE);
  const size = matrix.tileSize;
  const column = (lon: number) => (lon - matrix.west) / matrix.degreesPerPixel;
  const row = (lat: number) => (matrix.north - lat) / matrix.degreesPerPixel;
  const [left, right] = [column(west), column(east)];
  const [top, bottom] = [row(rowLatitude(y, z)), row(rowLatitude(y + 1, z))];
  const cols = { first: Math.max(0, Math.floor(left / size)), last: Math.min(matrix.matrixWidth - 1, Math.floor((right - 1e-9) / size)) };
  const rows = { first: Math.max(0, Math.floor(top / size)), last: Math.min(matrix.matrixHeight - 1, Math.floor((bottom - 1e-9) / size)) };
  const count = (cols.last - cols.first + 1) * (rows.last - rows.first + 1);
  if (count <= 0 || count > MAX_SOURCE_TILES) return new ArrayBuffer(0);

  const wanted: { col: number; row: number }[] = [];
  for (let r = rows.first; r <= rows.last; r++) for (let c = cols.first; c <= cols.last; c++) wanted.push({ col: c, row: r });
  const tiles = await Promise.all(
    wanted.map(async (tile) => {
      const url = source.template.replace('{matrix}', encodeURIComponent(matrix.identifier)).replace('{row}', String(tile.row)).replace('{col}', String(tile.col));
      const blob = await source.load(url, signal);
      return { ...tile, image: blob ? await createImageBitmap(blob) : undefined };
    }),
  );
  if (tiles.every((tile) => !tile.image)) return new ArrayBuffer(0);

  const canvas = document.createElement('canvas');
  canvas.width = TILE;
  canvas.height = TILE;
  const context = canvas.getContext('2d')!;
  context.imageSmoothingEnabled = true;
  const scale = TILE / (right - left);
  for (let py = 0; py < TILE; py++) {
    const sourceRow = row(rowLatitude(y + (py + 0.5) / TILE, z));
    for (const tile of tiles) {
      const within = sourceRow - tile.row * size;
      if (!tile.image || within < 0 || within >= size) continue;
      context.drawImage(tile.image, 0, Math.floor(within), size, 1, (tile.col * size - left) * scale, py, size * scale, 1);
    }
  }
  for (const tile of tiles) tile.image?.close();
  const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  return png ? png.arrayBuffer() : new ArrayBuffer(0);
}

/** The scale bar: a round distance that fits a maximum width at the map's centre latitude. */

const EARTH_CIRCUMFERENCE_M = 40_075_016.686;

/** Metres per CSS pixel at `latitude` and `zoom` (MapLibre's 512-pixel tiles). */
export function metresPerPixel(latitude: number, zoom: number): number {
  return (EARTH_CIRCUMFERENCE_M * Math.cos((latitude * Math.PI) / 180)) / (512 * 2 ** zoom);
}

export interface ScaleBar {
  /** Bar width in CSS pixels. */
  width: number;
  /** The distance the bar stands for, in metres. */
  metres: number;
}

/** The largest 1, 2 or 5 × 10ⁿ metres that fits `maxWidth` pixels. */
export function scaleBar(latitude: number, zoom: number, maxWidth = 100): ScaleBar {
  const perPixel = metresPerPixel(latitude, zoom);
  const maxMetres = perPixel * maxWidth;
  if (!Number.isFinite(maxMetres) || maxMetres <= 0) return { width: 0, metres: 0 };
  const magnitude = 10 ** Math.floor(Math.log10(maxMetres));
  const step = [5, 2, 1].map((m) => m * magnitude).find((metres) => metres <= maxMetres) ?? magnitude;
  return { width: Math.round(step / perPixel), metres: step };
}

/**
 * A map focused on a region (its \`region\` attribute, \`fitRegion()\`, or a town picked in the search):
 * the outline, the camera and the breadcrumb of its ancestors. Loaded with the first region.
 */
import { css, html, type TemplateResult } from 'lit';
import { msg } from '@lit/localize';
import type { RegionDetail } from '@citybrain/client';
import { toBBox } from './config.js';
import type { MapEngine } from './engine.js';
import { convertGeoJson } from './coords.js';

export const regionStyles = css`
  .breadcrumb ol {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .breadcrumb li + li::before {
    content: '›';
    padding-inline: var(--_cb-space-xs);
    color: var(--_cb-color-text-muted);
  }
`;

/** Outlines the region and, unless the page set its own camera, fits the map to it. */
export function showRegion(engine: MapEngine, detail: RegionDetail, animate: boolean, keepCamera: boolean): void {
  const geometry = (detail as { geometry?: GeoJSON.Geometry }).geometry;
  engine.setRegion(geometry && regionFeatures(convertGeoJson(geometry, 'wgs84', engine.crs)));
  const bbox = toBBox(detail.bbox);
  if (bbox && !keepCamera) engine.fitBounds(bbox, 16, animate);
}

/** The region's ancestors as links (`pick` focuses one), then the region itself. */
export function breadcrumb(detail: RegionDetail, pick: (code: string) => void): TemplateResult {
  const path = [...(detail.ancestors ?? []), detail];
  return html`<nav part="breadcrumb" class="breadcrumb" aria-label=${msg('行政区划', { id: 'map.breadcrumb' })}>
    <ol>
      ${path.map((region, index) =>
        index < path.length - 1
          ? html`<li><button type="button" class="button-link" @click=${() => pick(region.code)}>${region.name}</button></li>`
          : html`<li><span aria-current="location">${region.name}</span></li>`,
      )}
    </ol>
  </nav>`;
}

function signedArea(ring: GeoJSON.Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  }
  return sum;
}

/** The veil (the world with the region's outer rings as holes) and the outline, as features. */
function regionFeatures(geometry: GeoJSON.Geometry | undefined): GeoJSON.FeatureCollection {
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
    return { type: 'FeatureCollection', features: [] };
  }
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const world = [
    [-180, -85],
    [180, -85],
    [180, 85],
    [-180, 85],
    [-180, -85],
  ];
  // A hole must wind against its outer ring, or MapLibre fills it as a polygon of its own.
  const holes = polygons
    .map((polygon) => polygon[0])
    .filter((ring): ring is GeoJSON.Position[] => ring !== undefined && ring.length >= 4)
    .map((ring) => (signedArea(ring) > 0 ? [...ring].reverse() : ring));
  return {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { role: 'mask' }, geometry: { type: 'Polygon', coordinates: [world, ...holes] } },
      { type: 'Feature', properties: { role: 'outline' }, geometry },
    ],
  };
}

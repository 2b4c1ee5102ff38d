/**
 * Who may read which layer: internal layers need `gis:internal`, a layer drawn from a dataset follows
 * the data API (absent when unlisted, forbidden when listed but not readable, rows in the caller's region).
 */
import type { FastifyRequest } from 'fastify';
import { requirePermission } from '../../auth.js';
import { forbidden, notFound } from '../../problems.js';
import { accessOf, isListed } from '../data/access.js';
import { LAYERS, LAYERS_BY_ID, type LayerDef } from './layers.js';

export const canReadInternal = (req: FastifyRequest): boolean => req.principal.permissions.includes('gis:internal');

/**
 * Whether the caller may read a layer. A layer drawn from a dataset follows the data API exactly:
 * absent (404) when the catalogue does not list the dataset to the caller, forbidden when listed but
 * not shared with it. Other layers: public, or internal for callers with `gis:internal`.
 */
function layerAccess(req: FastifyRequest, layer: LayerDef): 'read' | 'absent' | 'forbidden' {
  if (layer.dataset) {
    if (!isListed(req.principal, layer.dataset.definition)) return 'absent';
    return accessOf(req.principal, layer.dataset.definition).read ? 'read' : 'forbidden';
  }
  return layer.access === 'public' || canReadInternal(req) ? 'read' : 'forbidden';
}

export function visibleLayers(req: FastifyRequest): LayerDef[] {
  return LAYERS.filter((layer) => layerAccess(req, layer) === 'read');
}

/** The layer, or 404; a layer the caller may not read is 401 anonymous, 403 otherwise (absent if its dataset is unlisted). */
export function readableLayer(req: FastifyRequest, layerId: string): LayerDef {
  const layer = LAYERS_BY_ID.get(layerId);
  const access = layer ? layerAccess(req, layer) : 'absent';
  if (!layer || access === 'absent') throw notFound(`图层 ${layerId} 不存在`);
  if (access === 'forbidden') {
    if (layer.dataset) throw forbidden(`图层 ${layerId}：${accessOf(req.principal, layer.dataset.definition).reason}`);
    requirePermission(req, 'gis:internal');
  }
  return layer;
}

/** The region prefix that limits a layer's rows for this caller: its scope for dataset layers, none otherwise. */
export const rowScope = (layer: LayerDef, scope: string): string | null => (layer.dataset ? scope : null);

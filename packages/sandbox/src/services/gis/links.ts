/** The GIS service's URLs: the public base, `self` links and each layer's links. */
import type { GisComponents } from '@citybrain/contract';
import type { FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../context.js';
import type { LayerDef } from './layers.js';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const CGCS2000 = 'http://www.opengis.net/def/crs/EPSG/0/4490';
export const QUERYABLES_REL = 'http://www.opengis.net/def/rel/ogc/1.0/queryables';

export type Link = GisComponents['schemas']['Link'];

/** The configured public base URL (config.ts): a forged `Host` header never shapes a link. */
export const origin = (ctx: ServiceContext): string => ctx.config.publicBaseUrl ?? '';

/** `https://public.base/api/v1`, the route's prefix after the public base URL. */
export function apiBase(req: FastifyRequest, ctx: ServiceContext): string {
  const route = req.routeOptions.url ?? '';
  return `${origin(ctx)}${route.slice(0, route.indexOf('/gis'))}`;
}

/**
 * The request's own URL for a `self` link, its query re-encoded: broken percent-encoding in a request
 * (`?q=%zz`) must not turn the link into an invalid URI.
 */
export function selfHref(base: string, req: FastifyRequest): string {
  const url = new URL(`${base}${req.url.slice(req.url.indexOf('/gis'))}`);
  url.search = new URLSearchParams(url.search).toString();
  return url.toString();
}

export function layerLinks(base: string, layer: LayerDef): Link[] {
  return [
    { href: `${base}/gis/layers/${layer.id}`, rel: 'self', type: 'application/json', title: layer.title },
    { href: `${base}/gis/layers/${layer.id}/tilejson`, rel: 'tilejson', type: 'application/json', title: 'TileJSON 3.0.0' },
    { href: `${base}/gis/layers/${layer.id}/style`, rel: 'stylesheet', type: 'application/vnd.maplibre.style+json', title: 'MapLibre 样式' },
    { href: `${base}/gis/collections/${layer.id}/items`, rel: 'items', type: 'application/geo+json', title: '要素' },
    { href: `${base}/gis/collections/${layer.id}/queryables`, rel: QUERYABLES_REL, type: 'application/schema+json', title: '可查询属性' },
  ];
}

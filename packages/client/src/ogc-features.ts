/**
 * OGC API - Features (Part 1 Core, Part 2 CRS by reference) against any conforming server, not only the
 * City Brain platform: a district's MapServer, GeoServer, QGIS Server or pygeoapi. Calls run on the
 * same transport as the platform client (timeouts, retries, typed errors) but never carry the
 * platform's token: a foreign server gets only the headers, key parameter and cookies given here.
 *
 *   const bureau = createOgcFeaturesClient({ url: 'https://gis.example.gov.cn/ogcapi' });
 *   for await (const feature of bureau.items('zones', { bbox: [113.0, 23.1, 113.1, 23.2], limit: 500 })) …
 */
import { createExternalService, type ExternalServiceOptions } from './external-service.js';
import { nextOgcLink, paginate, type OgcLink, type PageLimitOptions, type Paginated } from './pagination.js';
import { checkNonNegative } from './check.js';

export type OgcFeaturesOptions = ExternalServiceOptions;

export interface OgcGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: OgcGeometry[];
}

export interface OgcFeature {
  type: 'Feature';
  id?: string | number;
  geometry: OgcGeometry | null;
  properties: Record<string, unknown> | null;
}

export interface OgcFeatureCollection {
  type: 'FeatureCollection';
  features: OgcFeature[];
  links?: OgcLink[];
  numberMatched?: number;
  numberReturned?: number;
  timeStamp?: string;
}

export interface OgcLandingPage {
  title?: string;
  description?: string;
  links: OgcLink[];
}

export interface OgcCollection {
  id: string;
  title?: string;
  description?: string;
  links: OgcLink[];
  extent?: { spatial?: { bbox?: number[][]; crs?: string } };
  itemType?: string;
  /** Part 2: the CRS the server can answer in. */
  crs?: string[];
  storageCrs?: string;
}

export interface OgcItemsQuery extends PageLimitOptions {
  /** minLon,minLat,maxLon,maxLat in CRS84, or in `bboxCrs`'s axis order. */
  bbox?: readonly [number, number, number, number];
  /** Part 2: the CRS of `bbox`, e.g. `http://www.opengis.net/def/crs/EPSG/0/4490`. */
  bboxCrs?: string;
  /** Part 2: the CRS of the answer's coordinates. */
  crs?: string;
  /** Features per page (servers cap it). */
  limit?: number;
  /** Further query parameters, e.g. property filters a server offers. */
  filter?: Record<string, string>;
  signal?: AbortSignal;
}

export interface OgcItemsPage extends OgcFeatureCollection {
  /** The CRS the server says the coordinates are in (`Content-Crs`), when it says. */
  contentCrs?: string;
}

export interface OgcFeaturesClient {
  readonly url: string;
  landing(signal?: AbortSignal): Promise<OgcLandingPage>;
  conformance(signal?: AbortSignal): Promise<string[]>;
  collections(signal?: AbortSignal): Promise<OgcCollection[]>;
  collection(id: string, signal?: AbortSignal): Promise<OgcCollection>;
  /** Every feature, page after page over the `next` links, with `for await`. */
  items(collectionId: string, query?: OgcItemsQuery): Paginated<OgcFeature, OgcItemsPage>;
  item(collectionId: string, featureId: string | number, signal?: AbortSignal): Promise<OgcFeature>;
}

const GEOJSON_ACCEPT = 'application/geo+json, application/json;q=0.9, application/problem+json;q=0.5';

export function createOgcFeaturesClient(options: OgcFeaturesOptions): OgcFeaturesClient {
  const service = createExternalService(options);
  const landingUrl = service.url;
  const withQuery = service.resolve;
  const get = <T>(url: string, signal?: AbortSignal) => service.get<T>(url, { accept: GEOJSON_ACCEPT, signal });
  const path = (...segments: (string | number)[]) => `${landingUrl}/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;

  return {
    url: landingUrl,
    async landing(signal) {
      return (await get<OgcLandingPage>(withQuery(landingUrl, { f: 'json' }), signal)).data;
    },
    async conformance(signal) {
      return (await get<{ conformsTo: string[] }>(withQuery(path('conformance'), { f: 'json' }), signal)).data.conformsTo ?? [];
    },
    async collections(signal) {
      return (await get<{ collections: OgcCollection[] }>(withQuery(path('collections'), { f: 'json' }), signal)).data.collections ?? [];
    },
    async collection(id, signal) {
      return (await get<OgcCollection>(withQuery(path('collections', id), { f: 'json' }), signal)).data;
    },
    async item(collectionId, featureId, signal) {
      return (await get<OgcFeature>(withQuery(path('collections', collectionId, 'items', featureId), { f: 'json' }), signal)).data;
    },
    items(collectionId, query = {}) {
      if (query.limit !== undefined) checkNonNegative('limit', query.limit);
      // What selects the features, as opposed to where a page starts. MapServer 8.0's `next` links drop
      // the bbox (and with it the selection), so these go along wherever a link leaves them out.
      const selection = { ...query.filter, bbox: query.bbox?.join(','), 'bbox-crs': query.bboxCrs, crs: query.crs };
      const first = withQuery(path('collections', collectionId, 'items'), {
        f: 'json',
        ...selection,
        limit: query.limit === undefined ? undefined : String(query.limit),
      });
      return paginate<OgcFeature, OgcItemsPage, string>(
        async (next) => {
          const { data, response } = await get<OgcFeatureCollection>(next ?? first, query.signal);
          const contentCrs = response.headers.get('content-crs')?.replace(/^<|>$/g, '');
          return { ...data, features: Array.isArray(data.features) ? data.features : [], ...(contentCrs ? { contentCrs } : {}) };
        },
        (page) => page.features,
        // A relative `next` resolves against the service; the key parameter goes along.
        (page) => {
          const next = nextOgcLink(page);
          return next === undefined ? undefined : withQuery(next, selection);
        },
        { maxPages: query.maxPages, where: { method: 'GET', url: first } },
      );
    },
  };
}

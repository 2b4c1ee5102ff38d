/** Resource helpers of the GIS "one map" (一张图): categories, catalogue, imagery, TileJSON, OGC features, identify, search. */
import type { CoreClient } from '../types.js';
import type { GisComponents as components, GisOperations as operations } from '@citybrain/contract';
import { nextOgcLink, paginate, type Paginated } from '../pagination.js';
import { pagingOf, type HelperOptions, type ListOptions } from './common.js';

type Schemas = components['schemas'];
export type GisCategory = Schemas['Category'];
export type Imagery = Schemas['Imagery'];
export type Layer = Schemas['Layer'];
export type LayerCatalogue = Schemas['LayerCatalogue'];
export type TileJson = Schemas['TileJson'];
export type FeatureCollection = Schemas['FeatureCollection'];
/** A GeoJSON feature of an items page. */
export type Feature = FeatureCollection['features'][number];
export type IdentifyResult = Schemas['IdentifyResult'];
export type SearchResult = Schemas['SearchResult'];

export type LayerQuery = NonNullable<operations['listGisLayers']['parameters']['query']>;
/** Filters of an items query; paging (`cursor`) is the iterator's job. */
export type FeatureQuery = Omit<NonNullable<operations['listGisFeatures']['parameters']['query']>, 'cursor'>;
export type IdentifyQuery = operations['identifyGisFeatures']['parameters']['query'];
export type PlaceQuery = operations['searchGisPlaces']['parameters']['query'];

export interface GisResource {
  /** The ten categories in display order, each with its visible layer count and its services (33 in all). */
  categories(options?: HelperOptions): Promise<GisCategory[]>;
  /** The imagery (遥感影像) tilesets the caller may see, newest capture first: PNG tile templates, legend, attribution. */
  imagery(options?: HelperOptions): Promise<Imagery[]>;
  /** The layer catalogue the caller may see (public layers without a token), optionally grouped by category. */
  layers(query?: LayerQuery, options?: HelperOptions): Promise<LayerCatalogue>;
  /** One layer's catalogue entry: category, access, source CRS, 审图号, attribution, legend, links. */
  layer(layerId: string, options?: HelperOptions): Promise<Layer>;
  /** TileJSON 3.0 of a layer's vector tiles, for MapLibre sources. */
  tilejson(layerId: string, options?: HelperOptions): Promise<TileJson>;
  /**
   * Features of a layer (OGC API – Features items), following `next` links page by page:
   * `for await (const feature of client.gis.items('homestead-parcels', { villageCode }))`, or
   * `.pages()` for whole FeatureCollections (with `numberMatched`).
   */
  items(layerId: string, query?: FeatureQuery, options?: ListOptions): Paginated<Feature, FeatureCollection>;
  /** Features at a point across layers, nearest first per layer. */
  identify(query: IdentifyQuery, options?: HelperOptions): Promise<IdentifyResult>;
  /** Place search: towns, villages, 宗地号, parks, rivers, roads, service points. */
  search(query: PlaceQuery, options?: HelperOptions): Promise<SearchResult>;
}

export function createGisResource(client: CoreClient): GisResource {
  return {
    async categories(options) {
      return (await client.GET('/gis/categories', options)).data.items;
    },
    async imagery(options) {
      return (await client.GET('/gis/imagery', options)).data.imagery;
    },
    async layers(query = {}, options) {
      return (await client.GET('/gis/layers', { ...options, params: { query } })).data;
    },
    async layer(layerId, options) {
      return (await client.GET('/gis/layers/{layerId}', { ...options, params: { path: { layerId } } })).data;
    },
    async tilejson(layerId, options) {
      return (await client.GET('/gis/layers/{layerId}/tilejson', { ...options, params: { path: { layerId } } })).data;
    },
    items(layerId, query = {}, options) {
      // Each page's next link, read when the page arrives (body links first, else the Link header).
      const nextLinks = new WeakMap<FeatureCollection, string | undefined>();
      const { limits, call } = pagingOf(client, `/gis/collections/${encodeURIComponent(layerId)}/items`, options);
      return paginate<Feature, FeatureCollection, string>(
        async (nextLink) => {
          const { data, response } = nextLink
            ? await client.raw<FeatureCollection>('GET', nextLink, call)
            : await client.GET('/gis/collections/{layerId}/items', { ...call, params: { path: { layerId }, query } });
          nextLinks.set(data, nextOgcLink(data, response));
          return data;
        },
        (page) => page.features,
        (page) => nextLinks.get(page),
        limits,
      );
    },
    async identify(query, options) {
      return (await client.GET('/gis/identify', { ...options, params: { query } })).data;
    },
    async search(query, options) {
      return (await client.GET('/gis/search', { ...options, params: { query } })).data;
    },
  };
}

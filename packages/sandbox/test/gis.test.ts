import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { tileAt } from '../src/services/gis/geo.js';

interface Link {
  href: string;
  rel: string;
  type?: string;
}
interface LayerRecord {
  id: string;
  category: string;
  access: 'public' | 'internal';
  sourceLayer: string;
  reviewNo: string | null;
  featureCount: number;
  bbox: number[];
  minzoom: number;
  maxzoom: number;
  legend: { property: string | null; items: { value?: string; color: string }[] };
  links: Link[];
}
interface Catalogue {
  layers: LayerRecord[];
  groups?: { category: { id: string; order: number }; layerIds: string[] }[];
  numberMatched: number;
}
interface GeoFeature {
  type: 'Feature';
  id: string;
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, unknown>;
  distanceM?: number;
}
interface FeatureCollection {
  type: 'FeatureCollection';
  features: GeoFeature[];
  numberMatched: number;
  numberReturned: number;
  links: Link[];
  masking?: { masked: boolean; fields: string[]; reason: string | null };
}
interface Identify {
  results: { layerId: string; features: GeoFeature[] }[];
  masking: { masked: boolean; fields: string[]; reason: string | null };
}
interface Place {
  kind: string;
  label: string;
  code: string;
  layerId: string;
  featureId: string;
  bbox: number[];
  center: number[];
}

function ringOf(feature: GeoFeature): [number, number][] {
  assert.equal(feature.geometry.type, 'Polygon');
  return (feature.geometry.coordinates as [number, number][][])[0]!;
}

/** The mean of a small polygon's vertices: inside a (convex) house lot. */
function centreOf(feature: GeoFeature): [number, number] {
  const ring = ringOf(feature).slice(0, -1);
  return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
}

function decode(buffer: ArrayBuffer): VectorTile {
  return new VectorTile(new PbfReader(new Uint8Array(buffer)));
}

describe('gis service', () => {
  let sandbox: TestSandbox;
  let district: string;
  let village: string;
  let otherTown: string;
  /** A homestead parcel of 唐边村 (440605124201), read with full rights. */
  let tangbianParcel: GeoFeature;

  const json = async <T>(path: string, token?: string, headers?: Record<string, string>): Promise<T> => {
    const res = await sandbox.api(path, { token, headers });
    assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  };

  before(async () => {
    sandbox = await startTestSandbox();
    [district, village, otherTown] = await Promise.all([
      sandbox.token('demo-district'),
      sandbox.token('demo-village-tangbian'),
      sandbox.token('demo-town-guicheng'),
    ]);
    const page = await json<FeatureCollection>('/gis/collections/homestead-parcels/items?villageCode=440605124201&limit=1', district);
    assert.equal(page.features.length, 1, 'the small seed has parcels in 唐边村');
    tangbianParcel = page.features[0]!;
  });
  after(() => sandbox.close());

  describe('catalogue', () => {
    it('lists the ten categories in order, counting only the layers the caller may see', async () => {
      const anonymous = await json<{ items: { id: string; order: number; layerCount: number }[] }>('/gis/categories');
      assert.deepEqual(
        anonymous.items.map((c) => c.id),
        ['basemap', 'boundaries', 'planning', 'natural-resources', 'rural', 'industry', 'construction', 'ecology', 'public-services', 'urban-management'],
      );
      assert.deepEqual(anonymous.items.map((c) => c.order), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const internal = await json<{ items: { id: string; layerCount: number }[] }>('/gis/categories', district);
      const count = (list: { id: string; layerCount: number }[], id: string) => list.find((c) => c.id === id)!.layerCount;
      assert.equal(count(anonymous.items, 'rural'), 0, 'homestead parcels are internal');
      assert.equal(count(internal.items, 'rural'), 1);
    });

    it('shows public layers to everyone and internal ones only with gis:internal', async () => {
      const anonymous = await json<Catalogue>('/gis/layers');
      assert.ok(anonymous.layers.length >= 6);
      assert.ok(anonymous.layers.every((l) => l.access === 'public'));
      assert.ok(anonymous.layers.every((l) => l.reviewNo && /^粤S\(\d{4}\)\d+号$/.test(l.reviewNo)), 'public layers carry a 审图号');

      const full = await json<Catalogue>('/gis/layers', district);
      const parcels = full.layers.find((l) => l.id === 'homestead-parcels');
      assert.ok(parcels, 'district sees the parcels layer');
      assert.equal(parcels.access, 'internal');
      assert.equal(parcels.reviewNo, null, 'internal maps carry no 审图号');
      assert.equal(parcels.featureCount, 2_000);
      assert.equal(parcels.legend.property, 'status');

      assert.equal((await sandbox.api('/gis/layers?access=internal')).status, 401);
      assert.equal((await sandbox.api('/gis/layers/homestead-parcels')).status, 401);
      assert.equal((await sandbox.api('/gis/layers/no-such-layer')).status, 404);
    });

    it('groups by category in display order and filters by category, access and text', async () => {
      const grouped = await json<Catalogue>('/gis/layers?groupBy=category', district);
      assert.ok(grouped.groups);
      const orders = grouped.groups.map((g) => g.category.order);
      assert.deepEqual(orders, [...orders].sort((a, b) => a - b));
      const allIds = grouped.groups.flatMap((g) => g.layerIds);
      assert.deepEqual(new Set(allIds), new Set(grouped.layers.map((l) => l.id)));
      for (const group of grouped.groups) {
        for (const id of group.layerIds) assert.equal(grouped.layers.find((l) => l.id === id)!.category, group.category.id);
      }

      const planning = await json<Catalogue>('/gis/layers?category=planning');
      assert.ok(planning.layers.length > 0 && planning.layers.every((l) => l.category === 'planning'));
      const internalOnly = await json<Catalogue>('/gis/layers?access=internal', village);
      assert.ok(internalOnly.layers.length > 0 && internalOnly.layers.every((l) => l.access === 'internal'));
      const text = await json<Catalogue>(`/gis/layers?q=${encodeURIComponent('宗地')}`, district);
      assert.deepEqual(text.layers.map((l) => l.id), ['homestead-parcels']);
    });

    it('links every layer to its TileJSON, style, items and queryables', async () => {
      const { layers } = await json<Catalogue>('/gis/layers');
      for (const layer of layers) {
        const rels = new Map(layer.links.map((l) => [l.rel, l]));
        for (const rel of ['tilejson', 'stylesheet', 'items', 'http://www.opengis.net/def/rel/ogc/1.0/queryables']) {
          assert.ok(rels.get(rel)?.href.startsWith(sandbox.url), `${layer.id} links ${rel} absolutely`);
        }
        assert.equal(rels.get('items')!.type, 'application/geo+json');
      }
    });
  });

  describe('tiles', () => {
    it('serves TileJSON 3.0.0 describing the tiles', async () => {
      const tileJson = await json<{
        tilejson: string;
        tiles: string[];
        vector_layers: { id: string; fields: Record<string, string> }[];
        bounds: number[];
        minzoom: number;
        maxzoom: number;
        attribution: string;
      }>('/gis/layers/zones/tilejson');
      assert.equal(tileJson.tilejson, '3.0.0');
      assert.equal(tileJson.tiles.length, 1);
      assert.ok(tileJson.tiles[0]!.startsWith(`${sandbox.url}/api/v1/gis/tiles/zones/`));
      assert.match(tileJson.tiles[0]!, /\{z\}\/\{x\}\/\{y\}\.pbf$/);
      assert.equal(tileJson.vector_layers[0]!.id, 'zones');
      assert.ok('zoneType' in tileJson.vector_layers[0]!.fields);
      const [west, south, east, north] = tileJson.bounds as [number, number, number, number];
      assert.ok(west < east && south < north && west > 112 && east < 114 && south > 22 && north < 24);
      assert.ok(tileJson.minzoom <= tileJson.maxzoom);
      assert.match(tileJson.attribution, /粤S/);
    });

    it('cuts a parcel tile that decodes as MVT without personal data, with ETag and private caching', async () => {
      const [lon, lat] = centreOf(tangbianParcel);
      const { x, y } = tileAt(lon, lat, 15);
      const path = `/gis/tiles/homestead-parcels/15/${x}/${y}.pbf`;
      assert.equal((await sandbox.api(path)).status, 401, 'internal tiles need a token');
      const res = await sandbox.api(path, { token: village });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
      assert.match(res.headers.get('cache-control') ?? '', /^private/);
      const etag = res.headers.get('etag');
      assert.match(etag ?? '', /^".+"$/);
      const tile = decode(await res.arrayBuffer());
      const layer = tile.layers['homestead-parcels'];
      assert.ok(layer && layer.length > 0);
      const parcelNumbers = new Set<unknown>();
      for (let i = 0; i < layer.length; i++) {
        const feature = layer.feature(i);
        assert.equal(feature.type, 3, 'parcels are polygons');
        assert.equal(typeof feature.id, 'number');
        assert.ok(!('ownerName' in feature.properties) && !('ownerIdNumber' in feature.properties), 'tiles never carry owners');
        parcelNumbers.add(feature.properties.parcelNo);
      }
      assert.ok(parcelNumbers.has(tangbianParcel.properties.parcelNo), 'the parcel is in the tile at its own centre');

      const again = await sandbox.api(path, { token: village, headers: { 'if-none-match': etag! } });
      assert.equal(again.status, 304);
    });

    it('keeps tiles gzip: the gzip body to clients that accept it, the plain MVT to those that do not, each with its own ETag', async () => {
      const [lon, lat] = centreOf(tangbianParcel);
      const { x, y } = tileAt(lon, lat, 14);
      const path = `/gis/tiles/homestead-parcels/14/${x}/${y}.pbf`;
      const token = await sandbox.token('demo-district');
      // inject: the raw bytes, as fetch would undo the content coding.
      const get = (headers: Record<string, string>) =>
        sandbox.app.inject({ method: 'GET', url: `/api/v1${path}`, headers: { authorization: `Bearer ${token}`, ...headers } });
      const plain = await get({ 'accept-encoding': 'identity' });
      const gzipped = await get({ 'accept-encoding': 'gzip, deflate, br' });
      assert.equal(plain.statusCode, 200);
      assert.equal(gzipped.statusCode, 200);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(gzipped.headers['content-encoding'], 'gzip');
      assert.equal(gzipped.headers.vary, 'accept-encoding');
      assert.ok(gzipped.rawPayload.length < plain.rawPayload.length / 2, `${gzipped.rawPayload.length} gzip bytes of ${plain.rawPayload.length}`);
      assert.deepEqual(gunzipSync(gzipped.rawPayload), plain.rawPayload, 'the same MVT once decompressed');
      assert.ok(decode(new Uint8Array(plain.rawPayload).buffer).layers['homestead-parcels']);
      assert.equal(gzipped.headers.etag, `${String(plain.headers.etag).slice(0, -1)}-gzip"`);
      for (const tag of [plain.headers.etag, gzipped.headers.etag]) {
        for (const encoding of ['identity', 'gzip']) {
          assert.equal((await get({ 'accept-encoding': encoding, 'if-none-match': String(tag) })).statusCode, 304, `${tag} revalidates (${encoding})`);
        }
      }
      assert.equal((await get({ 'accept-encoding': 'gzip;q=0' })).headers['content-encoding'], undefined, 'q=0 refuses gzip');
    });

    it('answers 204 outside the data, and 400 for impossible addresses', async () => {
      const beijing = tileAt(116.4, 39.9, 12);
      const empty = await sandbox.api(`/gis/tiles/zones/12/${beijing.x}/${beijing.y}.pbf`);
      assert.equal(empty.status, 204);
      assert.ok(empty.headers.get('etag'));
      assert.match(empty.headers.get('cache-control') ?? '', /^public/);
      assert.equal((await sandbox.api(`/gis/basemap/tiles/12/${beijing.x}/${beijing.y}.pbf`)).status, 204);
      assert.equal((await sandbox.api('/gis/tiles/zones/17/0/0.pbf')).status, 400, 'above maxzoom');
      assert.equal((await sandbox.api('/gis/tiles/zones/3/8/0.pbf')).status, 400, 'x beyond the grid');
      assert.equal((await sandbox.api('/gis/tiles/nope/3/1/1.pbf')).status, 404);
    });

    it('gives each layer a valid MapLibre style fragment coloured from its legend', async () => {
      const { layers } = await json<Catalogue>('/gis/layers', district);
      for (const layer of layers) {
        const style = await json<{ sources: Record<string, { url: string }>; layers: { id: string; paint?: Record<string, unknown> }[] }>(
          `/gis/layers/${layer.id}/style`,
          district,
        );
        assert.deepEqual(validateStyleMin(style as never), [], `${layer.id} style is valid`);
        assert.equal(style.sources[layer.id]!.url, layer.links.find((l) => l.rel === 'tilejson')!.href);
        assert.ok(style.layers.every((l) => l.id.startsWith(`cb-${layer.id}-`)));
        const paintText = JSON.stringify(style.layers.map((l) => l.paint));
        for (const item of layer.legend.items) assert.ok(paintText.includes(item.color), `${layer.id} uses ${item.color}`);
      }
    });
  });

  describe('items', () => {
    it('pages with next links until numberMatched features were returned, each once', async () => {
      let url: string | undefined = `${sandbox.url}/api/v1/gis/collections/zones/items?limit=250`;
      const seen = new Set<string>();
      let matched = -1;
      let pages = 0;
      while (url) {
        const res: Response = await fetch(url);
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /application\/geo\+json/);
        const page = (await res.json()) as FeatureCollection;
        matched = page.numberMatched;
        assert.equal(page.numberReturned, page.features.length);
        for (const feature of page.features) {
          assert.ok(!seen.has(feature.id), `${feature.id} appears once`);
          seen.add(feature.id);
        }
        const next = page.links.find((l) => l.rel === 'next')?.href;
        if (next) assert.equal(res.headers.get('link'), `<${next}>; rel="next"`);
        url = next;
        pages++;
      }
      assert.ok(pages > 1);
      assert.equal(seen.size, matched);
    });

    it('filters by bbox and by queryable properties', async () => {
      const all = await json<FeatureCollection>('/gis/collections/homestead-parcels/items?limit=1', district);
      const [lon, lat] = centreOf(tangbianParcel);
      const box = [lon - 0.003, lat - 0.003, lon + 0.003, lat + 0.003];
      const near = await json<FeatureCollection>(`/gis/collections/homestead-parcels/items?limit=1000&bbox=${box.join(',')}`, district);
      assert.ok(near.numberMatched > 0 && near.numberMatched < all.numberMatched);
      assert.ok(near.features.some((f) => f.id === tangbianParcel.id));
      for (const feature of near.features) {
        const ring = ringOf(feature);
        const meets = ring.some(([x, y]) => x >= box[0]! - 1e-4 && x <= box[2]! + 1e-4 && y >= box[1]! - 1e-4 && y <= box[3]! + 1e-4);
        assert.ok(meets, `${feature.id} lies at the bbox`);
      }

      const prohibited = await json<FeatureCollection>('/gis/collections/zones/items?zoneType=prohibited&limit=1000');
      assert.ok(prohibited.features.length > 0);
      assert.ok(prohibited.features.every((f) => f.properties.zoneType === 'prohibited'));
      const village = await json<FeatureCollection>('/gis/collections/zones/items?villageCode=440605124201');
      assert.ok(village.features.every((f) => f.properties.villageCode === '440605124201'));
      assert.ok(village.features.some((f) => f.properties.zoneType === 'buildable'));

      const unsupported = await sandbox.api('/gis/collections/zones/items?landUse=vacant');
      assert.equal(unsupported.status, 400);
      assert.equal((await sandbox.api('/gis/collections/zones/items?bbox=113.2,23,113.1,23.1')).status, 400, 'min above max');
      assert.equal((await sandbox.api('/gis/collections/zones/items?cursor=bm9wZQ')).status, 400);
    });

    it('returns one feature by id, and describes the queryables as JSON Schema', async () => {
      const feature = await json<GeoFeature & { links: Link[] }>(`/gis/collections/villages/items/440605124201`);
      assert.equal(feature.properties.name, '唐边村委会');
      assert.ok(feature.links.some((l) => l.rel === 'self'));
      assert.equal((await sandbox.api('/gis/collections/villages/items/440605999999')).status, 404);

      const queryables = await json<{ $schema: string; properties: Record<string, { enum?: string[] }> }>('/gis/collections/zones/queryables');
      assert.match(queryables.$schema, /2020-12/);
      assert.deepEqual(queryables.properties.zoneType!.enum, ['buildable', 'restricted', 'prohibited']);
    });
  });

  describe('identify', () => {
    const at = () => {
      const [lon, lat] = centreOf(tangbianParcel);
      return `/gis/identify?lon=${lon}&lat=${lat}&tolerance=1`;
    };
    const parcelAt = (result: Identify): GeoFeature => {
      const parcels = result.results.find((r) => r.layerId === 'homestead-parcels');
      assert.ok(parcels, 'the parcel is identified');
      const hit = parcels.features.find((f) => f.id === tangbianParcel.id);
      assert.ok(hit);
      assert.equal(hit.distanceM, 0);
      return hit;
    };

    it('shows the district everything and audits it', async () => {
      const before = (sandbox.ctx.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'gis.personal-data.read'").get() as { n: number }).n;
      const result = await json<Identify>(`${at()}&layers=homestead-parcels,zones`, district);
      const parcel = parcelAt(result);
      assert.match(String(parcel.properties.ownerIdNumber), /^\d{17}[\dX]$/);
      assert.match(String(parcel.properties.ownerPhone), /^1[3-9]\d{9}$/);
      assert.equal(result.masking.masked, false);
      assert.ok(result.results.some((r) => r.layerId === 'zones'), 'the parcel lies in a zone');
      const after = (sandbox.ctx.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'gis.personal-data.read'").get() as { n: number }).n;
      assert.equal(after, before + 1);
    });

    it('masks ID and phone for the village in its own region', async () => {
      const result = await json<Identify>(`${at()}&layers=homestead-parcels`, village);
      const parcel = parcelAt(result);
      assert.equal(parcel.properties.ownerName, tangbianParcel.properties.ownerName, 'full name inside the region');
      assert.match(String(parcel.properties.ownerIdNumber), /^\d{4}\*{10}[\dX]{4}$/);
      assert.match(String(parcel.properties.ownerPhone), /^1\d{2}\*{4}\d{4}$/);
      assert.deepEqual(result.masking.fields, ['ownerIdNumber', 'ownerPhone']);
    });

    it('masks like the public outside the caller region, also when narrowed by X-Region-Code', async () => {
      const result = await json<Identify>(`${at()}&layers=homestead-parcels`, otherTown);
      const parcel = parcelAt(result);
      assert.match(String(parcel.properties.ownerName), /^.\*+$/);
      assert.equal(parcel.properties.ownerIdNumber, null);
      assert.equal(parcel.properties.ownerPhone, null);
      assert.match(result.masking.reason ?? '', /outside-region/);

      const narrowed = await json<Identify>(`${at()}&layers=homestead-parcels`, district, { 'x-region-code': '440605011' });
      assert.equal(parcelAt(narrowed).properties.ownerIdNumber, null);
      const elsewhere = await sandbox.api(`${at()}&layers=homestead-parcels`, { token: village, headers: { 'x-region-code': '440605011' } });
      assert.equal(elsewhere.status, 403, 'a village cannot switch its scope to another town');
    });

    it('keeps internal layers from the public', async () => {
      assert.equal((await sandbox.api(`${at()}&layers=homestead-parcels`)).status, 401);
      const result = await json<Identify>(at());
      assert.ok(!result.results.some((r) => r.layerId === 'homestead-parcels'));
      assert.ok(result.results.some((r) => r.layerId === 'villages'), 'the public still sees the village there');
      assert.equal((await sandbox.api(`${at()}&layers=nope`)).status, 404);
    });
  });

  describe('search', () => {
    it('finds a village by name and by code', async () => {
      const byName = await json<{ items: Place[] }>(`/gis/search?q=${encodeURIComponent('唐边')}`);
      assert.equal(byName.items[0]!.kind, 'village');
      assert.equal(byName.items[0]!.code, '440605124201');
      const byCode = await json<{ items: Place[] }>('/gis/search?q=440605124201');
      const first = byCode.items[0]!;
      assert.deepEqual([first.kind, first.label, first.layerId, first.featureId], ['village', '唐边村委会', 'villages', '440605124201']);
      const [west, south, east, north] = first.bbox as [number, number, number, number];
      const [lon, lat] = first.center as [number, number];
      assert.ok(west <= lon && lon <= east && south <= lat && lat <= north, 'the centre lies in the bbox');
      const town = await json<{ items: Place[] }>(`/gis/search?q=${encodeURIComponent('狮山')}&kinds=town`);
      assert.deepEqual(town.items.map((p) => p.code), ['440605124']);
    });

    it('finds village industrial parks by name, and filters them by stage', async () => {
      const parks = await json<{ items: Place[] }>(`/gis/search?q=${encodeURIComponent('唐边')}&kinds=park`, village);
      assert.ok(parks.items.length > 0);
      assert.ok(parks.items.every((p) => p.kind === 'park' && p.layerId === 'industrial-parks' && p.code.startsWith('CG-440605124201-')));
      const feature = await json<GeoFeature>(`/gis/collections/industrial-parks/items/${parks.items[0]!.featureId}`, village);
      assert.equal(feature.properties.parkName, parks.items[0]!.label);
      const completed = await json<FeatureCollection>('/gis/collections/industrial-parks/items?status=completed&limit=1000', district);
      assert.ok(completed.features.every((f) => f.properties.stage === 'completed'));
      assert.equal((await sandbox.api('/gis/collections/industrial-parks/items?status=registered', { token: district })).status, 400, 'not a stage');
    });

    it('finds a parcel by 宗地号 only for callers with gis:internal', async () => {
      const parcelNo = String(tangbianParcel.properties.parcelNo);
      const found = await json<{ items: Place[] }>(`/gis/search?q=${parcelNo}`, village);
      assert.equal(found.items[0]!.kind, 'parcel');
      assert.equal(found.items[0]!.featureId, tangbianParcel.id);
      const prefix = await json<{ items: Place[] }>(`/gis/search?q=${parcelNo.slice(0, 14)}&kinds=parcel&limit=5`, village);
      assert.ok(prefix.items.length > 0 && prefix.items.every((p) => p.code.startsWith(parcelNo.slice(0, 14))));
      const anonymous = await json<{ items: Place[] }>(`/gis/search?q=${parcelNo}`);
      assert.ok(!anonymous.items.some((p) => p.kind === 'parcel'));
      assert.equal((await sandbox.api(`/gis/search?q=${parcelNo}&kinds=parcel`)).status, 401);
    });
  });

  describe('basemap', () => {
    it('is a valid MapLibre style over the sandbox tiles, without glyphs', async () => {
      const style = await json<{ sources: Record<string, { tiles?: string[] }>; glyphs?: string; metadata: Record<string, string> }>(
        '/gis/basemap/style.json',
      );
      assert.deepEqual(validateStyleMin(style as never), []);
      assert.equal(style.glyphs, undefined);
      assert.ok(style.sources.basemap!.tiles![0]!.startsWith(`${sandbox.url}/api/v1/gis/basemap/tiles/`));
      assert.match(style.metadata['citybrain:reviewNo']!, /^粤S/);
    });

    it('serves basemap tiles with boundaries, water, roads and labels', async () => {
      const { x, y } = tileAt(113.0, 23.05, 10);
      const res = await sandbox.api(`/gis/basemap/tiles/10/${x}/${y}.pbf`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('cache-control') ?? '', /^public/);
      const tile = decode(await res.arrayBuffer());
      for (const name of ['district', 'towns', 'villages', 'water', 'roads', 'places']) assert.ok(tile.layers[name], `source layer ${name}`);
      const places = tile.layers.places!;
      const names = Array.from({ length: places.length }, (_, i) => places.feature(i).properties.name);
      assert.ok(names.includes('狮山镇'));
    });
  });

  describe('tables other services read', () => {
    it('keeps the zones and parcels columns', () => {
      // PostgreSQL's tables add their spatial columns (`rid`, `geom`, `geom_mercator`) after these.
      const columns = (table: string) =>
        (sandbox.ctx.db.dialect === 'sqlite'
          ? (sandbox.ctx.db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[])
          : (sandbox.ctx.db
              .prepare("SELECT column_name AS name FROM information_schema.columns WHERE table_name = ? AND column_name NOT IN ('rid', 'geom', 'geom_mercator') ORDER BY ordinal_position")
              .all(table) as { name: string }[])
        ).map((c) => c.name);
      assert.deepEqual(columns('zones'), [
        'id', 'zone_type', 'town_code', 'village_code', 'source_layer', 'source_dept', 'legal_basis', 'version', 'effective_date',
        'area_sqm', 'min_lon', 'min_lat', 'max_lon', 'max_lat', 'geometry',
      ]);
      const parcelColumns = columns('parcels');
      for (const name of ['id', 'parcel_no', 'village_code', 'town_code', 'owner_name', 'owner_id_number', 'owner_phone', 'area_sqm',
        'land_use', 'status', 'min_lon', 'min_lat', 'max_lon', 'max_lat', 'geometry']) {
        assert.ok(parcelColumns.includes(name), `parcels.${name}`);
      }
    });
  });
});

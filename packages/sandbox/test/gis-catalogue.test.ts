import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { PNG } from 'pngjs';
import { LAND_COVER, latticeSquareAt, waterways } from '@citybrain/domain';
import { startTestSandbox, type TestSandbox } from './harness.js';

/**
 * The full one-map catalogue (issue 20): the ten categories each with layers and the 33 services,
 * the 城市管理 layers (网格 grid cells, 12345 hotspots from the work orders), the synthetic imagery
 * tiles, and the 村改 ledger layer with its KPIs and `datetime` filter.
 */

type Json = Record<string, any>;
const CATEGORY_IDS = ['basemap', 'boundaries', 'planning', 'natural-resources', 'rural', 'industry', 'construction', 'ecology', 'public-services', 'urban-management'];

describe('the full one-map catalogue', () => {
  let s: TestSandbox;
  let district: string;
  const get = async (path: string, token?: string, headers: Record<string, string> = {}) => {
    const res = await s.api(path, { token, headers });
    const type = res.headers.get('content-type') ?? '';
    const body = type.includes('json') ? ((await res.json()) as Json) : Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, body: body as any };
  };

  before(async () => {
    s = await startTestSandbox();
    district = await s.token('demo-district');
  });
  after(() => s.close());

  describe('categories and services', () => {
    it('has at least one layer in every one of the ten categories', async () => {
      const { body } = await get('/gis/categories', district);
      assert.deepEqual(body.items.map((c: Json) => c.id), CATEGORY_IDS);
      for (const category of body.items) assert.ok(category.layerCount >= 1, `${category.id} has no layer`);
      const catalogue = (await get('/gis/layers', district)).body;
      for (const id of CATEGORY_IDS) {
        assert.ok(catalogue.layers.some((layer: Json) => layer.category === id), `no layer of ${id} in /gis/layers`);
      }
    });

    it('lists the 33 services, each naming only layers or imagery the catalogue serves', async () => {
      const categories = (await get('/gis/categories', district)).body.items as Json[];
      const services = categories.flatMap((category) => category.services as Json[]);
      assert.equal(services.length, 33);
      assert.equal(new Set(services.map((service) => service.id)).size, 33, 'service ids are unique');
      const layerIds = new Set((await get('/gis/layers', district)).body.layers.map((layer: Json) => layer.id));
      const imageryIds = new Set((await get('/gis/imagery', district)).body.imagery.map((entry: Json) => entry.id));
      for (const service of services) {
        for (const id of service.layerIds) assert.ok(layerIds.has(id) || imageryIds.has(id), `${service.id} names ${id}, which nothing serves`);
      }
      for (const category of categories) {
        assert.ok(category.services.some((service: Json) => service.layerIds.length > 0), `${category.id} has no served service`);
      }
      const grouped = (await get('/gis/layers?groupBy=category', district)).body;
      assert.equal(grouped.groups.length, 10, 'every category has a group of layers');
      assert.ok(grouped.groups.every((group: Json) => Array.isArray(group.category.services)));
    });
  });

  describe('城市管理网格', () => {
    it('divides every village into coded grid cells, the same on every start', async () => {
      const layer = (await get('/gis/layers/grid-cells')).body;
      assert.equal(layer.category, 'urban-management');
      assert.equal(layer.access, 'public');
      assert.ok(layer.featureCount > 1_000, `${layer.featureCount} cells`);
      const first = (await get('/gis/collections/grid-cells/items?limit=2')).body.features as Json[];
      assert.equal(first[0].id, '440605011001001', 'the first cell of 桂一社区');
      assert.equal(first[0].properties.name, '桂一社区第1网格');
      assert.equal(first[1].id, '440605011001002');
      for (const cell of first) assert.ok(cell.id.startsWith(cell.properties.villageCode));

      const villages = (await get('/gis/collections/grid-cells/items?villageCode=440605011001&limit=100')).body;
      assert.ok(villages.numberMatched >= 1 && villages.features.every((f: Json) => f.properties.villageCode === '440605011001'));
      const communities = (await get('/gis/collections/grid-cells/items?kind=community&limit=1')).body;
      assert.ok(communities.numberMatched > 0 && communities.numberMatched < layer.featureCount);
    });

    it('serves the cells as vector tiles with their codes', async () => {
      const tileJson = (await get('/gis/layers/grid-cells/tilejson')).body;
      assert.ok(tileJson.vector_layers[0].fields.villageCode);
      const res = await get('/gis/tiles/grid-cells/12/3334/1778.pbf');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
    });
  });

  describe('12345 hotspots', () => {
    const sumOrders = async (): Promise<{ orders: number; features: Json[] }> => {
      const features: Json[] = [];
      let path: string | null = '/gis/collections/workorder-hotspots/items?limit=1000';
      while (path) {
        const page: Json = (await get(path, district)).body;
        features.push(...page.features);
        const next: string | undefined = page.links.find((link: Json) => link.rel === 'next')?.href;
        path = next ? next.slice(next.indexOf('/api/v1') + '/api/v1'.length) : null;
      }
      return { orders: features.reduce((total, f) => total + f.properties.orders, 0), features };
    };

    it('is internal, and counts every located work order once, in heat levels', async () => {
      assert.equal((await get('/gis/layers/workorder-hotspots')).status, 401);
      const layer = (await get('/gis/layers/workorder-hotspots', district)).body;
      assert.equal(layer.category, 'urban-management');
      assert.equal(layer.legend.property, 'level');
      const { orders, features } = await sumOrders();
      const listed = (await get('/workorders?limit=1', district)).body;
      assert.equal(listed.page.totalExact, true);
      assert.equal(orders, listed.page.total, 'every seeded work order has a location and is counted once');
      for (const feature of features) {
        const { level, orders: count, openOrders } = feature.properties;
        assert.equal(level, count >= 10 ? 'severe' : count >= 6 ? 'high' : count >= 3 ? 'medium' : 'low', feature.id);
        assert.ok(openOrders >= 0 && openOrders <= count);
        assert.ok(!('reporter' in feature.properties) && !('address' in feature.properties), 'counts only');
      }
      const style = (await get('/gis/layers/workorder-hotspots/style', district)).body;
      const fill = style.layers.find((layer: Json) => layer.type === 'fill');
      assert.deepEqual(fill.paint['fill-color'].slice(0, 2), ['match', ['get', 'level']], 'coloured by heat level');
      assert.equal(fill.paint['fill-opacity'], 0.6, 'a heat map, not a faint overlay');
      const severe = (await get('/gis/collections/workorder-hotspots/items?kind=severe&limit=1', district)).body;
      assert.ok(severe.features.every((f: Json) => f.properties.level === 'severe'));
    });

    it('follows new work orders into the square where they were reported', async () => {
      const before = await sumOrders();
      const location: [number, number] = [113.1523, 23.0418];
      const square = latticeSquareAt(location);
      const squareId = `H-${square.column}-${square.row}`;
      const countIn = (features: Json[]) => features.find((f) => f.id === squareId)?.properties.orders ?? 0;
      const created = await s.api('/workorders', {
        method: 'POST',
        token: await s.token('demo-town-guicheng'),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          channel: 'TOWN_PLATFORM',
          type: 'COMPLAINT',
          category: { levelOne: '城乡建设', levelTwo: '市容环境', levelThree: '噪音扰民', levelFour: '夜间施工噪音' },
          title: '桂城街道灯湖东路工地夜间施工噪音扰民',
          content: '市民反映灯湖东路12号附近工地连续多晚施工至凌晨一点，噪音很大影响休息，要求相关部门核查处理。',
          regionCode: '440605011008',
          address: '佛山市南海区桂城街道灯湖东路12号附近',
          location,
          reporter: { name: '黄丽华', phone: '13760286620', anonymous: false, wantsReply: true },
          emergencyLevel: 'normal',
        }),
      });
      assert.equal(created.status, 201, await created.text());
      // The layer rereads its source at most every few seconds (as layers follow other services' writes).
      let after = before;
      for (let attempt = 0; attempt < 40 && after.orders === before.orders; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        after = await sumOrders();
      }
      assert.equal(after.orders, before.orders + 1);
      assert.equal(countIn(after.features), countIn(before.features) + 1);
    });
  });

  describe('遥感影像', () => {
    it('lists the imagery with its legend, attribution and 审图号', async () => {
      const { body } = await get('/gis/imagery');
      const imagery = body.imagery[0];
      assert.equal(imagery.id, 'imagery-2025');
      assert.equal(imagery.category, 'basemap');
      assert.deepEqual([imagery.minzoom, imagery.maxzoom], [10, 16]);
      assert.match(imagery.attribution, /合成/);
      assert.match(imagery.reviewNo, /^粤S\(\d{4}\)\d+号$/);
      assert.deepEqual(imagery.legend.items.map((item: Json) => item.value), LAND_COVER.map((cover) => cover.value));
      assert.match(imagery.tiles[0], /\/gis\/imagery\/imagery-2025\/tiles\/\{z\}\/\{x\}\/\{y\}\.png$/);
      const tileJson = (await get('/gis/imagery/imagery-2025/tilejson')).body;
      assert.equal(tileJson.tilejson, '3.0.0');
      assert.equal(tileJson.vector_layers, undefined, 'raster TileJSON');
      assert.deepEqual(tileJson.tiles, imagery.tiles);
      assert.ok(tileJson.attribution.includes(imagery.reviewNo));
    });

    it('paints the same PNG tile every time, cacheable for good, revalidated without painting', async () => {
      const path = '/gis/imagery/imagery-2025/tiles/12/3334/1778.png';
      const first = await get(path);
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('content-type'), 'image/png');
      assert.equal(first.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const png = PNG.sync.read(first.body);
      assert.deepEqual([png.width, png.height], [256, 256]);
      const colours = new Set<string>();
      for (let i = 0; i < png.data.length; i += 4) {
        assert.equal(png.data[i + 3], 255, 'opaque inside the district');
        colours.add(`${png.data[i]},${png.data[i + 1]},${png.data[i + 2]}`);
      }
      assert.ok(colours.size > 50, 'textured, not a flat fill');
      const again = await get(path);
      assert.ok(Buffer.compare(first.body, again.body) === 0, 'deterministic bytes');
      const etag = first.headers.get('etag')!;
      assert.equal(again.headers.get('etag'), etag);
      assert.equal((await get(path, undefined, { 'if-none-match': etag })).status, 304);
    });

    it('draws the rivers where the water layer has them and nothing outside its extent', async () => {
      const [r, g, b] = LAND_COVER.find((cover) => cover.value === 'water')!.rgb;
      for (const waterway of waterways().slice(0, 3)) {
        // A point on the centreline, and the pixel of the z14 tile that holds it.
        const [lon, lat] = waterway.centreline.coordinates[Math.floor(waterway.centreline.coordinates.length / 2)]! as [number, number];
        const worldX = ((lon + 180) / 360) * 2 ** 14 * 256;
        const worldY = ((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** 14 * 256;
        const tile = PNG.sync.read((await get(`/gis/imagery/imagery-2025/tiles/14/${Math.floor(worldX / 256)}/${Math.floor(worldY / 256)}.png`)).body);
        const offset = (Math.floor(worldY % 256) * 256 + Math.floor(worldX % 256)) * 4;
        const pixel = [...tile.data.subarray(offset, offset + 3)];
        assert.ok(Math.abs(pixel[0]! - r) <= 5 && Math.abs(pixel[1]! - g) <= 5 && Math.abs(pixel[2]! - b) <= 5, `${waterway.name}: ${pixel}`);
      }
      const outside = PNG.sync.read((await get('/gis/imagery/imagery-2025/tiles/10/800/400.png')).body);
      assert.ok(outside.data.every((value, index) => index % 4 !== 3 || value === 0), 'transparent outside the extent');
    });

    it('answers 400 outside its zooms and 404 for an unknown tileset', async () => {
      assert.equal((await get('/gis/imagery/imagery-2025/tiles/9/416/222.png')).status, 400);
      assert.equal((await get('/gis/imagery/imagery-2025/tiles/17/106720/56970.png')).status, 400);
      assert.equal((await get('/gis/imagery/imagery-1999/tiles/12/3334/1778.png')).status, 404);
    });
  });

  describe('村改 project ledger', () => {
    it('carries the progress KPIs in items and tiles, as the data platform has them', async () => {
      const tileJson = (await get('/gis/layers/industrial-parks/tilejson', district)).body;
      for (const field of ['rectifiedAreaSqm', 'investment', 'stage', 'progressPercent', 'startDate', 'completionDeadline']) {
        assert.ok(tileJson.vector_layers[0].fields[field], field);
      }
      const items = (await get('/gis/collections/industrial-parks/items?limit=100', district)).body.features as Json[];
      assert.ok(items.length > 0);
      for (const { properties } of items) {
        assert.equal(properties.rectifiedAreaSqm, Math.round((properties.demolishedMu * 10_000) / 15));
        assert.equal(typeof properties.investment, 'number');
        assert.equal(properties.progressPercent === 100, properties.stage === 'completed');
      }
      assert.ok(items.some((f) => f.properties.rectifiedAreaSqm > 0));
      const rows = (await get('/data/datasets/industrial-park-projects/rows?limit=1', district)).body;
      assert.equal(rows.items[0].rectifiedAreaSqm, items.find((f) => f.id === rows.items[0].projectId)?.properties.rectifiedAreaSqm);
    });

    it('filters projects by their period with OGC datetime, within the temporal extent it declares', async () => {
      const [[first, last]] = (await get('/gis/collections/industrial-parks', district)).body.extent.temporal.interval;
      assert.ok(first.startsWith('2018-') && last > first, `${first} – ${last}`);
      assert.equal((await get('/gis/collections/villages')).body.extent.temporal, undefined, 'villages have no period');
      const all = (await get('/gis/collections/industrial-parks/items?limit=1', district)).body.numberMatched as number;
      const window = (await get('/gis/collections/industrial-parks/items?limit=1000&datetime=2019-01-01/2019-12-31', district)).body;
      assert.ok(window.numberMatched > 0 && window.numberMatched < all, `${window.numberMatched} of ${all}`);
      assert.equal(window.features.length, window.numberMatched);
      for (const { properties } of window.features as Json[]) {
        assert.ok(properties.startDate <= '2019-12-31' && properties.completionDeadline >= '2019-01-01', properties.projectId);
      }
      const early = (await get('/gis/collections/industrial-parks/items?limit=1000&datetime=../2018-06-30', district)).body;
      assert.ok(early.features.every((f: Json) => f.properties.startDate <= '2018-06-30'));
      const late = (await get('/gis/collections/industrial-parks/items?limit=1000&datetime=2030-01-01T00:00:00Z/..', district)).body;
      assert.ok(late.features.every((f: Json) => f.properties.completionDeadline >= '2030-01-01'));
      const instant = (await get('/gis/collections/industrial-parks/items?limit=1000&datetime=2019-06-30', district)).body;
      assert.ok(instant.numberMatched <= window.numberMatched);

      // Tiles take the same filter: a tile of the window holds exactly the window's projects in it.
      const inTile = async (query: string): Promise<string[]> => {
        const res = await get(`/gis/tiles/industrial-parks/8/208/111.pbf${query}`, district);
        if (res.status === 204) return [];
        const layer = new VectorTile(new PbfReader(res.body)).layers['industrial-parks']!;
        return Array.from({ length: layer.length }, (_, index) => String(layer.feature(index).properties.id));
      };
      const wholeTile = await inTile('');
      const windowTile = await inTile('?datetime=2019-01-01/2019-12-31');
      const windowIds = new Set(window.features.map((f: Json) => f.id));
      assert.ok(windowTile.length > 0 && windowTile.length < wholeTile.length, `${windowTile.length} of ${wholeTile.length}`);
      assert.deepEqual(windowTile.filter((id) => !windowIds.has(id)), [], 'only projects of the window');
      assert.deepEqual(wholeTile.filter((id) => windowIds.has(id)).sort(), [...windowTile].sort(), 'every project of the window');
      const ogc = await get('/gis/collections/industrial-parks/tiles/WebMercatorQuad/8/111/208?datetime=2019-01-01/2019-12-31', district);
      assert.equal(ogc.status, 200);
      assert.equal((await get('/gis/tiles/villages/8/208/111.pbf?datetime=2019-01-01')).status, 400, 'villages have no period');

      assert.equal((await get('/gis/collections/industrial-parks/items?datetime=2020-01-01/2019-01-01', district)).status, 400, 'reversed');
      assert.equal((await get('/gis/collections/industrial-parks/items?datetime=../..', district)).status, 400, 'open at both ends');
      assert.equal((await get('/gis/collections/villages/items?datetime=2020-01-01')).status, 400, 'villages have no period');
    });
  });
});

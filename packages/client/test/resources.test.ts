/**
 * Resource helpers and their iterators against the sandbox. Tests of a service the sandbox does not
 * implement yet are skipped (and say so); they run as soon as the service lands.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, ForbiddenError, type CityBrainClient } from '../src/index.js';
import { startClientSandbox, type ClientTestSandbox } from './sandbox.js';

/** Every value of an async iterable (Array.fromAsync arrives with Node 22). */
async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

describe('resource helpers against the sandbox', () => {
  let sandbox: ClientTestSandbox;
  let district: CityBrainClient;
  let town: CityBrainClient;
  before(async () => {
    sandbox = await startClientSandbox();
    district = createClient({ baseUrl: sandbox.baseUrl, auth: await sandbox.token('demo-district') });
    town = createClient({ baseUrl: sandbox.baseUrl, auth: await sandbox.token('demo-town-shishan') });
  });
  after(() => sandbox.close());

  describe('regions', () => {
    it('lists the towns of the district and the villages of a town', async () => {
      const towns = await district.regions.list();
      assert.ok(towns.some((r) => r.code === '440605124' && r.name === '狮山镇'));
      const villages = await district.regions.list({ parent: '440605124' });
      assert.ok(villages.length > 10);
      assert.ok(villages.every((v) => v.level === 'village' && v.code.startsWith('440605124')));
    });

    it('gets one town with its ancestors and extent', async () => {
      const shishan = await district.regions.get('440605124');
      assert.equal(shishan.name, '狮山镇');
      assert.deepEqual(shishan.ancestors.map((a) => a.code), ['440605']);
      assert.equal(shishan.bbox.length, 4);
    });
  });

  describe('gis', () => {
    it('lists layers and gets one with its TileJSON', async () => {
      const catalogue = await district.gis.layers();
      assert.ok(catalogue.layers.length > 0);
      const layer = await district.gis.layer(catalogue.layers[0]!.id);
      assert.equal(layer.id, catalogue.layers[0]!.id);
      const tilejson = await district.gis.tilejson(layer.id);
      assert.ok(tilejson.tiles.length > 0);
    });

    it('lists the categories with their services and the imagery', async () => {
      const categories = await district.gis.categories();
      assert.equal(categories.length, 10);
      assert.equal(categories.flatMap((category) => category.services).length, 33);
      assert.ok(categories.every((category) => category.layerCount > 0), 'every category has a layer');
      const [imagery] = await district.gis.imagery();
      assert.match(imagery!.tiles[0]!, /\/gis\/imagery\/[a-z0-9-]+\/tiles\/\{z\}\/\{x\}\/\{y\}\.png$/);
    });

    it('iterates every feature of a query by following OGC next links', async () => {
      const query = { villageCode: '440605124201', limit: 7 };
      const features = district.gis.items('homestead-parcels', query);
      const first = await features.first();
      const all = await features.toArray();
      const pageCount = (await collect(features.pages())).length;
      assert.equal(all.length, first.numberMatched);
      assert.equal(new Set(all.map((f) => f.id)).size, all.length, 'no feature twice');
      assert.equal(pageCount, Math.max(1, Math.ceil(all.length / 7)));
    });

    it('identifies features at a point and searches places', async () => {
      const found = await district.gis.search({ q: '唐边' });
      assert.ok(JSON.stringify(found).includes('唐边'));
      const identified = await district.gis.identify({ lon: 113.0392, lat: 23.1487 });
      assert.deepEqual(identified.location, [113.0392, 23.1487]);
      const towns = identified.results.find((result) => result.layerId === 'towns');
      assert.deepEqual(towns?.features.map((f) => f.id), ['440605124'], 'the point lies in 狮山镇');
    });
  });

  describe('approvals', () => {
    it("lists the town's overdue applications across pages, and only the town's", async () => {
      const overdue = await town.approvals.list({ overdue: true, limit: 5 }).toArray();
      for (const application of overdue) {
        assert.ok(application.townCode === '440605124', application.id);
        assert.equal(application.flags.overdue, true);
      }
      const pages = await collect(town.approvals.list({ limit: 5 }).pages());
      const ids = pages.flatMap((p) => p.items.map((a) => a.id));
      assert.equal(new Set(ids).size, ids.length, 'no application twice across pages');
    });

    it('refuses a region scope wider than the token with ForbiddenError', async () => {
      const error = await town.approvals.list({}, { regionCode: '440605011' }).first().catch((e) => e);
      assert.ok(error instanceof ForbiddenError, String(error));
    });

    it('reads an application, its timeline, and the zone check', async () => {
      const [summary] = await town.approvals.list({ limit: 1 }).toArray(1);
      assert.ok(summary, 'the seed has applications in 狮山镇');
      const application = await town.approvals.get(summary.id);
      assert.equal(application.id, summary.id);
      const timeline = await town.approvals.timeline(summary.id);
      assert.ok(timeline.steps.length > 0);
      const zone = await town.approvals.zoneCheck({ lon: 113.0392, lat: 23.1487 });
      assert.ok(['buildable', 'restricted', 'prohibited'].includes(zone.result));
    });
  });

  describe('work orders', () => {
    it('lists work orders across pages and reads one with its timeline', async () => {
      const pages = await collect(town.workorders.list({ limit: 10 }).pages());
      const ids = pages.flatMap((p) => p.items.map((w) => w.id));
      assert.equal(new Set(ids).size, ids.length);
      if (!ids.length) return;
      const order = await town.workorders.get(ids[0]!);
      assert.equal(order.id, ids[0]);
      assert.ok((await town.workorders.timeline(ids[0]!)).steps.length > 0);
    });
  });

  describe('data', () => {
    /** A dataset the district may read and export, scoped to one village to keep the rows few. */
    const readableDataset = async () => {
      for await (const dataset of district.data.datasets()) {
        if (dataset.access.read && dataset.access.export && dataset.regionColumn) return dataset;
      }
      throw new Error('the seed has no readable dataset with a region column');
    };

    it('iterates every row of a query exactly once with keyset cursors', async () => {
      const summary = await readableDataset();
      const dataset = await district.data.dataset(summary.id);
      const query = { regionCode: '440605124201', limit: 50 };
      const { count } = await district.data.count(dataset.id, { regionCode: query.regionCode, mode: 'exact' });
      const keys: string[] = [];
      for await (const row of district.data.rows(dataset.id, query)) keys.push(dataset.primaryKey.map((column) => String(row[column])).join('|'));
      assert.equal(keys.length, count);
      assert.equal(new Set(keys).size, keys.length, 'no row twice');
    });

    it('resumes the rows of a query at a cursor an earlier page gave', async () => {
      const dataset = await readableDataset();
      const query = { regionCode: '440605124201', limit: 5 };
      const [first, second] = await collect(
        (async function* () {
          let pages = 0;
          for await (const page of district.data.rows(dataset.id, query).pages()) {
            yield page;
            if (++pages === 2) return;
          }
        })(),
      );
      assert.ok(first?.page.nextCursor, 'the query has a second page');
      const again = await district.data.rows(dataset.id, query, { resumeAt: first.page.nextCursor }).first();
      assert.deepEqual(again.items, second!.items);
      const resumed = await collect(district.data.rows(dataset.id, query, { resumeAt: first.page.nextCursor }));
      const all = await collect(district.data.rows(dataset.id, query));
      assert.deepEqual(resumed, all.slice(first.items.length), 'the iteration goes on from there to the end');
    });

    it('streams a CSV export with its file name', async () => {
      const dataset = await readableDataset();
      const { count } = await district.data.count(dataset.id, { regionCode: '440605124201', mode: 'exact' });
      const exported = await district.data.export(dataset.id, { regionCode: '440605124201', header: 'name' });
      const bytes = new Uint8Array(await new Response(exported.body).arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark for Excel');
      const text = new TextDecoder().decode(bytes);
      assert.equal(text.split('\r\n').filter(Boolean).length, count + 1, 'a header line and one line per row');
      assert.match(exported.filename ?? '', /\.csv$/);
    });
  });
});

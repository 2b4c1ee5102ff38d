import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VectorTile, type VectorTileFeature } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { startTestSandbox, type TestSandbox } from './harness.js';

/**
 * The vector tiles PostGIS makes (ST_AsMVT) against those the SQLite store cuts in JavaScript
 * (geojson-vt) from the same seed: clients and styles must not notice the store, so a tile at the
 * same z/x/y carries the same layer names, and in them the same features (integer ids),
 * attributes and geometry types, with outlines within the simplification tolerance. Runs when a
 * PostgreSQL cluster is given (CITYBRAIN_TEST_POSTGRES_URL).
 */

type Json = Record<string, any>;
const postgres = process.env.CITYBRAIN_TEST_POSTGRES_URL;
const TILE_EXTENT = 4096;
/** How far the stores' outlines may differ, in tile units: a little over the simplification tolerance (3). */
const SLACK = 4;

const tileAt = (lon: number, lat: number, z: number): [number, number] => [
  Math.floor(((lon + 180) / 360) * 2 ** z),
  Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z),
];

interface DecodedFeature {
  type: number;
  properties: Record<string, unknown>;
  box: [number, number, number, number];
}

function features(tile: VectorTile, layer: string): Map<number, DecodedFeature> {
  const out = new Map<number, DecodedFeature>();
  const source = tile.layers[layer];
  if (!source) return out;
  for (let i = 0; i < source.length; i++) {
    const feature: VectorTileFeature = source.feature(i);
    const points = feature.loadGeometry().flat();
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    assert.equal(typeof feature.id, 'number');
    out.set(feature.id!, { type: feature.type, properties: { ...feature.properties }, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] });
  }
  return out;
}

describe('PostGIS vector tiles match the SQLite store’s', { skip: !postgres && 'no PostgreSQL cluster (CITYBRAIN_TEST_POSTGRES_URL)' }, () => {
  let sqlite: TestSandbox;
  let postgis: TestSandbox;
  const tokens = new Map<TestSandbox, string>();

  before(async () => {
    [sqlite, postgis] = await Promise.all([startTestSandbox({ databaseUrl: null }), startTestSandbox()]);
    assert.equal(sqlite.ctx.db.dialect, 'sqlite');
    assert.equal(postgis.ctx.db.dialect, 'postgres');
    for (const sandbox of [sqlite, postgis]) tokens.set(sandbox, await sandbox.token('demo-district'));
  });
  after(async () => {
    await Promise.all([sqlite?.close(), postgis?.close()]);
  });

  async function tile(sandbox: TestSandbox, path: string): Promise<VectorTile | null> {
    const res = await sandbox.api(path, { token: tokens.get(sandbox)! });
    if (res.status === 204) return null;
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
    return new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer())));
  }

  /** The tile under the first vertex of a layer's first feature, at zoom z. */
  async function tileOfFirstFeature(layer: string, z: number): Promise<string> {
    const res = await sqlite.api(`/gis/collections/${layer}/items?limit=1`, { token: tokens.get(sqlite)! });
    const geometry = ((await res.json()) as Json).features[0].geometry;
    let position = geometry.coordinates;
    while (Array.isArray(position[0])) position = position[0];
    const [x, y] = tileAt(position[0], position[1], z);
    return `${z}/${x}/${y}`;
  }

  async function compare(layer: string, z: number, query = ''): Promise<number> {
    const address = await tileOfFirstFeature(layer, z);
    const path = `/gis/tiles/${layer}/${address}.pbf${query}`;
    const [fromSqlite, fromPostgis] = await Promise.all([tile(sqlite, path), tile(postgis, path)]);
    if (!fromSqlite && !fromPostgis) return 0;
    assert.ok(fromSqlite && fromPostgis, `${path}: one store has features, the other none`);
    assert.deepEqual(Object.keys(fromPostgis.layers), Object.keys(fromSqlite.layers), `${path}: layer names`);
    const expected = features(fromSqlite, layer);
    const actual = features(fromPostgis, layer);
    // A feature may be in one store's tile and not the other's only where the two may differ by design: a sliver
    // inside the buffer (clipping), or one about the size of the tolerance (simplification drops small features).
    for (const [store, mine, theirs] of [['SQLite', expected, actual], ['PostGIS', actual, expected]] as const) {
      for (const [id, feature] of mine) {
        if (theirs.has(id)) continue;
        const [minX, minY, maxX, maxY] = feature.box;
        const inBuffer = maxX <= SLACK || maxY <= SLACK || minX >= TILE_EXTENT - SLACK || minY >= TILE_EXTENT - SLACK;
        const tiny = maxX - minX <= 2 * SLACK && maxY - minY <= 2 * SLACK;
        assert.ok(inBuffer || tiny, `${path}: feature ${id} only in the ${store} tile, box ${feature.box}`);
      }
    }
    const common = [...expected.keys()].filter((id) => actual.has(id));
    assert.ok(common.length >= expected.size * 0.9, `${path}: ${common.length} of ${expected.size} features in both tiles`);
    for (const id of common) {
      const feature = expected.get(id)!;
      const other = actual.get(id)!;
      assert.deepEqual(other.properties, feature.properties, `${path}: attributes of feature ${id}`);
      assert.equal(other.type, feature.type, `${path}: geometry type of feature ${id}`);
      // Both clip with the same buffer and simplify with the same tolerance (3 tile units): outlines agree within it.
      other.box.forEach((value, i) => assert.ok(Math.abs(value - feature.box[i]!) <= SLACK, `${path}: feature ${id} box ${other.box} vs ${feature.box}`));
    }
    return common.length;
  }

  it('parcels at their max zoom and below, ids and attributes alike (no personal data)', async () => {
    for (const z of [16, 15, 14]) assert.ok((await compare('homestead-parcels', z)) > 0);
  });

  it('zones, villages, towns, roads and service points', async () => {
    for (const [layer, z] of [['zones', 14], ['zones', 12], ['villages', 13], ['towns', 11], ['roads', 12], ['service-points', 14]] as const) {
      assert.ok((await compare(layer, z)) > 0, `${layer} z${z}`);
    }
  });

  it('a dataset layer with its JSON attributes, whole and within a datetime', async () => {
    assert.ok((await compare('industrial-parks', 14)) > 0);
    // A window may leave the tile empty, on both stores alike.
    await compare('industrial-parks', 14, '?datetime=2019-01-01/2019-12-31');
  });
});

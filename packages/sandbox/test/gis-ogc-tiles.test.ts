import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from './harness.js';

/**
 * OGC API – Tiles 1.0 over the GIS layers: each collection links its tilesets, a layer's vector tileset
 * on WebMercatorQuad names its MVT layer, its zoom limits and a templated `item` link, and the tiles
 * it addresses (matrix/row/column) are byte for byte the XYZ tiles, under the same access rules.
 */

type Json = Record<string, any>;
const TILES = 'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf';

/** Column and row of the WebMercatorQuad tile holding a point (row 0 at the north). */
const tileAt = (lon: number, lat: number, z: number): [number, number] => [
  Math.floor(((lon + 180) / 360) * 2 ** z),
  Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z),
];

describe('GIS vector tiles as OGC API – Tiles', () => {
  let s: TestSandbox;
  const get = async (path: string, token?: string) => {
    const res = await s.api(path, token ? { token } : {});
    return { status: res.status, headers: res.headers, body: res.headers.get('content-type')?.includes('json') ? ((await res.json()) as Json) : Buffer.from(await res.arrayBuffer()) };
  };

  before(async () => {
    s = await startTestSandbox();
  });
  after(() => s.close());

  it('declares the Tiles conformance classes and links each collection to its tilesets', async () => {
    const { conformsTo } = (await get('/gis/conformance')).body as Json;
    for (const part of ['core', 'tileset', 'tilesets-list', 'geodata-tilesets', 'mvt']) assert.ok(conformsTo.includes(`${TILES}/${part}`), part);
    const collection = (await get('/gis/collections/zones')).body as Json;
    const link = collection.links.find((l: Json) => l.rel === 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector');
    assert.match(link.href, /\/gis\/collections\/zones\/tiles$/);
  });

  it('describes the vector tileset on WebMercatorQuad: its layer, zoom limits over the extent and a templated item link', async () => {
    const list = (await get('/gis/collections/zones/tiles')).body as Json;
    assert.equal(list.tilesets.length, 1);
    assert.equal(list.tilesets[0].tileMatrixSetURI, 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad');
    const tileset = (await get('/gis/collections/zones/tiles/WebMercatorQuad')).body as Json;
    assert.equal(tileset.dataType, 'vector');
    assert.deepEqual(tileset.layers.map((layer: Json) => [layer.id, layer.geometryDimension]), [['zones', 2]]);
    const item = tileset.links.find((l: Json) => l.rel === 'item');
    assert.equal(item.templated, true);
    assert.match(item.href, /\/gis\/collections\/zones\/tiles\/WebMercatorQuad\/\{tileMatrix\}\/\{tileRow\}\/\{tileCol\}$/);
    const z14 = tileset.tileMatrixSetLimits.find((limits: Json) => limits.tileMatrix === '14');
    // 狮山镇's centre (113.0757°E, 23.1902°N) is inside the limits; a tile over Guangzhou is not.
    const [col, row] = tileAt(113.0757, 23.1902, 14);
    assert.ok(z14.minTileCol <= col && col <= z14.maxTileCol && z14.minTileRow <= row && row <= z14.maxTileRow, JSON.stringify(z14));
    assert.ok(tileAt(113.4, 23.1, 14)[0] > z14.maxTileCol);
  });

  it('serves the same tile as the XYZ route, row and column in OGC order, and refuses other matrix sets', async () => {
    // A tile that holds a zone: the one under the first vertex of the first zone.
    const zone = ((await get('/gis/collections/zones/items?limit=1')).body as Json).features[0];
    let position = zone.geometry.coordinates;
    while (Array.isArray(position[0])) position = position[0];
    const [lon, lat] = position as [number, number];
    const [col, row] = tileAt(lon, lat, 14);
    const ogc = await get(`/gis/collections/zones/tiles/WebMercatorQuad/14/${row}/${col}`);
    const xyz = await get(`/gis/tiles/zones/14/${col}/${row}.pbf`);
    assert.equal(ogc.status, 200);
    assert.equal(ogc.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
    assert.ok(Buffer.compare(ogc.body as Buffer, xyz.body as Buffer) === 0, 'the same bytes');
    assert.equal(ogc.headers.get('etag'), xyz.headers.get('etag'));
    assert.equal((await get('/gis/collections/zones/tiles/WorldCRS84Quad')).status, 400);
  });

  it('keeps the tilesets of internal layers from the public, as the XYZ tiles are', async () => {
    assert.equal((await get('/gis/collections/homestead-parcels/tiles/WebMercatorQuad')).status, 401);
    assert.equal((await get('/gis/collections/homestead-parcels/tiles/WebMercatorQuad/14/7140/13528')).status, 401);
    const token = await s.token('demo-district');
    assert.equal((await get('/gis/collections/homestead-parcels/tiles/WebMercatorQuad', token)).status, 200);
  });
});

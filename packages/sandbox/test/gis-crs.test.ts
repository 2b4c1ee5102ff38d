import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toGaussKruger } from '@citybrain/crs';
import { startTestSandbox, type TestSandbox } from './harness.js';

/**
 * OGC API – Features Part 2 on the GIS items: answers in CRS84, CGCS2000 (EPSG:4490), WGS 84 and
 * CGCS2000 Gauss-Krüger CM 114°E (EPSG:4547), each in its axis order, and `bbox` in any of them.
 */

type Json = Record<string, any>;
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`;
const firstPosition = (feature: Json): number[] => {
  let coordinates = feature.geometry.coordinates;
  while (Array.isArray(coordinates[0])) coordinates = coordinates[0];
  return coordinates;
};

describe('GIS items in other coordinate reference systems (OGC API – Features Part 2)', () => {
  let s: TestSandbox;
  const get = async (path: string) => {
    const res = await s.api(path);
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  };

  before(async () => {
    s = await startTestSandbox();
  });
  after(() => s.close());

  it('declares the CRS conformance class and the CRSs of every collection', async () => {
    assert.ok((await get('/gis/conformance')).body.conformsTo.includes('http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs'));
    const collection = (await get('/gis/collections/villages')).body;
    assert.deepEqual(collection.crs, [CRS84, EPSG(4490), EPSG(4326), EPSG(4547)]);
    assert.equal(collection.storageCrs, EPSG(4490));
  });

  it('answers in EPSG:4547 northing first, within a centimetre of the grid, and says so in Content-Crs', async () => {
    const plain = await get('/gis/collections/villages/items?limit=1');
    assert.equal(plain.headers.get('content-crs'), `<${CRS84}>`);
    const [lon, lat] = firstPosition(plain.body.features[0]);

    const grid = await get(`/gis/collections/villages/items?limit=1&crs=${encodeURIComponent(EPSG(4547))}`);
    assert.equal(grid.status, 200, JSON.stringify(grid.body));
    assert.equal(grid.headers.get('content-crs'), `<${EPSG(4547)}>`);
    const [northing, easting] = firstPosition(grid.body.features[0]);
    const [expectedEasting, expectedNorthing] = toGaussKruger([lon!, lat!]);
    assert.ok(Math.hypot(northing! - expectedNorthing, easting! - expectedEasting) < 0.01, `${northing},${easting}`);
    assert.ok(northing! > 2_400_000 && easting! > 300_000 && easting! < 500_000, 'Nanhai lies west of 114°E');

    const geographic = await get(`/gis/collections/villages/items?limit=1&crs=${encodeURIComponent(EPSG(4490))}`);
    assert.deepEqual(firstPosition(geographic.body.features[0]).slice(0, 2), [lat, lon], 'EPSG:4490 is latitude first');

    const id = plain.body.features[0].id;
    const one = await get(`/gis/collections/villages/items/${id}?crs=${encodeURIComponent(EPSG(4547))}`);
    assert.equal(one.headers.get('content-crs'), `<${EPSG(4547)}>`);
    assert.deepEqual(firstPosition(one.body), firstPosition(grid.body.features[0]));
  });

  it('takes bbox in EPSG:4547 (northing first) and finds what the same box in CRS84 finds', async () => {
    const plain = await get('/gis/collections/villages/items?limit=1');
    const [lon, lat] = firstPosition(plain.body.features[0]);
    const [easting, northing] = toGaussKruger([lon!, lat!]);
    const gridBox = [northing - 50, easting - 50, northing + 50, easting + 50].join(',');
    const inGrid = await get(`/gis/collections/villages/items?limit=50&bbox=${gridBox}&bbox-crs=${encodeURIComponent(EPSG(4547))}`);
    assert.equal(inGrid.status, 200, JSON.stringify(inGrid.body));
    assert.ok(inGrid.body.features.some((f: Json) => f.id === plain.body.features[0].id));
    const degrees = [lon! - 0.0006, lat! - 0.0005, lon! + 0.0006, lat! + 0.0005].join(',');
    const inDegrees = await get(`/gis/collections/villages/items?limit=50&bbox=${degrees}`);
    assert.deepEqual(
      inGrid.body.features.map((f: Json) => f.id).sort(),
      inDegrees.body.features.map((f: Json) => f.id).sort(),
      'a 100 m square and the degrees around it meet the same villages',
    );
  });

  it('refuses a CRS it does not serve and a box whose corners are out of order', async () => {
    assert.equal((await get(`/gis/collections/villages/items?crs=${encodeURIComponent(EPSG(4548))}`)).status, 400);
    const reversed = await get(`/gis/collections/villages/items?bbox=2560000,400000,2550000,410000&bbox-crs=${encodeURIComponent(EPSG(4547))}`);
    assert.equal(reversed.status, 400);
    assert.equal(reversed.body.errors[0].name, 'query/bbox');
  });
});

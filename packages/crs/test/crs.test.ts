import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  crsCode,
  crsUri,
  fromGaussKruger,
  northFirst,
  toGaussKruger,
  transformBBox,
  transformGeometry,
  transformPosition,
} from '../src/index.js';

/**
 * Reference points in and around Nanhai: CGCS2000 geographic coordinates and their EPSG:4547 grid
 * coordinates as PROJ 9.1.1 computes them from the EPSG database
 * (`cs2cs -f %.4f EPSG:4490 EPSG:4547`, an implementation independent of proj4js). The last two lie on
 * the central meridian and 1.5° west of it, the edge of the 3-degree zone.
 */
const CONTROL_POINTS: { name: string; lonLat: [number, number]; eastNorth: [number, number] }[] = [
  { name: '千灯湖', lonLat: [113.1478, 23.0372], eastNorth: [412652.0055, 2548911.4828] },
  { name: '狮山镇', lonLat: [113.013, 23.138], eastNorth: [398909.936, 2560162.5507] },
  { name: '九江镇', lonLat: [112.996, 22.842], eastNorth: [396944.2517, 2527390.7327] },
  { name: '西樵山', lonLat: [112.968, 22.933], eastNorth: [394140.5825, 2537489.2694] },
  { name: 'CM 114°E', lonLat: [114, 23], eastNorth: [500000, 2544537.5786] },
  { name: 'zone edge 112.5°E', lonLat: [112.5, 23.25], eastNorth: [346488.7095, 2573017.3634] },
];

const CENTIMETRE = 0.01;
const distance = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

describe('EPSG:4547 (CGCS2000 3-degree Gauss-Krüger, CM 114°E)', () => {
  for (const point of CONTROL_POINTS) {
    it(`${point.name}: forward and back within 1 cm of the reference`, () => {
      const grid = toGaussKruger(point.lonLat);
      assert.ok(distance(grid, point.eastNorth) < CENTIMETRE, `forward off by ${distance(grid, point.eastNorth)} m`);
      const back = fromGaussKruger(point.eastNorth);
      const again = toGaussKruger(back);
      assert.ok(distance(again, point.eastNorth) < CENTIMETRE, `round trip off by ${distance(again, point.eastNorth)} m`);
      // 1 cm is about 1e-7° of latitude.
      assert.ok(distance(back, point.lonLat) < 1e-7, `inverse off by ${distance(back, point.lonLat)}°`);
    });
  }

  it('names CRSs the ways OGC API Features and vendors write them', () => {
    assert.equal(crsCode('http://www.opengis.net/def/crs/EPSG/0/4547'), 'EPSG:4547');
    assert.equal(crsCode('http://www.opengis.net/def/crs/OGC/1.3/CRS84'), 'OGC:CRS84');
    assert.equal(crsUri('OGC:CRS84'), 'http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    assert.deepEqual(['OGC:CRS84', 'EPSG:4490', 'EPSG:4326', 'EPSG:4547', 'EPSG:3857'].map((c) => northFirst(c as never)), [false, true, true, true, false]);
    assert.equal(crsCode(4490), 'EPSG:4490');
    assert.equal(crsCode('epsg:3857'), 'EPSG:3857');
    assert.equal(crsCode('EPSG:4548'), null, 'CM 117°E is not the zone of Foshan');
    assert.equal(crsUri('EPSG:4547'), 'http://www.opengis.net/def/crs/EPSG/0/4547');
  });

  it('converts boxes with their curved edges and geometries of every type, leaving the input alone', () => {
    const box = transformBBox([112.9, 22.8, 113.2, 23.3], 'EPSG:4490', 'EPSG:4547');
    for (const lonLat of [[112.9, 23.3], [113.2, 22.8], [113.05, 23.05]] as const) {
      const [e, n] = toGaussKruger(lonLat);
      assert.ok(e >= box[0] && n >= box[1] && e <= box[2] && n <= box[3], `${lonLat} outside ${box}`);
    }
    const polygon = { type: 'Polygon', coordinates: [[[113.1, 23], [113.2, 23], [113.2, 23.1, 7.5], [113.1, 23]]] };
    const projected = transformGeometry(polygon, 'EPSG:4490', 'EPSG:4547');
    assert.deepEqual(polygon.coordinates[0][0], [113.1, 23], 'input unchanged');
    assert.equal(projected.coordinates[0][2].length, 3, 'a third ordinate is kept');
    const collection = transformGeometry(
      { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [114, 23] }] }, 'EPSG:4490', 'EPSG:4547',
    );
    assert.ok(distance(collection.geometries![0].coordinates as number[], [500000, 2544537.5786]) < CENTIMETRE);
  });

  it('refuses unknown CRSs and non-finite positions with a RangeError', () => {
    assert.throws(() => transformPosition([113, 23], 'EPSG:2383', 'EPSG:4326'), RangeError);
    assert.throws(() => transformPosition([Number.NaN, 23], 'EPSG:4490', 'EPSG:4547'), RangeError);
    assert.throws(() => transformBBox([113.2, 23, 113.1, 23.1], 'EPSG:4490', 'EPSG:4547'), RangeError);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GIS_CATEGORIES,
  GIS_IMAGERY,
  GIS_LAYERS,
  GIS_SERVICES,
  HOTSPOT_LEVELS,
  gridCells,
  hotspotLevel,
  latticeSquareAt,
  latticeSquarePolygon,
  paintImageryTile,
  pointInGeometry,
  villages,
} from '../src/index.js';

describe('the one-map catalogue', () => {
  it('has layers in each of the ten categories and 33 services naming only catalogued layers or imagery', () => {
    assert.equal(GIS_CATEGORIES.length, 10);
    for (const category of GIS_CATEGORIES) assert.ok(GIS_LAYERS.some((layer) => layer.category === category.id), category.id);
    assert.equal(GIS_SERVICES.length, 33);
    const known = new Set([...GIS_LAYERS.map((layer) => layer.id), ...GIS_IMAGERY.map((entry) => entry.id)]);
    for (const service of GIS_SERVICES) for (const id of service.layerIds) assert.ok(known.has(id), `${service.id}: ${id}`);
    // Services are listed in the categories' order, so a category's services read as one block.
    const order = GIS_SERVICES.map((service) => GIS_CATEGORIES.findIndex((category) => category.id === service.category));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
  });
});

describe('城市管理网格', () => {
  it('gives every village uniquely coded cells, each within one lattice square', () => {
    const cells = gridCells();
    assert.deepEqual(new Set(cells.map((cell) => cell.villageCode)).size, villages.length, 'every village has cells');
    assert.equal(new Set(cells.map((cell) => cell.gridCode)).size, cells.length, 'codes are unique');
    for (const cell of cells.filter((_, index) => index % 50 === 0)) {
      assert.match(cell.gridCode, new RegExp(`^${cell.villageCode}\\d{3}$`));
      assert.deepEqual(latticeSquareAt(cell.label), cell.square, `${cell.gridCode}: its label lies in its square`);
      assert.ok(pointInGeometry(cell.label, latticeSquarePolygon(cell.square)));
    }
  });

  it('classes hotspots by their order counts at the legend thresholds', () => {
    assert.deepEqual([1, 2, 3, 5, 6, 9, 10, 40].map(hotspotLevel), ['low', 'low', 'medium', 'medium', 'high', 'high', 'severe', 'severe']);
    assert.deepEqual(HOTSPOT_LEVELS.map((level) => level.minOrders), [1, 3, 6, 10]);
  });
});

describe('遥感影像', () => {
  it('paints the same pixels for the same tile, opaque inside its extent', () => {
    const imagery = GIS_IMAGERY[0]!;
    const first = paintImageryTile(imagery, 13, 6668, 3557);
    assert.deepEqual(paintImageryTile(imagery, 13, 6668, 3557), first);
    assert.ok(first.every((value, index) => index % 4 !== 3 || value === 255));
  });
});

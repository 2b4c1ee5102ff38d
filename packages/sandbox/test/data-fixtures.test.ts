/**
 * The catalogue fixtures the data service is seeded from: every row fits its column schema, keys
 * are unique, identifiers pass their checksums, rows are reproducible from their number alone, and
 * the industrial-park polygons lie inside their villages.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  INDUSTRIAL_PARK_STAGES,
  areaSqm,
  boundaryOf,
  datasetCatalogue,
  findDataset,
  findVillage,
  industrialParkFeatures,
  industrialParkProjects,
  pointInGeometry,
  REFERENCE_DATE,
  validateIdNumber,
  validateUscc,
  type DatasetColumnDef,
  type LonLat,
  type RowContext,
} from '@citybrain/domain';

const SMALL: RowContext = { seed: 'nanhai-2026', size: 'small' };
const FULL: RowContext = { seed: 'nanhai-2026', size: 'full' };

function checkValue(datasetId: string, column: DatasetColumnDef, value: unknown): void {
  const where = `${datasetId}.${column.name} = ${JSON.stringify(value)}`;
  if (value === null) {
    assert.ok(column.nullable, `${where}: null in a NOT NULL column`);
    return;
  }
  switch (column.type) {
    case 'uscc':
      assert.ok(validateUscc(String(value), { strictOrgCode: true }).valid, where);
      break;
    case 'id-number':
      assert.ok(validateIdNumber(String(value), { today: REFERENCE_DATE }).valid, where);
      break;
    case 'phone':
      assert.match(String(value), /^1[3-9]\d{9}$/, where);
      break;
    case 'region-code':
      assert.ok(findVillage(String(value)), where);
      break;
    case 'enum':
      assert.ok(column.options?.some((o) => o.value === value), where);
      break;
    case 'boolean':
      assert.equal(typeof value, 'boolean', where);
      break;
    case 'integer':
      assert.ok(Number.isSafeInteger(value), where);
      break;
    case 'date':
      assert.match(String(value), /^\d{4}-\d{2}-\d{2}$/, where);
      assert.ok(String(value) <= REFERENCE_DATE || column.name.toLowerCase().includes('deadline') || column.name.startsWith('valid') || column.name.startsWith('planned'), `${where} lies after the reference date`);
      break;
    case 'year-month':
      assert.match(String(value), /^\d{4}-(0[1-9]|1[0-2])$/, where);
      break;
    default:
      if (['number', 'money', 'percent', 'area-sqm', 'area-mu', 'length-km', 'longitude', 'latitude'].includes(column.type)) {
        assert.ok(typeof value === 'number' && Number.isFinite(value), where);
      } else {
        assert.equal(typeof value, 'string', where);
        assert.ok(String(value).length > 0, `${where}: empty string`);
      }
  }
}

describe('dataset fixtures', () => {
  it('has at least 20 datasets with unique ids and table names, and a region column in each', () => {
    assert.ok(datasetCatalogue.length >= 20);
    assert.equal(new Set(datasetCatalogue.map((d) => d.id)).size, datasetCatalogue.length);
    assert.equal(new Set(datasetCatalogue.map((d) => d.tableName)).size, datasetCatalogue.length);
    for (const dataset of datasetCatalogue) {
      const names = dataset.columns.map((c) => c.name);
      assert.ok(names.includes(dataset.regionColumn), dataset.id);
      assert.ok(dataset.primaryKey.every((key) => names.includes(key)), dataset.id);
      const sortKey = dataset.defaultSort.replace(/^-/, '');
      assert.ok(dataset.columns.find((c) => c.name === sortKey)?.sortable, `${dataset.id} default sort ${sortKey}`);
    }
  });

  it('generates rows that fit their schema, with unique keys, at small size', () => {
    for (const dataset of datasetCatalogue) {
      const keys = new Set<string>();
      const count = dataset.rowCount(SMALL);
      assert.ok(count > 0, dataset.id);
      for (let index = 0; index < count; index++) {
        const row = dataset.row(index, SMALL);
        assert.deepEqual(Object.keys(row), dataset.columns.map((c) => c.name), `${dataset.id} row ${index} keys`);
        for (const column of dataset.columns) checkValue(dataset.id, column, row[column.name]);
        const key = dataset.primaryKey.map((k) => row[k]).join('|');
        assert.ok(!keys.has(key), `${dataset.id}: duplicate key ${key}`);
        keys.add(key);
      }
    }
  });

  it('makes any row from its number alone, the same every time', () => {
    for (const dataset of datasetCatalogue) {
      const last = dataset.rowCount(SMALL) - 1;
      for (const index of [0, Math.floor(last / 2), last]) {
        assert.deepEqual(dataset.row(index, SMALL), dataset.row(index, SMALL), `${dataset.id} row ${index}`);
      }
    }
    const other = { seed: 'another-seed', size: 'small' } as const;
    assert.notDeepEqual(findDataset('population-residents')!.row(0, SMALL), findDataset('population-residents')!.row(0, other));
  });

  it('has a million registry rows at full size whose credit codes ascend with the row number, hence never repeat', () => {
    const registry = findDataset('market-enterprises')!;
    assert.equal(registry.rowCount(FULL), 1_000_000);
    let previous = '';
    // Consecutive rows across the whole range, including both sides of the 2015 code reform.
    for (let index = 0; index < 1_000_000; index += 997) {
      for (const i of [index, index + 1]) {
        if (i >= 1_000_000) continue;
        const code = String(registry.row(i, FULL).uscc);
        assert.ok(code > previous, `row ${i}: ${code} after ${previous}`);
        assert.ok(validateUscc(code, { strictOrgCode: true }).valid, code);
        previous = code;
      }
    }
  });

  it('places every industrial park polygon inside its village, with the ledger area', () => {
    const projects = industrialParkProjects(SMALL.seed);
    assert.ok(projects.length >= 300, `${projects.length} parks`);
    assert.equal(new Set(projects.map((p) => p.projectId)).size, projects.length);
    const stages = INDUSTRIAL_PARK_STAGES.map((s) => s.value);
    for (const project of projects) {
      const village = boundaryOf(project.villageCode)!;
      const ring = project.geometry.coordinates[0]!;
      assert.deepEqual(ring[0], ring.at(-1), `${project.projectId} ring closed`);
      for (const vertex of ring) assert.ok(pointInGeometry(vertex as LonLat, village.geometry), `${project.projectId} vertex outside its village`);
      const mu = areaSqm(project.geometry) / (10_000 / 15);
      assert.ok(Math.abs(mu - project.areaMu) / project.areaMu < 0.01, `${project.projectId}: ${mu} 亩 vs ${project.areaMu}`);
      assert.ok(project.demolishedMu <= project.areaMu, project.projectId);
      assert.ok(stages.includes(project.stage), project.projectId);
      if (project.overdue) assert.ok(project.demolitionDeadline < REFERENCE_DATE || project.completionDeadline < REFERENCE_DATE);
      if (project.economicCoopUscc) assert.ok(validateUscc(project.economicCoopUscc).valid);
    }
    const features = industrialParkFeatures(SMALL.seed);
    assert.deepEqual(features.features.map((f) => f.id), projects.map((p) => p.projectId));
    const ledger = findDataset('industrial-park-projects')!;
    assert.equal(ledger.rowCount(SMALL), projects.length);
    assert.equal(ledger.row(0, SMALL).geometryRef, projects[0]!.projectId);
  });
});

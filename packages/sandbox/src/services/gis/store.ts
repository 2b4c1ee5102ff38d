/**
 * The GIS tables. Geometry is stored as GeoJSON text with its bounding box in four REAL columns for
 * spatial prefiltering; the 100 000 parcels also get an R*Tree over those boxes.
 *
 * Other services read `zones` (the approvals zone check) and `parcels`: their column names are a
 * shared contract — add columns, never rename or drop them.
 */
import {
  controlZones,
  districtOutline,
  findTown,
  homesteadParcels,
  industrialParkProjects,
  mainRoads,
  regionBoundaries,
  servicePoints,
  villages,
  waterways,
  gridCells,
  labelPointOf,
  bboxOf,
} from '@citybrain/domain';
import type { Geometry } from 'geojson';
import type { SeedContext } from '../../context.js';
import type { Db } from '../../db.js';
import type { SqlStatement } from '../../storage/sql.js';

/** The CRS the GIS tables keep coordinates in: CGCS2000 lon/lat. */
export const GIS_SRID = 4490;

export function migrateGis(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS parcels (
      id TEXT PRIMARY KEY,
      parcel_no TEXT NOT NULL UNIQUE,
      village_code TEXT NOT NULL,
      town_code TEXT NOT NULL,
      owner_name TEXT,
      owner_id_number TEXT,
      owner_phone TEXT,
      area_sqm REAL NOT NULL,
      land_use TEXT NOT NULL CHECK (land_use IN ('rural-housing', 'ancillary', 'vacant')),
      status TEXT NOT NULL CHECK (status IN ('registered', 'approved', 'pending', 'unapproved')),
      approval_no TEXT,
      approved_on TEXT,
      certificate_no TEXT,
      registered_on TEXT,
      floors INTEGER,
      min_lon REAL NOT NULL,
      min_lat REAL NOT NULL,
      max_lon REAL NOT NULL,
      max_lat REAL NOT NULL,
      geometry TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS parcels_village ON parcels (village_code);
    CREATE INDEX IF NOT EXISTS parcels_town ON parcels (town_code);
    CREATE VIRTUAL TABLE IF NOT EXISTS parcels_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat);

    CREATE TABLE IF NOT EXISTS zones (
      id TEXT PRIMARY KEY,
      zone_type TEXT NOT NULL CHECK (zone_type IN ('buildable', 'restricted', 'prohibited')),
      town_code TEXT NOT NULL,
      village_code TEXT NOT NULL,
      source_layer TEXT NOT NULL,
      source_dept TEXT NOT NULL,
      legal_basis TEXT NOT NULL,
      version TEXT NOT NULL,
      effective_date TEXT NOT NULL,
      area_sqm REAL NOT NULL,
      min_lon REAL NOT NULL,
      min_lat REAL NOT NULL,
      max_lon REAL NOT NULL,
      max_lat REAL NOT NULL,
      geometry TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS zones_village ON zones (village_code);
    CREATE INDEX IF NOT EXISTS zones_bbox ON zones (min_lon, max_lon);

    -- Every other layer (boundaries, water, roads, service points, industrial parks): one generic table.
    CREATE TABLE IF NOT EXISTS gis_features (
      layer_id TEXT NOT NULL,
      id TEXT NOT NULL,
      name TEXT NOT NULL,
      kind TEXT,
      code TEXT,
      town_code TEXT,
      village_code TEXT,
      properties TEXT NOT NULL,
      label_lon REAL NOT NULL,
      label_lat REAL NOT NULL,
      min_lon REAL NOT NULL,
      min_lat REAL NOT NULL,
      max_lon REAL NOT NULL,
      max_lat REAL NOT NULL,
      geometry TEXT NOT NULL,
      PRIMARY KEY (layer_id, id)
    );
    CREATE INDEX IF NOT EXISTS gis_features_bbox ON gis_features (layer_id, min_lon, max_lon);
  `);
}

/**
 * The same tables on PostgreSQL + PostGIS. The columns other services read stay as they are (GeoJSON
 * text in `geometry`, the bbox columns); each table adds `geom`, the geometry in CGCS2000 derived from
 * that text (so every writer stays one INSERT for both stores) with a GiST index for tiles, bbox,
 * identify and the zone check, and `rid`, an identity column that takes the place of SQLite's rowid:
 * insertion order for keyset paging, and the integer feature id of the vector tiles.
 */
export function migrateGisPostgres(db: Db): void {
  const spatial = (table: string) => `
    rid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    geom geometry(Geometry, ${GIS_SRID}) GENERATED ALWAYS AS (ST_SetSRID(ST_GeomFromGeoJSON(geometry), ${GIS_SRID})) STORED,
    CONSTRAINT ${table}_geom_valid CHECK (NOT ST_IsEmpty(geom))`;
  db.exec(`
    CREATE EXTENSION IF NOT EXISTS postgis;
    CREATE TABLE parcels (
      id TEXT PRIMARY KEY,
      parcel_no TEXT NOT NULL UNIQUE,
      village_code TEXT NOT NULL,
      town_code TEXT NOT NULL,
      owner_name TEXT,
      owner_id_number TEXT,
      owner_phone TEXT,
      area_sqm DOUBLE PRECISION NOT NULL,
      land_use TEXT NOT NULL CHECK (land_use IN ('rural-housing', 'ancillary', 'vacant')),
      status TEXT NOT NULL CHECK (status IN ('registered', 'approved', 'pending', 'unapproved')),
      approval_no TEXT,
      approved_on TEXT,
      certificate_no TEXT,
      registered_on TEXT,
      floors INTEGER,
      min_lon DOUBLE PRECISION NOT NULL,
      min_lat DOUBLE PRECISION NOT NULL,
      max_lon DOUBLE PRECISION NOT NULL,
      max_lat DOUBLE PRECISION NOT NULL,
      geometry TEXT NOT NULL,
      ${spatial('parcels')}
    );
    CREATE INDEX parcels_village ON parcels (village_code);
    CREATE INDEX parcels_town ON parcels (town_code);
    CREATE INDEX parcels_geom ON parcels USING GIST (geom);

    CREATE TABLE zones (
      id TEXT PRIMARY KEY,
      zone_type TEXT NOT NULL CHECK (zone_type IN ('buildable', 'restricted', 'prohibited')),
      town_code TEXT NOT NULL,
      village_code TEXT NOT NULL,
      source_layer TEXT NOT NULL,
      source_dept TEXT NOT NULL,
      legal_basis TEXT NOT NULL,
      version TEXT NOT NULL,
      effective_date TEXT NOT NULL,
      area_sqm DOUBLE PRECISION NOT NULL,
      min_lon DOUBLE PRECISION NOT NULL,
      min_lat DOUBLE PRECISION NOT NULL,
      max_lon DOUBLE PRECISION NOT NULL,
      max_lat DOUBLE PRECISION NOT NULL,
      geometry TEXT NOT NULL,
      ${spatial('zones')}
    );
    CREATE INDEX zones_village ON zones (village_code);
    CREATE INDEX zones_source_rid ON zones (source_layer, rid);
    CREATE INDEX zones_geom ON zones USING GIST (geom);

    CREATE TABLE gis_features (
      layer_id TEXT NOT NULL,
      id TEXT NOT NULL,
      name TEXT NOT NULL,
      kind TEXT,
      code TEXT,
      town_code TEXT,
      village_code TEXT,
      properties TEXT NOT NULL,
      label_lon DOUBLE PRECISION NOT NULL,
      label_lat DOUBLE PRECISION NOT NULL,
      min_lon DOUBLE PRECISION NOT NULL,
      min_lat DOUBLE PRECISION NOT NULL,
      max_lon DOUBLE PRECISION NOT NULL,
      max_lat DOUBLE PRECISION NOT NULL,
      geometry TEXT NOT NULL,
      ${spatial('gis_features')},
      PRIMARY KEY (layer_id, id)
    );
    CREATE INDEX gis_features_layer_rid ON gis_features (layer_id, rid);
    CREATE INDEX gis_features_geom ON gis_features USING GIST (geom);
  `);
}

/**
 * gis/002 on PostgreSQL: each table also keeps its geometry in Web Mercator (`geom_mercator`,
 * EPSG:3857, lon/lat taken as WGS 84 as the tiles take them), derived from the same GeoJSON text so
 * writers stay one INSERT, with a GiST index. Vector tiles select and cut from it (ST_TileEnvelope,
 * ST_AsMVTGeom) instead of transforming every row of a tile on every request. SQLite cuts its tiles
 * in JavaScript from the GeoJSON: nothing to store there.
 */
export function migrateGisMercatorPostgres(db: Db): void {
  for (const table of ['parcels', 'zones', 'gis_features']) {
    db.exec(`
      ALTER TABLE ${table} ADD COLUMN geom_mercator geometry(Geometry, 3857)
        GENERATED ALWAYS AS (ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326), 3857)) STORED;
      CREATE INDEX ${table}_geom_mercator ON ${table} USING GIST (geom_mercator);
    `);
  }
}

/**
 * The column that tells a table's layers apart (gis/003 counts writes per value of it): a feature
 * layer's `layer_id`, a zone's `source_layer`; parcels are one layer.
 */
const LAYER_KEY = { parcels: null, zones: 'source_layer', gis_features: 'layer_id' } as const;
const WRITE_KEY = '(table_name, layer_id, source_layer)';

/** The INSERT … SELECT that counts one write per layer key among `rows` (a row or a set of rows). */
function countWrites(table: keyof typeof LAYER_KEY, rows: string, grouped: boolean): string {
  const key = LAYER_KEY[table];
  const layerId = key === 'layer_id' ? `${rows}.layer_id` : "''";
  const sourceLayer = key === 'source_layer' ? `${rows}.source_layer` : "''";
  // `WHERE true` keeps SQLite from reading ON CONFLICT as a join's ON.
  const from = grouped ? ` FROM ${rows} WHERE true GROUP BY 2, 3` : ' WHERE true';
  return `INSERT INTO gis_writes (table_name, layer_id, source_layer, writes) SELECT '${table}', ${layerId}, ${sourceLayer}, 1${from}
    ON CONFLICT ${WRITE_KEY} DO UPDATE SET writes = gis_writes.writes + 1`;
}

/**
 * gis/003: a count of the writes to each GIS layer, kept by triggers, so every write — an import that
 * replaces a feature as well as one that adds it, by any process or instance — changes the layer's
 * version and with it its tile cache keys and ETags. Row count and last row id alone miss a
 * replacement that keeps both (SQLite hands the last rowid out again after deleting it). Counting per
 * layer (not per table) keeps a rebuilt derived layer from invalidating the other feature layers. The
 * counter rows carry the layer key columns under their own names, so a layer's own condition
 * (`layer_id = ?`, `source_layer NOT IN (…)`, `1 = 1`) selects its counters too. SQLite's triggers run
 * per row; PostgreSQL's once per statement, over its transition tables.
 */
const GIS_WRITES_TABLE = `
  CREATE TABLE IF NOT EXISTS gis_writes (
    table_name TEXT NOT NULL,
    layer_id TEXT NOT NULL,
    source_layer TEXT NOT NULL,
    writes INTEGER NOT NULL,
    PRIMARY KEY ${WRITE_KEY}
  );`;

export function migrateGisWrites(db: Db): void {
  db.exec(GIS_WRITES_TABLE);
  for (const table of Object.keys(LAYER_KEY) as (keyof typeof LAYER_KEY)[]) {
    // An update counts for the layer a row leaves and the one it joins.
    const events = [['insert', ['NEW']], ['update', ['OLD', 'NEW']], ['delete', ['OLD']]] as const;
    for (const [event, versions] of events) {
      db.exec(`
        CREATE TRIGGER IF NOT EXISTS ${table}_${event}_counted AFTER ${event.toUpperCase()} ON ${table}
        BEGIN ${versions.map((row) => `${countWrites(table, row, false)};`).join(' ')} END;`);
    }
  }
}

export function migrateGisWritesPostgres(db: Db): void {
  db.exec(GIS_WRITES_TABLE);
  for (const table of Object.keys(LAYER_KEY) as (keyof typeof LAYER_KEY)[]) {
    db.exec(`
      CREATE FUNCTION ${table}_count_writes() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN ${countWrites(table, 'changed', true)}; RETURN NULL; END
      $body$;
      CREATE TRIGGER ${table}_insert_counted AFTER INSERT ON ${table} REFERENCING NEW TABLE AS changed
        FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_writes();
      CREATE TRIGGER ${table}_update_old_counted AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS changed
        FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_writes();
      CREATE TRIGGER ${table}_update_new_counted AFTER UPDATE ON ${table} REFERENCING NEW TABLE AS changed
        FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_writes();
      CREATE TRIGGER ${table}_delete_counted AFTER DELETE ON ${table} REFERENCING OLD TABLE AS changed
        FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_writes();`);
  }
}

/**
 * Inserts rows in multi-row statements (a few hundred rows a round trip instead of one), the same
 * SQL on both stores; PostgreSQL parses each row's GeoJSON into `geom` as it goes.
 */
export function insertRows(db: Db, table: string, columns: readonly string[], rows: readonly unknown[][]): void {
  const perStatement = Math.max(1, Math.floor(ROW_VALUES_PER_STATEMENT / columns.length));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const statements = new Map<number, SqlStatement>();
  for (let start = 0; start < rows.length; start += perStatement) {
    const batch = rows.slice(start, start + perStatement);
    let insert = statements.get(batch.length);
    if (!insert) {
      insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')}`);
      statements.set(batch.length, insert);
    }
    insert.run(batch.flat());
  }
}

/** Parameters per INSERT: well inside SQLite's limit (32 766) and PostgreSQL's (65 535). */
const ROW_VALUES_PER_STATEMENT = 10_000;

/** One row of `gis_features` as the service writes it. */
export interface FeatureRow {
  layerId: string;
  id: string;
  name: string;
  kind: string | null;
  code: string | null;
  townCode: string | null;
  villageCode: string | null;
  properties: Record<string, unknown>;
  label: [number, number];
  geometry: Geometry;
}

/** The columns of each table as the service writes and reads them (GeoJSON text in `geometry`; PostgreSQL adds `rid` and `geom`). */
export const TABLE_COLUMNS = {
  parcels: ['id', 'parcel_no', 'village_code', 'town_code', 'owner_name', 'owner_id_number', 'owner_phone', 'area_sqm', 'land_use',
    'status', 'approval_no', 'approved_on', 'certificate_no', 'registered_on', 'floors', 'min_lon', 'min_lat', 'max_lon', 'max_lat', 'geometry'],
  zones: ['id', 'zone_type', 'town_code', 'village_code', 'source_layer', 'source_dept', 'legal_basis', 'version', 'effective_date',
    'area_sqm', 'min_lon', 'min_lat', 'max_lon', 'max_lat', 'geometry'],
  gis_features: ['layer_id', 'id', 'name', 'kind', 'code', 'town_code', 'village_code', 'properties', 'label_lon', 'label_lat',
    'min_lon', 'min_lat', 'max_lon', 'max_lat', 'geometry'],
} as const;

/** Writes `gis_features` rows (bbox columns derived from the geometry), for the seed and derived layers. */
export function insertFeatures(db: Db, rows: readonly FeatureRow[]): void {
  insertRows(db, 'gis_features', TABLE_COLUMNS.gis_features, rows.map((row) => [
    row.layerId, row.id, row.name, row.kind, row.code, row.townCode, row.villageCode, JSON.stringify(row.properties),
    row.label[0], row.label[1], ...bboxOf(row.geometry), JSON.stringify(row.geometry),
  ]));
}

/** Parcels are generated as a stream (100 000 at full size) and written a slice at a time. */
const PARCEL_SLICE = 5_000;

export function seedGis(db: Db, ctx: SeedContext): void {
  const features: FeatureRow[] = [];
  const addFeature = (row: FeatureRow) => features.push(row);

  const { towns, villages: villageFeatures } = regionBoundaries();
  const outline = districtOutline();
  addFeature({
    layerId: 'district',
    id: outline.properties.code,
    name: outline.properties.name,
    kind: 'district',
    code: outline.properties.code,
    townCode: null,
    villageCode: null,
    properties: { code: outline.properties.code, name: outline.properties.name, level: 'district' },
    label: labelPointOf(outline.properties.code),
    geometry: outline.geometry,
  });
  for (const town of towns) {
    const { code, name } = town.properties;
    addFeature({
      layerId: 'towns',
      id: code,
      name,
      kind: findTown(code)?.name.endsWith('街道') ? 'street' : 'town',
      code,
      townCode: code,
      villageCode: null,
      properties: { code, name, level: 'town', parentCode: town.properties.parentCode, villageCount: findTown(code)?.villages.length ?? 0 },
      label: labelPointOf(code),
      geometry: town.geometry,
    });
  }
  const villageByCode = new Map(villages.map((v) => [v.code, v]));
  for (const feature of villageFeatures) {
    const { code, name, parentCode } = feature.properties;
    const village = villageByCode.get(code)!;
    addFeature({
      layerId: 'villages',
      id: code,
      name,
      kind: village.kind,
      code,
      townCode: parentCode,
      villageCode: code,
      properties: {
        code,
        name,
        shortName: village.shortName,
        kind: village.kind,
        urbanRuralType: village.urbanRuralType,
        townCode: parentCode,
        townName: findTown(parentCode)?.name ?? null,
      },
      label: labelPointOf(code),
      geometry: feature.geometry,
    });
  }
  for (const waterway of waterways()) {
    const middle = waterway.centreline.coordinates[Math.floor(waterway.centreline.coordinates.length / 2)]!;
    addFeature({
      layerId: 'water',
      id: waterway.id,
      name: waterway.name,
      kind: waterway.kind,
      code: waterway.id,
      townCode: null,
      villageCode: null,
      properties: { name: waterway.name, nameEn: waterway.nameEn, kind: waterway.kind, widthM: waterway.widthM, managementZoneM: waterway.managementZoneM },
      label: [middle[0]!, middle[1]!],
      geometry: waterway.surface,
    });
  }
  for (const road of mainRoads()) {
    const middle = road.geometry.coordinates[Math.floor(road.geometry.coordinates.length / 2)]!;
    addFeature({
      layerId: 'roads',
      id: road.id,
      name: road.name,
      kind: road.kind,
      code: road.ref ?? road.id,
      townCode: null,
      villageCode: null,
      properties: { name: road.name, nameEn: road.nameEn, kind: road.kind, ref: road.ref, widthM: road.widthM },
      label: [middle[0]!, middle[1]!],
      geometry: road.geometry,
    });
  }
  for (const point of servicePoints()) {
    const [lon, lat] = point.geometry.coordinates as [number, number];
    addFeature({
      layerId: 'service-points',
      id: point.id,
      name: point.name,
      kind: point.kind,
      code: point.code,
      townCode: point.townCode,
      villageCode: point.villageCode,
      properties: { name: point.name, kind: point.kind, code: point.code, townCode: point.townCode, villageCode: point.villageCode, address: point.address },
      label: [lon, lat],
      geometry: point.geometry,
    });
  }

  // The same ledger the data platform serves as a dataset (same seed), so both views agree.
  for (const { geometry, centroid, ...project } of industrialParkProjects(ctx.seed)) {
    addFeature({
      layerId: 'industrial-parks',
      id: project.projectId,
      name: project.parkName,
      kind: project.stage,
      code: project.projectId,
      townCode: project.townCode,
      villageCode: project.villageCode,
      properties: { ...project },
      label: centroid,
      geometry,
    });
  }

  const grid = gridCells();
  for (const cell of grid) {
    addFeature({
      layerId: 'grid-cells',
      id: cell.gridCode,
      name: cell.name,
      kind: cell.kind,
      code: cell.gridCode,
      townCode: cell.townCode,
      villageCode: cell.villageCode,
      properties: {
        gridCode: cell.gridCode,
        name: cell.name,
        kind: cell.kind,
        townCode: cell.townCode,
        townName: findTown(cell.townCode)?.name ?? null,
        villageCode: cell.villageCode,
        areaSqm: cell.areaSqm,
      },
      label: cell.label,
      geometry: cell.geometry,
    });
  }

  insertFeatures(db, features);

  const zones = controlZones();
  insertRows(db, 'zones', TABLE_COLUMNS.zones, zones.map((zone) => [zone.id, zone.zoneType, zone.townCode, zone.villageCode, zone.sourceLayer,
    zone.sourceDept, zone.legalBasis, zone.version, zone.effectiveDate, zone.areaSqm, ...zone.bbox, JSON.stringify(zone.geometry)]));

  let parcelCount = 0;
  let slice: unknown[][] = [];
  const writeSlice = () => {
    insertRows(db, 'parcels', TABLE_COLUMNS.parcels, slice);
    parcelCount += slice.length;
    slice = [];
  };
  for (const parcel of homesteadParcels({ size: ctx.size, seed: ctx.seed })) {
    slice.push([parcel.id, parcel.parcelNo, parcel.villageCode, parcel.townCode, parcel.ownerName, parcel.ownerIdNumber, parcel.ownerPhone,
      parcel.areaSqm, parcel.landUse, parcel.status, parcel.approvalNo, parcel.approvedOn, parcel.certificateNo, parcel.registeredOn,
      parcel.floors, ...parcel.bbox, JSON.stringify(parcel.geometry)]);
    if (slice.length === PARCEL_SLICE) writeSlice();
  }
  writeSlice();
  // SQLite's R*Tree over the parcels' boxes, keyed by rowid (PostgreSQL's GiST index on geom keeps itself).
  if (db.dialect === 'sqlite') db.exec('INSERT INTO parcels_rtree (id, min_lon, max_lon, min_lat, max_lat) SELECT rowid, min_lon, max_lon, min_lat, max_lat FROM parcels');
  ctx.log(`gis: ${towns.length} towns, ${villageFeatures.length} villages, ${grid.length} grid cells, ${zones.length} zones, ${parcelCount} parcels`);
}

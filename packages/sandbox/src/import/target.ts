/**
 * Where imported rows go. The importer hands a store all rows of one file at once, and the store
 * writes them in one transaction: all or nothing. A feature already stored under the same key
 * (a parcel's id or parcel number, a zone's id, a village's code) is replaced, so importing a
 * corrected file again updates it. Rows go in batches — a DELETE of the stored rows they replace per
 * key column and one multi-row INSERT per batch — because on PostgreSQL each statement is a round trip through
 * the store's worker thread (two per feature made an import four times slower than into SQLite).
 * Both stores take the same statements (PostgreSQL derives `geom` from the GeoJSON, and refuses an
 * empty or unreadable geometry); SQLite also keeps its parcels' R*Tree, keyed by rowid.
 */
import type { Db } from '../db.js';
import type { SqlStatement } from '../storage/sql.js';
import { gisStoreOf } from '../services/gis/gis-store.js';
import { migrateGis } from '../services/gis/store.js';
import { ImportError } from './ogr.js';
import type { ImportLayer, ImportRows, ParcelRow, VillageRow, ZoneRow } from './rows.js';

export interface ImportTarget {
  /** Writes every row in one transaction; throws (and writes nothing) if any row cannot be written. */
  write(rows: ImportRows): { inserted: number; replaced: number };
}

/**
 * Rows per batch: parcels bind 20 values a row, far below what a statement may take (PostgreSQL
 * 65,535; SQLite 32,766), and a town's file takes a few hundred batches. Not more: SQLite's planner
 * answers a DELETE with a longer `IN (…)` list by scanning the table (seen at 500 keys on 42,000
 * parcels) instead of looking each key up.
 */
export const IMPORT_BATCH_ROWS = 200;

/** How a layer's rows are stored: its table, the keys a stored row is replaced by, and each row's values. */
interface LayerTable<Row> {
  table: string;
  /** Which rows of the table belong to the layer (villages share gis_features with other layers). */
  scope?: string;
  /** Columns that identify a stored row, each with the row's value: a stored row that matches any of them is replaced. */
  keys: [column: string, valueOf: (row: Row) => string][];
  columns: string[];
  values(row: Row): unknown[];
}

const PARCELS: LayerTable<ParcelRow> = {
  table: 'parcels',
  keys: [['id', (row) => row.id], ['parcel_no', (row) => row.parcelNo]],
  columns: ['id', 'parcel_no', 'village_code', 'town_code', 'owner_name', 'owner_id_number', 'owner_phone', 'area_sqm', 'land_use', 'status',
    'approval_no', 'approved_on', 'certificate_no', 'registered_on', 'floors', 'min_lon', 'min_lat', 'max_lon', 'max_lat', 'geometry'],
  values: (row) => [row.id, row.parcelNo, row.villageCode, row.townCode, row.ownerName, row.ownerIdNumber, row.ownerPhone, row.areaSqm, row.landUse,
    row.status, row.approvalNo, row.approvedOn, row.certificateNo, row.registeredOn, row.floors, ...row.bbox, JSON.stringify(row.geometry)],
};

const ZONES: LayerTable<ZoneRow> = {
  table: 'zones',
  keys: [['id', (row) => row.id]],
  columns: ['id', 'zone_type', 'town_code', 'village_code', 'source_layer', 'source_dept', 'legal_basis', 'version', 'effective_date', 'area_sqm',
    'min_lon', 'min_lat', 'max_lon', 'max_lat', 'geometry'],
  values: (row) => [row.id, row.zoneType, row.townCode, row.villageCode, row.sourceLayer, row.sourceDept, row.legalBasis, row.version,
    row.effectiveDate, row.areaSqm, ...row.bbox, JSON.stringify(row.geometry)],
};

const VILLAGES: LayerTable<VillageRow> = {
  table: 'gis_features',
  scope: "layer_id = 'villages'",
  keys: [['id', (row) => row.code]],
  columns: ['layer_id', 'id', 'name', 'kind', 'code', 'town_code', 'village_code', 'properties', 'label_lon', 'label_lat',
    'min_lon', 'min_lat', 'max_lon', 'max_lat', 'geometry'],
  values: (row) => {
    // The same properties the seed gives a village (services/gis/store.ts), so imported and seeded villages read alike.
    const properties = { code: row.code, name: row.name, shortName: row.shortName, kind: row.kind, urbanRuralType: row.urbanRuralType, townCode: row.townCode, townName: row.townName };
    return ['villages', row.code, row.name, row.kind, row.code, row.townCode, row.code, JSON.stringify(properties), row.label[0], row.label[1],
      ...row.bbox, JSON.stringify(row.geometry)];
  },
};

const LAYER_TABLES = { parcels: PARCELS, zones: ZONES, villages: VILLAGES };

const placeholders = (count: number, width = 1) => {
  const tuple = width === 1 ? '?' : `(${Array(width).fill('?').join(', ')})`;
  return Array(count).fill(tuple).join(', ');
};

/** Stored rows as a batch's DELETE and INSERT return them: key columns, and what a store asks for besides. */
type Returned = Record<string, unknown>;

/** The writes both stores share: batches, each a DELETE … RETURNING per key column and one INSERT, in one transaction. */
abstract class GisImportTarget implements ImportTarget {
  /** Statements by their SQL: a file's batches are all the same size but the last. */
  private readonly statements = new Map<string, SqlStatement>();

  constructor(protected readonly db: Db) {}

  write(input: ImportRows): { inserted: number; replaced: number } {
    const layer = LAYER_TABLES[input.layer] as LayerTable<unknown>;
    return this.db.transaction(() => {
      let replaced = 0;
      for (let start = 0; start < input.rows.length; start += IMPORT_BATCH_ROWS) {
        replaced += this.writeBatch(input.layer, layer, input.rows.slice(start, start + IMPORT_BATCH_ROWS));
      }
      return { inserted: input.rows.length - replaced, replaced };
    })();
  }

  protected statement(sql: string): SqlStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Replaces what is stored under the rows' keys and inserts them; returns how many rows replaced a
   * stored one. The importer rejects a second feature with a key already in the file, so the rows of
   * one file never replace each other and the order within a batch does not matter. One DELETE per
   * key column: SQLite answers `a IN (…) OR b IN (…)` several times slower than the two apart.
   */
  private writeBatch(layerName: ImportLayer, layer: LayerTable<unknown>, rows: unknown[]): number {
    const extra = this.alsoReturned(layerName);
    const returning = [...layer.keys.map(([column]) => column), ...extra.deleted].join(', ');
    const deleted = layer.keys.flatMap(([column, valueOf]) => {
      const where = `${layer.scope ? `${layer.scope} AND ` : ''}${column} IN (${placeholders(rows.length)})`;
      return this.statement(`DELETE FROM ${layer.table} WHERE ${where} RETURNING ${returning}`).all(...rows.map(valueOf)) as Returned[];
    });
    if (deleted.length) this.afterDelete(layerName, deleted);
    const insert = `INSERT INTO ${layer.table} (${layer.columns.join(', ')}) VALUES ${placeholders(rows.length, layer.columns.length)}`;
    const values = rows.flatMap(layer.values);
    if (extra.inserted.length) this.afterInsert(layerName, this.statement(`${insert} RETURNING ${extra.inserted.join(', ')}`).all(...values) as Returned[]);
    else this.statement(insert).run(...values);
    const stored = layer.keys.map(([column, valueOf]) => [new Set(deleted.map((row) => row[column])), valueOf] as const);
    return rows.filter((row) => stored.some(([keys, valueOf]) => keys.has(valueOf(row)))).length;
  }

  /** Columns (or expressions) a store needs back from the rows a batch deletes and inserts, beside the keys. */
  protected alsoReturned(_layer: ImportLayer): { deleted: string[]; inserted: string[] } {
    return { deleted: [], inserted: [] };
  }

  /** After a batch's stored rows are deleted, with what the DELETE returned. */
  protected afterDelete(_layer: ImportLayer, _deleted: Returned[]): void {}

  /** After a batch is inserted, with what the INSERT returned (only asked for when `alsoReturned` names something). */
  protected afterInsert(_layer: ImportLayer, _inserted: Returned[]): void {}
}

/** SQLite: the parcels' R*Tree is kept by hand, under the parcels' rowids (a box per row: fast by rowid). */
export class SqliteImportTarget extends GisImportTarget {
  private readonly boxes;

  constructor(db: Db) {
    migrateGis(db);
    super(db);
    this.boxes = {
      delete: db.prepare('DELETE FROM parcels_rtree WHERE id = ?'),
      insert: db.prepare('INSERT INTO parcels_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  protected override alsoReturned(layer: ImportLayer): { deleted: string[]; inserted: string[] } {
    return layer === 'parcels' ? { deleted: ['rowid AS rid'], inserted: ['rowid AS rid', 'min_lon', 'max_lon', 'min_lat', 'max_lat'] } : super.alsoReturned(layer);
  }

  protected override afterDelete(layer: ImportLayer, deleted: Returned[]): void {
    if (layer === 'parcels') for (const { rid } of deleted) this.boxes.delete.run(rid);
  }

  protected override afterInsert(layer: ImportLayer, inserted: Returned[]): void {
    if (layer !== 'parcels') return;
    for (const row of inserted) this.boxes.insert.run(row.rid, row.min_lon, row.max_lon, row.min_lat, row.max_lat);
  }
}

/** PostgreSQL + PostGIS: the GiST index on `geom` follows the rows by itself. */
export class PostgresImportTarget extends GisImportTarget {
  constructor(db: Db) {
    // The schema is the sandbox's (versioned migrations): it must have run against this database once.
    const missing = ['parcels', 'zones', 'gis_features'].filter((table) => !gisStoreOf(db).tableExists(table));
    if (missing.length) throw new ImportError(`the database has no GIS tables (${missing.join(', ')}): start the sandbox against it once (CITYBRAIN_DATABASE_URL) to create them`);
    super(db);
  }
}

/** The import target for a store. */
export function importTargetFor(db: Db): ImportTarget {
  return db.dialect === 'sqlite' ? new SqliteImportTarget(db) : new PostgresImportTarget(db);
}

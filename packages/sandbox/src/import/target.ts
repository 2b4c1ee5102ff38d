/**
 * Where imported rows go. The importer hands a store all rows of one file at once, and the store
 * writes them in one transaction: all or nothing. A feature already stored under the same key
 * (a parcel's id or parcel number, a zone's id, a village's code) is replaced, so importing a
 * corrected file again updates it. Both stores take the same INSERTs (PostgreSQL derives `geom`
 * from the GeoJSON, and refuses an empty or unreadable geometry); SQLite also keeps its parcels'
 * R*Tree, keyed by rowid.
 */
import type { Db } from '../db.js';
import { gisStoreOf } from '../services/gis/gis-store.js';
import { migrateGis } from '../services/gis/store.js';
import { ImportError } from './ogr.js';
import type { ImportRows, ParcelRow, VillageRow, ZoneRow } from './rows.js';

export interface ImportTarget {
  /** Writes every row in one transaction; throws (and writes nothing) if any row cannot be written. */
  write(rows: ImportRows): { inserted: number; replaced: number };
}

const INSERT_PARCEL = `
  INSERT INTO parcels (id, parcel_no, village_code, town_code, owner_name, owner_id_number, owner_phone, area_sqm, land_use,
    status, approval_no, approved_on, certificate_no, registered_on, floors, min_lon, min_lat, max_lon, max_lat, geometry)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The zones and villages, and the transaction, as both stores write them; parcels differ by their index. */
abstract class GisImportTarget implements ImportTarget {
  /** Prepared once: a town's file holds a hundred thousand parcels. */
  protected readonly common;

  constructor(protected readonly db: Db) {
    this.common = {
      deleteZone: db.prepare('DELETE FROM zones WHERE id = ?'),
      insertZone: db.prepare(`
        INSERT INTO zones (id, zone_type, town_code, village_code, source_layer, source_dept, legal_basis, version, effective_date,
          area_sqm, min_lon, min_lat, max_lon, max_lat, geometry)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      deleteVillage: db.prepare("DELETE FROM gis_features WHERE layer_id = 'villages' AND id = ?"),
      insertVillage: db.prepare(`
        INSERT INTO gis_features (layer_id, id, name, kind, code, town_code, village_code, properties, label_lon, label_lat,
          min_lon, min_lat, max_lon, max_lat, geometry)
        VALUES ('villages', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    };
  }

  write(input: ImportRows): { inserted: number; replaced: number } {
    return this.db.transaction(() => {
      const replaced = (() => {
        switch (input.layer) {
          case 'parcels': return input.rows.filter((row) => this.writeParcel(row)).length;
          case 'zones': return input.rows.filter((row) => this.writeZone(row)).length;
          case 'villages': return input.rows.filter((row) => this.writeVillage(row)).length;
        }
      })();
      return { inserted: input.rows.length - replaced, replaced };
    })();
  }

  /** Each writer replaces what is stored under the row's key and says whether there was something. */
  protected abstract writeParcel(row: ParcelRow): boolean;

  protected parcelValues(row: ParcelRow): unknown[] {
    return [row.id, row.parcelNo, row.villageCode, row.townCode, row.ownerName, row.ownerIdNumber, row.ownerPhone, row.areaSqm, row.landUse,
      row.status, row.approvalNo, row.approvedOn, row.certificateNo, row.registeredOn, row.floors, ...row.bbox, JSON.stringify(row.geometry)];
  }

  private writeZone(row: ZoneRow): boolean {
    const { changes } = this.common.deleteZone.run(row.id);
    this.common.insertZone.run(row.id, row.zoneType, row.townCode, row.villageCode, row.sourceLayer, row.sourceDept, row.legalBasis,
      row.version, row.effectiveDate, row.areaSqm, ...row.bbox, JSON.stringify(row.geometry));
    return changes > 0;
  }

  private writeVillage(row: VillageRow): boolean {
    const { changes } = this.common.deleteVillage.run(row.code);
    // The same properties the seed gives a village (services/gis/store.ts), so imported and seeded villages read alike.
    const properties = { code: row.code, name: row.name, shortName: row.shortName, kind: row.kind, urbanRuralType: row.urbanRuralType, townCode: row.townCode, townName: row.townName };
    this.common.insertVillage.run(row.code, row.name, row.kind, row.code, row.townCode, row.code, JSON.stringify(properties),
      row.label[0], row.label[1], ...row.bbox, JSON.stringify(row.geometry));
    return changes > 0;
  }
}

export class SqliteImportTarget extends GisImportTarget {
  private readonly parcelSql;

  constructor(db: Db) {
    migrateGis(db);
    super(db);
    this.parcelSql = {
      rowids: db.prepare('SELECT rowid AS rid FROM parcels WHERE id = ? OR parcel_no = ?'),
      deleteBox: db.prepare('DELETE FROM parcels_rtree WHERE id = ?'),
      delete: db.prepare('DELETE FROM parcels WHERE rowid = ?'),
      insert: db.prepare(`${INSERT_PARCEL} RETURNING rowid AS rid`),
      insertBox: db.prepare('INSERT INTO parcels_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  protected writeParcel(row: ParcelRow): boolean {
    const [minLon, minLat, maxLon, maxLat] = row.bbox;
    const old = this.parcelSql.rowids.all(row.id, row.parcelNo) as { rid: number }[];
    for (const { rid } of old) {
      this.parcelSql.deleteBox.run(rid);
      this.parcelSql.delete.run(rid);
    }
    const { rid } = this.parcelSql.insert.get(...this.parcelValues(row)) as { rid: number };
    this.parcelSql.insertBox.run(rid, minLon, maxLon, minLat, maxLat);
    return old.length > 0;
  }
}

/** PostgreSQL + PostGIS: the GiST index on `geom` follows the rows by itself. */
export class PostgresImportTarget extends GisImportTarget {
  private readonly parcelSql;

  constructor(db: Db) {
    // The schema is the sandbox's (versioned migrations): it must have run against this database once.
    const missing = ['parcels', 'zones', 'gis_features'].filter((table) => !gisStoreOf(db).tableExists(table));
    if (missing.length) throw new ImportError(`the database has no GIS tables (${missing.join(', ')}): start the sandbox against it once (CITYBRAIN_DATABASE_URL) to create them`);
    super(db);
    this.parcelSql = {
      delete: db.prepare('DELETE FROM parcels WHERE id = ? OR parcel_no = ?'),
      insert: db.prepare(INSERT_PARCEL),
    };
  }

  protected writeParcel(row: ParcelRow): boolean {
    const { changes } = this.parcelSql.delete.run(row.id, row.parcelNo);
    this.parcelSql.insert.run(...this.parcelValues(row));
    return changes > 0;
  }
}

/** The import target for a store. */
export function importTargetFor(db: Db): ImportTarget {
  return db.dialect === 'sqlite' ? new SqliteImportTarget(db) : new PostgresImportTarget(db);
}

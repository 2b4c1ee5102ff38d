/**
 * Where imported rows go. The importer hands a store all rows of one file at once, and the store
 * writes them in one transaction: all or nothing. A feature already stored under the same key
 * (a parcel's id or parcel number, a zone's id, a village's code) is replaced, so importing a
 * corrected file again updates it. The SQLite store is the sandbox's; another store (PostgreSQL)
 * implements the same interface.
 */
import type { Db } from '../db.js';
import { migrateGis } from '../services/gis/store.js';
import type { ImportRows, ParcelRow, VillageRow, ZoneRow } from './rows.js';

export interface ImportTarget {
  /** Writes every row in one transaction; throws (and writes nothing) if any row cannot be written. */
  write(rows: ImportRows): { inserted: number; replaced: number };
}

export class SqliteImportTarget implements ImportTarget {
  /** Prepared once: a town's file holds a hundred thousand parcels. */
  private readonly sql;

  constructor(private readonly db: Db) {
    migrateGis(db);
    this.sql = {
      parcelRowids: db.prepare('SELECT rowid AS rid FROM parcels WHERE id = ? OR parcel_no = ?'),
      deleteParcelBox: db.prepare('DELETE FROM parcels_rtree WHERE id = ?'),
      deleteParcel: db.prepare('DELETE FROM parcels WHERE rowid = ?'),
      insertParcel: db.prepare(`
        INSERT INTO parcels (id, parcel_no, village_code, town_code, owner_name, owner_id_number, owner_phone, area_sqm, land_use,
          status, approval_no, approved_on, certificate_no, registered_on, floors, min_lon, min_lat, max_lon, max_lat, geometry)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING rowid AS rid`),
      insertParcelBox: db.prepare('INSERT INTO parcels_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)'),
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
  private writeParcel(row: ParcelRow): boolean {
    const [minLon, minLat, maxLon, maxLat] = row.bbox;
    const old = this.sql.parcelRowids.all(row.id, row.parcelNo) as { rid: number }[];
    for (const { rid } of old) {
      this.sql.deleteParcelBox.run(rid);
      this.sql.deleteParcel.run(rid);
    }
    const { rid } = this.sql.insertParcel.get(row.id, row.parcelNo, row.villageCode, row.townCode, row.ownerName,
      row.ownerIdNumber, row.ownerPhone, row.areaSqm, row.landUse, row.status, row.approvalNo, row.approvedOn, row.certificateNo,
      row.registeredOn, row.floors, minLon, minLat, maxLon, maxLat, JSON.stringify(row.geometry)) as { rid: number };
    this.sql.insertParcelBox.run(rid, minLon, maxLon, minLat, maxLat);
    return old.length > 0;
  }

  private writeZone(row: ZoneRow): boolean {
    const { changes } = this.sql.deleteZone.run(row.id);
    this.sql.insertZone.run(row.id, row.zoneType, row.townCode, row.villageCode, row.sourceLayer, row.sourceDept, row.legalBasis,
      row.version, row.effectiveDate, row.areaSqm, ...row.bbox, JSON.stringify(row.geometry));
    return changes > 0;
  }

  private writeVillage(row: VillageRow): boolean {
    const { changes } = this.sql.deleteVillage.run(row.code);
    // The same properties the seed gives a village (services/gis/store.ts), so imported and seeded villages read alike.
    const properties = { code: row.code, name: row.name, shortName: row.shortName, kind: row.kind, urbanRuralType: row.urbanRuralType, townCode: row.townCode, townName: row.townName };
    this.sql.insertVillage.run(row.code, row.name, row.kind, row.code, row.townCode, row.code, JSON.stringify(properties),
      row.label[0], row.label[1], ...row.bbox, JSON.stringify(row.geometry));
    return changes > 0;
  }
}

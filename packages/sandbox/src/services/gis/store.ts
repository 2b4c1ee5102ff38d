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

/** A writer of `gis_features` rows (bbox columns derived from the geometry), for the seed and derived layers. */
export function featureInserter(db: Db): (row: FeatureRow) => void {
  const insertFeature = db.prepare(`
    INSERT INTO gis_features (layer_id, id, name, kind, code, town_code, village_code, properties, label_lon, label_lat,
      min_lon, min_lat, max_lon, max_lat, geometry)
    VALUES (@layerId, @id, @name, @kind, @code, @townCode, @villageCode, @properties, @labelLon, @labelLat,
      @minLon, @minLat, @maxLon, @maxLat, @geometry)`);
  return (row) => {
    const [minLon, minLat, maxLon, maxLat] = bboxOf(row.geometry);
    insertFeature.run({
      ...row,
      properties: JSON.stringify(row.properties),
      labelLon: row.label[0],
      labelLat: row.label[1],
      minLon,
      minLat,
      maxLon,
      maxLat,
      geometry: JSON.stringify(row.geometry),
    });
  };
}

export function seedGis(db: Db, ctx: SeedContext): void {
  const addFeature = featureInserter(db);

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

  const insertZone = db.prepare(`
    INSERT INTO zones (id, zone_type, town_code, village_code, source_layer, source_dept, legal_basis, version, effective_date,
      area_sqm, min_lon, min_lat, max_lon, max_lat, geometry)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const zones = controlZones();
  for (const zone of zones) {
    insertZone.run(zone.id, zone.zoneType, zone.townCode, zone.villageCode, zone.sourceLayer, zone.sourceDept, zone.legalBasis,
      zone.version, zone.effectiveDate, zone.areaSqm, ...zone.bbox, JSON.stringify(zone.geometry));
  }

  const insertParcel = db.prepare(`
    INSERT INTO parcels (id, parcel_no, village_code, town_code, owner_name, owner_id_number, owner_phone, area_sqm, land_use,
      status, approval_no, approved_on, certificate_no, registered_on, floors, min_lon, min_lat, max_lon, max_lat, geometry)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING rowid AS rid`);
  const insertParcelBox = db.prepare('INSERT INTO parcels_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)');
  let parcelCount = 0;
  for (const parcel of homesteadParcels({ size: ctx.size, seed: ctx.seed })) {
    const [minLon, minLat, maxLon, maxLat] = parcel.bbox;
    const { rid } = insertParcel.get(parcel.id, parcel.parcelNo, parcel.villageCode, parcel.townCode, parcel.ownerName,
      parcel.ownerIdNumber, parcel.ownerPhone, parcel.areaSqm, parcel.landUse, parcel.status, parcel.approvalNo, parcel.approvedOn,
      parcel.certificateNo, parcel.registeredOn, parcel.floors, minLon, minLat, maxLon, maxLat, JSON.stringify(parcel.geometry)) as { rid: number };
    insertParcelBox.run(rid, minLon, maxLon, minLat, maxLat);
    parcelCount++;
  }
  ctx.log(`gis: ${towns.length} towns, ${villageFeatures.length} villages, ${grid.length} grid cells, ${zones.length} zones, ${parcelCount} parcels`);
}

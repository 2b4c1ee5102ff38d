/**
 * The homestead zone check (适建 / 限建 / 禁建 at a point) and the remaining buildable space per region,
 * read from the GIS service's `zones` and `parcels` tables (their columns are a shared contract).
 */
import { findRegion, findTown, findVillage, regionAt, towns } from '@citybrain/domain';
import type { Db } from '../../db.js';
import { gisStoreOf } from '../gis/gis-store.js';
import { ProblemError, notFound, unprocessable } from '../../problems.js';

type ZoneType = 'buildable' | 'restricted' | 'prohibited';

interface ZoneRow {
  id: string;
  zone_type: ZoneType;
  town_code: string;
  village_code: string;
  source_layer: string;
  source_dept: string;
  legal_basis: string;
  version: string;
  effective_date: string;
  area_sqm: number;
  geometry: string;
}

/** Most restrictive first: the first matching zone decides. */
const SEVERITY: Record<ZoneType, number> = { prohibited: 0, restricted: 1, buildable: 2 };

const LABELS: Record<ZoneType, { zh: string; en: string }> = {
  buildable: { zh: '适建区', en: 'Buildable' },
  restricted: { zh: '限建区', en: 'Restricted' },
  prohibited: { zh: '禁建区', en: 'Prohibited' },
};

/** The zone map belongs to the GIS service; without it there is nothing to check against. */
function requireTables(db: Db, names: string[]): void {
  const store = gisStoreOf(db);
  const missing = names.filter((name) => !store.tableExists(name));
  if (missing.length) {
    throw new ProblemError(503, 'unavailable', '服务暂不可用', `分区图层尚未加载（缺少表 ${missing.join(', ')}）`, { headers: { 'retry-after': '30' } });
  }
}

function zoneRule(row: ZoneRow) {
  return {
    id: row.id,
    zoneType: row.zone_type,
    sourceLayer: row.source_layer,
    sourceDept: row.source_dept,
    legalBasis: row.legal_basis,
    version: row.version,
    effectiveDate: row.effective_date,
    areaSqm: row.area_sqm,
    townCode: row.town_code,
    villageCode: row.village_code,
  };
}

function explanation(type: ZoneType, layer: string | null) {
  if (!layer) {
    return {
      zh: '该位置未划入村庄规划住宅用地或存量建设用地，属限建区域，需经规划调整或农用地转用后方可申请',
      en: 'The point is outside the residential land of the village plan; it needs a plan change or farmland conversion first',
    };
  }
  switch (type) {
    case 'buildable':
      return { zh: `该位置位于${layer}内，可申请宅基地（以镇街实地踏勘为准）`, en: `The point lies in ${layer}; homestead applications are possible (the town's site visit decides)` };
    case 'restricted':
      return { zh: `该位置位于${layer}，建房须先办理农用地转用等审批手续`, en: `The point lies in ${layer}; building needs farmland conversion or other approvals first` };
    case 'prohibited':
      return { zh: `该位置位于${layer}，依法不得建设住宅`, en: `The point lies in ${layer}; houses may not be built there` };
  }
}

export function checkZone(db: Db, lon: number, lat: number, now: Date) {
  const place = regionAt([lon, lat]);
  if (!place.town) throw unprocessable(`坐标 (${lon}, ${lat}) 不在南海区范围内`, 'outside-district', [{ name: 'query/lon', reason: '点位不在南海区内' }]);
  requireTables(db, ['zones']);
  // SQLite narrows by bbox columns and tests the few candidates exactly; PostGIS asks its GiST index and ST_Intersects.
  const zones = (gisStoreOf(db).zonesAt(lon, lat) as unknown as ZoneRow[])
    .sort((a, b) => SEVERITY[a.zone_type] - SEVERITY[b.zone_type] || a.id.localeCompare(b.id));
  const decisive = zones[0] ?? null;
  const result: ZoneType = decisive?.zone_type ?? 'restricted';
  return {
    point: [lon, lat],
    result,
    label: LABELS[result],
    explanation: explanation(result, decisive?.source_layer ?? null),
    decisiveZone: decisive ? zoneRule(decisive) : null,
    zones: zones.map(zoneRule),
    town: { code: place.town.code, name: place.town.name },
    village: place.village ? { code: place.village.code, name: place.village.name } : null,
    checkedAt: now.toISOString(),
  };
}

// ----------------------------------------------------------------------------------- remaining space

const SQM_PER_MU = 10_000 / 15;
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

interface Totals {
  buildable: number;
  zones: number;
  parcels: number;
  parcelCount: number;
  reserved: number;
  reservedCount: number;
}

const empty = (): Totals => ({ buildable: 0, zones: 0, parcels: 0, parcelCount: 0, reserved: 0, reservedCount: 0 });

function row(code: string, name: string, level: 'district' | 'town' | 'village', t: Totals) {
  const remaining = Math.max(0, t.buildable - t.parcels - t.reserved);
  return {
    code,
    name,
    level,
    buildableAreaSqm: round(t.buildable, 1),
    usedByParcelsSqm: round(t.parcels, 1),
    reservedByApprovalsSqm: round(t.reserved, 1),
    remainingSqm: round(remaining, 1),
    buildableAreaMu: round(t.buildable / SQM_PER_MU, 2),
    remainingMu: round(remaining / SQM_PER_MU, 2),
    utilization: t.buildable > 0 ? round((t.parcels + t.reserved) / t.buildable, 3) : 0,
    buildableZoneCount: t.zones,
    parcelCount: t.parcelCount,
    approvedUnbuiltCount: t.reservedCount,
  };
}

/**
 * Remaining homestead space = buildable zone area − existing parcels − approved but not yet
 * registered applications (their approved area), per village, rolled up to towns and the district.
 */
export function zoneStats(db: Db, regionCode: string, now: Date) {
  const region = findRegion(regionCode);
  if (!region) throw notFound(`区划 ${regionCode} 不存在`);
  requireTables(db, ['zones', 'parcels']);
  const perVillage = new Map<string, Totals>();
  const totals = (village: string) => {
    let t = perVillage.get(village);
    if (!t) perVillage.set(village, (t = empty()));
    return t;
  };
  const prefix = `${regionCode}%`;
  for (const r of db.prepare("SELECT village_code, SUM(area_sqm) AS area, COUNT(*) AS n FROM zones WHERE zone_type = 'buildable' AND village_code LIKE ? GROUP BY village_code").all(prefix) as { village_code: string; area: number; n: number }[]) {
    Object.assign(totals(r.village_code), { buildable: r.area, zones: r.n });
  }
  for (const r of db.prepare('SELECT village_code, SUM(area_sqm) AS area, COUNT(*) AS n FROM parcels WHERE village_code LIKE ? GROUP BY village_code').all(prefix) as { village_code: string; area: number; n: number }[]) {
    Object.assign(totals(r.village_code), { parcels: r.area, parcelCount: r.n });
  }
  // Approved applications hold their plot until registration puts it on the parcel register.
  for (const r of db.prepare("SELECT village_code, SUM(approved_area_sqm) AS area, COUNT(*) AS n FROM homestead_applications WHERE approved_area_sqm IS NOT NULL AND status <> 'REGISTERED' AND village_code LIKE ? GROUP BY village_code").all(prefix) as { village_code: string; area: number; n: number }[]) {
    Object.assign(totals(r.village_code), { reserved: r.area, reservedCount: r.n });
  }
  const add = (into: Totals, from: Totals) => {
    into.buildable += from.buildable;
    into.zones += from.zones;
    into.parcels += from.parcels;
    into.parcelCount += from.parcelCount;
    into.reserved += from.reserved;
    into.reservedCount += from.reservedCount;
    return into;
  };
  const ofVillage = (code: string) => perVillage.get(code) ?? empty();
  const ofTown = (code: string) => findTown(code)!.villages.reduce((sum, v) => add(sum, ofVillage(v.code)), empty());
  let items;
  let total: Totals;
  if (region.level === 'district') {
    items = towns.map((town) => row(town.code, town.name, 'town', ofTown(town.code)));
    total = towns.reduce((sum, town) => add(sum, ofTown(town.code)), empty());
  } else if (region.level === 'town') {
    const town = findTown(regionCode)!;
    items = town.villages.map((v) => row(v.code, v.name, 'village', ofVillage(v.code)));
    total = ofTown(regionCode);
  } else {
    const village = findVillage(regionCode)!;
    total = ofVillage(regionCode);
    items = [row(village.code, village.name, 'village', total)];
  }
  return {
    regionCode,
    regionName: region.name,
    level: region.level,
    total: row(regionCode, region.name, region.level, total),
    items,
    computedAt: now.toISOString(),
  };
}

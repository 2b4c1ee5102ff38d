/**
 * What a feature of each importable layer must carry, read from its attributes: towns name them in
 * camelCase or snake_case, and shapefiles cut names to ten characters (`villageCod`), so each field is
 * found under any of those spellings. A feature that lacks a required field, or whose geometry is not
 * a polygon inside the district, is rejected with the reason; the others become rows for the store.
 */
import { bboxOf, districtOutline, findTown } from '@citybrain/domain';
import { transformGeometry } from '@citybrain/crs';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';

export type ImportLayer = 'parcels' | 'zones' | 'villages';
export const IMPORT_LAYERS: readonly ImportLayer[] = ['parcels', 'zones', 'villages'];

export type PolygonGeometry = Polygon | MultiPolygon;
type BBox = [number, number, number, number];

export interface ParcelRow {
  id: string; parcelNo: string; villageCode: string; townCode: string; ownerName: string | null; ownerIdNumber: string | null;
  ownerPhone: string | null; areaSqm: number; landUse: string; status: string; approvalNo: string | null; approvedOn: string | null;
  certificateNo: string | null; registeredOn: string | null; floors: number | null; bbox: BBox; geometry: PolygonGeometry;
}
export interface ZoneRow {
  id: string; zoneType: string; townCode: string; villageCode: string; sourceLayer: string; sourceDept: string; legalBasis: string;
  version: string; effectiveDate: string; areaSqm: number; bbox: BBox; geometry: PolygonGeometry;
}
export interface VillageRow {
  code: string; name: string; shortName: string; kind: string; urbanRuralType: string | null; townCode: string; townName: string | null;
  label: [number, number]; bbox: BBox; geometry: PolygonGeometry;
}
export type ImportRows =
  | { layer: 'parcels'; rows: ParcelRow[] }
  | { layer: 'zones'; rows: ZoneRow[] }
  | { layer: 'villages'; rows: VillageRow[] };

/** Thrown while reading one feature: it is rejected with this reason. */
export class FeatureRejected extends Error {}

const LAND_USES = ['rural-housing', 'ancillary', 'vacant'];
const PARCEL_STATUSES = ['registered', 'approved', 'pending', 'unapproved'];
const ZONE_TYPES = ['buildable', 'restricted', 'prohibited'];
const VILLAGE_CODE = /^440605\d{6}$/;
/** 宗地号 as the parcels layer publishes it (openapi/gis.yaml): the village code, two letters, five digits. */
const PARCEL_NO = /^\d{12}[A-Z]{2}\d{5}$/;

/** The district's box with a margin: a feature outside it is in the wrong CRS or the wrong district. */
const DISTRICT_BOX = ((box) => [box[0] - 0.05, box[1] - 0.05, box[2] + 0.05, box[3] + 0.05])(bboxOf(districtOutline().geometry));

const squash = (name: string) => name.toLowerCase().replace(/_/g, '');
/** The spellings of a field: `villageCode`, `village_code`, and their shapefile cuts `villageCod`, `village_co`. */
function spellings(name: string): Set<string> {
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return new Set([squash(name), squash(name.slice(0, 10)), squash(snake.slice(0, 10))]);
}

class Attributes {
  constructor(private readonly properties: Record<string, unknown>) {}

  text(name: string): string | null {
    const wanted = spellings(name);
    for (const [key, value] of Object.entries(this.properties)) {
      if (!wanted.has(squash(key)) || value === null || value === undefined) continue;
      const text = String(value).trim();
      if (text) return text;
    }
    return null;
  }

  required(name: string): string {
    const value = this.text(name);
    if (value === null) throw new FeatureRejected(`no ${name}`);
    return value;
  }

  oneOf(name: string, allowed: readonly string[], fallback?: string): string {
    const value = this.text(name) ?? fallback;
    if (value === undefined) throw new FeatureRejected(`no ${name}`);
    if (!allowed.includes(value)) throw new FeatureRejected(`${name} ${value} is not one of ${allowed.join(', ')}`);
    return value;
  }

  number(name: string): number | null {
    const value = this.text(name);
    if (value === null) return null;
    const number = Number(value);
    if (!Number.isFinite(number)) throw new FeatureRejected(`${name} ${value} is not a number`);
    return number;
  }
}

function villageCodeOf(attributes: Attributes, name = 'villageCode'): string {
  const code = attributes.required(name);
  if (!VILLAGE_CODE.test(code)) throw new FeatureRejected(`${name} ${code} is not a 12-digit village code of the district (440605…)`);
  return code;
}

const ringArea = (ring: Position[]) => Math.abs(ring.reduce((sum, [x, y], i) => {
  const [nx, ny] = ring[(i + 1) % ring.length]!;
  return sum + x! * ny! - nx! * y!;
}, 0)) / 2;

/** Area in square metres, measured in the Gauss-Krüger plane of the district (EPSG:4547). */
export function areaSqm(geometry: PolygonGeometry): number {
  const planar = transformGeometry(geometry, 'EPSG:4490', 'EPSG:4547');
  const polygons = planar.type === 'Polygon' ? [planar.coordinates] : planar.coordinates;
  const area = polygons.reduce((sum, [outer = [], ...holes]) => sum + ringArea(outer) - holes.reduce((h, ring) => h + ringArea(ring), 0), 0);
  return Math.round(area * 100) / 100;
}

/** A feature's geometry as a polygon inside the district, with its box. */
export function polygonOf(feature: Feature): { geometry: PolygonGeometry; bbox: BBox } {
  const { geometry } = feature;
  if (!geometry) throw new FeatureRejected('no geometry');
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') throw new FeatureRejected(`a ${geometry.type}, not a polygon`);
  if (!geometry.coordinates.length) throw new FeatureRejected('an empty polygon');
  const bbox = bboxOf(geometry) as BBox;
  const inside = bbox[0] >= DISTRICT_BOX[0] && bbox[1] >= DISTRICT_BOX[1] && bbox[2] <= DISTRICT_BOX[2] && bbox[3] <= DISTRICT_BOX[3];
  if (!inside) throw new FeatureRejected(`lies outside the district (${bbox.map((n) => n.toFixed(4)).join(', ')}): wrong CRS? name it with --crs`);
  return { geometry, bbox };
}

/** The attribute that identifies a feature of each layer; a second feature with the same key is rejected. */
export const KEY_FIELD: Record<ImportLayer, 'parcelNo' | 'id' | 'code'> = { parcels: 'parcelNo', zones: 'id', villages: 'code' };

/** A feature's key as its attributes spell it, or null. */
export function keyOf(layer: ImportLayer, feature: Feature): string | null {
  return new Attributes(feature.properties ?? {}).text(KEY_FIELD[layer]);
}

/** The row of one feature for `layer`; throws FeatureRejected with the reason it cannot be stored. */
export function rowOf(layer: ImportLayer, feature: Feature): ParcelRow | ZoneRow | VillageRow {
  const { geometry, bbox } = polygonOf(feature);
  const attributes = new Attributes(feature.properties ?? {});
  const measured = () => attributes.number('areaSqm') ?? areaSqm(geometry);
  switch (layer) {
    case 'parcels': {
      const parcelNo = attributes.required('parcelNo');
      if (!PARCEL_NO.test(parcelNo)) throw new FeatureRejected(`parcelNo ${parcelNo} is not a 宗地号 (12-digit village code, 2 letters, 5 digits)`);
      const villageCode = villageCodeOf(attributes);
      const floors = attributes.number('floors');
      return {
        id: attributes.text('id') ?? `P-${parcelNo}`, parcelNo, villageCode, townCode: villageCode.slice(0, 9),
        ownerName: attributes.text('ownerName'), ownerIdNumber: attributes.text('ownerIdNumber'), ownerPhone: attributes.text('ownerPhone'),
        areaSqm: measured(), landUse: attributes.oneOf('landUse', LAND_USES, 'rural-housing'), status: attributes.oneOf('status', PARCEL_STATUSES, 'registered'),
        approvalNo: attributes.text('approvalNo'), approvedOn: attributes.text('approvedOn'), certificateNo: attributes.text('certificateNo'),
        registeredOn: attributes.text('registeredOn'), floors: floors === null ? null : Math.round(floors), bbox, geometry,
      };
    }
    case 'zones': {
      const villageCode = villageCodeOf(attributes);
      return {
        id: attributes.required('id'), zoneType: attributes.oneOf('zoneType', ZONE_TYPES), townCode: villageCode.slice(0, 9), villageCode,
        sourceLayer: attributes.text('sourceLayer') ?? '导入数据', sourceDept: attributes.required('sourceDept'),
        legalBasis: attributes.required('legalBasis'), version: attributes.required('version'), effectiveDate: attributes.required('effectiveDate'),
        areaSqm: measured(), bbox, geometry,
      };
    }
    case 'villages': {
      const code = villageCodeOf(attributes, 'code');
      const name = attributes.required('name');
      const townCode = code.slice(0, 9);
      const label: [number, number] = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
      return {
        code, name, shortName: attributes.text('shortName') ?? name, kind: attributes.oneOf('kind', ['village', 'community'], name.includes('社区') ? 'community' : 'village'),
        urbanRuralType: attributes.text('urbanRuralType'), townCode, townName: findTown(townCode)?.name ?? null, label, bbox, geometry,
      };
    }
  }
}

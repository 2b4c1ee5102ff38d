/**
 * The sandbox's side of the one-map catalogue: what each layer of `GIS_LAYERS` (@citybrain/domain,
 * where its titles, category, access, legend and zoom range live) reads from which table, and which
 * properties its items, tiles and queryables expose.
 */
import { HOTSPOT_LEVELS, INDUSTRIAL_PARK_STAGES, findDataset, findVillage, gisLayerEntry, type DatasetDefinition, type GisLayerEntry } from '@citybrain/domain';
import type { Principal, Role } from '../../auth.js';
import { maskPersonalValue, type PersonalField } from '../../masking.js';
import { columnTreatment, presentValue, type CellValue } from '../data/access.js';
import { HOTSPOT_LAYER_ID, workOrderHotspots, type DerivedSource } from './hotspots.js';

export type TableName = 'parcels' | 'zones' | 'gis_features';
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Queryable {
  /** SQL column compared for equality. */
  column: string;
  title: string;
  schema: { type: 'string'; enum?: string[]; pattern?: string };
}

export interface TileAttribute {
  property: string;
  column: string;
}

/** A stored row as read by the service: columns plus the row id (SQLite's rowid, PostgreSQL's `rid`). */
export type Row = Record<string, unknown> & { rid: number; id: string; geometry: string };

/** How personal fields of one row are to be shown. */
export interface PersonalView {
  /** The role whose masking policy applies: the caller's inside its region, `public` outside. */
  role: Role;
  /** The caller, for layers drawn from a dataset (their columns are masked as the data API masks them). */
  principal: Principal;
}

/**
 * A layer that draws a catalogue dataset: the dataset's access class (开放/共享), region scope and
 * column masking govern every view of the layer — items, tiles, identify and search — so the map
 * never shows what the data API refuses.
 */
export interface LayerDataset {
  definition: DatasetDefinition;
  /** The dataset row a stored feature stands for, by column name (before masking). */
  row(row: Row): Record<string, CellValue>;
}

export interface LayerDef extends GisLayerEntry {
  table: TableName;
  /** SQL condition (with `?` parameters) selecting this layer's rows from its table. */
  where: string;
  params: (string | number)[];
  queryables: Record<string, Queryable>;
  /**
   * Tile attributes: each a column of the row under a property name (left out when NULL), never
   * personal data, since tiles are cached and shared. Both stores make their tiles from this list.
   */
  tileAttributes: TileAttribute[];
  /** Properties of the row's JSON `properties` that the tiles carry too (strings, numbers and booleans). */
  tileExtras?: string[];
  /** Item properties of a row for a viewer, personal fields masked by `view`. */
  properties(row: Row, view: PersonalView): Record<string, Json>;
  /** Personal fields the layer carries (empty for most). */
  personalFields: { property: string; field: PersonalField }[];
  /** The dataset the layer draws, if any; its rows are then limited to the caller's region (`village_code`). */
  dataset?: LayerDataset;
  /** Whether place search looks at this layer's names and codes. */
  searchKind?: 'town' | 'village' | 'park' | 'river' | 'road' | 'service-point';
  /** For a layer computed from another service's rows: how it follows them. */
  derived?: DerivedSource;
  /**
   * For a layer whose features have a period (OGC `datetime`): the properties holding its first and
   * last day (YYYY-MM-DD) in the row's JSON and in the tiles (so they must be among `tileExtras`).
   */
  period?: { start: string; end: string };
}

const REGION_QUERYABLES: Record<string, Queryable> = {
  townCode: { column: 'town_code', title: '镇街代码', schema: { type: 'string', pattern: '^\\d{9}$' } },
  villageCode: { column: 'village_code', title: '村居代码', schema: { type: 'string', pattern: '^\\d{12}$' } },
};

const parse = <Value extends Json = Json>(text: unknown): Record<string, Value> => JSON.parse(String(text)) as Record<string, Value>;

/** What the sandbox adds to a catalogue layer stored in `gis_features`. */
interface FeatureLayerSource {
  queryables: Record<string, Queryable>;
  /** The `layer_id` of its rows, when it is not the layer's own id. */
  featureLayerId?: string;
  /** Item properties (from the row's JSON) that the tiles carry besides id, name, kind and code. */
  tileExtras?: string[];
  dataset?: LayerDataset;
  searchKind?: LayerDef['searchKind'];
  derived?: DerivedSource;
  period?: LayerDef['period'];
}

function featureLayer(entry: GisLayerEntry, source: FeatureLayerSource): LayerDef {
  const { featureLayerId, ...rest } = source;
  const dataset = source.dataset;
  // A dataset's layer is public exactly when the dataset is 无条件开放: the catalogue must agree.
  if (dataset && entry.access !== (dataset.definition.openType === 'open' ? 'public' : 'internal')) {
    throw new Error(`GIS layer ${entry.id}: access ${entry.access} disagrees with dataset ${dataset.definition.id} (${dataset.definition.openType})`);
  }
  return {
    ...entry,
    ...rest,
    table: 'gis_features',
    where: 'layer_id = ?',
    params: [featureLayerId ?? entry.id],
    personalFields: [],
    tileAttributes: ['id', 'name', 'kind', 'code'].map((name) => ({ property: name, column: name })),
    properties(row, view) {
      return dataset ? datasetProperties(dataset, row, view.principal) : parse(row.properties);
    },
  };
}

/** A dataset layer's item properties: the dataset's columns, each as the data API presents it to this caller. */
function datasetProperties(dataset: LayerDataset, row: Row, principal: Principal): Record<string, Json> {
  const values = dataset.row(row);
  const out: Record<string, Json> = {};
  for (const column of dataset.definition.columns) {
    const value = presentValue(principal, column, columnTreatment(principal, column), values[column.name] ?? null);
    out[column.name] = value;
  }
  return out;
}

/** A control-zone layer: the rows of `zones` from one source layer, or from all but the excluded ones. */
function zoneLayer(
  entry: GisLayerEntry,
  source: {
    sourceLayer?: string;
    /** Source layers left out: those an internal layer serves must not reach the public through this one. */
    excludedSources?: string[];
  },
): LayerDef {
  const { sourceLayer, excludedSources = [] } = source;
  return {
    ...entry,
    table: 'zones',
    where: sourceLayer ? 'source_layer = ?' : excludedSources.length ? `source_layer NOT IN (${excludedSources.map(() => '?').join(', ')})` : '1 = 1',
    params: sourceLayer ? [sourceLayer] : excludedSources,
    queryables: {
      zoneType: { column: 'zone_type', title: '管控类型', schema: { type: 'string', enum: ['buildable', 'restricted', 'prohibited'] } },
      ...REGION_QUERYABLES,
    },
    personalFields: [],
    tileAttributes: [
      { property: 'id', column: 'id' },
      { property: 'zoneType', column: 'zone_type' },
      { property: 'villageCode', column: 'village_code' },
      { property: 'sourceLayer', column: 'source_layer' },
    ],
    properties(row) {
      return {
        zoneType: String(row.zone_type),
        townCode: String(row.town_code),
        villageCode: String(row.village_code),
        sourceLayer: String(row.source_layer),
        sourceDept: String(row.source_dept),
        legalBasis: String(row.legal_basis),
        version: String(row.version),
        effectiveDate: String(row.effective_date),
        areaSqm: Number(row.area_sqm),
      };
    },
  };
}

const PARCEL_PERSONAL_FIELDS: LayerDef['personalFields'] = [
  { property: 'ownerName', field: 'name' },
  { property: 'ownerIdNumber', field: 'idNumber' },
  { property: 'ownerPhone', field: 'phone' },
];

const parcelLayer: LayerDef = {
  ...gisLayerEntry('homestead-parcels'),
  table: 'parcels',
  where: '1 = 1',
  params: [],
  queryables: {
    ...REGION_QUERYABLES,
    parcelNo: { column: 'parcel_no', title: '宗地号', schema: { type: 'string', pattern: '^\\d{12}[A-Z]{2}\\d{5}$' } },
    landUse: { column: 'land_use', title: '用途', schema: { type: 'string', enum: ['rural-housing', 'ancillary', 'vacant'] } },
    status: { column: 'status', title: '审批登记状态', schema: { type: 'string', enum: ['registered', 'approved', 'pending', 'unapproved'] } },
  },
  personalFields: PARCEL_PERSONAL_FIELDS,
  tileAttributes: [
    { property: 'id', column: 'id' },
    { property: 'parcelNo', column: 'parcel_no' },
    { property: 'villageCode', column: 'village_code' },
    { property: 'status', column: 'status' },
    { property: 'landUse', column: 'land_use' },
    { property: 'areaSqm', column: 'area_sqm' },
  ],
  properties(row, view) {
    return {
      parcelNo: String(row.parcel_no),
      townCode: String(row.town_code),
      villageCode: String(row.village_code),
      villageName: findVillage(String(row.village_code))?.name ?? null,
      ownerName: maskPersonalValue(view.role, 'name', row.owner_name as string | null),
      ownerIdNumber: maskPersonalValue(view.role, 'idNumber', row.owner_id_number as string | null),
      ownerPhone: maskPersonalValue(view.role, 'phone', row.owner_phone as string | null),
      areaSqm: Number(row.area_sqm),
      landUse: String(row.land_use),
      status: String(row.status),
      approvalNo: (row.approval_no as string | null) ?? null,
      approvedOn: (row.approved_on as string | null) ?? null,
      certificateNo: (row.certificate_no as string | null) ?? null,
      registeredOn: (row.registered_on as string | null) ?? null,
      floors: (row.floors as number | null) ?? null,
    };
  },
};

/** The source of the internal `farmland` layer. */
const FARMLAND_SOURCE = '永久基本农田保护红线';

/** Every catalogue layer with its source, in the catalogue's order. */
export const LAYERS: readonly LayerDef[] = [
  featureLayer(gisLayerEntry('water'), {
    queryables: { kind: { column: 'kind', title: '类型', schema: { type: 'string', enum: ['river', 'channel'] } } },
    searchKind: 'river',
  }),
  featureLayer(gisLayerEntry('roads'), {
    queryables: { kind: { column: 'kind', title: '等级', schema: { type: 'string', enum: ['expressway', 'national', 'arterial'] } } },
    tileExtras: ['ref'],
    searchKind: 'road',
  }),
  featureLayer(gisLayerEntry('towns'), { queryables: { townCode: REGION_QUERYABLES.townCode! }, searchKind: 'town' }),
  featureLayer(gisLayerEntry('villages'), {
    queryables: {
      ...REGION_QUERYABLES,
      kind: { column: 'kind', title: '类型', schema: { type: 'string', enum: ['village', 'community'] } },
    },
    searchKind: 'village',
  }),
  zoneLayer(gisLayerEntry('zones'), { excludedSources: [FARMLAND_SOURCE] }),
  zoneLayer(gisLayerEntry('farmland'), { sourceLayer: FARMLAND_SOURCE }),
  parcelLayer,
  featureLayer(gisLayerEntry('industrial-parks'), {
    dataset: {
      definition: findDataset('industrial-park-projects')!,
      row(row) {
        const project = parse<CellValue>(row.properties);
        return { ...project, longitude: Number(row.label_lon), latitude: Number(row.label_lat), geometryRef: row.id, regionCode: String(row.village_code) };
      },
    },
    queryables: {
      ...REGION_QUERYABLES,
      status: {
        column: 'kind',
        title: '推进阶段',
        schema: { type: 'string', enum: INDUSTRIAL_PARK_STAGES.map((stage) => stage.value) },
      },
    },
    tileExtras: ['stage', 'mode', 'areaMu', 'overdue', 'rectifiedAreaSqm', 'investment', 'progressPercent', 'startDate', 'completionDeadline'],
    searchKind: 'park',
    // A project runs from 立项 to its 投产 deadline: the period `datetime` filters on.
    period: { start: 'startDate', end: 'completionDeadline' },
  }),
  zoneLayer(gisLayerEntry('road-control'), { sourceLayer: '公路建筑控制区' }),
  zoneLayer(gisLayerEntry('river-protection'), { sourceLayer: '河道管理范围线' }),
  featureLayer(gisLayerEntry('service-points'), {
    queryables: {
      ...REGION_QUERYABLES,
      kind: { column: 'kind', title: '类型', schema: { type: 'string', enum: ['service-centre', 'party-service-centre', 'clinic', 'school'] } },
    },
    searchKind: 'service-point',
  }),
  featureLayer(gisLayerEntry('grid-cells'), {
    queryables: {
      ...REGION_QUERYABLES,
      kind: { column: 'kind', title: '类型', schema: { type: 'string', enum: ['community', 'village'] } },
    },
    tileExtras: ['townCode', 'villageCode'],
  }),
  featureLayer(gisLayerEntry(HOTSPOT_LAYER_ID), {
    queryables: {
      townCode: REGION_QUERYABLES.townCode!,
      kind: { column: 'kind', title: '热度等级', schema: { type: 'string', enum: HOTSPOT_LEVELS.map((level) => level.value) } },
    },
    tileExtras: ['level', 'orders', 'openOrders'],
    derived: workOrderHotspots,
  }),
];

/** A row's tile attributes (the geojson-vt tiles; PostGIS selects the same in SQL). */
export function tileProperties(layer: LayerDef, row: Row): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { property, column } of layer.tileAttributes) {
    const value = row[column];
    if (typeof value === 'string' || typeof value === 'number') out[property] = value;
  }
  if (layer.tileExtras?.length) {
    const props = parse(row.properties);
    for (const key of layer.tileExtras) {
      const value = props[key];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    }
  }
  return out;
}

/** The columns a layer's tiles read: their attributes, the JSON for extras, the geometry. */
export function tileColumns(layer: LayerDef): string[] {
  return [...new Set([...layer.tileAttributes.map((attribute) => attribute.column), ...(layer.tileExtras?.length ? ['properties'] : []), 'geometry'])];
}

export const LAYERS_BY_ID: ReadonlyMap<string, LayerDef> = new Map(LAYERS.map((layer) => [layer.id, layer]));

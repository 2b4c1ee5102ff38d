/**
 * The one-map catalogue: the ten categories and every layer, each described once — where its rows
 * live, which properties its items, tiles and queryables expose, its legend and its MapLibre look.
 */
import { INDUSTRIAL_PARK_MODES, INDUSTRIAL_PARK_STAGES, findDataset, findVillage, type DatasetDefinition } from '@citybrain/fixtures';
import type { Principal, Role } from '../../auth.js';
import { maskPersonalValue, type PersonalField } from '../../masking.js';
import { columnTreatment, presentValue, type CellValue } from '../data/access.js';

export type CategoryId =
  | 'basemap'
  | 'boundaries'
  | 'planning'
  | 'natural-resources'
  | 'rural'
  | 'industry'
  | 'construction'
  | 'ecology'
  | 'public-services'
  | 'urban-management';

export interface CategoryDef {
  id: CategoryId;
  title: string;
  titleEn: string;
  description: string;
}

/** The platform's layer tree, in display order. */
export const CATEGORIES: readonly CategoryDef[] = [
  { id: 'basemap', title: '基础地理', titleEn: 'Basic geography', description: '水系、道路等基础地理要素' },
  { id: 'boundaries', title: '行政区划', titleEn: 'Administrative divisions', description: '区、镇街、村居界线' },
  { id: 'planning', title: '国土空间规划', titleEn: 'Territorial spatial planning', description: '村庄规划、建设管控分区' },
  { id: 'natural-resources', title: '自然资源', titleEn: 'Land and natural resources', description: '永久基本农田、耕地与土地利用' },
  { id: 'rural', title: '农业农村', titleEn: 'Agriculture and rural affairs', description: '宅基地宗地、农村集体资产' },
  { id: 'industry', title: '产业发展', titleEn: 'Industrial development', description: '村级工业园改造与产业载体' },
  { id: 'construction', title: '城市建设', titleEn: 'Urban construction', description: '交通设施与建设控制区' },
  { id: 'ecology', title: '生态环境', titleEn: 'Ecology and environment', description: '河湖管理范围、生态保护' },
  { id: 'public-services', title: '公共服务', titleEn: 'Public services', description: '行政服务中心、党群服务中心、医疗教育设施' },
  { id: 'urban-management', title: '城市管理', titleEn: 'Urban management', description: '网格、部件与事件（一网统管）' },
];

export type Access = 'public' | 'internal';
export type TableName = 'parcels' | 'zones' | 'gis_features';
export type GeometryKind = 'Point' | 'LineString' | 'Polygon';
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface LegendItem {
  value?: string;
  label: string;
  labelEn: string;
  color: string;
}

export interface Queryable {
  /** SQL column compared for equality. */
  column: string;
  title: string;
  schema: { type: 'string'; enum?: string[]; pattern?: string };
}

/** A stored row as read by the service: columns plus the SQLite rowid. */
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

export interface LayerDef {
  id: string;
  title: string;
  titleEn: string;
  description: string;
  category: CategoryId;
  keywords: string[];
  access: Access;
  geometryType: GeometryKind;
  attribution: string;
  license: string;
  updated: string;
  minzoom: number;
  maxzoom: number;
  table: TableName;
  /** SQL condition (with `?` parameters) selecting this layer's rows from its table. */
  where: string;
  params: (string | number)[];
  legend: { property: string | null; items: LegendItem[] };
  queryables: Record<string, Queryable>;
  /** Columns the tile index reads (all by default); parcels skip the owner columns. */
  tileColumns?: string[];
  /** Attribute fields in the tiles (name → description), for TileJSON `vector_layers`. */
  tileFields: Record<string, string>;
  /** Tile attributes of a row: never personal data, since tiles are cached and shared. */
  tileProperties(row: Row): Record<string, string | number | boolean>;
  /** Item properties of a row for a viewer, personal fields masked by `view`. */
  properties(row: Row, view: PersonalView): Record<string, Json>;
  /** Personal fields the layer carries (empty for most). */
  personalFields: { property: string; field: PersonalField }[];
  /** The dataset the layer draws, if any; its rows are then limited to the caller's region (`village_code`). */
  dataset?: LayerDataset;
  /** Whether place search looks at this layer's names and codes. */
  searchKind?: 'town' | 'village' | 'park' | 'river' | 'road' | 'service-point';
}

/** 审图号 shown with public layers in this sandbox: an obviously sample number (real ones are issued by 广东省自然资源厅). */
export const SANDBOX_REVIEW_NO = '粤S(2025)000号';
export const SANDBOX_NOTICE = '（模拟数据）';

const REGION_QUERYABLES: Record<string, Queryable> = {
  townCode: { column: 'town_code', title: '镇街代码', schema: { type: 'string', pattern: '^\\d{9}$' } },
  villageCode: { column: 'village_code', title: '村居代码', schema: { type: 'string', pattern: '^\\d{12}$' } },
};

const parse = <Value extends Json = Json>(text: unknown): Record<string, Value> => JSON.parse(String(text)) as Record<string, Value>;

function featureLayer(
  base: Omit<LayerDef, 'table' | 'where' | 'params' | 'tileProperties' | 'properties' | 'personalFields' | 'access'> & {
    featureLayerId?: string;
    tileExtras?: string[];
    access?: Access;
  },
): LayerDef {
  const { featureLayerId, tileExtras = [], access, ...rest } = base;
  const dataset = base.dataset;
  return {
    ...rest,
    // A dataset's layer is public exactly when the dataset is 无条件开放.
    access: dataset ? (dataset.definition.openType === 'open' ? 'public' : 'internal') : (access ?? 'public'),
    table: 'gis_features',
    where: 'layer_id = ?',
    params: [featureLayerId ?? base.id],
    personalFields: [],
    tileProperties(row) {
      const props = parse(row.properties);
      const out: Record<string, string | number | boolean> = { id: row.id, name: String(row.name) };
      if (row.kind != null) out.kind = String(row.kind);
      if (row.code != null) out.code = String(row.code);
      for (const key of tileExtras) {
        const value = props[key];
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
      }
      return out;
    },
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

const ZONE_LEGEND: LayerDef['legend'] = {
  property: 'zoneType',
  items: [
    { value: 'buildable', label: '可建区', labelEn: 'Buildable', color: '#40c057' },
    { value: 'restricted', label: '限建区', labelEn: 'Restricted', color: '#fab005' },
    { value: 'prohibited', label: '禁建区', labelEn: 'Prohibited', color: '#fa5252' },
  ],
};

const ZONE_TILE_FIELDS = {
  id: '图斑编号 (String)',
  zoneType: '管控类型 buildable|restricted|prohibited (String)',
  villageCode: '村居代码 (String)',
  sourceLayer: '来源图层 (String)',
};

function zoneLayer(
  base: Pick<LayerDef, 'id' | 'title' | 'titleEn' | 'description' | 'category' | 'keywords' | 'access' | 'attribution' | 'license' | 'updated'> & {
    sourceLayer?: string;
    /** Source layers left out: those an internal layer serves must not reach the public through this one. */
    excludedSources?: string[];
    legend?: LayerDef['legend'];
  },
): LayerDef {
  const { sourceLayer, excludedSources = [], legend, ...rest } = base;
  return {
    ...rest,
    geometryType: 'Polygon',
    minzoom: 8,
    maxzoom: 16,
    table: 'zones',
    where: sourceLayer ? 'source_layer = ?' : excludedSources.length ? `source_layer NOT IN (${excludedSources.map(() => '?').join(', ')})` : '1 = 1',
    params: sourceLayer ? [sourceLayer] : excludedSources,
    legend: legend ?? ZONE_LEGEND,
    queryables: {
      zoneType: { column: 'zone_type', title: '管控类型', schema: { type: 'string', enum: ['buildable', 'restricted', 'prohibited'] } },
      ...REGION_QUERYABLES,
    },
    tileFields: ZONE_TILE_FIELDS,
    personalFields: [],
    tileProperties(row) {
      return { id: row.id, zoneType: String(row.zone_type), villageCode: String(row.village_code), sourceLayer: String(row.source_layer) };
    },
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
  id: 'homestead-parcels',
  title: '宅基地宗地',
  titleEn: 'Homestead parcels',
  description: '农村宅基地宗地图斑（宗地号、面积、用途、审批与登记状态），权利人信息按角色脱敏',
  category: 'rural',
  keywords: ['宅基地', '宗地', '宗地号', '不动产登记', 'homestead'],
  access: 'internal',
  geometryType: 'Polygon',
  attribution: `南海区农业农村局${SANDBOX_NOTICE}`,
  license: '仅限政务内部使用',
  updated: '2026-03-31T16:00:00Z',
  // Lots are 100–200 ㎡: below z12 each is under a pixel and geojson-vt drops them from the tiles.
  minzoom: 12,
  maxzoom: 16,
  table: 'parcels',
  where: '1 = 1',
  params: [],
  legend: {
    property: 'status',
    items: [
      { value: 'registered', label: '已登记发证', labelEn: 'Registered', color: '#2b8a3e' },
      { value: 'approved', label: '已批准未登记', labelEn: 'Approved, not registered', color: '#1971c2' },
      { value: 'pending', label: '审批中', labelEn: 'Pending approval', color: '#f59f00' },
      { value: 'unapproved', label: '未批先建', labelEn: 'Built without approval', color: '#e03131' },
    ],
  },
  queryables: {
    ...REGION_QUERYABLES,
    parcelNo: { column: 'parcel_no', title: '宗地号', schema: { type: 'string', pattern: '^\\d{12}[A-Z]{2}\\d{5}$' } },
    landUse: { column: 'land_use', title: '用途', schema: { type: 'string', enum: ['rural-housing', 'ancillary', 'vacant'] } },
    status: { column: 'status', title: '审批登记状态', schema: { type: 'string', enum: ['registered', 'approved', 'pending', 'unapproved'] } },
  },
  tileColumns: ['id', 'parcel_no', 'village_code', 'status', 'land_use', 'area_sqm', 'geometry'],
  tileFields: {
    id: '要素编号 (String)',
    parcelNo: '宗地号 (String)',
    villageCode: '村居代码 (String)',
    status: '审批登记状态 registered|approved|pending|unapproved (String)',
    landUse: '用途 rural-housing|ancillary|vacant (String)',
    areaSqm: '面积 ㎡ (Number)',
  },
  personalFields: PARCEL_PERSONAL_FIELDS,
  tileProperties(row) {
    return {
      id: row.id,
      parcelNo: String(row.parcel_no),
      villageCode: String(row.village_code),
      status: String(row.status),
      landUse: String(row.land_use),
      areaSqm: Number(row.area_sqm),
    };
  },
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

const NATRES = '佛山市自然资源局南海分局';
/** The source of the internal `farmland` layer. */
const FARMLAND_SOURCE = '永久基本农田保护红线';

/** Every catalogue layer, in display order within its category. */
export const LAYERS: readonly LayerDef[] = [
  featureLayer({
    id: 'water',
    title: '水系',
    titleEn: 'Water',
    description: '西江、北江、东平水道、佛山水道等主要河流与河涌水面',
    category: 'basemap',
    keywords: ['水系', '河流', '西江', '北江', 'river'],
    access: 'public',
    geometryType: 'Polygon',
    attribution: `南海区水利局${SANDBOX_NOTICE}`,
    license: '政务公开',
    updated: '2025-12-31T00:00:00Z',
    minzoom: 0,
    maxzoom: 14,
    legend: {
      property: 'kind',
      items: [
        { value: 'river', label: '河流', labelEn: 'River', color: '#74c0fc' },
        { value: 'channel', label: '水道、河涌', labelEn: 'Channel', color: '#a5d8ff' },
      ],
    },
    queryables: { kind: { column: 'kind', title: '类型', schema: { type: 'string', enum: ['river', 'channel'] } } },
    tileFields: { id: '编号 (String)', name: '名称 (String)', kind: '类型 river|channel (String)', code: '编号 (String)' },
    searchKind: 'river',
  }),
  featureLayer({
    id: 'roads',
    title: '主要道路',
    titleEn: 'Main roads',
    description: '高速公路、国道与城市主干道中心线',
    category: 'basemap',
    keywords: ['道路', '高速', '国道', 'road'],
    access: 'public',
    geometryType: 'LineString',
    attribution: `南海区交通运输局${SANDBOX_NOTICE}`,
    license: '政务公开',
    updated: '2025-12-31T00:00:00Z',
    minzoom: 0,
    maxzoom: 14,
    legend: {
      property: 'kind',
      items: [
        { value: 'expressway', label: '高速公路', labelEn: 'Expressway', color: '#f08c00' },
        { value: 'national', label: '国道', labelEn: 'National highway', color: '#fab005' },
        { value: 'arterial', label: '城市主干道', labelEn: 'Arterial road', color: '#868e96' },
      ],
    },
    queryables: { kind: { column: 'kind', title: '等级', schema: { type: 'string', enum: ['expressway', 'national', 'arterial'] } } },
    tileFields: { id: '编号 (String)', name: '名称 (String)', kind: '等级 expressway|national|arterial (String)', code: '路线编号 (String)', ref: '路线编号 (String)' },
    tileExtras: ['ref'],
    searchKind: 'road',
  }),
  featureLayer({
    id: 'towns',
    title: '镇街界线',
    titleEn: 'Town boundaries',
    description: '7 个镇街界线（模拟，按真实区划代码生成）',
    category: 'boundaries',
    keywords: ['镇街', '行政区划', '界线', 'town'],
    access: 'public',
    geometryType: 'Polygon',
    attribution: `南海区民政局${SANDBOX_NOTICE}`,
    license: '政务公开',
    updated: '2025-12-31T00:00:00Z',
    minzoom: 0,
    maxzoom: 14,
    legend: { property: null, items: [{ label: '镇街界线', labelEn: 'Town boundary', color: '#7048e8' }] },
    queryables: { townCode: REGION_QUERYABLES.townCode! },
    tileFields: { id: '镇街代码 (String)', name: '名称 (String)', kind: 'town|street (String)', code: '镇街代码 (String)' },
    searchKind: 'town',
  }),
  featureLayer({
    id: 'villages',
    title: '村居界线',
    titleEn: 'Village boundaries',
    description: '307 个村（社区）界线（模拟，按真实区划代码生成）',
    category: 'boundaries',
    keywords: ['村居', '村委会', '社区', '界线', 'village'],
    access: 'public',
    geometryType: 'Polygon',
    attribution: `南海区民政局${SANDBOX_NOTICE}`,
    license: '政务公开',
    updated: '2025-12-31T00:00:00Z',
    minzoom: 0,
    maxzoom: 14,
    legend: {
      property: 'kind',
      items: [
        { value: 'village', label: '村委会', labelEn: 'Village committee', color: '#9775fa' },
        { value: 'community', label: '社区居委会', labelEn: 'Community', color: '#b197fc' },
      ],
    },
    queryables: {
      ...REGION_QUERYABLES,
      kind: { column: 'kind', title: '类型', schema: { type: 'string', enum: ['village', 'community'] } },
    },
    tileFields: { id: '村居代码 (String)', name: '名称 (String)', kind: 'village|community (String)', code: '村居代码 (String)' },
    searchKind: 'village',
  }),
  zoneLayer({
    id: 'zones',
    title: '村庄建设管控分区',
    titleEn: 'Village construction control zones',
    description: '可建、限建、禁建区，用于宅基地选址与审批的空间管控',
    category: 'planning',
    keywords: ['可建区', '限建区', '禁建区', '村庄规划', 'zoning'],
    access: 'public',
    excludedSources: [FARMLAND_SOURCE],
    attribution: `${NATRES}${SANDBOX_NOTICE}`,
    license: '政务公开',
    updated: '2025-06-30T00:00:00Z',
  }),
  zoneLayer({
    id: 'farmland',
    title: '永久基本农田',
    titleEn: 'Permanent basic farmland',
    description: '三区三线划定的永久基本农田保护红线（禁建）',
    category: 'natural-resources',
    keywords: ['基本农田', '耕地', '三区三线', 'farmland'],
    access: 'internal',
    attribution: `${NATRES}${SANDBOX_NOTICE}`,
    license: '仅限政务内部使用',
    updated: '2022-10-14T00:00:00Z',
    sourceLayer: FARMLAND_SOURCE,
    legend: { property: null, items: [{ label: '永久基本农田', labelEn: 'Permanent basic farmland', color: '#94d82d' }] },
  }),
  parcelLayer,
  featureLayer({
    id: 'industrial-parks',
    title: '村级工业园改造项目',
    titleEn: 'Village industrial park projects',
    description: '村级工业园改造（村改）项目范围、改造模式与推进阶段',
    category: 'industry',
    keywords: ['村改', '村级工业园', '工业园', '产业载体', 'industrial park'],
    dataset: {
      definition: findDataset('industrial-park-projects')!,
      row(row) {
        const project = parse<CellValue>(row.properties);
        return { ...project, longitude: Number(row.label_lon), latitude: Number(row.label_lat), geometryRef: row.id, regionCode: String(row.village_code) };
      },
    },
    geometryType: 'Polygon',
    attribution: `南海区城市更新局${SANDBOX_NOTICE}`,
    license: '有条件共享：镇街、村居查看本辖区项目，其他部门经区村改办审批',
    updated: '2026-06-30T00:00:00Z',
    minzoom: 8,
    maxzoom: 16,
    legend: {
      property: 'stage',
      items: INDUSTRIAL_PARK_STAGES.map((stage, index) => ({
        value: stage.value,
        label: stage.zh,
        labelEn: stage.en,
        // From grey (摸查) through amber (清拆) to green (投产): the progress reads at a glance.
        color: ['#868e96', '#74c0fc', '#4dabf7', '#9775fa', '#ff922b', '#fcc419', '#40c057'][index]!,
      })),
    },
    queryables: {
      ...REGION_QUERYABLES,
      status: {
        column: 'kind',
        title: '推进阶段',
        schema: { type: 'string', enum: INDUSTRIAL_PARK_STAGES.map((stage) => stage.value) },
      },
    },
    tileFields: {
      id: '项目编号 (String)',
      name: '园区名称 (String)',
      kind: '推进阶段 (String)',
      code: '项目编号 (String)',
      stage: `推进阶段 ${INDUSTRIAL_PARK_STAGES.map((stage) => stage.value).join('|')} (String)`,
      mode: `改造模式 ${INDUSTRIAL_PARK_MODES.map((mode) => mode.value).join('|')} (String)`,
      areaMu: '面积 亩 (Number)',
      overdue: '是否逾期 (Boolean)',
    },
    tileExtras: ['stage', 'mode', 'areaMu', 'overdue'],
    searchKind: 'park',
  }),
  zoneLayer({
    id: 'road-control',
    title: '公路建筑控制区',
    titleEn: 'Highway building control zones',
    description: '高速公路与国道两侧建筑控制区（禁建）',
    category: 'construction',
    keywords: ['公路', '建筑控制区', 'highway'],
    access: 'public',
    attribution: `南海区交通运输局${SANDBOX_NOTICE}`,
    license: '政务公开',
    updated: '2021-06-30T00:00:00Z',
    sourceLayer: '公路建筑控制区',
    legend: { property: null, items: [{ label: '公路建筑控制区', labelEn: 'Highway control zone', color: '#e8590c' }] },
  }),
  zoneLayer({
    id: 'river-protection',
    title: '河道管理范围',
    titleEn: 'River management zones',
    description: '主要河流与河涌的管理范围线（禁建）',
    category: 'ecology',
    keywords: ['河道', '管理范围', '河长制', 'river'],
    access: 'public',
    attribution: `南海区水利局${SANDBOX_NOTICE}`,
    license: '政务公开',
    updated: '2020-12-01T00:00:00Z',
    sourceLayer: '河道管理范围线',
    legend: { property: null, items: [{ label: '河道管理范围', labelEn: 'River management zone', color: '#339af0' }] },
  }),
  featureLayer({
    id: 'service-points',
    title: '公共服务设施',
    titleEn: 'Public service points',
    description: '镇街行政服务中心、村居党群服务中心、卫生站与小学',
    category: 'public-services',
    keywords: ['行政服务中心', '党群服务中心', '卫生站', '学校', 'service'],
    access: 'public',
    geometryType: 'Point',
    attribution: `南海区政务服务数据管理局${SANDBOX_NOTICE}`,
    license: '政务公开',
    updated: '2026-01-31T00:00:00Z',
    minzoom: 10,
    maxzoom: 14,
    legend: {
      property: 'kind',
      items: [
        { value: 'service-centre', label: '行政服务中心', labelEn: 'Administrative service centre', color: '#e64980' },
        { value: 'party-service-centre', label: '党群服务中心', labelEn: 'Community service centre', color: '#f03e3e' },
        { value: 'clinic', label: '卫生站', labelEn: 'Clinic', color: '#12b886' },
        { value: 'school', label: '小学', labelEn: 'Primary school', color: '#1c7ed6' },
      ],
    },
    queryables: {
      ...REGION_QUERYABLES,
      kind: { column: 'kind', title: '类型', schema: { type: 'string', enum: ['service-centre', 'party-service-centre', 'clinic', 'school'] } },
    },
    tileFields: { id: '编号 (String)', name: '名称 (String)', kind: '类型 (String)', code: '编码 (String)' },
    searchKind: 'service-point',
  }),
];

export const LAYERS_BY_ID: ReadonlyMap<string, LayerDef> = new Map(LAYERS.map((layer) => [layer.id, layer]));

export const categoryOrder = (id: CategoryId): number => CATEGORIES.findIndex((c) => c.id === id) + 1;

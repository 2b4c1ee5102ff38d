/**
 * Access control (issue 10): every role × every operation of openapi/ × a foreign region.
 *
 * For each principal (the six demo clients, the anonymous public, a forged token, an expired token)
 * and each operation, the matrix sends
 * - `own`: a valid request inside the principal's region — 2xx when the role has the permission,
 *   401 for the public and for bad tokens, 403 for a role without it;
 * - `foreign-header`: the same with `X-Region-Code` of a region outside the principal's (403);
 * - `foreign-record`: a record of another region by id (404 — its existence is not revealed);
 * - `foreign-filter`: region parameters (`townCode`, `villageCode`, `regionCode`, filters on the
 *   region column) naming another region (403, or an answer without a single foreign row).
 *
 * Every 2xx body is then checked: no record outside the principal's region (region codes must be
 * the principal's region, inside it, or above it), no full resident ID number or mobile number
 * unless the principal is the district, and each personal field treated as docs/sandbox-conventions.md
 * says for the role, compared field by field with the district's view of the same record.
 */
import { loadSpecs, type Operation } from '../../src/openapi.js';
import { labelPointOf } from '@citybrain/domain';
import { applicationBody, http, mapLimit, pinClock, PINNED_NOW, Tally, tokenFor, workOrderBody, type HttpResult } from './support.js';

type Role = 'district' | 'department' | 'town' | 'village' | 'public';

export interface Principal {
  name: string;
  role: Role;
  /** The token's region. */
  region: string;
  /** A region outside it, for the foreign probes. */
  foreign: string;
  token: string | null;
  /** The department code of the demo client (sharing of 有条件共享 datasets). */
  dept?: string;
  /** A forged or expired token: everything answers 401. */
  rejected?: boolean;
}

export const ACCESS_FIGURES = ['principals', 'operations', 'requests', 'records-checked', 'personal-fields-checked', 'rows-leaked', 'unmasked', '5xx', 'violations'] as const;

/** The permission each operation needs (null: anyone). docs/sandbox-conventions.md, "Permissions by role". */
const PERMISSION: Record<string, string | null> = {
  listProcessDefinitions: 'approvals:read', getProcessDefinition: 'approvals:read', listApplications: 'approvals:read',
  createApplication: 'approvals:create', getApplication: 'approvals:read', actOnApplication: 'approvals:act',
  getApplicationTimeline: 'approvals:read', streamApplicationEvents: 'approvals:read', lookupApplication: null,
  checkZone: null, getZoneStats: null, issueToken: null, getPrincipal: null, listRegions: null, getRegion: null,
  listDatasets: 'data:read', getDataset: 'data:read', listDatasetRows: 'data:read', countDatasetRows: 'data:read',
  exportDatasetRows: 'data:export', listDataThemes: 'data:read', listDataDepartments: 'data:read',
  getGisLandingPage: null, getGisConformance: null, listGisCategories: 'gis:read', listGisLayers: 'gis:read',
  getGisLayer: 'gis:read', getGisLayerTileJson: 'gis:read', getGisLayerStyle: 'gis:read', getGisTile: 'gis:read',
  listGisCollectionTilesets: 'gis:read', getGisCollectionTileset: 'gis:read', getGisCollectionTile: 'gis:read',
  listGisCollections: 'gis:read', getGisCollection: 'gis:read', listGisFeatures: 'gis:read', getGisFeature: 'gis:read',
  getGisQueryables: 'gis:read', identifyGisFeatures: 'gis:read', searchGisPlaces: 'gis:read', getGisBasemapStyle: null,
  getGisBasemapTile: null, listWorkOrders: 'workorders:read', createWorkOrder: 'workorders:create',
  getWorkOrderStats: 'workorders:read', getWorkOrderProcessDefinition: 'workorders:read', getWorkOrder: 'workorders:read',
  actOnWorkOrder: 'workorders:act', getWorkOrderTimeline: 'workorders:read', streamWorkOrderEvents: 'workorders:read',
  listCalendarYears: null, getCalendarYear: null, putCalendarYear: 'calendar:admin',
  createUpload: 'approvals:create', getUpload: 'approvals:create', getUploadOffset: 'approvals:create',
  appendUploadChunk: 'approvals:create', deleteUpload: 'approvals:create', getAttachmentContent: 'approvals:read',
};

const GRANTS: Record<Role, string[]> = {
  district: ['gis:read', 'approvals:read', 'approvals:create', 'approvals:act', 'workorders:read', 'workorders:create', 'workorders:act', 'data:read', 'data:export', 'calendar:admin'],
  department: ['gis:read', 'approvals:read', 'approvals:act', 'workorders:read', 'workorders:act', 'data:read', 'data:export'],
  town: ['gis:read', 'approvals:read', 'approvals:create', 'approvals:act', 'workorders:read', 'workorders:create', 'workorders:act', 'data:read', 'data:export'],
  village: ['gis:read', 'approvals:read', 'approvals:create', 'approvals:act', 'workorders:read', 'workorders:create', 'data:read'],
  public: ['gis:read', 'data:read'],
};

/** Operations on reference data or public geography: their region codes are not records of a region. */
const REFERENCE = new Set([
  'listRegions', 'getRegion', 'getPrincipal', 'issueToken', 'getGisLandingPage', 'getGisConformance', 'listGisCategories',
  'listGisLayers', 'getGisLayer', 'getGisLayerTileJson', 'getGisLayerStyle', 'getGisTile', 'listGisCollections',
  'listGisCollectionTilesets', 'getGisCollectionTileset', 'getGisCollectionTile',
  'getGisCollection', 'getGisQueryables', 'searchGisPlaces', 'getGisBasemapStyle', 'getGisBasemapTile', 'checkZone',
  'listDatasets', 'getDataset', 'listDataThemes', 'listDataDepartments', 'listProcessDefinitions', 'getProcessDefinition',
  'getWorkOrderProcessDefinition', 'lookupApplication', 'listCalendarYears', 'getCalendarYear', 'putCalendarYear',
  // Features of the one map are shown to every reader, their owners masked outside the reader's region (checked below).
  'listGisFeatures', 'getGisFeature', 'identifyGisFeatures',
]);

type Kind = 'name' | 'id' | 'phone' | 'address' | 'hidden';

/** Personal fields of the approval, work-order and GIS payloads, by the last key of their path. */
const PERSONAL_KEYS: Record<string, Kind> = {
  applicantName: 'name', applicantIdNumber: 'id', applicantPhone: 'phone',
  xm: 'name', sfzh: 'id', lxdh: 'phone', hksz: 'address', hkszd: 'address',
  reporterName: 'name', reporterPhone: 'phone',
  ownerName: 'name', ownerIdNumber: 'id', ownerPhone: 'phone',
};

/** The parent key under which `name`, `idNumber` and `phone` are personal (`applicant.name`, `reporter.phone`). */
const PERSON_OBJECTS = new Set(['applicant', 'reporter']);
const PERSON_FIELDS: Record<string, Kind> = { name: 'name', idNumber: 'id', phone: 'phone' };

const MASK_RULE_KIND: Record<string, Kind> = { name: 'name', 'id-number': 'id', phone: 'phone', address: 'address', hidden: 'hidden' };

/** docs/sandbox-conventions.md, "Masking by role". */
function treatment(role: Role, kind: Kind): 'full' | 'masked' | 'hidden' | 'masked-town' {
  if (role === 'district') return 'full';
  if (kind === 'hidden') return 'hidden';
  if (role === 'public') return kind === 'name' ? 'masked' : kind === 'address' ? 'masked-town' : 'hidden';
  return kind === 'name' ? 'full' : 'masked';
}

/** GB 11643: 17 digits and a check character. */
function isResidentId(text: string): boolean {
  if (!/^\d{17}[\dX]$/.test(text) || !/^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(text.slice(6, 14))) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(text[i]), 0);
  return '10X98765432'[sum % 11] === text[17];
}

const isMobile = (text: string) => /^1[3-9]\d{9}$/.test(text);

export interface AccessOptions {
  mode: 'sample' | 'full';
  concurrency?: number;
}

interface Records {
  application: Record<string, string | undefined>;
  workOrder: Record<string, string | undefined>;
}

export async function runAccessMatrix(baseUrl: string, options: AccessOptions): Promise<Tally> {
  const tally = new Tally();
  const api = `${baseUrl}/api/v1`;
  const { operations } = loadSpecs();
  const full = options.mode === 'full';
  const concurrency = options.concurrency ?? 6;

  // --- who ------------------------------------------------------------------------------------
  const token = (id: string) => tokenFor(baseUrl, id);
  const districtToken = await token('demo-district');
  const asDistrict = (path: string) => http(`${api}${path}`, { headers: { authorization: `Bearer ${districtToken}` } });
  const shishanVillages = ((await asDistrict('/regions?parent=440605124')).body as { items: { code: string }[] }).items.map((r) => r.code);
  const otherVillage = shishanVillages.find((code) => code !== '440605124201')!;
  const principals: Principal[] = [
    { name: 'demo-district', role: 'district', region: '440605', foreign: '440604', token: districtToken },
    { name: 'demo-dept-agri', role: 'department', region: '440605', foreign: '440604', token: await token('demo-dept-agri'), dept: 'AGRI' },
    { name: 'demo-dept-natres', role: 'department', region: '440605', foreign: '440604', token: await token('demo-dept-natres'), dept: 'NATRES' },
    { name: 'demo-town-shishan', role: 'town', region: '440605124', foreign: '440605011', token: await token('demo-town-shishan'), dept: 'TOWN' },
    { name: 'demo-town-guicheng', role: 'town', region: '440605011', foreign: '440605124', token: await token('demo-town-guicheng'), dept: 'TOWN' },
    { name: 'demo-village-tangbian', role: 'village', region: '440605124201', foreign: otherVillage, token: await token('demo-village-tangbian'), dept: 'VILLAGE' },
    { name: 'public', role: 'public', region: '440605', foreign: '440604', token: null },
    { name: 'forged token', role: 'public', region: '440605', foreign: '440604', token: 'eyJzdWIiOiJkZW1vLWRpc3RyaWN0IiwiZXhwIjo5OTk5OTk5OTk5fQ.Zm9yZ2Vk', rejected: true },
  ];
  tally.add('principals', principals.length + 1);
  tally.add('operations', operations.length);

  // --- which records ----------------------------------------------------------------------------
  const regions = [...new Set(principals.flatMap((p) => [p.region, p.foreign]))];
  const records: Records = { application: {}, workOrder: {} };
  for (const code of regions) {
    if (code.length === 6 && code !== '440605') continue;
    const key = code.length === 12 ? 'villageCode' : code.length === 9 ? 'townCode' : null;
    const apps = (await asDistrict(`/approvals/applications?limit=1${key ? `&${key}=${code}` : ''}`)).body as { items: { id: string }[] };
    records.application[code] = apps.items[0]?.id;
    const orders = (await asDistrict(`/workorders?limit=500${code.length > 6 ? `&townCode=${code.slice(0, 9)}` : ''}`)).body as { items: { id: string; villageCode: string | null; townCode: string }[] };
    records.workOrder[code] = orders.items.find((o) => (o.villageCode ?? o.townCode).startsWith(code))?.id;
  }
  const parcels = (await asDistrict('/gis/collections/homestead-parcels/items?villageCode=440605124201&limit=1')).body as { features: { id: string }[] };
  const featureId = parcels.features[0]!.id;
  /** A village for an application form: the principal's own, or the first of its town. */
  const villageFor = (code: string) => (code.length === 12 ? code : code === '440605011' ? '440605011001' : code.startsWith('440605') ? '440605124201' : `${code}001001`);
  const datasets = ((await asDistrict('/data/datasets?limit=100')).body as { items: { id: string; openType: string }[] }).items;
  const datasetMeta = new Map<string, DatasetMeta>();
  for (const d of datasets) datasetMeta.set(d.id, (await asDistrict(`/data/datasets/${d.id}`)).body as never);
  const openDataset = datasets.find((d) => d.openType === 'open')!.id;
  const personalDatasets = datasets.filter((d) => datasetMeta.get(d.id)!.columns.some((c) => c.maskRule !== 'none')).map((d) => d.id);
  const rowDatasets = full ? datasets.map((d) => d.id) : [...new Set([openDataset, ...personalDatasets])];

  // --- checks -------------------------------------------------------------------------------------
  const allowed = (p: Principal, op: Operation) => {
    const permission = PERMISSION[op.operationId];
    if (permission === undefined) throw new Error(`no permission recorded for ${op.operationId}`);
    return permission === null || GRANTS[p.role].includes(permission);
  };
  /**
   * The sharing classes (共享/开放, docs and domain reference §6): the public reads 无条件开放 datasets;
   * 无条件共享 any government role; 有条件共享 the district, the owner and the approved bodies;
   * 不予共享 the district and the owner only.
   */
  const canRead = (p: Principal, id: string) => {
    const d = datasetMeta.get(id)!;
    if (p.role === 'public') return d.openType === 'open';
    if (p.role === 'district') return true;
    const owner = p.dept === d.ownerDept.code;
    if (d.shareType === 'unconditional') return true;
    if (d.shareType === 'conditional') return owner || d.sharedWith.includes(p.dept ?? '');
    return owner;
  };
  const inRegion = (p: Principal, code: string) => code.startsWith(p.region) || p.region.startsWith(code);

  const checkStatus = (label: string, result: HttpResult, expected: number[] | ((status: number) => boolean)) => {
    tally.add('requests');
    if (result.status >= 500 || result.status === 0) {
      tally.add('5xx');
      tally.fail(`${label} → ${result.status} ${result.text.slice(0, 200)}`);
      return false;
    }
    const ok = typeof expected === 'function' ? expected(result.status) : expected.includes(result.status);
    if (!ok) tally.fail(`${label} → ${result.status}, expected ${typeof expected === 'function' ? 'another status' : expected.join('/')}: ${result.text.slice(0, 200)}`);
    return ok;
  };

  /** Region codes of records in a body that lie outside the principal's region. */
  const scanRegions = (label: string, p: Principal, body: unknown) => {
    const walk = (node: unknown, key: string) => {
      if (Array.isArray(node)) return node.forEach((item) => walk(item, key));
      if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if (['villageCode', 'townCode', 'regionCode'].some((k) => typeof record[k] === 'string')) tally.add('records-checked');
        for (const [k, v] of Object.entries(record)) {
          if (typeof v === 'string' && (k === 'villageCode' || k === 'townCode' || (k === 'regionCode' && key !== 'assignee')) && /^\d{6,12}$/.test(v) && !inRegion(p, v)) {
            tally.add('rows-leaked');
            tally.fail(`${label}: ${k} ${v} is outside ${p.name}'s region ${p.region}`);
          }
          walk(v, k);
        }
      }
    };
    walk(body, '');
  };

  /** Full ID numbers and mobiles anywhere in a body: only the district sees them. */
  const scanUnmasked = (label: string, p: Principal, body: unknown) => {
    if (p.role === 'district') return;
    const walk = (node: unknown, key: string) => {
      if (typeof node === 'string') {
        if (isResidentId(node) || isMobile(node)) {
          tally.add('unmasked');
          tally.fail(`${label}: ${key} ${node} is not masked for ${p.name}`);
        }
        // A village sees ID numbers masked down to the city (4406**********1234).
        if (p.role === 'village' && /^\d{6}\*{8}[\dX]{4}$/.test(node)) tally.fail(`${label}: ${key} ${node} keeps 6 digits for a village`);
      } else if (Array.isArray(node)) node.forEach((item) => walk(item, key));
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k);
    };
    walk(body, '');
  };

  /** One personal value as the role should see it, given the district's view of the same field. */
  const checkPersonal = (label: string, p: Principal, kind: Kind, seen: unknown, truth: unknown, outsideRegion = false) => {
    tally.add('personal-fields-checked');
    const how = outsideRegion && p.role !== 'district' ? treatment('public', kind) : treatment(p.role, kind);
    if (truth === null || truth === undefined || truth === '') return;
    const text = String(truth);
    const fail = (why: string) => {
      tally.add('unmasked');
      tally.fail(`${label}: ${kind} ${JSON.stringify(seen)} for ${p.name} (${how}): ${why}`);
    };
    if (how === 'full') return void (seen !== truth && fail(`expected the full value ${text}`));
    if (how === 'hidden') return void (seen !== null && seen !== undefined && fail('expected null'));
    if (typeof seen !== 'string' || seen === text) return fail('expected a masked value');
    const chars = Array.from(text);
    switch (kind) {
      case 'name':
        if (seen !== chars[0] + '*'.repeat(Math.max(chars.length - 1, 1))) fail(`expected ${chars[0]}**`);
        break;
      case 'id': {
        const keep = p.role === 'village' && !outsideRegion ? 4 : 6;
        if (!(seen.length === text.length && seen.startsWith(text.slice(0, keep)) && seen.endsWith(text.slice(-4)) && /^\*+$/.test(seen.slice(keep, -4)))) fail(`expected ${keep}+4 digits`);
        break;
      }
      case 'phone':
        if (!/^\d{3}\*{4}\d{4}$/.test(seen) && !/^\d{4}\*+\d{2}$/.test(seen)) fail('expected 138****5678');
        break;
      case 'address':
        if (!seen.endsWith('********')) fail('expected the address cut to the village or town');
        break;
    }
  };

  /** Walks a body and the district's body of the same resource in step, checking every personal field. */
  const comparePersonal = (label: string, p: Principal, seen: unknown, truth: unknown, parentKey = '', outside?: (node: Record<string, unknown>) => boolean, inheritedOutside = false) => {
    if (Array.isArray(seen) && Array.isArray(truth)) {
      seen.forEach((item, i) => comparePersonal(label, p, item, truth[i], parentKey, outside, inheritedOutside));
      return;
    }
    if (!seen || typeof seen !== 'object' || !truth || typeof truth !== 'object') return;
    const node = seen as Record<string, unknown>;
    const other = truth as Record<string, unknown>;
    const isOutside = inheritedOutside || (outside ? outside(node) : false);
    for (const [k, v] of Object.entries(node)) {
      const kind = PERSONAL_KEYS[k] ?? (PERSON_OBJECTS.has(parentKey) ? PERSON_FIELDS[k] : undefined);
      if (kind && (typeof v === 'string' || v === null)) checkPersonal(`${label} ${k}`, p, kind, v, other[k], isOutside);
      else comparePersonal(label, p, v, other[k], k, outside, isOutside);
    }
  };

  // --- the probes ---------------------------------------------------------------------------------
  interface Probe {
    kind: 'own' | 'foreign-header' | 'foreign-record' | 'foreign-filter';
    op: Operation;
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: unknown;
    stream?: boolean;
    /** What to compare the district's view against (the same path), for personal fields. */
    compare?: boolean;
    datasetId?: string;
  }

  const probesFor = (p: Principal, op: Operation): Probe[] => {
    const list: Probe[] = [];
    const stream = op.responses['200']?.['text/event-stream'] !== undefined;
    const add = (kind: Probe['kind'], path: string, extra: Partial<Probe> = {}) => list.push({ kind, op, method: op.method, path, stream, ...extra });
    const own = p.region;
    const ownApp = records.application[own];
    const ownOrder = records.workOrder[own];
    const foreignApp = records.application[p.foreign];
    const foreignOrder = records.workOrder[p.foreign];
    const declaresRegionHeader = op.parameters.some((x) => x.in === 'header' && x.name === 'X-Region-Code');
    const header = { 'x-region-code': p.foreign };
    const appPath = (id: string) => op.path.replace('{id}', id);
    switch (op.operationId) {
      case 'getApplication':
      case 'getApplicationTimeline':
      case 'streamApplicationEvents':
        if (ownApp) add('own', appPath(ownApp), { compare: !stream });
        if (foreignApp) add('foreign-record', appPath(foreignApp));
        break;
      case 'actOnApplication':
        // `resume` on a running application: past access control it is a 409; the state never changes.
        if (ownApp) add('own', appPath(ownApp), { body: { action: 'resume' } });
        if (foreignApp) add('foreign-record', appPath(foreignApp), { body: { action: 'resume' } });
        break;
      case 'getWorkOrder':
      case 'getWorkOrderTimeline':
      case 'streamWorkOrderEvents':
        if (ownOrder) add('own', op.path.replace('{id}', ownOrder), { compare: !stream });
        if (foreignOrder) add('foreign-record', op.path.replace('{id}', foreignOrder));
        break;
      case 'actOnWorkOrder':
        if (ownOrder) add('own', op.path.replace('{id}', ownOrder), { body: { action: 'resume' } });
        if (foreignOrder) add('foreign-record', op.path.replace('{id}', foreignOrder), { body: { action: 'resume' } });
        break;
      case 'createApplication': {
        const village = villageFor(own);
        add('own', op.path, { body: { ...applicationBody(), villageCode: village, location: labelPointOf(village) } });
        // A form for a village of the foreign region, its site inside that village.
        const foreignVillage = villageFor(p.foreign);
        add('foreign-filter', op.path, { body: { ...applicationBody(), villageCode: foreignVillage, location: foreignVillage.startsWith('440605') ? labelPointOf(foreignVillage) : [113.1, 23.0] } });
        break;
      }
      case 'createWorkOrder': {
        const body = workOrderBody();
        add('own', op.path, { body: { ...body, regionCode: own.length === 6 ? body.regionCode : own } });
        add('foreign-filter', op.path, { body: { ...body, regionCode: p.foreign.length >= 9 ? p.foreign : '440604001' } });
        break;
      }
      case 'listApplications':
        add('own', `${op.path}?limit=100`, { compare: true });
        add('foreign-filter', `${op.path}?limit=100&${p.foreign.length === 12 ? 'villageCode' : 'townCode'}=${p.foreign.length >= 9 ? p.foreign : '440604001'}`);
        break;
      case 'listWorkOrders':
        add('own', `${op.path}?limit=100`, { compare: true });
        add('foreign-filter', `${op.path}?limit=100&townCode=${p.foreign.length >= 9 ? p.foreign.slice(0, 9) : '440604001'}`);
        break;
      case 'getWorkOrderStats':
        add('own', op.path);
        add('foreign-filter', `${op.path}?townCode=${p.foreign.length >= 9 ? p.foreign.slice(0, 9) : '440604001'}`);
        break;
      case 'getZoneStats':
        add('own', `${op.path}${own.length > 6 ? `?regionCode=${own}` : ''}`);
        add('foreign-filter', `${op.path}?regionCode=${p.foreign}`);
        break;
      case 'lookupApplication':
        add('own', op.path, { body: { trackingNo: records.application['440605124'] ?? 'ZJD-440605124-2026-000001', verificationCode: '000000' } });
        break;
      case 'issueToken':
        return [];
      case 'createUpload':
        // Creates an (abandoned) upload of 1 kB: no record of any region.
        add('own', op.path, { headers: { 'tus-resumable': '1.0.0', 'upload-length': '1000', 'upload-metadata': 'kind SURfQ0FSRA==,filetype YXBwbGljYXRpb24vcGRm' } });
        break;
      case 'getUpload':
      case 'getUploadOffset':
      case 'appendUploadChunk':
      case 'deleteUpload':
        // An upload is its creator's alone: anyone else's is absent (404) to a caller allowed to upload.
        add('foreign-record', op.path.replace('{uploadId}', '0123456789abcdef0123456789abcdef'), { headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0' } });
        break;
      case 'getAttachmentContent':
        if (foreignApp) add('foreign-record', op.path.replace('{id}', foreignApp).replace('{attachmentId}', `${foreignApp}-att-1`));
        break;
      case 'putCalendarYear':
        // A year far from every seeded deadline: loading it changes nothing the other probes read.
        add('own', op.path.replace('{year}', '2031'), {
          body: { source: { issuer: '测试', notice: '访问矩阵测试', title: '2031 年测试日历', published: '2030-11-01' }, holidays: [], workdays: [] },
        });
        break;
      case 'listDatasetRows':
      case 'countDatasetRows':
      case 'exportDatasetRows':
      case 'getDataset':
        for (const id of op.operationId === 'getDataset' ? [openDataset, 'population-residents'] : rowDatasets) {
          const path = op.path.replace('{datasetId}', id);
          const limit = op.operationId === 'listDatasetRows' ? '?limit=200&count=exact' : op.operationId === 'exportDatasetRows' ? '?maxRows=300&header=name' : '';
          add('own', `${path}${limit}`, { compare: op.operationId === 'listDatasetRows', datasetId: id });
          if (op.operationId !== 'getDataset') {
            const column = datasetMeta.get(id)!.regionColumn;
            const sep = limit ? '&' : '?';
            add('foreign-filter', `${path}${limit}${sep}regionCode=${p.foreign}`, { datasetId: id });
            if (op.operationId !== 'exportDatasetRows' || full) add('foreign-filter', `${path}${limit}${sep}filter=${encodeURIComponent(`${column}:prefix:${p.foreign}`)}`, { datasetId: id });
          }
        }
        break;
      default: {
        const path = op.path
          .replace('{key}', 'homestead')
          .replace('{year}', '2026')
          .replace('{code}', p.region.length > 6 ? p.region : '440605124')
          .replace('{layerId}', 'homestead-parcels')
          .replace('{featureId}', featureId)
          .replace('{z}', '14')
          .replace('{x}', '13528')
          .replace('{y}', '7140')
          .replace('{tileMatrixSetId}', 'WebMercatorQuad')
          .replace('{tileMatrix}', '14')
          .replace('{tileCol}', '13528')
          .replace('{tileRow}', '7140');
        const query = op.operationId === 'checkZone' || op.operationId === 'identifyGisFeatures' ? '?lon=113.0757&lat=23.1902'
          : op.operationId === 'searchGisPlaces' ? '?q=唐边'
          : op.operationId === 'listGisFeatures' ? '?limit=200' : '';
        add('own', `${path}${query}`, { compare: op.operationId === 'listGisFeatures' || op.operationId === 'identifyGisFeatures' });
      }
    }
    if (declaresRegionHeader) {
      const ownProbe = list.find((x) => x.kind === 'own');
      if (ownProbe) add('foreign-header', ownProbe.path, { headers: header, body: ownProbe.body, datasetId: ownProbe.datasetId });
    }
    return list;
  };

  const expectFor = (p: Principal, probe: Probe): number[] | ((status: number) => boolean) => {
    const op = probe.op;
    if (p.rejected) return [401];
    const permitted = allowed(p, op);
    // The public is asked to log in; a role without the permission is refused. A region header may be refused first.
    if (!permitted) return p.role === 'public' ? (probe.kind === 'foreign-header' ? [401, 403] : [401]) : [403];
    const dataset = probe.datasetId;
    // getDataset shows the catalogue entry to every government role; rows, counts and exports follow the sharing class.
    if (dataset && !canRead(p, dataset) && (op.operationId !== 'getDataset' || p.role === 'public')) return p.role === 'public' ? [401, 403, 404] : [403, 404];
    if (op.operationId.startsWith('getGis') || op.operationId.startsWith('listGis') || op.operationId === 'identifyGisFeatures') {
      // The parcels layer is internal: the public gets no sight of it at all.
      if (p.role === 'public' && /homestead-parcels/.test(probe.path)) return [401, 403, 404];
    }
    switch (probe.kind) {
      case 'foreign-header':
        return [403];
      case 'foreign-record':
        return [403, 404];
      case 'foreign-filter':
        // Refused, or answered without a foreign row (the scan below counts any).
        return op.method === 'POST' ? [400, 403, 422] : (s) => s === 403 || s === 400 || (s >= 200 && s < 300);
      default:
        if (op.operationId === 'actOnApplication' || op.operationId === 'actOnWorkOrder') return [409, 403];
        if (op.operationId === 'lookupApplication') return [404, 429];
        if (op.operationId === 'getGisTile' || op.operationId === 'getGisCollectionTile' || op.operationId === 'getGisBasemapTile') return [200, 204];
        if (op.method === 'POST') return [201];
        return [200];
    }
  };

  const send = async (p: Principal, probe: Probe): Promise<HttpResult> => {
    const headers: Record<string, string> = { ...probe.headers };
    if (p.token) headers.authorization = `Bearer ${p.token}`;
    if (probe.body !== undefined) headers['content-type'] = 'application/json';
    return http(`${api}${probe.path}`, { method: probe.method, headers, body: probe.body === undefined ? undefined : JSON.stringify(probe.body) }, { headersOnly: probe.stream });
  };

  const jobs = principals.flatMap((p) => operations.flatMap((op) => probesFor(p, op).map((probe) => ({ p, probe }))));
  await mapLimit(jobs, concurrency, async ({ p, probe }) => {
    const label = `${p.name} ${probe.kind} ${probe.method} ${probe.path.slice(0, 120)}${probe.headers ? ' X-Region-Code ' + p.foreign : ''}`;
    const result = await send(p, probe);
    checkStatus(label, result, expectFor(p, probe));
    if (result.status < 200 || result.status >= 300 || probe.stream) return;
    const op = probe.op.operationId;
    let body = result.body;
    if (op === 'exportDatasetRows') body = csvRows(result.text);
    if (!REFERENCE.has(op)) {
      if (probe.datasetId && (op === 'listDatasetRows' || op === 'exportDatasetRows')) {
        const column = datasetMeta.get(probe.datasetId)!.regionColumn;
        const rows = op === 'exportDatasetRows' ? (body as Record<string, string>[]) : ((body as { items: Record<string, unknown>[] }).items);
        for (const row of rows) {
          tally.add('records-checked');
          const code = String(row[column] ?? '');
          if (!inRegion(p, code)) {
            tally.add('rows-leaked');
            tally.fail(`${label}: ${probe.datasetId} row with ${column} ${code} outside ${p.region}`);
          }
        }
      } else if (op === 'countDatasetRows') {
        if (probe.kind === 'foreign-filter' && p.role !== 'district' && p.role !== 'department' && (body as { count: number }).count > 0) {
          tally.add('rows-leaked');
          tally.fail(`${label}: counted ${(body as { count: number }).count} foreign rows`);
        }
      } else scanRegions(label, p, body);
    }
    scanUnmasked(label, p, body);
    if (probe.compare && !p.rejected) {
      const truth = await asDistrict(probe.path);
      tally.add('requests');
      if (probe.datasetId) compareRows(label, p, probe.datasetId, body, truth.body);
      else if (op === 'listApplications' || op === 'listWorkOrders') compareById(label, p, body, truth.body);
      else {
        const outside = op === 'listGisFeatures' || op === 'identifyGisFeatures'
          ? (node: Record<string, unknown>) => typeof node.villageCode === 'string' && !inRegion(p, node.villageCode)
          : undefined;
        if (op === 'listGisFeatures') compareFeatures(label, p, body, truth.body, outside!);
        else comparePersonal(label, p, body, truth.body, '', outside);
      }
    }
  });

  function compareById(label: string, p: Principal, seen: unknown, truth: unknown) {
    const mine = (seen as { items: { id: string }[] }).items;
    const all = new Map((truth as { items: { id: string }[] }).items.map((item) => [item.id, item]));
    for (const item of mine) {
      const other = all.get(item.id);
      // The district's first page may not hold it; fetch nothing more, the regex scan still covers it.
      if (other) comparePersonal(`${label} ${item.id}`, p, item, other);
    }
  }

  function compareFeatures(label: string, p: Principal, seen: unknown, truth: unknown, outside: (node: Record<string, unknown>) => boolean) {
    const all = new Map((truth as { features: { id: string }[] }).features.map((f) => [f.id, f]));
    for (const feature of (seen as { features: { id: string; properties: Record<string, unknown> }[] }).features) {
      const other = all.get(feature.id) as { properties: Record<string, unknown> } | undefined;
      if (other) comparePersonal(`${label} ${feature.id}`, p, feature.properties, other.properties, '', undefined, outside(feature.properties));
    }
  }

  function compareRows(label: string, p: Principal, datasetId: string, seen: unknown, truth: unknown) {
    const meta = datasetMeta.get(datasetId)!;
    const keyOf = (row: Record<string, unknown>) => meta.primaryKey.map((k) => String(row[k])).join('|');
    const all = new Map(((truth as { items: Record<string, unknown>[] }).items ?? []).map((row) => [keyOf(row), row]));
    for (const row of (seen as { items: Record<string, unknown>[] }).items) {
      const other = all.get(keyOf(row));
      if (!other) continue;
      for (const column of meta.columns) {
        const kind = MASK_RULE_KIND[column.maskRule];
        if (kind && column.name in row) checkPersonal(`${label} ${datasetId}.${column.name}`, p, kind, row[column.name], other[column.name]);
      }
    }
  }

  // --- expired tokens: every operation answers 401 once the token's 15 minutes are over ------------
  const expiring = await Promise.all(['demo-district', 'demo-town-shishan'].map(token));
  await pinClock(baseUrl, new Date(Date.parse(PINNED_NOW) + 16 * 60_000).toISOString());
  try {
    await mapLimit(operations.filter((op) => op.operationId !== 'issueToken'), concurrency, async (op) => {
      for (const expired of expiring) {
        const p: Principal = { name: 'expired token', role: 'public', region: '440605', foreign: '440604', token: expired, rejected: true };
        for (const probe of probesFor({ ...p, role: 'district' }, op).filter((x) => x.kind === 'own').slice(0, 1)) {
          checkStatus(`expired token ${probe.method} ${probe.path.slice(0, 100)}`, await send(p, probe), [401]);
        }
      }
    });
  } finally {
    await pinClock(baseUrl);
  }
  return tally;
}

interface DatasetMeta {
  regionColumn: string;
  primaryKey: string[];
  openType: string;
  shareType: 'unconditional' | 'conditional' | 'none';
  sharedWith: string[];
  ownerDept: { code: string };
  columns: { name: string; maskRule: string }[];
}

/** A CSV export (UTF-8 with BOM, a header row of column names) as objects. */
function csvRows(text: string): Record<string, string>[] {
  const lines = text.replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
  const split = (line: string) => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i]!;
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') (cell += '"'), (i += 1);
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') cells.push(cell), (cell = '');
      else cell += c;
    }
    cells.push(cell);
    return cells;
  };
  const [header = [], ...rows] = lines.map(split);
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

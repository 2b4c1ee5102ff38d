/**
 * The data platform service (openapi/data.yaml): the dataset catalogue with its facets, keyset
 * pages of rows, counts and streamed CSV exports — every read limited to the caller's region,
 * personal columns masked by role, unmasked reads and exports audited.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DataComponents, DataOperations, QueryOf } from '@citybrain/contract';
import { DATA_DEPARTMENTS, DATA_THEMES, datasetCatalogue, datasetCatalogueEntry, findDataset, type DatasetDefinition, type DatasetLayer } from '@citybrain/domain';
import { requirePermission, scopeRegion, type Principal } from '../../auth.js';
import type { RequestOf, SandboxService, ServiceContext } from '../../context.js';
import type { Db } from '../../db.js';
import { badRequest, forbidden, notFound } from '../../problems.js';
import { columnTreatment, isListed, presentValue, unmaskedReadIsAudited, type CellValue, type ColumnTreatment, type DatasetAccess } from './access.js';
import { accessNow, migrateSharing, shareHandlers } from './sharing.js';
import { BYTE_ORDER_MARK, contentDisposition, csvHeader, csvLine } from './csv.js';
import { buildPlan, countRows, decodeCursor, describeSort, encodeCursor, exportBatches, readPage, readPageAndCount, type QueryPlan, type SqlValue } from './query.js';
import { DATASET_TABLES, migrateDataTables, seedDataTables, type DatasetTable, type TableColumn } from './tables.js';

const LAYER_ORDER: readonly DatasetLayer[] = ['base', 'theme', 'topic'];
/** Rows read per query while streaming an export: small enough to interleave with other requests. */
const EXPORT_BATCH_ROWS = 2_000;

/** What every row read (page, count, export) takes from its query: the filter, the columns, the region. */
type RowsQuery = Pick<QueryOf<DataOperations['listDatasetRows']>, 'sort' | 'filter' | 'columns' | 'regionCode'>;

// ---------------------------------------------------------------- catalogue

const tableRowCounts = new WeakMap<Db, Map<string, number>>();

/** Whole-table row counts from the seeding statistics (the tables are read-only), cached per database. */
async function tableRowCount(ctx: ServiceContext, datasetId: string): Promise<number> {
  let counts = tableRowCounts.get(ctx.db);
  if (!counts) {
    const rows = await ctx.reads.all<{ id: string; n: number }>('SELECT dataset_id AS id, SUM(row_count) AS n FROM data_region_counts GROUP BY dataset_id');
    counts = new Map(rows.map((r) => [r.id, r.n]));
    tableRowCounts.set(ctx.db, counts);
  }
  return counts.get(datasetId) ?? 0;
}

/** What the catalogue entry does not say: the rows stored, the region scope and the caller's access. */
async function holdingsOf(ctx: ServiceContext, principal: Principal, dataset: DatasetDefinition) {
  const [rowCount, access] = await Promise.all([tableRowCount(ctx, dataset.id), accessNow(ctx, principal, dataset)]);
  return { regionScope: '440605', rowCount, rowCountExact: true, access };
}

async function summaryOf(ctx: ServiceContext, principal: Principal, dataset: DatasetDefinition): Promise<DataComponents['schemas']['DatasetSummary']> {
  const { sharingConditions: _conditions, sharedWith: _sharedWith, ...entry } = datasetCatalogueEntry(dataset);
  return { ...entry, ...(await holdingsOf(ctx, principal, dataset)) };
}

function columnSchema(principal: Principal, column: TableColumn, grant: DatasetAccess['grant']) {
  const { indexed: _internal, ...def } = column.def;
  const treatment = columnTreatment(principal, column.def, grant);
  const usable = treatment === 'full';
  return {
    ...def,
    maskedForCaller: treatment !== 'full',
    sortable: def.sortable && usable,
    filterOperators: usable ? def.filterOperators : [],
  };
}

function matchesText(dataset: DatasetDefinition, needle: string): boolean {
  const q = needle.toLowerCase();
  return [dataset.id, dataset.name.zh, dataset.name.en, dataset.description, dataset.tableName, ...dataset.keywords].some((text) =>
    text.toLowerCase().includes(q),
  );
}

function catalogueKey(dataset: DatasetDefinition): string {
  return `${LAYER_ORDER.indexOf(dataset.layer)}:${dataset.id}`;
}

const CATALOGUE_ORDER = [...datasetCatalogue].sort((a, b) => (catalogueKey(a) < catalogueKey(b) ? -1 : 1));

async function listDatasets(req: RequestOf<'listDatasets'>, _reply: FastifyReply, ctx: ServiceContext) {
  scopeRegion(req);
  const query = req.query;
  const principal = req.principal;
  const matching = CATALOGUE_ORDER.filter(
    (d) =>
      isListed(principal, d) &&
      (!query.layer || d.layer === query.layer) &&
      (!query.dept || d.ownerDept.code === query.dept) &&
      (!query.theme || d.theme === query.theme) &&
      (!query.shareType || d.shareType === query.shareType) &&
      (!query.openType || d.openType === query.openType) &&
      (!query.updateCycle || d.updateCycle === query.updateCycle) &&
      (!query.q || matchesText(d, query.q)),
  );
  let start = 0;
  if (query.cursor) {
    const after = Buffer.from(query.cursor, 'base64url').toString('utf8');
    if (!/^\d:[a-z0-9-]+$/.test(after)) throw badRequest('cursor: 游标无效', [{ name: 'query/cursor', reason: '游标无效' }]);
    // Keyset on (layer, id): a cursor stays valid even if the catalogue changes between pages.
    start = matching.findIndex((d) => catalogueKey(d) > after);
    if (start < 0) start = matching.length;
  }
  const page = matching.slice(start, start + query.limit);
  const more = start + page.length < matching.length;
  const nextCursor = more ? Buffer.from(catalogueKey(page.at(-1)!)).toString('base64url') : null;
  return {
    items: await Promise.all(page.map((d) => summaryOf(ctx, principal, d))),
    page: { limit: query.limit, nextCursor, total: matching.length, totalExact: true },
  };
}

function listedDataset(req: FastifyRequest<{ Params: { datasetId: string } }>): { dataset: DatasetDefinition; table: DatasetTable } {
  const { datasetId } = req.params;
  const dataset = findDataset(datasetId);
  // Datasets the caller may not even see in the catalogue are answered as absent, not as forbidden.
  if (!dataset || !isListed(req.principal, dataset)) throw notFound(`数据集 ${datasetId} 不存在`);
  return { dataset, table: DATASET_TABLES.get(dataset.id)! };
}

async function getDataset(req: RequestOf<'getDataset'>, _reply: FastifyReply, ctx: ServiceContext) {
  scopeRegion(req);
  const { dataset, table } = listedDataset(req);
  const holdings = await holdingsOf(ctx, req.principal, dataset);
  return {
    ...datasetCatalogueEntry(dataset),
    ...holdings,
    columns: table.columns.map((c) => columnSchema(req.principal, c, holdings.access.grant)),
  };
}

function listDataThemes(req: RequestOf<'listDataThemes'>) {
  scopeRegion(req);
  return {
    items: DATA_THEMES.map((theme) => ({
      code: theme.code,
      name: theme.name,
      datasetCount: datasetCatalogue.filter((d) => d.theme === theme.code && isListed(req.principal, d)).length,
    })),
  };
}

function listDataDepartments(req: RequestOf<'listDataDepartments'>) {
  scopeRegion(req);
  const owners = new Set(datasetCatalogue.map((d) => d.ownerDept.code));
  return {
    items: Object.values(DATA_DEPARTMENTS)
      .filter((dept) => owners.has(dept.code))
      .map((dept) => ({
        code: dept.code,
        name: dept.name,
        datasetCount: datasetCatalogue.filter((d) => d.ownerDept.code === dept.code && isListed(req.principal, d)).length,
      })),
  };
}

// ---------------------------------------------------------------- rows, counts, export

interface ReadContext {
  dataset: DatasetDefinition;
  table: DatasetTable;
  plan: QueryPlan;
  treatments: Map<TableColumn, ColumnTreatment>;
  /** The share grant the read goes through, when the caller reads a 有条件共享 dataset by one. */
  grant: DatasetAccess['grant'];
}

/**
 * The caller's region, narrowed by `X-Region-Code` and then by `regionCode`. A `regionCode` that does
 * not lie inside that scope is refused — also an enclosing one (a village asking for its town),
 * which must not quietly fall back to the smaller scope.
 */
function regionScopeOf(req: FastifyRequest, requested: string | undefined): string {
  const scope = scopeRegion(req);
  if (requested && !requested.startsWith(scope)) throw forbidden(`区域 ${requested} 不在调用方范围 ${scope} 内`);
  return scopeRegion(req, requested);
}

/** Everything a row read needs, after checking the right to read and the region asked for. */
async function prepareRead(req: FastifyRequest<{ Params: { datasetId: string } }>, ctx: ServiceContext, query: RowsQuery, need: 'read' | 'export'): Promise<ReadContext> {
  requirePermission(req, need === 'export' ? 'data:export' : 'data:read');
  const { dataset, table } = listedDataset(req);
  const access = await accessNow(ctx, req.principal, dataset);
  if (!access.read) throw forbidden(`数据集 ${dataset.id}：${access.reason}`);
  if (need === 'export' && !access.export) throw forbidden(`数据集 ${dataset.id} 不允许导出`);
  const regionPrefix = regionScopeOf(req, query.regionCode);
  const treatments = new Map(table.columns.map((c) => [c, columnTreatment(req.principal, c.def, access.grant)]));
  const plan = buildPlan(ctx.db.dialect, table, regionPrefix, query, (def) => treatments.get(table.byName.get(def.name)!) === 'full');
  return { dataset, table, plan, treatments, grant: access.grant };
}

function maskingOf(principal: Principal, read: ReadContext) {
  const reason = `role:${principal.role}`;
  const granted = read.grant?.columns;
  const columns = read.plan.projection
    .filter((c) => read.treatments.get(c) !== 'full')
    // A column the share grant leaves out reads as null whatever its own masking rule.
    .map((c) => (granted && !granted.includes(c.def.name)
      ? { name: c.def.name, rule: 'hidden' as const, reason: `grant:${read.grant!.id}` }
      : { name: c.def.name, rule: c.def.maskRule, reason }));
  return { masked: columns.length > 0, fields: columns.map((c) => c.name), reason: columns.length ? columns[0]!.reason : null, columns };
}

function auditedColumns(principal: Principal, read: ReadContext): string[] {
  return read.plan.projection.filter((c) => unmaskedReadIsAudited(principal, c.def, read.treatments.get(c)!)).map((c) => c.def.name);
}

function presentRow(principal: Principal, read: ReadContext, raw: Record<string, SqlValue>): Record<string, CellValue> {
  const row: Record<string, CellValue> = {};
  for (const column of read.plan.projection) {
    const stored = raw[column.def.name] ?? null;
    const value = column.def.type === 'boolean' && stored !== null ? stored === 1 : stored;
    row[column.def.name] = presentValue(principal, column.def, read.treatments.get(column)!, value);
  }
  return row;
}

/** The request's own URL with `cursor` replaced, for the RFC 8288 `Link: rel="next"` header. */
function nextLink(req: FastifyRequest, cursor: string): string {
  const url = new URL(req.url, 'http://sandbox.invalid');
  url.searchParams.set('cursor', cursor);
  return `<${url.pathname}${url.search}>; rel="next"`;
}

async function listDatasetRows(req: RequestOf<'listDatasetRows'>, reply: FastifyReply, ctx: ServiceContext) {
  const query = req.query;
  const read = await prepareRead(req, ctx, query, 'read');
  const limit = query.limit;
  const mode = query.count;
  const state = query.cursor ? decodeCursor(read.plan, query.cursor) : null;
  // A later page reuses the first page's total (the tables are read-only) unless an exact one is asked for.
  const reused = mode !== 'none' && state?.total !== undefined && (mode === 'estimated' || state.totalExact)
    ? { count: state.total, exact: state.totalExact ?? false }
    : undefined;
  const after = state?.after ?? null;
  const [page, counted] = mode === 'none' || reused
    ? [await readPage(ctx.reads, read.plan, after, limit), reused]
    : await readPageAndCount(ctx.reads, read.plan, after, limit, mode);
  const total = counted?.count ?? null;
  const totalExact = counted?.exact ?? false;
  const nextCursor = page.nextAfter
    ? encodeCursor(read.plan, { after: page.nextAfter, ...(total === null ? {} : { total, totalExact }) })
    : null;
  if (nextCursor) reply.header('link', nextLink(req, nextCursor));

  const audited = auditedColumns(req.principal, read);
  if (audited.length && page.rows.length) ctx.audit(req, 'data.read.unmasked', read.dataset.id, audited);
  // Reads of a 有条件共享 dataset through a grant are traced to the grant they relied on.
  if (read.grant) ctx.audit(req, 'data.read.shared', `${read.dataset.id}:${read.grant.id}`, read.plan.projection.map((c) => c.def.name));

  return {
    datasetId: read.dataset.id,
    regionScope: read.plan.regionPrefix,
    sort: describeSort(read.plan.sort),
    columns: read.plan.projection.map((c) => c.def.name),
    items: page.rows.map((raw) => presentRow(req.principal, read, raw)),
    page: { limit, nextCursor, total, totalExact },
    masking: maskingOf(req.principal, read),
  };
}

async function countDatasetRows(req: RequestOf<'countDatasetRows'>, _reply: FastifyReply, ctx: ServiceContext) {
  const query = req.query;
  const read = await prepareRead(req, ctx, { filter: query.filter, regionCode: query.regionCode }, 'read');
  const counted = await countRows(ctx.reads, read.plan, query.mode);
  return { datasetId: read.dataset.id, regionScope: read.plan.regionPrefix, count: counted.count, exact: counted.exact, method: counted.method };
}

/** YYYYMMDD in Asia/Shanghai (UTC+8 all year), for file names. */
function chinaDateStamp(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

async function exportDatasetRows(req: RequestOf<'exportDatasetRows'>, reply: FastifyReply, ctx: ServiceContext) {
  const query = req.query;
  const read = await prepareRead(req, ctx, { sort: query.sort, filter: query.filter, columns: query.columns, regionCode: query.regionCode }, 'export');
  const style = query.header;
  const maxRows = query.maxRows ?? Number.POSITIVE_INFINITY;
  const principal = req.principal;
  const columns = read.plan.projection.map((c) => c.def);
  const target = `${read.dataset.id}${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`;
  const exportedFields = read.plan.projection.map((c) => c.def.name);
  ctx.audit(req, 'data.export', target, exportedFields, query.purpose);

  async function* csv(): AsyncGenerator<string> {
    let written = 0;
    let finished = false;
    try {
      yield BYTE_ORDER_MARK + csvHeader(columns, style);
      for await (const batch of exportBatches(ctx.db, ctx.reads, read.plan, maxRows, EXPORT_BATCH_ROWS)) {
        let chunk = '';
        for (const raw of batch) {
          const row = presentRow(principal, read, raw);
          chunk += csvLine(columns, exportedFields.map((name) => row[name]), style);
        }
        written += batch.length;
        // Each batch is one string; the stream asks for the next only when the socket has drained.
        yield chunk;
      }
      finished = true;
    } finally {
      ctx.audit(req, finished ? 'data.export.completed' : 'data.export.aborted', `${target}#rows=${written}`, exportedFields, query.purpose);
    }
  }

  const stamp = chinaDateStamp(ctx.clock.now());
  const masking = maskingOf(principal, read);
  reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', contentDisposition(`${read.dataset.id}-${stamp}.csv`, `${read.dataset.name.zh}-${stamp}.csv`))
    .header('x-masked-columns', masking.fields.join(','))
    .header('cache-control', 'no-store');
  return reply.send(Readable.from(csv(), { objectMode: false, highWaterMark: 64 * 1024 }));
}

export const dataService: SandboxService<keyof DataOperations> = {
  name: 'data',
  migrations: [
    // One step for both stores: each writes the DDL of the store it is given.
    { id: 'data/001-tables', sqlite: migrateDataTables, postgres: migrateDataTables },
    { id: 'data/002-sharing', sqlite: migrateSharing, postgres: migrateSharing },
  ],
  seed(db, seedCtx) {
    seedDataTables(db, { seed: seedCtx.seed, size: seedCtx.size }, seedCtx.log);
  },
  handlers: {
    listDatasets,
    getDataset,
    listDatasetRows,
    countDatasetRows,
    exportDatasetRows,
    listDataThemes,
    listDataDepartments,
    ...shareHandlers,
  },
};

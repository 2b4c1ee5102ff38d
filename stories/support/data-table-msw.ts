/**
 * MSW handlers that serve the data API for <cb-data-table> stories from @citybrain/domain: the
 * dataset schema, cursor pages of rows (sorted and filtered in the browser), the streamed CSV
 * export and region names — the same shapes as openapi/data.yaml, with masking by role.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
// Fixture sources by path: Storybook's Vite config aliases only the client and the components.
import { datasetCatalogue, datasetCatalogueEntry, towns, type DatasetColumnDef, type DatasetDefinition, type DatasetRow } from '@citybrain/domain';
import { localView, toColumn, type Column } from '../../packages/components/src/data-table/model.js';

export type StoryRole = 'town' | 'public';

export interface DataStoryOptions {
  /** Seed size of the row generator: `full` gives market-enterprises its million rows. */
  size?: 'small' | 'full';
  /** Rows generated into memory (sortable and filterable); absent: rows are made per page by index. */
  sample?: number;
  role?: StoryRole;
  /** Latency of every answer in ms (to see the loading skeleton). */
  latency?: number;
  /** Overrides of the catalogue's access block (permission denied; `canApply` for a 有条件共享 dataset one may apply for). */
  access?: { read: boolean; export: boolean; reason: string | null; canApply?: boolean };
}

const SEED = 'nanhai-2026';

function find(id: string): DatasetDefinition {
  const dataset = datasetCatalogue.find((d) => d.id === id);
  if (!dataset) throw new Error(`no fixture dataset ${id}`);
  return dataset;
}

function maskedFor(role: StoryRole, def: DatasetColumnDef): boolean {
  if (def.type === 'id-number' || def.type === 'phone') return true;
  return role === 'public' && def.maskRule !== 'none';
}

function mask(def: DatasetColumnDef, value: DatasetRow[string]): DatasetRow[string] {
  if (value === null || typeof value !== 'string') return value;
  switch (def.type === 'id-number' || def.type === 'phone' ? def.type : def.maskRule) {
    case 'phone':
      return `${value.slice(0, 3)}****${value.slice(-4)}`;
    case 'id-number':
      return `${value.slice(0, 6)}********${value.slice(-4)}`;
    case 'name':
      return value.slice(0, 1) + '*'.repeat(Math.max(1, value.length - 1));
    case 'address': {
      const cut = value.search(/村|社区/);
      return cut < 0 ? value : value.slice(0, cut + (value[cut] === '村' ? 1 : 2));
    }
    default:
      return null;
  }
}

/** Sorting the million-row story on any column would need every row: only the columns that grow with the row number. */
const HUGE_SORTABLE = new Set(['establishedDate', 'uscc']);

function schemaOf(dataset: DatasetDefinition, options: DataStoryOptions) {
  const role = options.role ?? 'town';
  const huge = options.sample === undefined;
  const columns = dataset.columns.map(({ indexed: _indexed, ...def }) => {
    const masked = maskedFor(role, { ...def, indexed: false });
    return {
      ...def,
      maskedForCaller: masked,
      sortable: def.sortable && !masked && (!huge || HUGE_SORTABLE.has(def.name)),
      filterOperators: masked || huge ? [] : def.filterOperators,
    };
  });
  const ctx = { seed: SEED, size: options.size ?? 'small' };
  return {
    ...datasetCatalogueEntry(dataset),
    regionScope: '440605',
    rowCount: dataset.rowCount(ctx),
    rowCountExact: true,
    access: options.access ?? { read: true, export: true, unmask: false, reason: null },
    columns,
  };
}

const encodeCursor = (offset: number, key: string) => btoa(JSON.stringify({ o: offset, k: key }));

function decodeCursor(cursor: string | null): number {
  if (!cursor) return 0;
  try {
    return Number(JSON.parse(atob(cursor)).o) || 0;
  } catch {
    return 0;
  }
}

function problem(status: number, title: string, detail: string) {
  return HttpResponse.json(
    { type: 'about:blank', title, status, detail, requestId: `sb-${status}` },
    { status, headers: { 'content-type': 'application/problem+json', 'x-request-id': `sb-${status}` } },
  );
}

/**
 * The data API for one fixture dataset. Rows are generated once into memory when `sample` is given
 * (sorted and filtered like the server would), or made per page by index for the million-row story.
 */
export function dataTableHandlers(id: string, options: DataStoryOptions = {}): HttpHandler[] {
  const dataset = find(id);
  const schema = schemaOf(dataset, options);
  const ctx = { seed: SEED, size: options.size ?? 'small' };
  const role = options.role ?? 'town';
  const masked = dataset.columns.filter((c) => maskedFor(role, c));
  const present = (row: DatasetRow): DatasetRow => {
    const copy = { ...row };
    for (const c of masked) copy[c.name] = mask(c, copy[c.name] ?? null);
    return copy;
  };
  let sample: DatasetRow[] | undefined;
  const rowsOf = () => (sample ??= Array.from({ length: Math.min(options.sample!, dataset.rowCount(ctx)) }, (_, i) => present(dataset.row(i, ctx))));
  const columnMap = new Map(schema.columns.map((c) => [c.name, toColumn(c, false)!] as [string, Column]));

  /** The rows of a query: an index lookup, and how many there are. */
  function query(url: URL): { count: number; at: (i: number) => DatasetRow } {
    const sort = (url.searchParams.get('sort') || dataset.defaultSort).split(',');
    const filter = url.searchParams.getAll('filter');
    if (options.sample === undefined) {
      const count = dataset.rowCount(ctx);
      // Row numbers follow registration order, so descending dates are descending row numbers.
      const descending = sort[0]!.startsWith('-');
      return { count, at: (i) => present(dataset.row(descending ? count - 1 - i : i, ctx)) };
    }
    const rows = rowsOf();
    const view = localView(rows, columnMap, { sort, filter });
    return { count: view?.length ?? rows.length, at: (i) => rows[view ? view[i]! : i]! };
  }

  const latency = () => (options.latency ? delay(options.latency) : undefined);

  return [
    http.get(`*/api/v1/data/datasets/${id}`, async () => {
      await latency();
      return HttpResponse.json(schema, { headers: { 'x-request-id': 'sb-schema' } });
    }),
    http.get(`*/api/v1/data/datasets/${id}/rows`, async ({ request }) => {
      await latency();
      if (!schema.access.read) return problem(403, 'Forbidden', `数据集 ${id}：${schema.access.reason}`);
      const url = new URL(request.url);
      const limit = Math.min(1000, Number(url.searchParams.get('limit')) || 50);
      const offset = decodeCursor(url.searchParams.get('cursor'));
      const { count, at } = query(url);
      const items = Array.from({ length: Math.max(0, Math.min(limit, count - offset)) }, (_, i) => at(offset + i));
      const next = offset + items.length < count ? encodeCursor(offset + items.length, url.searchParams.toString()) : null;
      return HttpResponse.json(
        {
          datasetId: id,
          regionScope: '440605124',
          sort: (url.searchParams.get('sort') || dataset.defaultSort).split(','),
          columns: schema.columns.map((c) => c.name),
          items,
          page: { limit, nextCursor: next, total: count, totalExact: true },
          masking: { masked: masked.length > 0, fields: masked.map((c) => c.name), reason: `role:${role}`, columns: [] },
        },
        { headers: { 'x-request-id': `sb-rows-${offset}` } },
      );
    }),
    http.get(`*/api/v1/data/datasets/${id}/export`, ({ request }) => {
      const url = new URL(request.url);
      const names = url.searchParams.get('columns')?.split(',') ?? schema.columns.map((c) => c.name);
      const defs = names.map((n) => schema.columns.find((c) => c.name === n)!).filter(Boolean);
      const { count, at } = query(url);
      const total = Math.min(count, 20_000);
      const cell = (v: unknown) => {
        const text = v === null || v === undefined ? '' : String(v);
        const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
        return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
      };
      const encoder = new TextEncoder();
      let i = 0;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(`\uFEFF${defs.map((d) => cell(d.unit ? `${d.label.zh}（${d.unit}）` : d.label.zh)).join(',')}\r\n`));
        },
        async pull(controller) {
          await delay(40);
          let chunk = '';
          for (const end = Math.min(total, i + 500); i < end; i++) chunk += `${defs.map((d) => cell(at(i)[d.name])).join(',')}\r\n`;
          controller.enqueue(encoder.encode(chunk));
          if (i >= total) controller.close();
        },
      });
      const filename = `${dataset.name.zh}.csv`;
      return new HttpResponse(body, {
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${id}.csv"; filename*=UTF-8''${encodeURIComponent(filename)}`,
          'x-masked-columns': masked.map((c) => c.name).join(','),
          'x-request-id': 'sb-export',
        },
      });
    }),
    regionsHandler,
  ];
}

/** The district's towns, or one town's villages, from the real division codes. */
export const regionsHandler = http.get('*/api/v1/regions', ({ request }) => {
  const parent = new URL(request.url).searchParams.get('parent') ?? '440605';
  const region = (code: string, name: string, level: string, parentCode: string) => ({
    code, name, level, parentCode, urbanRuralType: null, validFrom: '2023-01-01', validTo: null,
  });
  const items =
    parent === '440605'
      ? towns.map((t) => region(t.code, t.name, 'town', '440605'))
      : (towns.find((t) => t.code === parent)?.villages ?? []).map((v) => region(v.code, v.name, 'village', parent));
  return HttpResponse.json({ items }, { headers: { 'x-request-id': 'sb-regions' } });
});

/** Every data request answered with a problem: a 503 (retried by the client first) or a 403. */
export function failingRows(id: string, status: 403 | 503, detail: string): HttpHandler[] {
  return [
    ...dataTableHandlers(id, { sample: 50 }).slice(0, 1),
    http.get(`*/api/v1/data/datasets/${id}/rows`, () => problem(status, status === 403 ? 'Forbidden' : 'Service Unavailable', detail)),
    regionsHandler,
  ];
}

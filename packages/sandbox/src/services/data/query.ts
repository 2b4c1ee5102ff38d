/**
 * Turns the `sort`, `filter`, `columns`, `regionCode` and `cursor` parameters of the data API into
 * parameterised SQL over one dataset table, and runs keyset pages and counts.
 *
 * Only column names from the dataset's own definition ever reach SQL (as pre-quoted identifiers);
 * every value a caller sends is a bound parameter. Unknown columns, operators the column does not
 * allow, badly typed values and cursors of another query are 400 problems naming the parameter.
 */
import { createHash } from 'node:crypto';
import type { DatasetColumnDef, FilterOperator } from '@citybrain/domain';
import type { ConcurrentReads } from '../../storage/reads.js';
import type { Dialect } from '../../storage/sql.js';
import { parseFilterExpression, splitFilterList, validateDivisionCode, validateIdNumber, validateUscc } from '@citybrain/validators';
import type { Db } from '../../db.js';
import { badRequest } from '../../problems.js';
import { EXACT_COUNT_LIMIT, type DatasetTable, type TableColumn } from './tables.js';

export type SqlValue = string | number | null;

interface Condition {
  sql: string;
  params: SqlValue[];
}

export interface SortKey {
  column: TableColumn;
  descending: boolean;
}

export interface QueryPlan {
  table: DatasetTable;
  /** The store the plan's SQL is written for. */
  dialect: Dialect;
  /** The caller's effective region prefix (6, 9 or 12 digits). */
  regionPrefix: string;
  /** Requested sort followed by the primary key: a total order. */
  sort: SortKey[];
  filters: Condition[];
  /** Columns of each returned row, in order. */
  projection: TableColumn[];
  /** Identifies the query a cursor belongs to. */
  fingerprint: string;
}

export interface CursorState {
  /** Values of the sort keys (primary key included) of the last row served. */
  after: SqlValue[];
  /** The total computed for the first page, carried along so later pages need not count again. */
  total?: number;
  totalExact?: boolean;
}

const MAX_SORT_COLUMNS = 5;
const MAX_FILTERS = 20;
const MAX_IN_VALUES = 100;
const MAX_VALUE_LENGTH = 200;
/** An estimate extrapolated from fewer sample hits than this is too rough; count exactly instead. */
const MIN_SAMPLE_HITS = 25;

function fail(name: string, reason: string): never {
  throw badRequest(`${name.replace(/^query\//, '')}: ${reason}`, [{ name, reason }]);
}

/** Columns the caller may not sort or filter on: ordering or matching on a masked value would reveal it. */
export type ColumnGuard = (column: DatasetColumnDef) => boolean;

// ---------------------------------------------------------------- sort

export function parseSort(table: DatasetTable, raw: string | undefined, usable: ColumnGuard): SortKey[] {
  const text = raw?.trim() || table.dataset.defaultSort;
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > MAX_SORT_COLUMNS) fail('query/sort', `最多按 ${MAX_SORT_COLUMNS} 列排序`);
  const keys: SortKey[] = [];
  for (const part of parts) {
    const descending = part.startsWith('-');
    const name = descending ? part.slice(1) : part;
    const column = table.byName.get(name);
    if (!column) fail('query/sort', `未知列 ${name || '(空)'}`);
    if (!column.def.sortable || !usable(column.def)) fail('query/sort', `列 ${name} 不可排序`);
    if (keys.some((k) => k.column === column)) fail('query/sort', `列 ${name} 重复`);
    keys.push({ column, descending });
  }
  // The key breaks ties in the direction of the last sort column, so that one index on that column
  // (which ends with the key) delivers the whole order without a sort step.
  const tieDirection = keys.at(-1)?.descending ?? false;
  for (const column of table.primaryKey) {
    if (!keys.some((k) => k.column === column)) keys.push({ column, descending: tieDirection });
  }
  return keys;
}

export function describeSort(keys: SortKey[]): string[] {
  return keys.map((k) => `${k.descending ? '-' : ''}${k.column.def.name}`);
}

// ---------------------------------------------------------------- projection

export function parseColumns(table: DatasetTable, raw: string | undefined): TableColumn[] {
  if (!raw?.trim()) return table.columns;
  const seen = new Set<string>();
  return raw.split(',').map((part) => {
    const name = part.trim();
    const column = table.byName.get(name);
    if (!column) fail('query/columns', `未知列 ${name || '(空)'}`);
    if (seen.has(name)) fail('query/columns', `列 ${name} 重复`);
    seen.add(name);
    return column;
  });
}

// ---------------------------------------------------------------- filters

const OPERATORS = new Set<FilterOperator>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'like', 'prefix', 'null']);

const NUMERIC_TYPES = new Set(['number', 'money', 'percent', 'area-sqm', 'area-mu', 'length-km', 'longitude', 'latitude']);

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** A filter value typed by its column, or the reason it is not one. */
function typedValue(column: DatasetColumnDef, raw: string, operator: FilterOperator): SqlValue | { error: string } {
  if (raw.length > MAX_VALUE_LENGTH) return { error: `值超过 ${MAX_VALUE_LENGTH} 个字符` };
  if (operator === 'like' || operator === 'prefix') {
    if (!raw.length) return { error: '值不能为空' };
    if (column.type === 'region-code' && !/^\d{1,12}$/.test(raw)) return { error: '区划代码前缀应为 1–12 位数字' };
    return raw;
  }
  switch (column.type) {
    case 'integer':
      return /^-?\d{1,15}$/.test(raw) ? Number(raw) : { error: `${raw} 不是整数` };
    case 'boolean':
      return raw === 'true' ? 1 : raw === 'false' ? 0 : { error: '应为 true 或 false' };
    case 'date':
      return isCalendarDate(raw) ? raw : { error: `${raw} 不是 YYYY-MM-DD 日期` };
    case 'datetime':
      return /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(raw) && !Number.isNaN(Date.parse(raw)) ? raw : { error: `${raw} 不是 ISO 8601 时间` };
    case 'year-month':
      return /^\d{4}-(0[1-9]|1[0-2])$/.test(raw) ? raw : { error: `${raw} 不是 YYYY-MM 月份` };
    case 'enum':
      return column.options?.some((o) => o.value === raw) ? raw : { error: `${raw} 不是可选值（${column.options?.map((o) => o.value).join(', ')}）` };
    case 'region-code':
      return validateDivisionCode(raw, { level: 'village' }).valid ? raw : { error: `${raw} 不是 12 位村居代码` };
    case 'uscc': {
      const check = validateUscc(raw);
      return check.valid ? check.normalized : { error: `${raw} 不是有效的统一社会信用代码（${check.reason === 'checksum' ? '校验位错误' : '格式应为 18 位代码'}）` };
    }
    case 'id-number': {
      const check = validateIdNumber(raw);
      return check.valid ? check.normalized : { error: `${raw} 不是有效的居民身份证号码（${check.reason === 'checksum' ? '校验位错误' : '格式或出生日期错误'}）` };
    }
    default:
      if (NUMERIC_TYPES.has(column.type)) {
        return /^-?\d{1,15}(\.\d{1,10})?$/.test(raw) ? Number(raw) : { error: `${raw} 不是数值` };
      }
      return raw.length ? raw : { error: '值不能为空' };
  }
}

/** The smallest string greater than every string starting with `prefix` (by code point, as SQLite's BINARY collation orders UTF-8). */
function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix);
  const last = points.pop()!.codePointAt(0)!;
  if (last >= 0x10ffff) return null;
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return points.join('') + String.fromCodePoint(next);
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filterCondition(dialect: Dialect, column: TableColumn, operator: FilterOperator, rawValue: string, name: string): Condition {
  const c = column.sql;
  const one = (): SqlValue => {
    const value = typedValue(column.def, rawValue, operator);
    if (value !== null && typeof value === 'object') fail(name, `列 ${column.def.name}：${value.error}`);
    return value;
  };
  switch (operator) {
    case 'eq':
      return { sql: `${c} = ?`, params: [one()] };
    case 'ne':
      // IS DISTINCT FROM: a row whose value is empty is also "not equal".
      return { sql: `${c} IS DISTINCT FROM ?`, params: [one()] };
    case 'gt':
      return { sql: `${c} > ?`, params: [one()] };
    case 'gte':
      return { sql: `${c} >= ?`, params: [one()] };
    case 'lt':
      return { sql: `${c} < ?`, params: [one()] };
    case 'lte':
      return { sql: `${c} <= ?`, params: [one()] };
    case 'in':
    case 'nin': {
      const raws = splitFilterList(rawValue);
      if (raws.length > MAX_IN_VALUES) fail(name, `最多 ${MAX_IN_VALUES} 个值`);
      const values = raws.map((raw) => {
        const value = typedValue(column.def, raw, operator);
        if (value !== null && typeof value === 'object') fail(name, `列 ${column.def.name}：${value.error}`);
        return value;
      });
      const list = values.map(() => '?').join(', ');
      return operator === 'in'
        ? { sql: `${c} IN (${list})`, params: values }
        : { sql: `(${c} IS NULL OR ${c} NOT IN (${list}))`, params: values };
    }
    case 'like':
      // SQLite's LIKE ignores the case of ASCII letters only; so does ILIKE on PostgreSQL's "C" collation.
      return { sql: `${c} ${dialect === 'postgres' ? 'ILIKE' : 'LIKE'} ? ESCAPE '\\'`, params: [likePattern(String(one()))] };
    case 'prefix': {
      const prefix = String(one());
      const upper = prefixUpperBound(prefix);
      // A range, not LIKE: it seeks in the column's index and compares case-sensitively.
      return upper === null
        ? { sql: `substr(${c}, 1, ?) = ?`, params: [Array.from(prefix).length, prefix] }
        : { sql: `${c} >= ? AND ${c} < ?`, params: [prefix, upper] };
    }
    case 'null':
      if (rawValue !== 'true' && rawValue !== 'false') fail(name, 'null 运算符的值应为 true 或 false');
      return { sql: rawValue === 'true' ? `${c} IS NULL` : `${c} IS NOT NULL`, params: [] };
  }
}

export function parseFilters(table: DatasetTable, raw: unknown, usable: ColumnGuard, dialect: Dialect): { conditions: Condition[]; canonical: string[] } {
  if (raw === undefined) return { conditions: [], canonical: [] };
  const expressions = Array.isArray(raw) ? raw : [raw];
  if (expressions.length > MAX_FILTERS) fail('query/filter', `最多 ${MAX_FILTERS} 个筛选条件`);
  const conditions: Condition[] = [];
  const canonical: string[] = [];
  expressions.forEach((expression, index) => {
    const name = `query/filter/${index}`;
    if (typeof expression !== 'string') fail(name, '应为 列:运算符:值 形式的字符串');
    const parsed = parseFilterExpression(expression);
    if (!parsed) fail(name, `“${expression}”应为 列:运算符:值`);
    const { column: columnName, value } = parsed;
    const operator = parsed.operator as FilterOperator;
    const column = table.byName.get(columnName);
    if (!column) fail(name, `未知列 ${columnName}`);
    if (!OPERATORS.has(operator)) fail(name, `未知运算符 ${operator}`);
    if (!column.def.filterOperators.includes(operator) || !usable(column.def)) {
      const allowed = usable(column.def) ? column.def.filterOperators : [];
      fail(name, `列 ${columnName} 不支持运算符 ${operator}（可用：${allowed.join(', ') || '无'}）`);
    }
    conditions.push(filterCondition(dialect, column, operator, value, name));
    canonical.push(expression);
  });
  return { conditions, canonical };
}

// ---------------------------------------------------------------- region scope

function regionRange(prefix: string): [string, string] {
  return [prefix, prefixUpperBound(prefix)!];
}

/**
 * A column the planner should not pick an index for. SQLite's planner takes any usable index on a
 * condition and then sorts; unary `+` keeps the value but hides the column from it. PostgreSQL's
 * planner weighs the `LIMIT` against its statistics by itself (and has no unary `+` for text).
 */
function unindexed(dialect: Dialect, column: TableColumn): string {
  return dialect === 'sqlite' ? `+${column.sql}` : column.sql;
}

/**
 * The region condition. A village is an equality the planner can use; for a town or the district
 * the range hides the column from SQLite's planner — so a keyset page walks the sort column's index
 * (and skips rows of other towns) instead of collecting a whole town's rows and sorting them for
 * every page.
 */
function regionCondition(plan: QueryPlan, forRowScan: boolean): Condition {
  const c = plan.table.region.sql;
  if (plan.regionPrefix.length === 12) return { sql: `${c} = ?`, params: [plan.regionPrefix] };
  const [low, high] = regionRange(plan.regionPrefix);
  const operand = forRowScan ? unindexed(plan.dialect, plan.table.region) : c;
  return { sql: `${operand} >= ? AND ${operand} < ?`, params: [low, high] };
}

// ---------------------------------------------------------------- plans and cursors

export function buildPlan(
  dialect: Dialect,
  table: DatasetTable,
  regionPrefix: string,
  query: { sort?: string; filter?: unknown; columns?: string },
  usable: ColumnGuard,
): QueryPlan {
  const sort = parseSort(table, query.sort, usable);
  const { conditions, canonical } = parseFilters(table, query.filter, usable, dialect);
  const projection = parseColumns(table, query.columns);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([table.dataset.id, regionPrefix, describeSort(sort), canonical, projection.map((c) => c.def.name)]))
    .digest('base64url')
    .slice(0, 12);
  return { table, dialect, regionPrefix, sort, filters: conditions, projection, fingerprint };
}

export function encodeCursor(plan: QueryPlan, state: CursorState): string {
  return Buffer.from(JSON.stringify({ q: plan.fingerprint, k: state.after, t: state.total, x: state.totalExact })).toString('base64url');
}

export function decodeCursor(plan: QueryPlan, cursor: string): CursorState {
  let parsed: { q?: unknown; k?: unknown; t?: unknown; x?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    fail('query/cursor', '游标无效');
  }
  if (!parsed || typeof parsed !== 'object') fail('query/cursor', '游标无效');
  if (parsed.q !== plan.fingerprint) fail('query/cursor', '游标属于另一个查询（sort、filter、columns 或区域不同）');
  const after = parsed.k;
  // 1e400 parses as Infinity: no row lies after it, so such a cursor is not one we wrote.
  if (!Array.isArray(after) || after.length !== plan.sort.length || !after.every((v) => v === null || typeof v === 'string' || Number.isFinite(v))) {
    fail('query/cursor', '游标无效');
  }
  return {
    after: after as SqlValue[],
    total: Number.isFinite(parsed.t) ? (parsed.t as number) : undefined,
    totalExact: typeof parsed.x === 'boolean' ? parsed.x : undefined,
  };
}

/**
 * Rows strictly after `after` in the plan's order (NULLs first ascending and last descending, as
 * SQLite orders them and as `orderBy` asks PostgreSQL to). When every key runs one way and no
 * cursor value is NULL, a row-value comparison `(a, b, key) > (?, ?, ?)` lets either store seek
 * straight into the index (which ends with the key); otherwise the expansion
 * `a > ? OR (a = ? AND (b > ? OR …))` with a leading bound on the first key.
 */
function keysetCondition(sort: SortKey[], after: SqlValue[]): Condition {
  const direction = sort[0]!.descending;
  const uniform = sort.every((k) => k.descending === direction);
  const noNulls = after.every((v) => v !== null);
  // Descending, a NULL sorts last, so it counts as "after" any value — a row value cannot express that.
  const nullsHarmless = !direction || sort.every((k) => !k.column.def.nullable);
  if (uniform && noNulls && nullsHarmless) {
    const columns = sort.map((k) => k.column.sql).join(', ');
    return { sql: `(${columns}) ${direction ? '<' : '>'} (${sort.map(() => '?').join(', ')})`, params: [...after] };
  }
  const disjuncts: string[] = [];
  const params: SqlValue[] = [];
  sort.forEach((key, i) => {
    const equalities: string[] = [];
    const equalityParams: SqlValue[] = [];
    for (let j = 0; j < i; j++) {
      const previous = sort[j]!;
      if (after[j] === null) equalities.push(`${previous.column.sql} IS NULL`);
      else {
        equalities.push(`${previous.column.sql} = ?`);
        equalityParams.push(after[j]!);
      }
    }
    const c = key.column.sql;
    const value = after[i]!;
    let beyond: string | null;
    const beyondParams: SqlValue[] = [];
    if (!key.descending) {
      beyond = value === null ? `${c} IS NOT NULL` : `${c} > ?`;
      if (value !== null) beyondParams.push(value);
    } else if (value === null) {
      beyond = null; // nothing sorts after NULL in descending order
    } else {
      beyond = key.column.def.nullable ? `(${c} < ? OR ${c} IS NULL)` : `${c} < ?`;
      beyondParams.push(value);
    }
    if (beyond === null) return;
    disjuncts.push([...equalities, beyond].join(' AND '));
    params.push(...equalityParams, ...beyondParams);
  });
  if (!disjuncts.length) return { sql: '1 = 0', params: [] };
  const first = sort[0]!;
  const firstValue = after[0]!;
  const bound =
    firstValue === null ? null
    : !first.descending ? { sql: `${first.column.sql} >= ?`, params: [firstValue] }
    : first.column.def.nullable ? null
    : { sql: `${first.column.sql} <= ?`, params: [firstValue] };
  const expanded = `(${disjuncts.map((d) => `(${d})`).join(' OR ')})`;
  return bound ? { sql: `${bound.sql} AND ${expanded}`, params: [...bound.params, ...params] } : { sql: expanded, params };
}

function whereClause(conditions: Condition[]): { sql: string; params: SqlValue[] } {
  if (!conditions.length) return { sql: '', params: [] };
  return { sql: ` WHERE ${conditions.map((c) => `(${c.sql})`).join(' AND ')}`, params: conditions.flatMap((c) => c.params) };
}

export interface PageResult {
  /** Raw rows keyed by column name (projection plus sort keys), unmasked. */
  rows: Record<string, SqlValue>[];
  /** Sort-key values of the last row when more rows follow, else null. */
  nextAfter: SqlValue[] | null;
}

/**
 * One keyset page: `limit` rows after `after` (or from the start), plus whether more follow. Read
 * through `reads`, so that on PostgreSQL pages run side by side on the read pool.
 */
export async function readPage(reads: ConcurrentReads, plan: QueryPlan, after: SqlValue[] | null, limit: number): Promise<PageResult> {
  const rows = walksGroups(plan) ? await readByGroups(reads, plan, after, limit + 1) : await readRun(reads, plan, plan.sort, [], after, limit + 1);
  return pageOf(plan, rows, limit);
}

/** Up to `limit + 1` rows read as a page of `limit`: the extra row only says that more follow. */
function pageOf(plan: QueryPlan, rows: Record<string, SqlValue>[], limit: number): PageResult {
  const more = rows.length > limit;
  if (more) rows.pop();
  const last = rows.at(-1);
  return { rows, nextAfter: more && last ? plan.sort.map((k) => last[k.column.def.name] ?? null) : null };
}

/** The column a page's statement carries the statistics count in (see {@link readPageAndCount}). */
const ROWS_IN_SCOPE = '_rows_in_scope';

/**
 * A page and the count of its query. An unfiltered count comes from the per-village statistics and
 * rides along in the page's own statement as a scalar subquery: one statement on one pooled
 * connection instead of two, since pooled connections are what concurrent readers queue for. Other
 * counts, and pages that walk groups in several statements, run beside the page.
 */
export async function readPageAndCount(
  reads: ConcurrentReads,
  plan: QueryPlan,
  after: SqlValue[] | null,
  limit: number,
  mode: 'exact' | 'estimated',
): Promise<[PageResult, CountResult]> {
  if (plan.filters.length || walksGroups(plan)) return Promise.all([readPage(reads, plan, after, limit), countRows(reads, plan, mode)]);
  const rows = await readRun(reads, plan, plan.sort, [], after, limit + 1, rowsInScopeQuery(plan));
  // An empty page has no row to carry the count.
  const count = rows.length ? Number(rows[0]![ROWS_IN_SCOPE]) : await rowsInScope(reads, plan);
  for (const row of rows) delete row[ROWS_IN_SCOPE];
  return [pageOf(plan, rows, limit), { count, exact: true, method: 'stats' }];
}

/**
 * The ORDER BY of a sort. PostgreSQL puts NULLs last ascending; a nullable column is told to put them
 * where SQLite does, which its index (built NULLS FIRST) serves in either direction.
 */
function orderBy(plan: QueryPlan, sort: SortKey[]): string {
  return sort
    .map((k) => {
      const nulls = plan.dialect === 'postgres' && k.column.def.nullable ? (k.descending ? ' NULLS LAST' : ' NULLS FIRST') : '';
      return `${k.column.sql}${k.descending ? ' DESC' : ''}${nulls}`;
    })
    .join(', ');
}

function selectList(plan: QueryPlan): string {
  const selected = [...new Set([...plan.projection, ...plan.sort.map((k) => k.column)])];
  return selected.map((c) => `${c.sql} AS "${c.def.name}"`).join(', ');
}

/**
 * Rows in `sort` order after `after` (null: from the start), with extra conditions, at most `limit`;
 * with `rowsInScope`, each row also carries that count as {@link ROWS_IN_SCOPE}.
 */
function readRun(
  reads: ConcurrentReads,
  plan: QueryPlan,
  sort: SortKey[],
  extra: Condition[],
  after: SqlValue[] | null,
  limit: number,
  rowsInScope?: Condition,
): Promise<Record<string, SqlValue>[]> {
  const conditions = [regionCondition(plan, true), ...plan.filters, ...extra];
  if (after) conditions.push(keysetCondition(sort, after));
  const where = whereClause(conditions);
  const carried = rowsInScope ? `, (${rowsInScope.sql}) AS "${ROWS_IN_SCOPE}"` : '';
  const sql = `SELECT ${selectList(plan)}${carried} FROM ${plan.table.sql}${where.sql} ORDER BY ${orderBy(plan, sort)} LIMIT ?`;
  return reads.all<Record<string, SqlValue>>(sql, ...(rowsInScope?.params ?? []), ...where.params, limit);
}

/**
 * Every row of the plan in its order, at most `maxRows`, in batches of `batchRows`, for an export
 * that streams while other requests go on. PostgreSQL reads one statement through a server-side
 * cursor of the store (on a connection and snapshot of its own). SQLite reads keyset pages through
 * `reads` instead: an open statement there would hold the one connection that every other request shares.
 */
export async function* exportBatches(db: Db, reads: ConcurrentReads, plan: QueryPlan, maxRows: number, batchRows: number): AsyncGenerator<Record<string, SqlValue>[]> {
  if (plan.dialect === 'postgres') {
    const where = whereClause([regionCondition(plan, false), ...plan.filters]);
    const limit = Number.isFinite(maxRows) ? ' LIMIT ?' : '';
    const sql = `SELECT ${selectList(plan)} FROM ${plan.table.sql}${where.sql} ORDER BY ${orderBy(plan, plan.sort)}${limit}`;
    let batch: Record<string, SqlValue>[] = [];
    for (const row of db.prepare(sql).iterate(...where.params, ...(limit ? [maxRows] : []))) {
      batch.push(row as Record<string, SqlValue>);
      if (batch.length === batchRows) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
    return;
  }
  let written = 0;
  let after: SqlValue[] | null = null;
  do {
    const page = await readPage(reads, plan, after, Math.min(batchRows, maxRows - written));
    if (page.rows.length) yield page.rows;
    written += page.rows.length;
    after = page.nextAfter;
  } while (after && written < maxRows);
}

/**
 * A sort led by a code column (`status,-registeredCapital`) has huge ties on that first column; one
 * index covers only one column, so SQLite would sort a whole tie group — hundreds of thousands of
 * rows in the big registry — for every page. Such a sort is read one group at a time instead.
 */
function walksGroups(plan: QueryPlan): boolean {
  const lead = plan.sort[0]!.column;
  const keyCount = plan.table.primaryKey.length;
  return plan.sort.length - keyCount >= 2 && (lead.def.type === 'enum' || lead.def.type === 'boolean') && !lead.def.nullable;
}

/**
 * Group by group: the rest of the current group (rows equal on the first key, in the order of the
 * remaining keys, whose index serves that order), then the next value of the first key — found
 * through its own index — and so on until the page is full. Inside a group the first key is hidden
 * from SQLite's planner so that it walks the second key's index rather than sorting the group.
 */
async function readByGroups(reads: ConcurrentReads, plan: QueryPlan, after: SqlValue[] | null, limit: number): Promise<Record<string, SqlValue>[]> {
  const [lead, ...rest] = plan.sort as [SortKey, ...SortKey[]];
  const rows: Record<string, SqlValue>[] = [];
  const inGroup = (value: SqlValue): Condition => ({ sql: `${unindexed(plan.dialect, lead.column)} = ?`, params: [value] });
  let value: SqlValue | undefined = after ? after[0]! : undefined;
  if (after) rows.push(...(await readRun(reads, plan, rest, [inGroup(value!)], after.slice(1), limit)));
  while (rows.length < limit) {
    const conditions = [regionCondition(plan, true), ...plan.filters];
    if (value !== undefined) conditions.push({ sql: `${lead.column.sql} ${lead.descending ? '<' : '>'} ?`, params: [value] });
    const where = whereClause(conditions);
    const next = await reads.get<{ v: SqlValue }>(
      `SELECT ${lead.column.sql} AS v FROM ${plan.table.sql}${where.sql} ORDER BY ${lead.column.sql}${lead.descending ? ' DESC' : ''} LIMIT 1`,
      ...where.params,
    );
    if (!next) break;
    value = next.v;
    rows.push(...(await readRun(reads, plan, rest, [inGroup(value)], null, limit - rows.length)));
  }
  return rows;
}

export interface CountResult {
  count: number;
  exact: boolean;
  method: 'count' | 'stats' | 'sample';
}

/** The rows of the plan's dataset in its region, from the per-village statistics, as one value. */
function rowsInScopeQuery(plan: QueryPlan): Condition {
  const [low, high] = regionRange(plan.regionPrefix);
  return {
    sql: 'SELECT COALESCE(SUM(row_count), 0) FROM data_region_counts WHERE dataset_id = ? AND region_code >= ? AND region_code < ?',
    params: [plan.table.dataset.id, low, high],
  };
}

async function rowsInScope(reads: ConcurrentReads, plan: QueryPlan): Promise<number> {
  const query = rowsInScopeQuery(plan);
  const row = await reads.get<{ n: number }>(`SELECT (${query.sql}) AS n`, ...query.params);
  return row!.n;
}

async function exactCount(reads: ConcurrentReads, plan: QueryPlan, extra: Condition[] = []): Promise<number> {
  const where = whereClause([regionCondition(plan, false), ...plan.filters, ...extra]);
  return (await reads.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${plan.table.sql}${where.sql}`, ...where.params))!.n;
}

/**
 * Unfiltered counts come from the per-village statistics. Filtered ones are counted exactly when
 * asked to or when the scope is small; otherwise the filters run over the 1 % sample and the hit
 * rate is scaled to the rows in scope. Read through `reads`, like the pages.
 */
export async function countRows(reads: ConcurrentReads, plan: QueryPlan, mode: 'exact' | 'estimated', exactCountLimit = EXACT_COUNT_LIMIT): Promise<CountResult> {
  if (!plan.filters.length) return { count: await rowsInScope(reads, plan), exact: true, method: 'stats' };
  if (mode === 'exact') return { count: await exactCount(reads, plan), exact: true, method: 'count' };
  const scopeRows = await rowsInScope(reads, plan);
  if (scopeRows <= exactCountLimit) return { count: await exactCount(reads, plan), exact: true, method: 'count' };
  const sampleOnly: Condition = { sql: '"_sample" = 0', params: [] };
  const hits = await exactCount(reads, plan, [sampleOnly]);
  if (hits < MIN_SAMPLE_HITS) return { count: await exactCount(reads, plan), exact: true, method: 'count' };
  const sampleWhere = whereClause([sampleOnly, regionCondition(plan, false)]);
  const sampleSize = (await reads.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${plan.table.sql}${sampleWhere.sql}`, ...sampleWhere.params))!.n;
  return { count: sampleSize ? Math.round((hits / sampleSize) * scopeRows) : 0, exact: false, method: 'sample' };
}

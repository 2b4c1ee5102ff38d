/**
 * Share applications (有条件共享): a town or village applies for a conditional dataset with a purpose and a
 * period, the owning department's data steward (数据专员) or CDO approves — possibly narrowing period and columns —
 * or returns it with a reason, and an approval yields a grant for the applicant's region that the reads
 * honour until it expires on the sandbox clock. Every step is audited.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DataComponents } from '@citybrain/contract';
import { datasetCatalogue, findDataset, type DatasetDefinition } from '@citybrain/domain';
import { requirePermission, type Principal } from '../../auth.js';
import type { RequestOf, ServiceContext } from '../../context.js';
import type { Db } from '../../db.js';
import { withIdempotency } from '../../idempotency.js';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../problems.js';
import { accessOf, isListed, type DatasetAccess } from './access.js';

type Schemas = DataComponents['schemas'];
type ShareApplication = Schemas['ShareApplication'];
type ShareApplicationStatus = Schemas['ShareApplicationStatus'];
export type ShareGrant = Schemas['ShareGrant'];
type ShareAction = ShareApplication['allowedActions'][number];

/** The longest period one application may ask for: a year, leap day included. */
const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;
/** Asia/Shanghai keeps UTC+8 all year: a period's days begin and end at midnight there. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

export function migrateSharing(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS share_applications (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      dataset_id TEXT NOT NULL,
      applicant_client_id TEXT NOT NULL,
      applicant_name TEXT NOT NULL,
      applicant_role TEXT NOT NULL,
      region_code TEXT NOT NULL,
      purpose TEXT NOT NULL,
      scenario TEXT,
      valid_from TEXT NOT NULL,
      valid_to TEXT NOT NULL,
      columns TEXT,
      status TEXT NOT NULL,
      submitted_at TEXT NOT NULL,
      decided_at TEXT,
      decided_by_client_id TEXT,
      decided_by_name TEXT,
      comment TEXT,
      return_reason TEXT
    );
    CREATE INDEX IF NOT EXISTS share_applications_applicant ON share_applications (applicant_client_id, dataset_id);
    CREATE TABLE IF NOT EXISTS share_grants (
      id TEXT PRIMARY KEY,
      application_id TEXT NOT NULL UNIQUE,
      dataset_id TEXT NOT NULL,
      client_id TEXT NOT NULL,
      region_scope TEXT NOT NULL,
      columns TEXT,
      valid_from TEXT NOT NULL,
      valid_to TEXT NOT NULL,
      starts_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS share_grants_holder ON share_grants (client_id, dataset_id);
  `);
}

interface ApplicationRow {
  seq: number;
  id: string;
  dataset_id: string;
  applicant_client_id: string;
  applicant_name: string;
  applicant_role: string;
  region_code: string;
  purpose: string;
  scenario: string | null;
  valid_from: string;
  valid_to: string;
  columns: string | null;
  status: ShareApplicationStatus;
  submitted_at: string;
  decided_at: string | null;
  decided_by_client_id: string | null;
  decided_by_name: string | null;
  comment: string | null;
  return_reason: string | null;
}

interface GrantRow {
  id: string;
  application_id: string;
  dataset_id: string;
  client_id: string;
  region_scope: string;
  columns: string | null;
  valid_from: string;
  valid_to: string;
  starts_at: number;
  expires_at: number;
}

// ---------------------------------------------------------------- dates of a period

/** The calendar day in Asia/Shanghai, `YYYY-MM-DD`. */
function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight at the start of a `YYYY-MM-DD` day in Asia/Shanghai, in ms. */
function chinaMidnight(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`);
}

/** An instant written in Asia/Shanghai time, as the API's other date-times are. */
function chinaDateTime(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19) + '+08:00';
}

/**
 * Refuses a period that ends before it starts, is longer than a year or (`notBefore`) starts too early.
 * The days are already valid `format: date` strings: the spec's validation checked them.
 */
function checkPeriod(validFrom: string, validTo: string, notBefore: string, notBeforeReason: string): void {
  const field = (name: string, reason: string) => [{ name: `body/${name}`, reason }];
  if (validFrom < notBefore) throw unprocessable(`validFrom ${validFrom} ${notBeforeReason}`, 'invalid-period', field('validFrom', notBeforeReason));
  if (validTo < validFrom) throw unprocessable(`validTo ${validTo} 早于 validFrom ${validFrom}`, 'invalid-period', field('validTo', '不得早于 validFrom'));
  const days = (chinaMidnight(validTo) - chinaMidnight(validFrom)) / DAY_MS + 1;
  if (days > MAX_PERIOD_DAYS) {
    throw unprocessable(`申请期限 ${days} 天，超过 ${MAX_PERIOD_DAYS} 天`, 'invalid-period', field('validTo', `期限至多 ${MAX_PERIOD_DAYS} 天`));
  }
}

// ---------------------------------------------------------------- grants and access

function grantOf(row: GrantRow, now: Date): ShareGrant {
  const at = now.getTime();
  return {
    id: row.id,
    applicationId: row.application_id,
    datasetId: row.dataset_id,
    regionScope: row.region_scope,
    columns: row.columns === null ? null : (JSON.parse(row.columns) as string[]),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    expiresAt: chinaDateTime(row.expires_at),
    active: row.starts_at <= at && at < row.expires_at,
  };
}

/** The grant in force now through which `principal` reads `dataset` (the latest-ending one), if any. */
function grantInForce(db: Db, principal: Principal, datasetId: string, now: Date): ShareGrant | null {
  if (!principal.clientId) return null;
  const at = now.getTime();
  const row = db
    .prepare('SELECT * FROM share_grants WHERE client_id = ? AND dataset_id = ? AND starts_at <= ? AND expires_at > ? ORDER BY expires_at DESC LIMIT 1')
    .get(principal.clientId, datasetId, at, at) as GrantRow | undefined;
  // A grant covers the region it was approved for: the applicant's, which stays the token's ceiling.
  return row && principal.regionCode.startsWith(row.region_scope) ? grantOf(row, now) : null;
}

/** What `principal` may do with `dataset` now: the catalogue's sharing rules, and a grant in force. */
export function accessNow(ctx: ServiceContext, principal: Principal, dataset: DatasetDefinition): DatasetAccess {
  const standing = accessOf(principal, dataset);
  if (standing.read || dataset.shareType !== 'conditional') return standing;
  const grant = grantInForce(ctx.db, principal, dataset.id, ctx.clock.now());
  return grant ? accessOf(principal, dataset, grant) : standing;
}

// ---------------------------------------------------------------- applications

/** The dataset an application is for (applications are only filed for datasets of the catalogue). */
function datasetOf(row: ApplicationRow): DatasetDefinition {
  return findDataset(row.dataset_id)!;
}

function isApplicant(principal: Principal, row: ApplicationRow): boolean {
  return principal.clientId === row.applicant_client_id;
}

/** The district oversees every department's applications; a steward or CDO those of its own department. */
function overseesDepartment(principal: Principal, deptCode: string): boolean {
  if (!principal.permissions.includes('data:share-oversee')) return false;
  return principal.role === 'district' || principal.deptCode === deptCode;
}

function allowedActionsOf(principal: Principal, row: ApplicationRow): ShareAction[] {
  if (row.status !== 'pending') return [];
  if (isApplicant(principal, row)) return ['withdraw'];
  const reviewer = principal.permissions.includes('data:share-review') && principal.deptCode === datasetOf(row).ownerDept.code;
  return reviewer ? ['approve', 'return'] : [];
}

function presentApplication(ctx: ServiceContext, principal: Principal, row: ApplicationRow): ShareApplication {
  const dataset = datasetOf(row);
  const grant = ctx.db.prepare('SELECT * FROM share_grants WHERE application_id = ?').get(row.id) as GrantRow | undefined;
  return {
    id: row.id,
    datasetId: row.dataset_id,
    datasetName: dataset.name,
    ownerDept: dataset.ownerDept,
    applicant: { clientId: row.applicant_client_id, name: row.applicant_name, role: row.applicant_role as ShareApplication['applicant']['role'], regionCode: row.region_code },
    purpose: row.purpose,
    scenario: row.scenario,
    requested: { validFrom: row.valid_from, validTo: row.valid_to, columns: row.columns === null ? null : (JSON.parse(row.columns) as string[]) },
    status: row.status,
    submittedAt: row.submitted_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by_client_id ? { clientId: row.decided_by_client_id, name: row.decided_by_name! } : null,
    comment: row.comment,
    returnReason: row.return_reason,
    grant: grant ? grantOf(grant, ctx.clock.now()) : null,
    allowedActions: allowedActionsOf(principal, row),
  };
}

function applicationRow(db: Db, id: string): ApplicationRow | undefined {
  return db.prepare('SELECT * FROM share_applications WHERE id = ?').get(id) as ApplicationRow | undefined;
}

/**
 * An application the caller may see: its applicant's, and its department's stewards' and CDO's (all of
 * them the district's). With `reviewers`, any steward or CDO finds it too, so that one of another
 * department learns why it may not decide it (403) rather than that it does not exist.
 */
function visibleApplication(req: FastifyRequest<{ Params: { applicationId: string } }>, db: Db, reviewers = false): ApplicationRow {
  const principal = req.principal;
  const row = applicationRow(db, req.params.applicationId);
  const visible = row && (
    isApplicant(principal, row) ||
    overseesDepartment(principal, datasetOf(row).ownerDept.code) ||
    (reviewers && principal.permissions.includes('data:share-review')));
  if (!visible) throw notFound(`共享申请 ${req.params.applicationId} 不存在`);
  return row;
}

/** `SQ-<China date>-<n>`: numbered per day of submission. */
function nextApplicationId(db: Db, now: Date): string {
  const day = chinaDate(now).replace(/-/g, '');
  const { n } = db.prepare("SELECT COUNT(*) AS n FROM share_applications WHERE id LIKE ?").get(`SQ-${day}-%`) as { n: number };
  return `SQ-${day}-${String(n + 1).padStart(4, '0')}`;
}

function unknownColumns(dataset: DatasetDefinition, columns: readonly string[]): string[] {
  return columns.filter((name) => !dataset.columns.some((c) => c.name === name));
}

function createShareApplication(req: RequestOf<'createShareApplication'>, reply: FastifyReply, ctx: ServiceContext) {
  requirePermission(req, 'data:share-apply');
  const body = req.body;
  const principal = req.principal;
  const dataset = findDataset(body.datasetId);
  if (!dataset || !isListed(principal, dataset)) throw notFound(`数据集 ${body.datasetId} 不存在`);
  if (dataset.shareType !== 'conditional') {
    throw unprocessable(`数据集 ${dataset.id} 不是有条件共享，无需（也无法）申请`, 'not-conditional', [{ name: 'body/datasetId', reason: '应为有条件共享数据集' }]);
  }
  const unknown = unknownColumns(dataset, body.columns ?? []);
  if (unknown.length) throw unprocessable(`数据集 ${dataset.id} 没有字段 ${unknown.join('、')}`, 'unknown-column', [{ name: 'body/columns', reason: `未知字段 ${unknown.join(',')}` }]);

  return withIdempotency(req, reply, ctx, 'data.share-applications.create', () => {
    // What depends on time and state is checked inside the write: a retry of a filed application is
    // answered with it (not refused because it now exists), and two concurrent ones cannot both pass.
    const now = ctx.clock.now();
    const today = chinaDate(now);
    checkPeriod(body.validFrom, body.validTo, today, `早于今天 ${today}`);
    if (accessNow(ctx, principal, dataset).read) throw conflict(`已可读取数据集 ${dataset.id}，无需申请`, 'already-granted');
    const pending = ctx.db
      .prepare("SELECT id FROM share_applications WHERE applicant_client_id = ? AND dataset_id = ? AND status = 'pending'")
      .get(principal.clientId, dataset.id) as { id: string } | undefined;
    if (pending) throw conflict(`已有待审核的申请 ${pending.id}`, 'application-pending');
    const upcoming = ctx.db
      .prepare('SELECT id FROM share_grants WHERE client_id = ? AND dataset_id = ? AND expires_at > ?')
      .get(principal.clientId, dataset.id, now.getTime()) as { id: string } | undefined;
    if (upcoming) throw conflict(`已有未到期的授权 ${upcoming.id}`, 'already-granted');

    const id = nextApplicationId(ctx.db, now);
    ctx.db
      .prepare(
        `INSERT INTO share_applications (id, dataset_id, applicant_client_id, applicant_name, applicant_role, region_code, purpose,
          scenario, valid_from, valid_to, columns, status, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(id, dataset.id, principal.clientId, principal.name, principal.role, principal.regionCode, body.purpose, body.scenario ?? null,
        body.validFrom, body.validTo, body.columns ? JSON.stringify(body.columns) : null, chinaDateTime(now.getTime()));
    ctx.audit(req, 'data.share.applied', `${id}:${dataset.id}`, body.columns ?? [], body.purpose);
    return { status: 201, body: presentApplication(ctx, principal, applicationRow(ctx.db, id)!), location: `/api/v1/data/share-applications/${id}` };
  });
}

/**
 * The columns a grant covers: those approved (or requested), with the primary key (keyset paging
 * needs it) and the region column (every read is scoped on it); null when all were asked for.
 */
function grantedColumns(dataset: DatasetDefinition, columns: readonly string[] | null): string[] | null {
  if (!columns) return null;
  const always = [...dataset.primaryKey, dataset.regionColumn].filter((name): name is string => Boolean(name));
  return dataset.columns.map((c) => c.name).filter((name) => columns.includes(name) || always.includes(name));
}

type ApproveBody = Schemas['ShareApplicationApprove'];

/** The grant an approval yields: within the requested period and columns, not already over. */
function approve(ctx: ServiceContext, req: FastifyRequest, row: ApplicationRow, body: ApproveBody, now: Date): void {
  const dataset = datasetOf(row);
  const validFrom = body.validFrom ?? row.valid_from;
  const validTo = body.validTo ?? row.valid_to;
  checkPeriod(validFrom, validTo, row.valid_from, `早于申请的起始日 ${row.valid_from}`);
  if (validTo > row.valid_to) {
    throw unprocessable(`validTo ${validTo} 晚于申请的截止日 ${row.valid_to}：审批只能缩短期限`, 'invalid-period', [{ name: 'body/validTo', reason: '不得晚于申请的截止日' }]);
  }
  if (chinaMidnight(validTo) + DAY_MS <= now.getTime()) {
    throw unprocessable(`期限 ${validTo} 已过`, 'invalid-period', [{ name: 'body/validTo', reason: '已过期' }]);
  }
  const requested: string[] | null = row.columns === null ? null : JSON.parse(row.columns);
  if (body.columns) {
    const outside = body.columns.filter((name) => !(requested ?? dataset.columns.map((c) => c.name)).includes(name));
    if (outside.length) {
      throw unprocessable(`字段 ${outside.join('、')} 不在申请范围内`, 'columns-outside-request', [{ name: 'body/columns', reason: `超出申请：${outside.join(',')}` }]);
    }
  }
  const columns = grantedColumns(dataset, body.columns ?? requested);
  ctx.db
    .prepare(
      `INSERT INTO share_grants (id, application_id, dataset_id, client_id, region_scope, columns, valid_from, valid_to, starts_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(row.id.replace(/^SQ-/, 'SG-'), row.id, row.dataset_id, row.applicant_client_id, row.region_code,
      columns ? JSON.stringify(columns) : null, validFrom, validTo, chinaMidnight(validFrom), chinaMidnight(validTo) + DAY_MS);
  ctx.db.prepare("UPDATE share_applications SET status = 'approved', comment = ? WHERE id = ?").run(body.comment ?? null, row.id);
  ctx.audit(req, 'data.share.approved', `${row.id}:${row.dataset_id}:${validFrom}..${validTo}`, columns ?? [], row.purpose);
}

function actOnShareApplication(req: RequestOf<'actOnShareApplication'>, reply: FastifyReply, ctx: ServiceContext) {
  const principal = req.principal;
  const body = req.body;
  const row = visibleApplication(req, ctx.db, true);
  const dataset = datasetOf(row);
  if (body.action === 'withdraw') {
    if (!isApplicant(principal, row)) throw forbidden('只有申请人可以撤回共享申请');
  } else {
    requirePermission(req, 'data:share-review');
    if (principal.deptCode !== dataset.ownerDept.code) {
      throw forbidden(`共享申请 ${row.id} 由${dataset.ownerDept.name}的数据专员或首席数据官审批`);
    }
  }

  return withIdempotency(req, reply, ctx, `data.share-applications.act.${row.id}`, () => {
    const current = applicationRow(ctx.db, row.id)!;
    if (current.status !== 'pending') throw conflict(`共享申请 ${row.id} 状态为 ${current.status}，不能 ${body.action}`);
    const now = ctx.clock.now();
    if (body.action === 'approve') approve(ctx, req, current, body, now);
    if (body.action === 'return') {
      ctx.db.prepare("UPDATE share_applications SET status = 'returned', return_reason = ? WHERE id = ?").run(body.reason, row.id);
      ctx.audit(req, 'data.share.returned', `${row.id}:${row.dataset_id}`, [], body.reason);
    }
    if (body.action === 'withdraw') {
      ctx.db.prepare("UPDATE share_applications SET status = 'withdrawn' WHERE id = ?").run(row.id);
      ctx.audit(req, 'data.share.withdrawn', `${row.id}:${row.dataset_id}`, []);
    }
    ctx.db
      .prepare('UPDATE share_applications SET decided_at = ?, decided_by_client_id = ?, decided_by_name = ? WHERE id = ?')
      .run(chinaDateTime(now.getTime()), principal.clientId, principal.name, row.id);
    return { status: 200, body: presentApplication(ctx, principal, applicationRow(ctx.db, row.id)!) };
  });
}

function getShareApplication(req: RequestOf<'getShareApplication'>, _reply: FastifyReply, ctx: ServiceContext) {
  return presentApplication(ctx, req.principal, visibleApplication(req, ctx.db));
}

function listShareApplications(req: RequestOf<'listShareApplications'>, _reply: FastifyReply, ctx: ServiceContext) {
  const { view, status, datasetId, cursor, limit } = req.query;
  const principal = req.principal;
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (view === 'review') {
    requirePermission(req, 'data:share-oversee');
    if (principal.role !== 'district') {
      // The department's datasets by id: the catalogue lives in code, not in the database.
      const owned = datasetCatalogue.filter((d) => d.ownerDept.code === principal.deptCode).map((d) => d.id);
      where.push(`dataset_id IN (${owned.map(() => '?').join(',') || "''"})`);
      args.push(...owned);
    }
  } else {
    requirePermission(req, 'data:share-apply');
    where.push('applicant_client_id = ?');
    args.push(principal.clientId!);
  }
  if (status) {
    where.push('status = ?');
    args.push(status);
  }
  if (datasetId) {
    where.push('dataset_id = ?');
    args.push(datasetId);
  }
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const { n: total } = ctx.db.prepare(`SELECT COUNT(*) AS n FROM share_applications ${filter}`).get(...args) as { n: number };
  let after = Number.MAX_SAFE_INTEGER;
  if (cursor) {
    after = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(after) || after < 0) throw badRequest('cursor: 游标无效', [{ name: 'query/cursor', reason: '游标无效' }]);
  }
  // Newest first, keyset on the insertion sequence.
  const rows = ctx.db
    .prepare(`SELECT * FROM share_applications ${filter ? `${filter} AND` : 'WHERE'} seq < ? ORDER BY seq DESC LIMIT ?`)
    .all(...args, after, limit + 1) as ApplicationRow[];
  const page = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? Buffer.from(String(page.at(-1)!.seq)).toString('base64url') : null;
  return {
    items: page.map((row) => presentApplication(ctx, principal, row)),
    page: { limit, nextCursor, total, totalExact: true },
  };
}

function listShareGrants(req: RequestOf<'listShareGrants'>, _reply: FastifyReply, ctx: ServiceContext) {
  requirePermission(req, 'data:share-apply');
  const { datasetId, active } = req.query;
  const rows = ctx.db
    .prepare(`SELECT * FROM share_grants WHERE client_id = ? ${datasetId ? 'AND dataset_id = ?' : ''} ORDER BY expires_at DESC, id DESC`)
    .all(...[req.principal.clientId!, ...(datasetId ? [datasetId] : [])]) as GrantRow[];
  const now = ctx.clock.now();
  const grants = rows.map((row) => grantOf(row, now));
  return { items: active === undefined ? grants : grants.filter((g) => g.active === active) };
}

export const shareHandlers = {
  createShareApplication,
  listShareApplications,
  getShareApplication,
  actOnShareApplication,
  listShareGrants,
};

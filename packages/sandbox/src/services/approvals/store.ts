/**
 * The `homestead_applications` table: one row per application holding the whole record as JSON,
 * plus the columns that lists filter, sort and count on (kept in step on every save).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  createHomesteadProcess,
  dueColumns,
  findTown,
  findVillage,
  type ApplicationStatus,
  type HomesteadRecord,
} from '@citybrain/domain';
import type { ApprovalsOperations, QueryOf } from '@citybrain/contract';
import type { Db } from '../../db.js';
import { LockSpace, lockUntilCommit } from '../../storage/locks.js';
import { endOfShanghaiDay, OVERDUE_SQL, pageOf, SqlFilter, startOfShanghaiDay, type RecordStore } from '../process-runtime.js';

/** Deployment configuration of the homestead process: `CITYBRAIN_HOMESTEAD_CONFIG` (JSON) overrides the defaults. */
function homesteadOverrides(): Parameters<typeof createHomesteadProcess>[0] {
  const raw = process.env.CITYBRAIN_HOMESTEAD_CONFIG;
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error('CITYBRAIN_HOMESTEAD_CONFIG is not valid JSON');
  }
}

export const homesteadProcess = createHomesteadProcess(homesteadOverrides());

export function migrateApplications(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS homestead_applications (
      id TEXT PRIMARY KEY,
      tracking_no TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL,
      stage TEXT,
      town_code TEXT NOT NULL,
      town_name TEXT NOT NULL,
      village_code TEXT NOT NULL,
      village_name TEXT NOT NULL,
      applicant_name TEXT NOT NULL,
      plot_address TEXT NOT NULL,
      area_sqm REAL NOT NULL,
      approved_area_sqm REAL,
      lon REAL NOT NULL,
      lat REAL NOT NULL,
      submitted_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      due_at TEXT,
      total_due_at TEXT,
      paused_at TEXT,
      verification_hash TEXT NOT NULL,
      version INTEGER NOT NULL,
      document TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS homestead_applications_village ON homestead_applications (village_code);
    CREATE INDEX IF NOT EXISTS homestead_applications_status ON homestead_applications (status);
    CREATE INDEX IF NOT EXISTS homestead_applications_submitted ON homestead_applications (submitted_at);
  `);
}

/** The same table on PostgreSQL; codes, numbers and instants sort and compare bytewise ("C"), as in SQLite. */
export const APPLICATIONS_POSTGRES = `
  CREATE TABLE homestead_applications (
    id TEXT COLLATE "C" PRIMARY KEY,
    tracking_no TEXT COLLATE "C" NOT NULL UNIQUE,
    status TEXT NOT NULL,
    stage TEXT,
    town_code TEXT COLLATE "C" NOT NULL,
    town_name TEXT NOT NULL,
    village_code TEXT COLLATE "C" NOT NULL,
    village_name TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    plot_address TEXT NOT NULL,
    area_sqm DOUBLE PRECISION NOT NULL,
    approved_area_sqm DOUBLE PRECISION,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    submitted_at TEXT COLLATE "C",
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    due_at TEXT COLLATE "C",
    total_due_at TEXT COLLATE "C",
    paused_at TEXT COLLATE "C",
    verification_hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
  );
  CREATE INDEX homestead_applications_village ON homestead_applications (village_code);
  CREATE INDEX homestead_applications_status ON homestead_applications (status);
  CREATE INDEX homestead_applications_submitted ON homestead_applications (submitted_at);
`;

/** Keyset indexes for each sort of the list (sort value, then id), the same on both stores. */
export const APPLICATION_SORT_INDEXES = `
  CREATE INDEX IF NOT EXISTS homestead_applications_by_submitted ON homestead_applications (COALESCE(submitted_at, created_at), id);
  CREATE INDEX IF NOT EXISTS homestead_applications_by_updated ON homestead_applications (updated_at, id);
  CREATE INDEX IF NOT EXISTS homestead_applications_by_stage_due ON homestead_applications (COALESCE(due_at, '9999-12-31'), id);
`;

/** The verification code is kept only as a salted hash: the tracking number salts it. */
export function verificationHash(trackingNo: string, code: string): string {
  return createHash('sha256').update(`${trackingNo}:${code}`).digest('hex');
}

export function verificationMatches(stored: string, trackingNo: string, code: string): boolean {
  const given = Buffer.from(verificationHash(trackingNo, code), 'hex');
  const expected = Buffer.from(stored, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function applicationColumns(record: HomesteadRecord, verificationHashValue: string | undefined) {
  const town = findTown(record.townCode);
  const village = findVillage(record.villageCode);
  const due = dueColumns(record.process);
  return {
    id: record.id,
    tracking_no: record.trackingNo,
    status: record.process.status,
    stage: record.process.stage,
    town_code: record.townCode,
    town_name: town?.name ?? '',
    village_code: record.villageCode,
    village_name: village?.name ?? '',
    applicant_name: record.form.jcxx.xm,
    plot_address: record.form.nzjdqk.dz,
    area_sqm: record.form.nzjdqk.zjdmj,
    approved_area_sqm: record.data.approval?.approvedAreaSqm ?? null,
    lon: record.location[0],
    lat: record.location[1],
    submitted_at: record.submittedAt,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    due_at: due.dueAt,
    total_due_at: due.totalDueAt,
    paused_at: due.pausedAt,
    verification_hash: verificationHashValue,
    version: record.process.version,
    document: JSON.stringify(record),
  };
}

export const applicationStore: RecordStore<HomesteadRecord, ApplicationStatus> = {
  kind: 'homestead',
  spec: homesteadProcess,
  openRecords(db) {
    const terminal = homesteadProcess.statuses.filter((status) => status.terminal).map((status) => status.key);
    const rows = db
      .prepare(`SELECT document FROM homestead_applications WHERE status NOT IN (${terminal.map(() => '?').join(', ')})`)
      .all(...terminal) as { document: string }[];
    return rows.map((row) => JSON.parse(row.document));
  },
  load(db, id, scope) {
    const row = db
      .prepare("SELECT document FROM homestead_applications WHERE id = ? AND village_code LIKE ? || '%'")
      .get(id, scope) as { document: string } | undefined;
    return row ? (JSON.parse(row.document) as HomesteadRecord) : undefined;
  },
  save(db, record, extra) {
    const values = applicationColumns(record, extra?.verificationHash as string | undefined);
    if (values.verification_hash === undefined) {
      const { verification_hash: _kept, ...update } = values;
      const assignments = Object.keys(update).filter((k) => k !== 'id').map((k) => `${k} = @${k}`).join(', ');
      db.prepare(`UPDATE homestead_applications SET ${assignments} WHERE id = @id`).run(update);
      return;
    }
    const names = Object.keys(values);
    db.prepare(`INSERT INTO homestead_applications (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`).run(values);
  },
};

/** The next tracking number of a town and year. */
export function nextTrackingSequence(db: Db, townCode: string, year: number): number {
  // Instances on one database take turns: two reading the same maximum would hand out one number twice.
  lockUntilCommit(db, LockSpace.recordNumber, `ZJD-${townCode}-${year}`);
  const row = db
    .prepare('SELECT MAX(CAST(substr(tracking_no, length(tracking_no) - 5) AS INTEGER)) AS last FROM homestead_applications WHERE tracking_no LIKE ?')
    .get(`ZJD-${townCode}-${year}-%`) as { last: number | null };
  return (row.last ?? 0) + 1;
}

// ----------------------------------------------------------------------------------- listing

export type ApplicationQuery = QueryOf<ApprovalsOperations['listApplications']>;

const SORTS: Record<string, string> = {
  submittedAt: 'COALESCE(submitted_at, created_at)',
  updatedAt: 'updated_at',
  // Applications without a running stage clock sort after every dated one.
  stageDueAt: "COALESCE(due_at, '9999-12-31')",
  trackingNo: 'tracking_no',
};

export function listApplications(db: Db, scope: string, query: ApplicationQuery, now: Date) {
  const sortKey = query.sort ?? '-submittedAt';
  const limit = query.limit ?? 50;
  const filter = new SqlFilter()
    .add("village_code LIKE @scope || '%'", { scope, now: now.toISOString() })
    .oneOf('status', query.status)
    .oneOf('stage', query.stage);
  if (query.townCode) filter.add('town_code = @townCode', { townCode: query.townCode });
  if (query.villageCode) filter.add('village_code = @villageCode', { villageCode: query.villageCode });
  if (query.overdue !== undefined) filter.add(query.overdue ? OVERDUE_SQL : `NOT ${OVERDUE_SQL}`);
  if (query.submittedFrom) filter.add('submitted_at >= @submittedFrom', { submittedFrom: startOfShanghaiDay(query.submittedFrom) });
  if (query.submittedTo) filter.add('submitted_at <= @submittedTo', { submittedTo: endOfShanghaiDay(query.submittedTo) });
  if (query.q) filter.contains(db.dialect, ['tracking_no', 'applicant_name', 'village_name', 'town_name', 'plot_address'], query.q);
  const page = pageOf<HomesteadRecord>(db, 'homestead_applications', filter, { key: sortKey, expression: SORTS[sortKey.replace(/^-/, '')]! }, query.cursor, limit);
  return { ...page, limit };
}

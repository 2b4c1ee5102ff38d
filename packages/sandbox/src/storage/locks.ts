/**
 * Advisory locks that serialise work across instances on one PostgreSQL database. On SQLite there
 * is one instance, whose synchronous transactions never interleave, so these cost nothing there.
 */
import type { SqlDatabase } from './sql.js';

/** Lock spaces (the first key of PostgreSQL's two-key advisory locks), one per kind of thing locked. */
export const LockSpace = {
  idempotencyKey: 1,
  streamClient: 2,
  recordNumber: 3,
  record: 4,
} as const;

/**
 * Holds the lock of `key` in `space` until the current transaction ends, waiting for an instance that
 * holds it: two instances checking and then writing the same key take turns instead of both writing.
 */
export function lockUntilCommit(db: SqlDatabase, space: (typeof LockSpace)[keyof typeof LockSpace], key: string): void {
  if (db.dialect === 'postgres') db.prepare('SELECT pg_advisory_xact_lock(?, hashtext(?))').get(space, key);
}

/** Any number, the same in every instance: the session lock whose holder runs the simulation. */
const SIMULATION_LOCK = 7_514_202_602;

/**
 * Whether this instance is (now) the one that runs background work: on SQLite always; on PostgreSQL
 * when it holds, or has just taken, a session-level advisory lock, which PostgreSQL releases when
 * the holder's connection ends — a killed instance hands the work over at the next try of another.
 */
export function holdsSimulationLock(db: SqlDatabase): boolean {
  if (db.dialect !== 'postgres') return true;
  return (db.prepare('SELECT pg_try_advisory_lock(?) AS held').get(SIMULATION_LOCK) as { held: boolean }).held;
}

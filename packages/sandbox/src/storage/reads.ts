/**
 * Read-only queries that may run side by side: the hot reads of the public API (row pages, tiles,
 * identify). The services' statement API (`SqlDatabase`) runs one statement at a time per instance —
 * right for writes and transactions, but on PostgreSQL it makes fifty readers queue behind one
 * connection whose queries take a millisecond. Here a pool of connections answers them concurrently.
 * SQLite answers in-process and at once, so there the same calls run on the instance's own
 * connection. Reads see committed data only: never use them for a read that must see the caller's
 * own open transaction.
 */
import pg from 'pg';
import type { SqlDatabase, SqlStatement } from './sql.js';
// Also sets the process's pg type parsers (int8 and numeric as numbers), which this pool's connections use too.
import './postgres.js';
import { toPositionalParameters } from './sql.js';

export interface ConcurrentReads {
  all<Row = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<Row[]>;
  get<Row = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<Row | undefined>;
  close(): Promise<void>;
}

/** Statements kept per store: hot reads repeat a few shapes, and compiling one costs more than running it. */
const MAX_CACHED_STATEMENTS = 500;

/** Reads on the instance's own SQLite connection: in-process, nothing to run beside. */
function readsOnTheStore(db: SqlDatabase): ConcurrentReads {
  const statements = new Map<string, SqlStatement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      // Bounded: shapes differ by column choice and filter, and a hostile client could vary them.
      if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    all: async <Row>(sql: string, ...params: unknown[]) => prepared(sql).all(...params) as Row[],
    get: async <Row>(sql: string, ...params: unknown[]) => prepared(sql).get(...params) as Row | undefined,
    close: async () => {},
  };
}

/** Reads on a pool of PostgreSQL connections beside the instance's statement connection. */
function readsOnAPool(url: string, connections: number, statementTimeoutMs: number): ConcurrentReads {
  // The same statement_timeout as the store's connection: a runaway read fails alone (SQLSTATE 57014).
  const pool = new pg.Pool({ connectionString: url, max: connections, application_name: 'citybrain-sandbox reads', statement_timeout: statementTimeoutMs || undefined });
  // A connection the server dropped while idle is the pool's to replace; without a listener it would end the process.
  pool.on('error', () => {});
  const translations = new Map<string, ReturnType<typeof toPositionalParameters>>();
  const query = async (sql: string, params: unknown[]) => {
    let translated = translations.get(sql);
    if (!translated) {
      translated = toPositionalParameters(sql);
      if (translations.size >= MAX_CACHED_STATEMENTS) translations.clear();
      translations.set(sql, translated);
    }
    return (await pool.query(translated.text, translated.bind(params))).rows;
  };
  return {
    all: async <Row>(sql: string, ...params: unknown[]) => (await query(sql, params)) as Row[],
    get: async <Row>(sql: string, ...params: unknown[]) => (await query(sql, params))[0] as Row | undefined,
    close: () => pool.end(),
  };
}

/**
 * The concurrent reads for a store: a pool of `connections` on PostgreSQL (`url`), the store itself on
 * SQLite.
 */
export function concurrentReads(db: SqlDatabase, url: string | null, connections: number, statementTimeoutMs = 0): ConcurrentReads {
  return db.dialect === 'postgres' && url ? readsOnAPool(url, connections, statementTimeoutMs) : readsOnTheStore(db);
}

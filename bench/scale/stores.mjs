/**
 * The stores the scale benchmark fills and measures: a SQLite file and a database of a private
 * PostgreSQL cluster (scripts/postgres-cluster.mjs). `connect` gives the fill a small async SQL handle
 * (`exec`, `all`) beside the sandbox, which is stopped while the fill writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startPostgresCluster } from '../../scripts/postgres-cluster.mjs';

/** A SQLite handle for bulk writes: durability off (a benchmark's data lives as long as the run). */
export function sqliteConnection(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  return {
    dialect: 'sqlite',
    exec: async (sql) => void db.exec(sql),
    all: async (sql, params = []) => db.prepare(sql).all(...params),
    close: async () => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

export async function postgresConnection(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Bulk loads sort and build indexes in memory rather than in temporary files.
  await client.query("SET maintenance_work_mem = '512MB'; SET work_mem = '64MB'");
  return {
    dialect: 'postgres',
    exec: async (sql) => void (await client.query(sql)),
    all: async (sql, params = []) => (await client.query(sql, params)).rows,
    close: () => client.end(),
  };
}

/** A SQLite file in a fresh temporary directory: `{ env, connect, close }`. */
export function sqliteStore() {
  const dir = mkdtempSync(join(tmpdir(), 'citybrain-scale-'));
  const path = join(dir, 'scale.db');
  return {
    name: 'SQLite',
    dialect: 'sqlite',
    path,
    env: { CITYBRAIN_DB: path },
    connect: async () => sqliteConnection(path),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A private PostgreSQL cluster with one fresh PostGIS database: `{ env, connect, close }`. */
export async function postgresStore() {
  // 2 instances × their read pools, the fill and psql stay far below this.
  const cluster = await startPostgresCluster({ settings: { shared_buffers: '512MB', max_wal_size: '4GB', checkpoint_timeout: '30min' } });
  try {
    const url = await cluster.createDatabase();
    return {
      name: 'PostgreSQL',
      dialect: 'postgres',
      url,
      env: { CITYBRAIN_DATABASE_URL: url },
      connect: () => postgresConnection(url),
      close: () => cluster.stop(),
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

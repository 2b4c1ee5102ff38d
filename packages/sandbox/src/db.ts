import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Opens the sandbox database: WAL so readers never block the writer, and full durability of commits. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a commit survives a killed process and a power cut, which the crash tests rely on.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS sandbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      client_id TEXT,
      role TEXT NOT NULL,
      region_code TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      fields TEXT NOT NULL,
      purpose TEXT,
      request_id TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS idempotency_keys (
      client_key TEXT PRIMARY KEY,
      scope TEXT NOT NULL,
      request_hash TEXT NOT NULL,
      status_code INTEGER NOT NULL,
      response_body TEXT NOT NULL,
      created_at TEXT NOT NULL,
      location TEXT
    );
  `);
  // Databases made before replays carried their Location get the column.
  const columns = db.prepare('PRAGMA table_info(idempotency_keys)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'location')) db.exec('ALTER TABLE idempotency_keys ADD COLUMN location TEXT');
  return db;
}

export function getMeta(db: Db, key: string): string | undefined {
  return (db.prepare('SELECT value FROM sandbox_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO sandbox_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

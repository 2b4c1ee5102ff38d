/**
 * Versioned schema migrations for both stores. Each migration has an id that is never renamed
 * (`<service>/<nnn>-<what>`) and one step per dialect; the ids applied are kept in
 * `schema_migrations`. At start the sandbox applies what is missing, in order, each in its own
 * transaction, and refuses a database that holds a migration it does not know: a newer sandbox
 * migrated it, and an older one must not write to a schema it does not understand.
 */
import type { Dialect, SqlDatabase } from './sql.js';

export type MigrationStep = string | ((db: SqlDatabase) => void);

export interface Migration {
  id: string;
  sqlite: MigrationStep;
  postgres?: MigrationStep;
}

export class SchemaTooNewError extends Error {
  constructor(readonly unknown: string[]) {
    super(
      `The database was migrated by a newer City Brain sandbox (migrations this server does not know: ${unknown.join(', ')}). ` +
        'Run the newer server, or point this one at another database.',
    );
    this.name = 'SchemaTooNewError';
  }
}

export class MissingMigrationStepError extends Error {
  constructor(readonly ids: string[], readonly dialect: Dialect) {
    super(`These migrations have no ${dialect} step, so this store cannot hold their tables: ${ids.join(', ')}`);
    this.name = 'MissingMigrationStepError';
  }
}

/** Applies the migrations the database lacks; returns the ids applied now. */
export function applyMigrations(db: SqlDatabase, migrations: readonly Migration[]): string[] {
  const ids = new Set<string>();
  for (const migration of migrations) {
    if (ids.has(migration.id)) throw new Error(`Two migrations share the id ${migration.id}`);
    ids.add(migration.id);
  }
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((row) => row.id));
  const unknown = [...applied].filter((id) => !ids.has(id));
  if (unknown.length) throw new SchemaTooNewError(unknown);
  const pending = migrations.filter((migration) => !applied.has(migration.id));
  const missingSteps = pending.filter((migration) => !migration[db.dialect]).map((migration) => migration.id);
  if (missingSteps.length) throw new MissingMigrationStepError(missingSteps, db.dialect);
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const migration of pending) {
    const step = migration[db.dialect]!;
    db.transaction(() => {
      if (typeof step === 'string') db.exec(step);
      else step(db);
      record.run(migration.id, new Date().toISOString());
    })();
  }
  return pending.map((migration) => migration.id);
}

#!/usr/bin/env node
/**
 * `npm run import -- <file> --layer parcels|zones|villages [--crs EPSG:4547|4490|4326]
 * [--database <sqlite file> | --database-url postgres://…] [--source-layer NAME]`: loads a town's GIS
 * file into the sandbox's store (see import/index.ts). The store is the one `npm start` opens:
 * PostgreSQL when `--database-url` or CITYBRAIN_DATABASE_URL names one, else the SQLite file
 * (`--database`, CITYBRAIN_DB or .data/). It must exist — the sandbox made and seeded it — and may be
 * in use by running sandboxes, which see the new rows at once.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { openDatabase, type Db } from './db.js';
import { IMPORT_CRS, IMPORT_LAYERS, ImportError, importFile, importTargetFor, type ImportCrs, type ImportLayer } from './import/index.js';
import { PostgresDatabase, withoutPassword } from './storage/postgres.js';

const USAGE = `Usage: npm run import -- <file> --layer ${IMPORT_LAYERS.join('|')} [--crs ${IMPORT_CRS.join('|')}] [--database <sqlite file> | --database-url postgres://…] [--source-layer NAME]`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { layer: { type: 'string' }, crs: { type: 'string' }, database: { type: 'string' }, 'database-url': { type: 'string' }, 'source-layer': { type: 'string' } },
  });
  const [file] = positionals;
  const layer = values.layer as ImportLayer | undefined;
  const crs = values.crs as ImportCrs | undefined;
  const problem = !file || positionals.length > 1 ? 'name one file'
    : !layer || !IMPORT_LAYERS.includes(layer) ? `--layer must be one of ${IMPORT_LAYERS.join(', ')}`
    : crs && !IMPORT_CRS.includes(crs) ? `--crs must be one of ${IMPORT_CRS.join(', ')}`
    : values.database && values['database-url'] ? 'name either --database or --database-url'
    : null;
  if (problem) {
    console.error(`import: ${problem}\n${USAGE}`);
    return 2;
  }
  // `npm run` moves to the repository root; paths are meant from where the command was typed.
  const here = process.env.INIT_CWD ?? process.cwd();
  const databaseUrl = values['database-url'] ?? (values.database ? undefined : process.env.CITYBRAIN_DATABASE_URL || undefined);
  const store = openStore(databaseUrl, values.database && resolve(here, values.database));
  if (typeof store === 'string') {
    console.error(`import: ${store}`);
    return 1;
  }
  const { db, name: database } = store;
  try {
    const result = await importFile({ file: resolve(here, file!), layer: layer!, crs, sourceLayer: values['source-layer'] }, importTargetFor(db));
    console.log(`${file} (layer ${result.sourceLayer}) → ${layer} in ${database}: ${result.read} read, ${result.inserted} added, ${result.replaced} replaced, ${result.repaired.length} repaired, ${result.rejected.length} rejected`);
    for (const [what, reports] of [['repaired', result.repaired], ['rejected', result.rejected]] as const) {
      for (const report of reports) console.log(`  ${what.padEnd(8)} feature ${report.feature}${report.key ? ` (${report.key})` : ''}: ${report.reason}`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    console.error(`import: ${error.message}\nNothing was written.`);
    return 1;
  } finally {
    db.close();
  }
}

/** The store to write to, or why there is none. */
function openStore(databaseUrl: string | undefined, sqliteFile: string | undefined): { db: Db; name: string } | string {
  if (databaseUrl) {
    const name = withoutPassword(databaseUrl);
    try {
      return { db: new PostgresDatabase(databaseUrl, { applicationName: 'citybrain-import' }), name };
    } catch (error) {
      return `cannot open the PostgreSQL database ${name}: ${(error as Error).message}`;
    }
  }
  const file = sqliteFile ?? loadConfig(process.env).dbPath;
  if (!existsSync(file)) return `no database at ${file}: start the sandbox once (npm start) to create it, or name one with --database`;
  return { db: openDatabase(file), name: file };
}

main().then((code) => (process.exitCode = code), (error) => {
  console.error(error);
  process.exitCode = 1;
});

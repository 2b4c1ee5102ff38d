#!/usr/bin/env node
/**
 * `npm run import -- <file> --layer parcels|zones|villages [--crs EPSG:4547|4490|4326] [--database <sqlite file>]
 * [--source-layer NAME]`: loads a town's GIS file into the sandbox's store (see import/index.ts). The
 * database defaults to the one `npm start` opens (CITYBRAIN_DB or .data/); it must exist — the sandbox
 * made and seeded it — and may be in use by a running sandbox, which sees the new rows at once.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { openDatabase } from './db.js';
import { IMPORT_CRS, IMPORT_LAYERS, ImportError, importFile, SqliteImportTarget, type ImportCrs, type ImportLayer } from './import/index.js';

const USAGE = `Usage: npm run import -- <file> --layer ${IMPORT_LAYERS.join('|')} [--crs ${IMPORT_CRS.join('|')}] [--database <sqlite file>] [--source-layer NAME]`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { layer: { type: 'string' }, crs: { type: 'string' }, database: { type: 'string' }, 'source-layer': { type: 'string' } },
  });
  const [file] = positionals;
  const layer = values.layer as ImportLayer | undefined;
  const crs = values.crs as ImportCrs | undefined;
  const problem = !file || positionals.length > 1 ? 'name one file'
    : !layer || !IMPORT_LAYERS.includes(layer) ? `--layer must be one of ${IMPORT_LAYERS.join(', ')}`
    : crs && !IMPORT_CRS.includes(crs) ? `--crs must be one of ${IMPORT_CRS.join(', ')}`
    : null;
  if (problem) {
    console.error(`import: ${problem}\n${USAGE}`);
    return 2;
  }
  // `npm run` moves to the repository root; paths are meant from where the command was typed.
  const here = process.env.INIT_CWD ?? process.cwd();
  const database = values.database ? resolve(here, values.database) : loadConfig(process.env).dbPath;
  if (!existsSync(database)) {
    console.error(`import: no database at ${database}: start the sandbox once (npm start) to create it, or name one with --database`);
    return 1;
  }
  const db = openDatabase(database);
  try {
    const result = await importFile({ file: resolve(here, file!), layer: layer!, crs, sourceLayer: values['source-layer'] }, new SqliteImportTarget(db));
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

main().then((code) => (process.exitCode = code), (error) => {
  console.error(error);
  process.exitCode = 1;
});

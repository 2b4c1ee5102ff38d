#!/usr/bin/env node
/**
 * `npm start`: builds the browser bundles and the published specs when they are missing or older
 * than their sources, then runs the sandbox (the whole City Brain API on SQLite, plus examples/) on http://localhost:8080.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSpecs } from './build-specs.mjs';
import { startMapServer } from './gis-servers/mapserver.mjs';

const root = new URL('..', import.meta.url).pathname;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

const bundleDir = join(root, 'packages/components/dist/browser');
const sources = join(root, 'packages/components/src');
if (existsSync(join(root, 'rollup.config.mjs')) && existsSync(sources)) {
  const stale = !existsSync(bundleDir) || newestMtime(bundleDir) < newestMtime(sources);
  if (stale) {
    console.log('Building the browser bundles (rollup)…');
    const build = spawnSync('npx', ['rollup', '-c', '--silent'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
}

// The published contracts the sandbox serves under /openapi/ (one bundled file per service).
buildSpecs({ ifStale: true });

// A district GIS server for the town website's map, when MapServer is installed (optional: the
// example works without it). Its WMS layer then appears on the map beside the catalogue's.
let gisServer;
if (!process.env.CITYBRAIN_EXAMPLE_GIS_SERVER) {
  try {
    gisServer = await startMapServer();
    console.log(`A local MapServer serves the bureau's layers for the town website: ${gisServer.wmsUrl}`);
  } catch (error) {
    console.log(`(No local MapServer, so the town website shows the catalogue's layers only: ${String(error.message ?? error).split(':')[0]}.)`);
  }
}

const server = spawn(
  process.execPath,
  ['--conditions=citybrain-source', '--import', 'tsx', join(root, 'packages/sandbox/src/cli.ts')],
  {
    cwd: root,
    stdio: 'inherit',
    env: { CITYBRAIN_REPO_ROOT: root, ...(gisServer ? { CITYBRAIN_EXAMPLE_GIS_SERVER: gisServer.wmsUrl } : {}), ...process.env },
  },
);
// Ctrl-C reaches the whole process group; the sandbox closes itself, and we exit with it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => server.kill('SIGTERM'));
server.on('exit', async (code) => {
  await gisServer?.stop();
  process.exit(code ?? 0);
});

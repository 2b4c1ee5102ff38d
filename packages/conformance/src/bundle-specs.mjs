/**
 * The contracts the suite checks against: the published, self-contained bundles of openapi/ (one
 * document per service, `npm run build:specs`). Inside this repository they are rebuilt from openapi/
 * when stale, so the suite never checks against an old copy; an installed package carries the copy
 * `prepack` put into its own `openapi/` folder.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(packageDir, '../..');
const repoBuilder = join(repoRoot, 'scripts/build-specs.mjs');
const packagedDir = join(packageDir, 'openapi');

/** Builds the bundles from the repository's openapi/ (when stale) and returns their folder. */
async function buildFromRepository() {
  const { buildSpecs, outDir } = await import(pathToFileURL(repoBuilder).href);
  buildSpecs({ ifStale: true });
  return outDir;
}

/** @returns {Promise<Record<string, object>>} service name → bundled OpenAPI document */
export async function loadBundledSpecs() {
  const dir = existsSync(repoBuilder) ? await buildFromRepository() : packagedDir;
  if (!existsSync(dir)) throw new Error(`no bundled contracts in ${dir}: run \`npm run build -w @citybrain/conformance\``);
  const specs = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    specs[file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  }
  if (!Object.keys(specs).length) throw new Error(`no bundled contracts in ${dir}`);
  return specs;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--into-package')) {
  const dir = await buildFromRepository();
  mkdirSync(packagedDir, { recursive: true });
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) copyFileSync(join(dir, file), join(packagedDir, file));
  console.log(`contracts bundled into ${packagedDir}`);
}

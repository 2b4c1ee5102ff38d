#!/usr/bin/env node
/**
 * The browser baseline (`browserslist` in package.json; README "Browser support") holds for what we
 * ship: es-check parses every built script of packages/components/dist/browser and fails on syntax
 * or built-ins that a baseline browser lacks (its per-feature data comes from MDN's compatibility
 * tables: class static blocks need Safari 16.4, `findLast` Chrome 97…). The published packages state
 * the same baseline as the root. Builds the bundles first when they are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const readJson = (path) => JSON.parse(readFileSync(new URL(path, new URL('..', import.meta.url)), 'utf8'));
const baseline = readJson('package.json').browserslist;
const query = baseline.join(', ');
const browserDir = 'packages/components/dist/browser';

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status === 0;
}

let ok = true;
for (const workspace of ['packages/client', 'packages/components']) {
  const stated = readJson(`${workspace}/package.json`).browserslist;
  if (JSON.stringify(stated) !== JSON.stringify(baseline)) {
    console.error(`${workspace}/package.json states browserslist ${JSON.stringify(stated)}, the root ${JSON.stringify(baseline)}`);
    ok = false;
  }
}
if (!existsSync(`${root}${browserDir}/citybrain.js`)) ok = run('npx', ['rollup', '-c', '--silent']) && ok;

const esCheck = (pattern, ...extra) =>
  run('npx', ['es-check', 'checkBrowser', `${browserDir}/${pattern}`, `--browserslistQuery=${query}`, '--checkFeatures', ...extra]);
// The classic script and its AMD chunks are scripts; everything .mjs (maplibre-gl included) is a module.
ok = esCheck('*.js') && ok;
ok = esCheck('*.mjs', '--module') && ok;
console.log(ok ? `Every shipped script fits the baseline: ${query}` : 'A shipped script needs more than the baseline.');
process.exit(ok ? 0 : 1);

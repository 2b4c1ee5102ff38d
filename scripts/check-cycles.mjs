#!/usr/bin/env node
/**
 * Fails when the TypeScript modules under the given directories import each other in a circle.
 * Every relative import counts — static, `import type`, `export … from` and `import()` — because a
 * type-only cycle still means two modules that cannot be read or changed one without the other.
 *
 *   node scripts/check-cycles.mjs packages/components/src
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const dirs = process.argv.slice(2);
if (!dirs.length) {
  console.error('usage: node scripts/check-cycles.mjs <dir>…');
  process.exit(2);
}

function sources(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'dist' ? [] : sources(path);
    return /\.ts$/.test(entry) && !/\.d\.ts$/.test(entry) ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The module a relative specifier names: `./x.js` is the source `./x.ts`. */
function target(from, specifier) {
  const path = resolve(dirname(from), specifier);
  for (const candidate of [path.replace(/\.js$/, '.ts'), `${path}.ts`, join(path, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return undefined;
}

const files = dirs.flatMap((dir) => sources(resolve(root, dir)));
const edges = new Map(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(SPECIFIER)].map((m) => target(file, m[1])).filter((t) => t !== undefined);
    return [file, [...new Set(targets)]];
  }),
);

// Depth-first search; a grey module met again closes a cycle.
const state = new Map();
const stack = [];
const cycles = [];
function visit(file) {
  state.set(file, 'grey');
  stack.push(file);
  for (const next of edges.get(file) ?? []) {
    if (state.get(next) === 'grey') cycles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(file, 'black');
}
for (const file of files) if (!state.has(file)) visit(file);

for (const cycle of cycles) console.error(`import cycle: ${cycle.map((f) => relative(root, f)).join(' → ')}`);
console.log(`${files.length} modules, ${cycles.length} import cycles`);
process.exit(cycles.length ? 1 : 0);

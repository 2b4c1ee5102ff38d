#!/usr/bin/env node
// Finds import cycles among the TypeScript modules below the given folders, counting `import type`
// and `export … from` too: a cycle of types still means two modules that cannot be read (or moved)
// one without the other.
//
//   node scripts/check-cycles.mjs packages/client/src packages/sandbox/src
//
// Prints each cycle as `a.ts → b.ts → a.ts` and exits 1 when there is one. Only relative imports are
// followed; a package's imports of another package go through its public entry and cannot close a cycle.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const roots = process.argv.slice(2);
if (!roots.length) {
  console.error('usage: node scripts/check-cycles.mjs <folder>…');
  process.exit(2);
}

function sourcesBelow(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sourcesBelow(path);
    return /\.ts$/.test(name) && !/\.(test|test-d|d)\.ts$/.test(name) ? [resolve(path)] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((match) => resolve(dirname(file), (match[1] ?? match[2]).replace(/\.js$/, '.ts')))
    .filter((target) => target.endsWith('.ts'));
}

const files = roots.flatMap((root) => sourcesBelow(root));
const graph = new Map(files.map((file) => [file, importsOf(file).filter((target) => files.includes(target))]));

// Depth-first search; a back edge to a module on the current path closes a cycle.
const cycles = new Set();
const done = new Set();
function visit(file, path) {
  const at = path.indexOf(file);
  if (at >= 0) {
    const cycle = path.slice(at);
    // One spelling per cycle: start it at its smallest module.
    const start = cycle.indexOf([...cycle].sort()[0]);
    cycles.add([...cycle.slice(start), ...cycle.slice(0, start), cycle[start]].map((f) => relative(process.cwd(), f)).join(' → '));
    return;
  }
  if (done.has(file)) return;
  for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
  done.add(file);
}
for (const file of files) visit(file, []);

if (cycles.size) {
  console.error(`${cycles.size} import cycle(s):\n  ${[...cycles].join('\n  ')}`);
  process.exit(1);
}
console.log(`no import cycles among ${files.length} modules`);

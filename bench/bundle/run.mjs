/**
 * Bundle sizes, gzip (level 9) and brotli (quality 11): our shipped browser bundles (whatever
 * `npm run build` left in packages/components/dist/browser), and — built the same way with
 * esbuild (minified, ES2022, browser) — our elements and client next to the peers. "Initial" is
 * what a page downloads up front: the entry and the chunks it imports statically; lazy chunks
 * (our map engine, maplibre-gl) are listed apart.
 */
import * as esbuild from 'esbuild';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { benchRoot, buildRoot, repoRoot } from '../lib/build.mjs';
import { fmt, markdownTable } from '../lib/format.mjs';

export const BUNDLE_ENTRIES = {
  'ours: all elements (esbuild)': 'ours-all.js',
  'ours: cb-data-table only (esbuild)': 'ours-data-table.js',
  'ours: @citybrain/client (esbuild)': 'client.js',
  'AG Grid Community, all modules': 'aggrid-all.js',
  'AG Grid Community, rows + sort + filters': 'aggrid-min.js',
  'Tabulator (full)': 'tabulator.js',
  'Lit + @lit-labs/virtualizer': 'lit-virtualizer.js',
  'ky': 'ky.js',
  'openapi-fetch': 'openapi-fetch.js',
  'maplibre-gl (main thread)': 'maplibre.js',
};

export function sizes(buffer) {
  return {
    raw: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length } }).length,
  };
}

const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
const ZERO = { raw: 0, gzip: 0, brotli: 0 };

async function esbuildSizes(name, entry) {
  const outdir = `${buildRoot}bundle/${name.replace(/[^a-z0-9]+/gi, '-')}`;
  rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [`${benchRoot}bundle/entries/${entry}`],
    outdir,
    absWorkingDir: repoRoot,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    conditions: ['citybrain-source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
  });
  const outputs = result.metafile.outputs;
  const entryOut = Object.keys(outputs).find((f) => outputs[f].entryPoint);
  const initial = new Set([entryOut]);
  const queue = [entryOut];
  while (queue.length) {
    for (const imp of outputs[queue.shift()].imports) {
      if (imp.kind === 'import-statement' && !initial.has(imp.path)) {
        initial.add(imp.path);
        queue.push(imp.path);
      }
    }
  }
  // Where the initial bytes come from (minified, before compression): by npm package or source folder.
  const parts = new Map();
  for (const file of initial) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[file].inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input) ?? /packages\/([^/]+\/src\/[^/]+)/.exec(input);
      const key = m ? m[1] : input;
      parts.set(key, (parts.get(key) ?? 0) + bytesInOutput);
    }
  }
  const composition = [...parts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([part, bytes]) => ({ part, kb: Math.round(bytes / 102.4) / 10 }));
  let init = ZERO;
  let lazy = ZERO;
  for (const file of Object.keys(outputs)) {
    if (!file.endsWith('.js')) continue;
    const s = sizes(readFileSync(join(repoRoot, file)));
    if (initial.has(file)) init = add(init, s);
    else lazy = add(lazy, s);
  }
  return { initial: init, lazy, composition };
}

function shippedBundles() {
  const dir = `${repoRoot}packages/components/dist/browser`;
  if (!existsSync(dir)) return { dir: relative(repoRoot, dir), files: [] };
  const files = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(m?js|css)$/.test(f)) files.push({ file: relative(dir, p), ...sizes(readFileSync(p)), mtime: statSync(p).mtime.toISOString() });
    }
  };
  walk(dir);
  return { dir: relative(repoRoot, dir), files: files.sort((a, b) => a.file.localeCompare(b.file)) };
}

/** @param {{ entries?: Record<string, string>, log?: (s: string) => void }} options */
export async function runBundle(options = {}) {
  const { entries = BUNDLE_ENTRIES, log = console.log } = options;
  const built = {};
  for (const [name, entry] of Object.entries(entries)) {
    built[name] = await esbuildSizes(name, entry);
    log?.(`  bundle ${name}: ${fmt(built[name].initial.gzip / 1024)} KB gzip initial${built[name].lazy.raw ? `, ${fmt(built[name].lazy.gzip / 1024)} KB gzip lazy` : ''}`);
  }
  const tabulatorCss = `${repoRoot}node_modules/tabulator-tables/dist/css/tabulator.min.css`;
  const css = existsSync(tabulatorCss) ? { 'Tabulator stylesheet': sizes(readFileSync(tabulatorCss)) } : {};
  const worker = `${repoRoot}node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs`;
  const extra = existsSync(worker) ? { 'maplibre-gl worker (dist)': sizes(readFileSync(worker)) } : {};
  return { suite: 'bundle', config: { esbuild: esbuild.version, gzip: 'level 9', brotli: 'quality 11' }, built, css, extra, shipped: shippedBundles() };
}

export function bundleReport(result) {
  const kb = (n) => fmt(n / 1024, 1);
  const rows = Object.entries(result.built).map(([name, r]) => [
    name,
    kb(r.initial.raw),
    kb(r.initial.gzip),
    kb(r.initial.brotli),
    r.lazy.raw ? `${kb(r.lazy.gzip)} / ${kb(r.lazy.brotli)}` : '–',
  ]);
  for (const [name, s] of Object.entries({ ...result.css, ...result.extra })) rows.push([name, kb(s.raw), kb(s.gzip), kb(s.brotli), '–']);
  const out = [
    `### Built alike with esbuild ${result.config.esbuild} (minified; KB = 1024 bytes; gzip ${result.config.gzip}, brotli ${result.config.brotli})`,
    '',
    markdownTable(['bundle', 'initial min KB', 'initial gzip KB', 'initial brotli KB', 'lazy chunks gzip / brotli KB'], rows),
    '',
  ];
  if (result.shipped.files.length) {
    out.push(
      `### Shipped: ${result.shipped.dir} (from \`npm run build\`)`,
      '',
      markdownTable(['file', 'min KB', 'gzip KB', 'brotli KB'], result.shipped.files.map((f) => [f.file, kb(f.raw), kb(f.gzip), kb(f.brotli)])),
      '',
    );
  } else out.push(`(No shipped bundles in ${result.shipped.dir}: run \`npm run build\` first.)`, '');
  const ours = Object.entries(result.built).filter(([name]) => name.startsWith('ours: all'));
  for (const [name, r] of ours) {
    out.push(`What the initial part of "${name}" is made of (minified KB, before compression): ${r.composition.map((c) => `${c.part} ${c.kb}`).join(', ')}`, '');
  }
  return out.join('\n');
}

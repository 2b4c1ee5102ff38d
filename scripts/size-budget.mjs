#!/usr/bin/env node
/**
 * Size budgets of the browser bundles (DESIGN.md, quality bars), checked by `npm test`:
 *
 * - the script-tag bundle without the map engine ≤ 40 KB gzip: `citybrain.js`, what every page
 *   with the script tag downloads — Lit, the client, the shared base, `<cb-provider>`, the
 *   `<cb-map-viewer>` shell, the first-use registry and the chunk loader. `<cb-data-table>` and
 *   `<cb-approval-status>` load from their own chunks when the first one appears (their sizes, and
 *   the total of a page that uses both, are printed too);
 * - the map wrapper ≤ 15 KB gzip beyond maplibre-gl: the viewer chunk a page with a map loads on
 *   top of `citybrain.js` and maplibre-gl (maplibre's stylesheet travels in its own chunk with the
 *   engine; gcoord loads only for GCJ-02 data).
 *
 * Prints min / gzip / brotli sizes, the largest parts of citybrain.js and of the viewer chunk
 * (from their source maps), and exits 1 when a budget is exceeded. Needs the bundles:
 * `npx rollup -c` first.
 *
 *   node scripts/size-budget.mjs [--json]
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const browserDir = join(root, 'packages/components/dist/browser');

const KB = 1024;
export const BUDGETS = {
  /** citybrain.js: what every page with the script tag downloads. */
  scriptTag: 40 * KB,
  /** The viewer chunk: what a map adds beyond citybrain.js and maplibre-gl. */
  mapWrapper: 15 * KB,
};

/** Minified, gzip (level 9, as CDNs serve static files) and brotli (quality 11) sizes in bytes. */
export function measure(bytes) {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  return {
    min: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = Object.fromEntries([...BASE64].map((char, index) => [char, index]));

/** Decodes one source-map segment (base64 VLQ) into its numbers. */
function decodeSegment(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64_VALUE[char];
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Names a source file by what a reader would look for: an npm package, or a folder of ours. */
function partOf(source) {
  const path = source.replace(/\\/g, '/');
  const nodeModules = path.lastIndexOf('node_modules/');
  if (nodeModules !== -1) {
    const rest = path.slice(nodeModules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const match = /^packages\/(components|client)\/src\/(.+)$/.exec(path);
  if (match) {
    const [, pkg, file] = match;
    const folder = file.includes('/') ? file.slice(0, file.indexOf('/')) : file;
    return pkg === 'client' ? `client/${folder.startsWith('generated') ? 'generated' : 'src'}` : `components/${folder}`;
  }
  return path;
}

/** Minified bytes of a bundle per package or folder (or per `nameOf(source)`), attributed through its source map. */
export function attribute(codePath, nameOf = partOf) {
  const code = readFileSync(codePath, 'utf8');
  const map = JSON.parse(readFileSync(`${codePath}.map`, 'utf8'));
  const lines = code.split('\n');
  // Source paths are relative to the map's own location (and its sourceRoot).
  const sources = map.sources.map((source) => relative(root, resolve(dirname(codePath), map.sourceRoot ?? '', source)));
  const bytesByPart = new Map();
  let sourceIndex = 0;
  map.mappings.split(';').forEach((line, lineIndex) => {
    const lineLength = Buffer.byteLength(lines[lineIndex] ?? '');
    let column = 0;
    const segments = line ? line.split(',').map(decodeSegment) : [];
    const starts = [];
    for (const values of segments) {
      column += values[0];
      if (values.length > 1) sourceIndex += values[1];
      starts.push({ column, source: values.length > 1 ? sourceIndex : -1 });
    }
    starts.forEach((start, index) => {
      const end = index + 1 < starts.length ? starts[index + 1].column : lineLength;
      const part = start.source === -1 ? '(glue)' : nameOf(sources[start.source]);
      bytesByPart.set(part, (bytesByPart.get(part) ?? 0) + Math.max(0, end - start.column));
    });
  });
  return [...bytesByPart].sort((a, b) => b[1] - a[1]);
}

function formatKb(bytes) {
  return `${(bytes / KB).toFixed(1)} KB`;
}

/** The script-tag build's lazy chunks (`citybrain-<name>-<hash>.js`) by name. */
function classicChunks() {
  const byName = new Map();
  for (const file of readdirSync(browserDir)) {
    const match = /^citybrain-(.+)-[\w-]{8}\.js$/.exec(file);
    if (match) byName.set(match[1], [...(byName.get(match[1]) ?? []), file]);
  }
  return byName;
}

const CHUNK_ROLES = {
  'data-table': '<cb-data-table>, first use',
  'approval-status': '<cb-approval-status>, first use',
  'application-form': '<cb-application-form>, first use',
  en: 'English strings, setLocale("en")',
  'gcoord.esm-bundler': 'GCJ-02 conversion, GCJ-02 data',
  'maplibre-gl': 'maplibre-gl, the map engine, with the first map',
  'maplibre-css': 'maplibre-gl stylesheet, with it',
  'click-queries': 'map identify, zone check, popups: first click',
  panels: 'map layer list, legend, search: if asked',
  tianditu: '天地图 basemap: if asked',
  region: 'map region outline, breadcrumb: if asked',
};

export async function checkBudgets() {
  const scriptTagPath = join(browserDir, 'citybrain.js');
  if (!existsSync(scriptTagPath)) throw new Error('No bundles: run `npx rollup -c` first.');
  const read = (files) => Buffer.concat(files.map((file) => readFileSync(join(browserDir, file))));
  const chunks = classicChunks();
  /** The one chunk of a name the budgets are about; a build that lost or renamed it is an error, not a zero. */
  const chunk = (name) => {
    const files = chunks.get(name) ?? [];
    if (files.length !== 1) throw new Error(`Expected one citybrain-${name}-*.js chunk, found ${files.length}.`);
    return files;
  };
  const viewer = chunk('viewer');
  // Chunks Rollup split off for code the two lazy elements share (small helpers) load with either.
  const shared = [...chunks].filter(([name]) => !(name in CHUNK_ROLES) && name !== 'viewer').flatMap(([, files]) => files);
  const esmFiles = readdirSync(browserDir).filter((file) => /^citybrain.*\.mjs$/.test(file));
  const rows = [
    { name: 'citybrain.js — script tag, every page', size: measure(readFileSync(scriptTagPath)), budget: BUDGETS.scriptTag },
    { name: 'map wrapper — viewer chunk beyond maplibre-gl', size: measure(read(viewer)), budget: BUDGETS.mapWrapper },
    ...Object.entries(CHUNK_ROLES)
      .filter(([name]) => chunks.has(name))
      .map(([name, role]) => ({ name: `  + ${role}`, size: measure(read(chunks.get(name))) })),
    ...(shared.length ? [{ name: `  + ${shared.length} shared helper chunk(s)`, size: measure(read(shared)) }] : []),
    {
      name: 'map with every optional part, beyond maplibre-gl',
      size: measure(read([...viewer, ...['click-queries', 'panels', 'region', 'tianditu'].flatMap((name) => chunks.get(name) ?? [])])),
    },
    {
      name: 'page with every element but the map',
      size: measure(read(['citybrain.js', ...chunk('data-table'), ...chunk('approval-status'), ...shared])),
    },
    { name: 'citybrain.mjs — ESM entry (eager)', size: measure(readFileSync(join(browserDir, 'citybrain.mjs'))) },
    { name: `citybrain*.mjs — ESM entry + ${esmFiles.length - 1} lazy chunks`, size: measure(read(esmFiles)) },
    { name: 'maplibre-gl.mjs — map engine (lazy)', size: measure(readFileSync(join(browserDir, 'maplibre-gl.mjs'))) },
    { name: 'maplibre-gl-worker.mjs — map worker', size: measure(readFileSync(join(browserDir, 'maplibre-gl-worker.mjs'))) },
  ];
  return { rows, parts: attribute(scriptTagPath), wrapperParts: attribute(join(browserDir, viewer[0]), (source) => source.replace(/\\/g, '/')) };
}

function report({ rows, parts, wrapperParts }) {
  const lines = [];
  lines.push(`${'bundle'.padEnd(52)}${'min'.padStart(11)}${'gzip'.padStart(11)}${'brotli'.padStart(11)}   budget (gzip)`);
  for (const { name, size, budget } of rows) {
    const verdict = budget === undefined ? '' : `${size.gzip <= budget ? 'ok  ' : 'OVER'} ≤ ${formatKb(budget)}`;
    lines.push(`${name.padEnd(52)}${formatKb(size.min).padStart(11)}${formatKb(size.gzip).padStart(11)}${formatKb(size.brotli).padStart(11)}   ${verdict}`);
  }
  const total = parts.reduce((sum, [, bytes]) => sum + bytes, 0);
  lines.push('', 'citybrain.js by part (minified bytes, from its source map):');
  for (const [part, bytes] of parts.slice(0, 14)) {
    lines.push(`  ${part.padEnd(36)}${formatKb(bytes).padStart(10)}  ${((bytes / total) * 100).toFixed(1).padStart(5)} %`);
  }
  lines.push('', 'map wrapper by module (minified bytes, from its source map):');
  for (const [id, bytes] of wrapperParts.slice(0, 10)) lines.push(`  ${id.padEnd(60)}${formatKb(bytes).padStart(10)}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await checkBudgets();
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else console.log(report(result));
  const over = result.rows.filter((row) => row.budget !== undefined && row.size.gzip > row.budget);
  if (over.length) {
    console.error(`\nOver budget: ${over.map((row) => `${row.name.split(' —')[0]} ${formatKb(row.size.gzip)} > ${formatKb(row.budget)}`).join('; ')}`);
    process.exit(1);
  }
}

export { report };

#!/usr/bin/env node
/**
 * Size budgets of the browser bundles (DESIGN.md, quality bars), checked by `npm test`:
 *
 * - everything except the map engine ≤ 40 KB gzip: `citybrain.js`, the script-tag bundle, which
 *   holds every element, Lit, the client, the English strings and the map wrapper, and loads
 *   maplibre-gl from its own file only when a map is on the page;
 * - the map wrapper ≤ 15 KB gzip beyond maplibre-gl: what `<cb-map-viewer>` adds on top of the
 *   code every element shares (Lit, the client, the shared base) — its own modules, maplibre's
 *   stylesheet and gcoord — measured by bundling src/map-viewer alone with the shared code and
 *   maplibre-gl left out.
 *
 * Prints min / gzip / brotli sizes, the largest parts of citybrain.js (from its source map), and
 * exits 1 when a budget is exceeded. Needs the bundles: `npx rollup -c` first.
 *
 *   node scripts/size-budget.mjs [--json]
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const browserDir = join(root, 'packages/components/dist/browser');
const mapViewerDir = join(root, 'packages/components/src/map-viewer');

const KB = 1024;
export const BUDGETS = {
  /** citybrain.js: everything except maplibre-gl. */
  scriptTag: 40 * KB,
  /** <cb-map-viewer>'s own code beyond maplibre-gl and the shared base. */
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

/** Minified bytes of a bundle per package or folder, attributed through its source map. */
export function attribute(codePath) {
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
      const part = start.source === -1 ? '(glue)' : partOf(sources[start.source]);
      bytesByPart.set(part, (bytesByPart.get(part) ?? 0) + Math.max(0, end - start.column));
    });
  });
  return [...bytesByPart].sort((a, b) => b[1] - a[1]);
}

/**
 * Bundles src/map-viewer (with its lazy engine inlined) leaving out what every element shares
 * and maplibre-gl itself: what a page pays for the map beyond the other elements and the engine.
 */
export async function buildMapWrapper() {
  const { rollup } = await import('rollup');
  const config = await import('../rollup.config.mjs');
  const inWrapper = (id) => id.startsWith(mapViewerDir + sep) || /node_modules[\\/]gcoord[\\/]/.test(id);
  const sharedAsExternal = {
    name: 'shared-code-external',
    async resolveId(source, importer, options) {
      if (importer === undefined) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (resolved && !resolved.external && !inWrapper(resolved.id)) return { id: resolved.id, external: true };
      return resolved;
    },
  };
  const bundle = await rollup({
    input: join(mapViewerDir, 'define.ts'),
    plugins: [sharedAsExternal, ...config.browserPlugins()],
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: true });
  await bundle.close();
  const chunk = output.find((item) => item.type === 'chunk');
  const modules = Object.entries(chunk.modules)
    .map(([id, info]) => [relative(root, id).split(sep).join('/'), info.renderedLength])
    .sort((a, b) => b[1] - a[1]);
  return { code: chunk.code, modules };
}

function formatKb(bytes) {
  return `${(bytes / KB).toFixed(1)} KB`;
}

export async function checkBudgets() {
  const scriptTagPath = join(browserDir, 'citybrain.js');
  if (!existsSync(scriptTagPath)) throw new Error('No bundles: run `npx rollup -c` first.');
  const scriptTag = measure(readFileSync(scriptTagPath));
  const wrapper = await buildMapWrapper();
  const mapWrapper = measure(wrapper.code);
  const esmFiles = readdirSync(browserDir).filter((file) => /^citybrain.*\.mjs$/.test(file));
  const esm = measure(Buffer.concat(esmFiles.map((file) => readFileSync(join(browserDir, file)))));
  const esmEntry = measure(readFileSync(join(browserDir, 'citybrain.mjs')));
  const engine = measure(readFileSync(join(browserDir, 'maplibre-gl.mjs')));
  const worker = measure(readFileSync(join(browserDir, 'maplibre-gl-worker.mjs')));
  const rows = [
    { name: 'citybrain.js — script tag, all but maplibre-gl', size: scriptTag, budget: BUDGETS.scriptTag },
    { name: 'map wrapper — cb-map-viewer beyond maplibre-gl', size: mapWrapper, budget: BUDGETS.mapWrapper },
    { name: 'citybrain.mjs — ESM entry (eager)', size: esmEntry },
    { name: `citybrain*.mjs — ESM entry + ${esmFiles.length - 1} lazy chunks`, size: esm },
    { name: 'maplibre-gl.mjs — map engine (lazy)', size: engine },
    { name: 'maplibre-gl-worker.mjs — map worker', size: worker },
  ];
  return { rows, parts: attribute(scriptTagPath), wrapperModules: wrapper.modules };
}

function report({ rows, parts, wrapperModules }) {
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
  lines.push('', 'map wrapper by module (bytes before minification):');
  for (const [id, bytes] of wrapperModules.slice(0, 8)) lines.push(`  ${id.padEnd(60)}${formatKb(bytes).padStart(10)}`);
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

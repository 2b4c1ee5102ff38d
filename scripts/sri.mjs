#!/usr/bin/env node
/**
 * Subresource Integrity for the browser bundles.
 *
 * `writeSri(dir)` (called by rollup.config.mjs after the last bundle) writes `dir/sri.json`: the
 * sha384 of every shipped file, keyed by its path relative to `dir`. A site that loads the kit
 * from a CDN pins exactly the bytes it reviewed; a tampered or half-deployed file then fails to
 * load instead of running.
 *
 * Run directly, it prints the snippets for a site's HTML with those hashes:
 *
 *   node scripts/sri.mjs                                    # base URL /dist (the sandbox)
 *   node scripts/sri.mjs https://cdn.example.gov.cn/citybrain/0.1.0
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRI_FILE = 'sri.json';
const defaultDir = fileURLToPath(new URL('../packages/components/dist/browser', import.meta.url));

function listFiles(dir, root = dir) {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? listFiles(path, root) : [relative(root, path).split(sep).join('/')];
    })
    .filter((file) => file !== SRI_FILE)
    .sort();
}

/** `sha384-…` of a file's bytes, as `integrity` attributes and import maps expect. */
export function integrityOf(path) {
  return integrityOfContent(readFileSync(path));
}

/** The same hash of content not written yet (the build bakes the chunks' hashes into citybrain.js). */
export function integrityOfContent(content) {
  return `sha384-${createHash('sha384').update(content).digest('base64')}`;
}

/** Hashes every file under `dir` into `dir/sri.json`; returns the map. */
export function writeSri(dir = defaultDir) {
  const hashes = Object.fromEntries(listFiles(dir).map((file) => [file, integrityOf(join(dir, file))]));
  writeFileSync(join(dir, SRI_FILE), `${JSON.stringify(hashes, null, 2)}\n`);
  return hashes;
}

/** Reads `dir/sri.json`. */
export function readSri(dir = defaultDir) {
  return JSON.parse(readFileSync(join(dir, SRI_FILE), 'utf8'));
}

/** The HTML a site pastes, with the hashes of the current build. */
export function snippets(hashes, base = '/dist') {
  const url = (file) => `${base.replace(/\/$/, '')}/${file}`;
  const moduleFiles = Object.keys(hashes).filter((file) => file.endsWith('.mjs') && !file.includes('worker'));
  // Import maps may carry integrity for every module the page may load, including lazy chunks
  // and maplibre-gl.mjs, which no <script> tag names (Chromium 127+; others ignore the key).
  const importMap = {
    imports: { '@citybrain/components': url('citybrain.mjs') },
    integrity: Object.fromEntries(moduleFiles.map((file) => [url(file), hashes[file]])),
  };
  return [
    '<!-- 1. Script tag (no build step): pins every chunk it loads too, the map engine included -->',
    `<script src="${url('citybrain.js')}" integrity="${hashes['citybrain.js']}" crossorigin="anonymous" defer></script>`,
    '',
    '<!-- 2. ES module with an import map (an inline import map needs its sha256 in script-src) -->',
    `<script type="importmap">${JSON.stringify(importMap, null, 2)}</script>`,
    `<script type="module" src="${url('citybrain.mjs')}" integrity="${hashes['citybrain.mjs']}" crossorigin="anonymous"></script>`,
    '',
    '<!-- maplibre-gl-worker.mjs must be served from the same directory as the bundles (workers take no integrity attribute). -->',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const base = process.argv[2] ?? '/dist';
  let hashes;
  try {
    hashes = readSri();
  } catch {
    console.error('No sri.json yet: build the bundles first (npx rollup -c).');
    process.exit(1);
  }
  console.log(snippets(hashes, base));
}

#!/usr/bin/env node
/**
 * The release step after `changeset version` (CONTRIBUTING.md, "Releasing"): points the README's
 * script tag at the new version's directory on the CDN and pins it with the sha384 of the
 * `citybrain.js` that release ships (dist/browser/sri.json, written by `rollup -c`), so the snippet
 * a town site pastes is exactly the file that was reviewed and published.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSri } from './sri.mjs';

const root = new URL('..', import.meta.url);
const readmePath = fileURLToPath(new URL('README.md', root));

/** The README's `<script src=".../embed/<version>/citybrain.js" integrity="…">`: version and hash. */
const SCRIPT_TAG = /(<script src="https:\/\/[^"]+\/embed\/)([^/"]+)(\/citybrain\.js"\s+integrity=")([^"]*)(")/;

/** The version and integrity the README's script tag names. */
export function scriptTagOf(readme) {
  const match = SCRIPT_TAG.exec(readme);
  return match ? { version: match[2], integrity: match[4] } : undefined;
}

/** The README with its script tag at `version`, pinned by `integrity`; throws if it has none. */
export function versionScriptTag(readme, version, integrity) {
  if (!SCRIPT_TAG.test(readme)) throw new Error('README.md has no <script src="https://…/embed/<version>/citybrain.js" integrity="…"> to update');
  return readme.replace(SCRIPT_TAG, (_, start, _version, middle, _integrity, end) => `${start}${version}${middle}${integrity}${end}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { version } = JSON.parse(readFileSync(new URL('packages/components/package.json', root), 'utf8'));
  const integrity = readSri()['citybrain.js'];
  writeFileSync(readmePath, versionScriptTag(readFileSync(readmePath, 'utf8'), version, integrity));
  console.log(`README.md: script tag of ${version}, ${integrity}`);
}

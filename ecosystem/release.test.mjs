/**
 * The release flow (issue 22, CONTRIBUTING.md "Releasing"): Changesets versions the public
 * packages together, and the README's script tag follows the released version with its hash.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { scriptTagOf, versionScriptTag } from '../scripts/release-readme.mjs';

const read = (path) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const readJson = (path) => JSON.parse(read(path));

test('the README script tag names the version the packages carry', () => {
  const tag = scriptTagOf(read('README.md'));
  assert.ok(tag, 'README.md has the versioned script tag');
  assert.equal(tag.version, readJson('packages/components/package.json').version);
});

test('the release step rewrites only the script tag: the new version and the hash of its citybrain.js', () => {
  const readme = read('README.md');
  const integrity = 'sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC';
  const released = versionScriptTag(readme, '1.2.3', integrity);
  assert.deepEqual(scriptTagOf(released), { version: '1.2.3', integrity });
  const changed = released.split('\n').filter((line, i) => line !== readme.split('\n')[i]);
  assert.equal(changed.length, 2, changed.join('\n'));
  assert.throws(() => versionScriptTag('# no script tag', '1.2.3', integrity), /no <script/);
});

test('Changesets releases every public package, and only those, as one fixed group', () => {
  const config = readJson('.changeset/config.json');
  const publicPackages = readJson('package.json').workspaces
    .map((dir) => readJson(`${dir}/package.json`))
    .filter((manifest) => !manifest.private)
    .map((manifest) => manifest.name);
  assert.deepEqual(config.fixed, [publicPackages.sort()]);
  assert.equal(config.access, 'public');
});

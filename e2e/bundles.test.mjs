/**
 * What ships, checked without a browser: size budgets, Subresource Integrity, the elements the
 * script-tag bundle registers, nothing a strict CSP forbids inside the bundles, no secret in
 * anything a browser receives, examples without inline script or style, and the VS Code data
 * generated from the manifest. Needs the bundles (`npx rollup -c`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { BUDGETS, checkBudgets, report } from '../scripts/size-budget.mjs';
import { integrityOf, readSri, snippets } from '../scripts/sri.mjs';
import { root } from './support.mjs';

const browserDir = join(root, 'packages/components/dist/browser');
const componentsDir = join(root, 'packages/components');

function walk(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules') return [];
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Tag names registered by the element folders' define.ts modules. */
function definedTags() {
  const tags = [];
  for (const folder of readdirSync(join(componentsDir, 'src'))) {
    const define = join(componentsDir, 'src', folder, 'define.ts');
    try {
      for (const match of readFileSync(define, 'utf8').matchAll(/defineElement\('([a-z-]+)'/g)) tags.push(match[1]);
    } catch {
      // folders without a define.ts (shared, locales)
    }
  }
  return tags.sort();
}

const budgetCheck = checkBudgets();

test('size budget: citybrain.js, what every script-tag page downloads, ≤ 40 KB gzip', async (t) => {
  const result = await budgetCheck;
  t.diagnostic(`\n${report(result)}`);
  const row = result.rows.find((r) => r.budget === BUDGETS.scriptTag);
  assert.ok(row.size.gzip <= row.budget, `${row.name}: ${(row.size.gzip / 1024).toFixed(1)} KB gzip > ${(row.budget / 1024).toFixed(1)} KB`);
  assert.deepEqual(Object.keys(BUDGETS), ['scriptTag', 'mapWrapper']);
});

test('size budget: the map wrapper, the viewer chunk every map loads, ≤ 15 KB gzip beyond maplibre-gl', async () => {
  const row = (await budgetCheck).rows.find((r) => r.budget === BUDGETS.mapWrapper);
  assert.ok(row.size.gzip <= row.budget, `${row.name}: ${(row.size.gzip / 1024).toFixed(1)} KB gzip > ${(row.budget / 1024).toFixed(1)} KB`);
});

test('citybrain.js carries the integrity hash of every chunk it loads, equal to sri.json', () => {
  const sri = readSri(browserDir);
  const code = readFileSync(join(browserDir, 'citybrain.js'), 'utf8');
  const [loaderLine] = code.split('\n', 1);
  assert.match(loaderLine, /citybrainDefine/, 'the chunk loader is the first line');
  const baked = JSON.parse(/\{"citybrain-[^}]*\}/.exec(loaderLine)?.[0] ?? '{}');
  const chunks = Object.keys(sri).filter((file) => /^citybrain-.+\.js$/.test(file)).sort();
  assert.ok(chunks.length >= 4, chunks.join(', '));
  assert.deepEqual(Object.keys(baked).sort(), chunks);
  for (const chunk of chunks) assert.equal(baked[chunk], sri[chunk], `${chunk}: baked hash differs from the file`);
});

test('sri.json holds the sha384 of every shipped file, and the snippets use them', () => {
  const sri = readSri(browserDir);
  const files = walk(browserDir).map((path) => relative(browserDir, path).split('\\').join('/')).filter((f) => f !== 'sri.json').sort();
  assert.deepEqual(Object.keys(sri).sort(), files);
  for (const file of files) assert.equal(sri[file], integrityOf(join(browserDir, file)), `${file} changed after hashing`);
  for (const required of ['citybrain.js', 'citybrain.mjs', 'maplibre-gl.mjs', 'maplibre-gl-worker.mjs', 'citybrain.js.map']) {
    assert.ok(required in sri, `${required} ships`);
  }
  const html = snippets(sri, 'https://cdn.example.gov.cn/citybrain/0.1.0');
  assert.ok(html.includes(`src="https://cdn.example.gov.cn/citybrain/0.1.0/citybrain.js" integrity="${sri['citybrain.js']}" crossorigin="anonymous"`));
  assert.ok(html.includes(`"https://cdn.example.gov.cn/citybrain/0.1.0/maplibre-gl.mjs": "${sri['maplibre-gl.mjs']}"`));
});

test('the script-tag bundle registers every element of the library', () => {
  const entry = readFileSync(join(componentsDir, 'src/script-tag.ts'), 'utf8');
  const atOnce = [...entry.matchAll(/\['(cb-[a-z-]+)',\s*Cb\w+\]/g)].map((m) => m[1]);
  const onFirstUse = [...entry.matchAll(/'(cb-[a-z-]+)':\s*\(\) => import\(/g)].map((m) => m[1]);
  assert.ok(atOnce.length > 0 && onFirstUse.length > 0);
  const registered = [...atOnce, ...onFirstUse].sort();
  assert.deepEqual(registered, definedTags());
  assert.ok(definedTags().length >= 4);
});

test('the bundles use no eval, new Function or string timers (script-src without unsafe-eval)', () => {
  const shipped = readdirSync(browserDir).filter((file) => /^citybrain.*\.(m?js)$/.test(file));
  assert.ok(shipped.length >= 3);
  for (const file of shipped) {
    const code = readFileSync(join(browserDir, file), 'utf8');
    assert.doesNotMatch(code, /\beval\(|new Function\(|\bFunction\(\s*["'`]/, `${file} evaluates strings`);
    assert.doesNotMatch(code, /setTimeout\(\s*["'`]/, `${file} passes a string to setTimeout`);
  }
});

test('no secret reaches a browser: no credential in bundles or examples, no Node-only signer in the bundles', () => {
  const bundles = walk(browserDir).filter((f) => /\.(m?js|json)$/.test(f) && !f.includes('maplibre'));
  const examples = walk(join(root, 'examples')).filter((f) => /\.(html|js|mjs|css|tsx?)$/.test(f) && !f.includes(join('examples', 'vendor-node')));
  assert.ok(bundles.length >= 3 && examples.length > 5);
  for (const file of [...bundles, ...examples]) {
    const text = readFileSync(file, 'utf8');
    // The sandbox's demo secrets (docs/sandbox-conventions.md), or any literal client_secret value.
    assert.ok(!/demo-[a-z-]+-secret|client_secret\s*[:=]\s*["'`][^"'`]/i.test(text), `${relative(root, file)} holds a credential`);
  }
  for (const file of bundles) {
    // Gateway HMAC signing and client credentials hold secrets: @citybrain/client/node only (node:crypto),
    // never a browser bundle. (The header names themselves appear in the client's log redaction list.)
    assert.ok(!/createHmac|node:crypto/.test(readFileSync(file, 'utf8')), `${relative(root, file)} includes the Node-only signer`);
  }
});

test('examples carry no inline script, inline style or event-handler attribute', () => {
  const pages = walk(join(root, 'examples')).filter((f) => f.endsWith('.html') && !f.includes(`${join('react', 'dist')}`));
  assert.ok(pages.length >= 4, pages.join(', '));
  for (const page of pages) {
    const html = readFileSync(page, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const name = relative(root, page);
    for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      const [, attributes, body] = match;
      if (/\btype\s*=\s*["']?importmap/i.test(attributes)) continue; // allowed by its hash (static-pages.ts)
      assert.match(attributes, /\bsrc\s*=/, `${name}: inline <script>`);
      assert.equal(body.trim(), '', `${name}: <script src> with a body`);
    }
    assert.doesNotMatch(html, /<style\b/i, `${name}: <style> block`);
    assert.doesNotMatch(html, /\sstyle\s*=/i, `${name}: style attribute`);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${name}: event-handler attribute`);
    assert.doesNotMatch(html, /javascript:/i, `${name}: javascript: URL`);
  }
});

test('VS Code custom data from the manifest completes every tag, attribute and keyword value', () => {
  const run = spawnSync('npm', ['run', '--silent', 'manifest', '-w', '@citybrain/components'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const manifest = JSON.parse(readFileSync(join(componentsDir, 'custom-elements.json'), 'utf8'));
  const data = JSON.parse(readFileSync(join(componentsDir, 'vscode.html-custom-data.json'), 'utf8'));
  assert.deepEqual(data.tags.map((tag) => tag.name), definedTags());
  const manifestAttributes = manifest.modules
    .flatMap((m) => m.declarations ?? [])
    .filter((d) => d.customElement && d.tagName)
    .flatMap((d) => (d.attributes ?? []).map((a) => `${d.tagName}[${a.name}]`))
    .sort();
  assert.deepEqual(data.tags.flatMap((tag) => tag.attributes.map((a) => `${tag.name}[${a.name}]`)).sort(), manifestAttributes);
  const attribute = (tag, name) => data.tags.find((t) => t.name === tag)?.attributes.find((a) => a.name === name);
  assert.deepEqual(attribute('cb-data-table', 'selection')?.values?.map((v) => v.name), ['none', 'single', 'multiple']);
  assert.equal(attribute('cb-map-viewer', 'legend')?.valueSet, 'v');
  assert.match(data.tags.find((t) => t.name === 'cb-data-table').description.value, /cb-row-click/);
});

test('the package version is the one the script-tag global reports', () => {
  const pkg = JSON.parse(readFileSync(join(componentsDir, 'package.json'), 'utf8'));
  const entry = readFileSync(join(componentsDir, 'src/script-tag.ts'), 'utf8');
  assert.equal(/const VERSION = '([^']+)'/.exec(entry)?.[1], pkg.version);
  assert.ok(readFileSync(join(browserDir, 'citybrain.js'), 'utf8').includes(`"${pkg.version}"`));
});

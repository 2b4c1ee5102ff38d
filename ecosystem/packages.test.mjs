/**
 * The npm packages as npm would publish them (issue 22): each public workspace is built and packed
 * with `npm pack`, the tarballs are checked for what ships (no tests, source maps that resolve,
 * a licence), linted with publint and Are-the-Types-Wrong, then installed into a fresh project
 * outside the repository, where they must (a) import from Node ESM, (b) type-check under
 * `node16` and `bundler` resolution and (c) bundle with Vite and render an element in Chromium
 * under the strict Content-Security-Policy.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules/.bin', name);
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Every workspace under packages/ that is not private: what `npm publish --workspaces` would publish. */
const publicPackages = rootPackage.workspaces
  .filter((dir) => dir.startsWith('packages/'))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

let work;
/** name → { tarball, unpacked } */
const packed = new Map();

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'citybrain-packages-'));
  const workspaces = publicPackages.flatMap(({ manifest }) => ['-w', manifest.name]);
  run('npm', ['run', 'build', '--silent', ...workspaces], { cwd: root });
  // The script-tag and ES-module bundles ship in @citybrain/components (exports "./browser/*").
  if (!existsSync(join(root, 'packages/components/dist/browser/citybrain.js'))) run('npx', ['rollup', '-c', '--silent'], { cwd: root });
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const results = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tarballs, ...workspaces], { cwd: root }));
  for (const { name, filename } of results) {
    const unpacked = join(work, 'unpacked', name);
    mkdirSync(unpacked, { recursive: true });
    run('tar', ['xzf', join(tarballs, filename), '-C', unpacked, '--strip-components=1']);
    packed.set(name, { tarball: join(tarballs, filename), unpacked });
  }
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('only intended files ship: no tests, a licence, source maps whose sources are in the package', () => {
  assert.deepEqual([...packed.keys()].sort(), ['@citybrain/client', '@citybrain/components', '@citybrain/contract', '@citybrain/crs', '@citybrain/domain', '@citybrain/validators']);
  for (const [name, { unpacked }] of packed) {
    const files = filesUnder(unpacked).map((path) => relative(unpacked, path));
    assert.ok(files.includes('LICENSE'), `${name} ships its LICENSE`);
    assert.ok(files.includes('README.md'), `${name} ships its README`);
    const unintended = files.filter((file) => /\.test\.|(^|\/)(test|test-support|__tests__)\//.test(file) || file.endsWith('.tsbuildinfo'));
    assert.deepEqual(unintended, [], `${name} ships tests or build state`);
    for (const file of files.filter((f) => /\.(js|mjs|d\.ts)$/.test(f))) {
      const mapping = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(unpacked, file), 'utf8'));
      if (!mapping || mapping[1].startsWith('data:')) continue;
      const mapPath = join(dirname(join(unpacked, file)), mapping[1]);
      assert.ok(existsSync(mapPath), `${name}/${file} points at a missing ${mapping[1]}`);
      const map = JSON.parse(readFileSync(mapPath, 'utf8'));
      map.sources.forEach((source, i) => {
        if (map.sourcesContent?.[i] != null) return;
        const sourcePath = join(dirname(mapPath), map.sourceRoot ?? '', source);
        assert.ok(existsSync(sourcePath) && sourcePath.startsWith(unpacked), `${name}/${relative(unpacked, mapPath)}: source ${source} is not in the package`);
      });
    }
  }
});

test('publint and Are-the-Types-Wrong find nothing', async () => {
  for (const [name, { tarball, unpacked }] of packed) {
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
    const { messages } = await publint({ pkgDir: unpacked, level: 'suggestion', strict: true, pack: false });
    // The script tag's chunks (dist/browser/citybrain-*.js) are classic scripts that citybrain.js loads
    // with <script>; nothing imports them as modules, so "looks like CJS under type: module" (maplibre's
    // chunk carries its UMD wrapper) does not apply to them.
    const classicScriptChunk = (message) => message.code === 'FILE_INVALID_FORMAT' && /dist\/browser\/citybrain-[^/]+\.js/.test(formatMessage(message, pkg));
    assert.deepEqual(messages.filter((message) => !classicScriptChunk(message)).map((message) => formatMessage(message, pkg)), [], `publint ${name}`);
    // ESM only by design: the `esm-only` profile leaves out CommonJS `require` resolution.
    const attw = spawnSync(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color', '--no-emoji'], { encoding: 'utf8' });
    assert.equal(attw.status, 0, `attw ${name}:\n${attw.stdout}${attw.stderr}`);
  }
});

test('a fresh project installs the tarballs: Node ESM imports, tsc under node16 and bundler, a Vite bundle renders in Chromium', async () => {
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'vendor-app', private: true, type: 'module' }));
  // Offline where it can be: the dependencies come from npm's cache, only what is missing from the registry.
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...[...packed.values()].map((p) => p.tarball)], { cwd: consumer });

  // (a) Node ESM: the client and the domain package run in Node; the elements resolve (they need a DOM to run).
  const imported = run(process.execPath, ['--input-type=module', '-e', `
    const client = await import('@citybrain/client');
    const node = await import('@citybrain/client/node');
    const domain = await import('@citybrain/domain');
    const { validateUscc } = await import('@citybrain/client/validators');
    const { toGaussKruger } = await import('@citybrain/client/crs');
    console.log(JSON.stringify({
      createClient: typeof client.createClient,
      clientCredentials: typeof node.clientCredentials,
      uscc: validateUscc('91440605MA4UQ2XK3H').valid,
      easting: Math.round(toGaussKruger([114, 23])[0]),
      domain: Object.keys(domain).length,
      components: import.meta.resolve('@citybrain/components'),
    }));`], { cwd: consumer });
  const found = JSON.parse(imported);
  assert.equal(found.createClient, 'function');
  assert.equal(found.clientCredentials, 'function');
  assert.equal(found.uscc, true, '@citybrain/client/validators');
  assert.equal(found.easting, 500000, '@citybrain/client/crs');
  assert.ok(found.domain > 0);
  assert.match(found.components, /node_modules\/@citybrain\/components\/dist\/esm\/index\.js$/);

  // (b) Types under both resolutions a vendor is likely to use.
  writeFileSync(join(consumer, 'main.ts'), `
import { createClient, type CityBrainClient } from '@citybrain/client';
import { clientCredentials } from '@citybrain/client/node';
import type { CbApprovalStatus } from '@citybrain/components';
import { validateIdNumber } from '@citybrain/client/validators';
import { toGaussKruger, type Position } from '@citybrain/client/crs';

export const grid: Position = toGaussKruger([113.1478, 23.0372]);
export const idValid: boolean = validateIdNumber('440605199001011236').valid;
const client: CityBrainClient = createClient({
  baseUrl: 'https://citybrain.example.gov.cn/api/v1',
  auth: clientCredentials({ tokenUrl: 'https://citybrain.example.gov.cn/api/v1/auth/token', clientId: 'id', clientSecret: 'secret' }),
});
export async function overdue(): Promise<string[]> {
  const ids: string[] = [];
  for await (const application of client.approvals.list({ overdue: true })) ids.push(application.id);
  return ids;
}
export const mode: CbApprovalStatus['mode'] = 'citizen';
`);
  for (const resolution of ['node16', 'bundler']) {
    const options = resolution === 'node16' ? { module: 'node16', moduleResolution: 'node16' } : { module: 'esnext', moduleResolution: 'bundler' };
    writeFileSync(join(consumer, `tsconfig.${resolution}.json`), JSON.stringify({
      compilerOptions: { ...options, target: 'es2022', lib: ['es2022', 'dom', 'dom.iterable'], strict: true, noEmit: true, skipLibCheck: true },
      files: ['main.ts'],
    }));
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${resolution}.json`], { cwd: consumer });
  }

  // (c) Vite bundles an element from the installed package; Chromium renders it under the strict policy.
  const executablePath = findChromium();
  assert.ok(executablePath, 'Chromium is needed to render the bundle');
  writeFileSync(join(consumer, 'index.html'), '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>vendor app</title><link rel="icon" href="data:,"><script type="module" src="./app.js"></script></head><body><cb-approval-status mode="citizen"></cb-approval-status></body></html>');
  writeFileSync(join(consumer, 'app.js'), "import '@citybrain/components';\n");
  run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', 'out'], { cwd: consumer });

  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = join(consumer, 'out', req.url === '/' ? 'index.html' : decodeURIComponent(req.url.split('?')[0]));
    if (!path.startsWith(join(consumer, 'out')) || !existsSync(path) || statSync(path).isDirectory()) return res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': types[extname(path)] ?? 'application/octet-stream',
      'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; worker-src 'self'; img-src 'self' data: blob:; connect-src 'self'; require-trusted-types-for 'script'",
    });
    res.end(readFileSync(path));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    await page.exposeFunction('__violation', (text) => problems.push(text));
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => window.__violation(`${e.effectiveDirective} ${e.blockedURI}`)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => Boolean(document.querySelector('cb-approval-status')?.shadowRoot?.querySelector('form input')), undefined, { timeout: 20_000 });
    assert.deepEqual(problems, [], 'the bundled element renders clean under the strict policy');
  } finally {
    await browser.close();
    server.close();
  }
});

/**
 * The README's embedding guide, followed verbatim: its snippets are read out of README.md (so a
 * change there is a change here), pointed at the sandbox instead of citybrain.example.gov.cn, and
 * run in Chromium under exactly the Content-Security-Policy and Trusted Types header it documents.
 * The town page of the report that led here: 狮山镇, a public table, a citizen lookup, a map, and a
 * staff sign-in through the README's own token service after the table has drawn.
 *
 * Needs the bundles built (`npx rollup -c`; the e2e stage of `npm test` runs it first).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, openPage, root, startEnvironment, token, waitFor } from './support.mjs';

const PLATFORM = 'https://citybrain.example.gov.cn';
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The README's fenced code blocks, in order. */
const blocks = [...readme.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```/gm)].map(([, indent, lang, code]) => ({
  lang,
  code: code.replace(new RegExp(`^${indent}`, 'gm'), ''),
}));

/** The one block that contains `marker`. */
function snippet(marker) {
  const found = blocks.filter((block) => block.code.includes(marker));
  assert.equal(found.length, 1, `README.md: expected one code block with "${marker}", found ${found.length}`);
  return found[0].code;
}

/** A documented `Content-Security-Policy:` block as one header value (its lines are one header). */
function documentedPolicy(marker) {
  return snippet(marker).replace(/^Content-Security-Policy:/, '').split('\n').map((line) => line.trim()).filter(Boolean).join(' ');
}

const basePolicy = documentedPolicy("Content-Security-Policy: default-src 'self'");
const trustedTypesPolicy = documentedPolicy('trusted-types lit-html');

let env;
let sri;
before(async () => {
  env = await startEnvironment();
  sri = await (await fetch(`${env.url}/dist/sri.json`)).json();
});
after(async () => {
  await env?.stop();
});

/** The README's snippet with the platform's URL turned into the sandbox's, and the real hash. */
function onSandbox(code) {
  return code.replaceAll(PLATFORM, env.url).replace('sha384-…', sri['citybrain.js']);
}

/**
 * Opens an HTML page of the sandbox's origin with `policy` as its CSP; `files` maps more paths
 * (the page's own scripts) to their content.
 */
function openSite(body, policy, files = {}, prepare = async () => {}) {
  const page = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>狮山镇人民政府</title>
    <link rel="stylesheet" href="/examples/town-website/page.css"></head><body><main>${body}</main></body></html>`;
  return openPage(env, '/shishan/index.html', {
    async prepare(tab) {
      await tab.route(`${env.url}/shishan/index.html`, (route) =>
        route.fulfill({ contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': policy }, body: page }),
      );
      for (const [path, content] of Object.entries(files)) {
        await tab.route(`${env.url}${path}`, (route) => route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: content }));
      }
      await prepare(tab);
    },
  });
}

function assertClean(opened) {
  const problems = [...new Set(opened.problems())];
  assert.deepEqual(problems, [], `the page must load clean, but:\n  ${problems.join('\n  ')}`);
}

/** The table's caption count, its DOM rows and the rows the API counts. */
async function tableState(page) {
  return page.locator('cb-data-table').evaluate((table) => ({
    meta: table.shadowRoot.querySelector('.meta')?.textContent.trim(),
    domRows: table.shadowRoot.querySelectorAll('.block [role="row"]').length,
    skeletons: table.shadowRoot.querySelectorAll('.block .sk').length,
  }));
}

describe('README: embedding a town website with one script tag', () => {
  test('the script-tag snippet and page.js, verbatim, from /embed/<version>/ under the documented CSP', async () => {
    const html = snippet('embed/0.1.0/citybrain.js');
    const pageJs = snippet('// /js/page.js');
    const opened = await openSite(onSandbox(html), basePolicy, { '/js/page.js': onSandbox(pageJs) });
    const { page } = opened;
    try {
      await page.evaluate(() => window.CityBrain.ready);
      const chunks = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
      assert.ok(chunks.includes('/embed/0.1.0/citybrain.js'), chunks.join(', '));
      assert.ok(chunks.some((path) => /^\/embed\/0\.1\.0\/citybrain-data-table-.+\.js$/.test(path)), 'chunks load from beside citybrain.js');
      const { page: counted } = await api(env, '/data/datasets/schools/rows?limit=1');
      await waitFor(page, (total) => document.querySelector('cb-data-table').shadowRoot.querySelector('.meta')?.textContent.includes(total), String(counted.total));
      await waitFor(page, () => document.querySelector('cb-approval-status').shadowRoot?.querySelector('#tracking-no'));
      await waitFor(page, () => document.querySelector('cb-map-viewer').shadowRoot?.querySelector('canvas'), undefined, 45_000);
      // The map engine came through the chunk loader, checked against the hash citybrain.js carries.
      const engine = chunks.concat(await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)));
      assert.ok(engine.some((path) => /^\/embed\/0\.1\.0\/citybrain-maplibre-gl-.+\.js$/.test(path)), engine.join(', '));
      assert.ok(!engine.some((path) => path.endsWith('/maplibre-gl.mjs')), 'no unchecked import() of maplibre-gl.mjs');
      const state = await tableState(page);
      assert.equal(state.meta, `共 ${counted.total.toLocaleString('en')} 条`);
      // page.css sets display: block on the element (a common reset): still a window of rows.
      assert.equal(await page.locator('cb-data-table').evaluate((t) => getComputedStyle(t).display), 'block');
      assert.ok(state.domRows > 0 && state.domRows < 60, `${state.domRows} rows in the DOM`);
      assertClean(opened);
    } finally {
      await opened.close();
    }
  });

  test('pinning citybrain.js pins the map engine: a tampered engine is refused, no inline import map needed', async () => {
    const html = snippet('embed/0.1.0/citybrain.js');
    const opened = await openSite(onSandbox(html), basePolicy, { '/js/page.js': onSandbox(snippet('// /js/page.js')) }, (tab) =>
      tab.route(/\/embed\/0\.1\.0\/citybrain-maplibre-gl-.+\.js$/, async (route) => {
        const original = await route.fetch();
        route.fulfill({ response: original, body: `${await original.text()}\nwindow.tampered = true;` });
      }),
    );
    const { page } = opened;
    try {
      // The map shows its error state (with a retry) instead of running an engine nobody reviewed.
      await waitFor(page, () => document.querySelector('cb-map-viewer').shadowRoot?.querySelector('[part="error-message"]'), undefined, 30_000);
      assert.equal(await page.evaluate(() => window.tampered), undefined);
      assert.ok(opened.problems().some((problem) => /integrity/i.test(problem)), opened.problems().join('\n'));
    } finally {
      await opened.close();
    }
  });

  test('Trusted Types: exactly the documented policy names let the kit run; the old advice did not', async () => {
    const body = `<script src="${PLATFORM}/embed/0.1.0/citybrain.js" defer></script><script src="/js/page.js" defer></script>
      <cb-approval-status mode="citizen"></cb-approval-status>
      <cb-data-table dataset="schools" selection="single"></cb-data-table>`;
    const files = { '/js/page.js': onSandbox(snippet('// /js/page.js')) };
    const policy = `${basePolicy}; ${trustedTypesPolicy}`;
    assert.match(policy, /require-trusted-types-for 'script'; trusted-types lit-html citybrain-chunks$/);
    const opened = await openSite(onSandbox(body), policy, files);
    try {
      await waitFor(opened.page, () => document.querySelector('cb-data-table').shadowRoot?.querySelectorAll('.block [role="row"]').length > 2);
      await waitFor(opened.page, () => document.querySelector('cb-approval-status').shadowRoot?.querySelector('#tracking-no'));
      assertClean(opened);
    } finally {
      await opened.close();
    }
    // Control: the names the README used to give refuse Lit's policy, and the kit cannot start.
    const old = await openSite(onSandbox(body), `${basePolicy}; require-trusted-types-for 'script'; trusted-types citybrain-chunks`, files);
    try {
      await waitFor(old.page, () => true);
      await old.page.waitForTimeout(500);
      assert.ok(old.problems().some((problem) => /lit-html/.test(problem)), old.problems().join('\n'));
    } finally {
      await old.close();
    }
  });

  test('staff sign-in after the table has drawn, through the README token service for 狮山镇: no error, the town’s count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-token-service-'));
    const file = join(dir, 'token-service.mjs');
    writeFileSync(file, snippet('// token-service.mjs'));
    const port = await freePort();
    const service = spawn(process.execPath, [file], {
      stdio: 'ignore',
      env: {
        ...process.env,
        PORT: String(port),
        CITYBRAIN_API: `${env.url}/api/v1`,
        CITYBRAIN_CLIENT_ID: 'demo-town-shishan',
        CITYBRAIN_CLIENT_SECRET: 'demo-town-shishan-secret',
      },
    });
    const body = `<script src="${PLATFORM}/embed/0.1.0/citybrain.js" defer></script><script src="/js/page.js" defer></script>
      <cb-data-table dataset="schools" page-size="50"></cb-data-table>`;
    const opened = await openSite(onSandbox(body), basePolicy, { '/js/page.js': onSandbox(snippet('// /js/page.js')), '/js/staff.js': snippet('getToken: async') }, (tab) =>
      // The site routes /session/citybrain-token to its token service (here: the README's, on a private port).
      tab.route(`${env.url}/session/citybrain-token`, async (route) => route.fulfill({ response: await route.fetch({ url: `http://127.0.0.1:${port}/session/citybrain-token` }) })),
    );
    const { page } = opened;
    try {
      await waitFor(page, () => document.querySelector('cb-data-table').shadowRoot?.querySelector('.meta')?.textContent.includes('共'));
      await page.addScriptTag({ url: '/js/staff.js' });
      const { page: counted } = await api(env, '/data/datasets/schools/rows?limit=1', { token: await token(env, 'demo-town-shishan') });
      await waitFor(page, (total) => document.querySelector('cb-data-table').shadowRoot.querySelector('.meta')?.textContent.trim() === `共 ${total} 条`, String(counted.total));
      // Past the second page, where the count once grew by a page (150 for 102 schools).
      await page.locator('cb-data-table [part="grid"]').evaluate((grid) => grid.scrollBy(0, 40 * 30));
      await page.waitForTimeout(500);
      assert.equal((await tableState(page)).meta, `共 ${counted.total} 条`);
      assertClean(opened);
    } finally {
      await opened.close();
      service.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A free loopback port for the token service (it listens on the port it is given, as documented). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

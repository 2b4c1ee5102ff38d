/**
 * The examples, end to end, in Debian's Chromium over the real sandbox, under the strict
 * Content-Security-Policy the sandbox serves pages with (Trusted Types on pages without a map).
 * Each page must load clean: no console error, no uncaught exception, no failed request, no
 * `securitypolicyviolation`, no configuration warning from the kit.
 *
 * Needs the bundles and the React example built: `npx rollup -c` (the e2e stage of `npm test`
 * runs it first). Screenshots go to artifacts/e2e/ (not committed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, openPage, root, startEnvironment, submitApplication, token, waitFor } from './support.mjs';

const componentsVersion = JSON.parse(readFileSync(join(root, 'packages/components/package.json'), 'utf8')).version;

const CSP_BASE = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "worker-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
];
const TRUSTED_TYPES = "require-trusted-types-for 'script'";

let env;
before(async () => {
  env = await startEnvironment();
});
after(async () => {
  await env?.stop();
});

/** The page's Content-Security-Policy header, as directives. */
function policyOf(response) {
  const header = response.headers()['content-security-policy'] ?? '';
  return header.split(';').map((part) => part.trim()).filter(Boolean);
}

function assertStrictPolicy(response, { trustedTypes }) {
  const policy = policyOf(response);
  for (const directive of CSP_BASE.slice(2)) assert.ok(policy.includes(directive), `missing "${directive}" in ${policy.join('; ')}`);
  assert.ok(policy.includes("default-src 'self'"));
  const scriptSrc = policy.find((d) => d.startsWith('script-src'));
  assert.doesNotMatch(scriptSrc, /unsafe-inline|unsafe-eval/);
  assert.equal(policy.includes(TRUSTED_TYPES), trustedTypes, `Trusted Types ${trustedTypes ? 'expected' : 'not expected'}: ${policy.join('; ')}`);
}

function assertClean(opened, allowed = []) {
  const problems = opened.problems().filter((problem) => !allowed.some((pattern) => pattern.test(problem)));
  // Each problem once, readable: a console error and its securitypolicyviolation often come in pairs.
  assert.equal(problems.length, 0, `the page must load clean, but:\n  ${[...new Set(problems)].join('\n  ')}`);
}

/** Text of the data rows' first cells (project ids), in display order. */
async function visibleProjectIds(page) {
  const texts = await page.locator('cb-data-table [role="row"][aria-rowindex]:not([aria-rowindex="1"]) [role="gridcell"]:first-child').allTextContents();
  return texts.map((text) => text.trim());
}

/** The first `count` project ids of the ledger as the API sorts and filters them, for a town staff token. */
async function apiProjectIds(staff, query) {
  const page = await api(env, `/data/datasets/industrial-park-projects/rows?limit=5&${query}`, { token: staff });
  return page.items.map((row) => row.projectId);
}

async function signInAsStaff(page) {
  await page.getByRole('button', { name: '工作人员登录（演示）' }).click();
  await page.locator('#staff-status').filter({ hasText: '已登录：桂城街道办事处' }).waitFor();
  await waitFor(page, () => document.getElementById('projects-table')?.hasAttribute('data-total'));
}

/**
 * Scrolls to the map as a reader would, presses it where it loads its engine on interaction (the town
 * page; the ES module page loads it when near the viewport), and waits until it has drawn.
 */
async function waitForMap(page) {
  const map = page.locator('#zone-map');
  await map.scrollIntoViewIfNeeded();
  if ((await map.getAttribute('loading')) === 'interaction') await page.getByRole('button', { name: '加载交互地图' }).click();
  await waitFor(page, () => document.getElementById('zone-map')?.hasAttribute('data-ready'), undefined, 45_000);
}

/** Paths of the resources the page has loaded so far. */
function loadedPaths(page) {
  return page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
}

describe('town website (script tag)', () => {
  test('the map, the staff ledger and the citizen lookup work by clicks and keys, under a strict CSP', async () => {
    const opened = await openPage(env, '/examples/town-website/');
    const { page } = opened;
    try {
      // A page with a map: strict CSP, but no Trusted Types (maplibre-gl creates its worker from a string).
      assertStrictPolicy(opened.response, { trustedTypes: false });
      assert.equal(await page.evaluate(() => typeof window.CityBrain?.configure), 'function');

      // ---- the map: until pressed, a preview with the legend from the catalogue, and no map engine even
      // once the page is idle with the map in view (loading="interaction").
      await page.locator('#zone-map').scrollIntoViewIfNeeded();
      const legend = page.locator('cb-map-viewer [part~="legend"]');
      await legend.getByText('可建区').first().waitFor();
      await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => setTimeout(resolve, 1000))));
      assert.ok(!(await loadedPaths(page)).some((path) => path.includes('maplibre')), 'no map engine before the reader starts the map');
      // Started, it reaches cb-ready over vector tiles from the sandbox, with the legend from the catalogue.
      await waitForMap(page);
      await legend.getByText('可建区').first().waitFor();
      // maplibre-gl came as a checked chunk from beside citybrain.js, its worker from beside it (worker-src 'self').
      const scripts = await loadedPaths(page);
      assert.ok(scripts.some((path) => /^\/dist\/citybrain-maplibre-gl-.+\.js$/.test(path)), 'maplibre-gl is loaded lazily from beside citybrain.js');
      assert.ok(scripts.includes('/dist/maplibre-gl-worker.mjs'), 'its worker is loaded from beside it');

      // ---- identify by click: project a public service point of the town to the screen and click it
      // (the industrial-park ledger is not public: an anonymous visitor's map never shows it).
      const [servicePoint] = (await api(env, '/gis/collections/service-points/items?townCode=440605011&limit=1')).features;
      const lngLat = servicePoint.geometry.coordinates;
      await page.evaluate(([lng, lat]) => document.getElementById('zone-map').flyTo([lng, lat], 15), lngLat);
      await page.waitForFunction(
        ([lng, lat]) => {
          const map = document.getElementById('zone-map').getMap();
          const c = map.getCenter();
          return !map.isMoving() && Math.abs(c.lng - lng) < 1e-4 && Math.abs(c.lat - lat) < 1e-4 && map.areTilesLoaded();
        },
        lngLat,
        { timeout: 30_000 },
      );
      const point = await page.evaluate(([lng, lat]) => {
        const element = document.getElementById('zone-map');
        const projected = element.getMap().project([lng, lat]);
        const canvas = element.getMap().getCanvas().getBoundingClientRect();
        return { x: canvas.left + projected.x, y: canvas.top + projected.y };
      }, lngLat);
      const clicked = page.evaluate(
        () => new Promise((resolve) => document.getElementById('zone-map').addEventListener('cb-feature-click', (e) => resolve(e.detail), { once: true })),
      );
      await page.mouse.click(point.x, point.y);
      const detail = await clicked;
      const pointHit = detail.features.find((feature) => feature.layerId === 'service-points');
      assert.ok(pointHit, `identify found the service point (got ${detail.features.map((f) => f.layerId).join(', ')})`);
      assert.equal(pointHit.properties.name, servicePoint.properties.name);
      await page.locator('#map-selection').getByText(servicePoint.properties.name).first().waitFor();
      await opened.screenshot('town-website-identify');

      // ---- identify by keys: place search → fly-to, then Enter on the map identifies its centre.
      const village = await api(env, '/regions/440605011001');
      const search = page.locator('cb-map-viewer [part~="search-input"]');
      await search.fill('桂一社区');
      await page.locator('cb-map-viewer [part~="search-results"] [role="option"]').first().waitFor();
      // The camera settles inside the village after the fly-to (cb-view-change fires when it stops).
      const arrived = page.evaluate(
        ([west, south, east, north]) =>
          new Promise((resolve) => {
            const map = document.getElementById('zone-map');
            map.addEventListener('cb-view-change', function onView(e) {
              const [lng, lat] = e.detail.center;
              if (lng > west && lng < east && lat > south && lat < north) {
                map.removeEventListener('cb-view-change', onView);
                resolve(e.detail);
              }
            });
          }),
        village.bbox,
      );
      await search.press('ArrowDown');
      await search.press('Enter');
      await arrived;
      await page.locator('cb-map-viewer [part~="breadcrumb"]').filter({ hasText: '桂一社区' }).waitFor();
      const keyed = page.evaluate(
        () => new Promise((resolve) => document.getElementById('zone-map').addEventListener('cb-feature-click', (e) => resolve(e.detail), { once: true })),
      );
      await page.evaluate(() => document.getElementById('zone-map').getMap().getCanvas().focus());
      await page.keyboard.press('Enter');
      const keyedDetail = await keyed;
      assert.ok(keyedDetail.features.some((feature) => feature.layerId === 'villages' && feature.properties.name === '桂一社区居委会'),
        `Enter identified 桂一社区 (got ${keyedDetail.features.map((f) => `${f.layerId}:${f.properties.name ?? f.featureId}`).join(', ')})`);

      // ---- the staff ledger: a short-lived token from the site's back end; sorting and filtering by clicks and keys.
      const staff = await token(env, 'demo-town-guicheng');
      await signInAsStaff(page);
      const total = Number(await page.locator('#projects-table').getAttribute('data-total'));
      const all = await api(env, '/data/datasets/industrial-park-projects/count', { token: staff });
      assert.equal(total, all.count, 'the table shows the row count of the sandbox');
      assert.deepEqual((await visibleProjectIds(page)).slice(0, 5), await apiProjectIds(staff, 'sort=projectId'));

      // Sort by clicking a header twice: descending 用地面积.
      const areaHeader = page.locator('cb-data-table [role="columnheader"][data-c="areaMu"]');
      await areaHeader.click();
      await waitFor(page, () => document.querySelector('#projects-table').shadowRoot.querySelector('[data-c="areaMu"]').getAttribute('aria-sort') === 'ascending');
      await areaHeader.click();
      await waitFor(page, () => document.querySelector('#projects-table').shadowRoot.querySelector('[data-c="areaMu"]').getAttribute('aria-sort') === 'descending');
      const expectedDesc = await apiProjectIds(staff, 'sort=-areaMu');
      await page.waitForFunction(
        (expected) => [...document.querySelector('#projects-table').shadowRoot.querySelectorAll('[role="row"]:not([aria-rowindex="1"]) [role="gridcell"]:first-child')].slice(0, 5).map((c) => c.textContent.trim()).join() === expected.join(),
        expectedDesc,
        { timeout: 15_000 },
      );

      // Filter from the generated filter panel: stage = completed.
      await page.locator('cb-data-table [part~="toolbar"] button').filter({ hasText: '筛选' }).click();
      await page.locator('cb-data-table [part~="filters"] input[data-n="stage"][value="completed"]').check();
      const completed = await api(env, '/data/datasets/industrial-park-projects/count?filter=stage:in:completed', { token: staff });
      assert.ok(completed.count > 0 && completed.count < total, 'the filter narrows the ledger');
      await waitFor(page, (count) => document.getElementById('projects-table').getAttribute('data-total') === String(count), completed.count);
      assert.deepEqual(
        (await visibleProjectIds(page)).slice(0, 5),
        await apiProjectIds(staff, 'sort=-areaMu&filter=stage:in:completed'),
      );

      // Keys: focus the grid, move to the second data row and activate it with Enter.
      const firstCell = page.locator('cb-data-table [role="row"][aria-rowindex="2"] [role="gridcell"]').first();
      await firstCell.click();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const secondId = (await visibleProjectIds(page))[1];
      await page.locator('#project-detail').filter({ hasText: `已选择 ${secondId}` }).waitFor();
      // Sort by keys: Home/ArrowUp to the header row, Enter sorts by that column.
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Enter');
      await waitFor(page, () => document.querySelector('#projects-table').shadowRoot.querySelector('[data-c="projectId"]').getAttribute('aria-sort') === 'ascending');
      await opened.screenshot('town-website-staff-ledger');

      // ---- the citizen lookup: tracking number + verification code from the acceptance slip.
      const application = await submitApplication(env);
      const lookup = page.locator('#citizen-lookup');
      await lookup.locator('#tracking-no').fill(application.trackingNo);
      await lookup.locator('#verification-code').fill(application.verificationCode);
      const looked = page.evaluate(
        () => new Promise((resolve) => document.getElementById('citizen-lookup').addEventListener('cb-lookup', (e) => resolve(e.detail), { once: true })),
      );
      await lookup.locator('#verification-code').press('Enter');
      assert.deepEqual(await looked, { trackingNo: application.trackingNo, result: 'found' });
      await lookup.locator('[part~="reference"]').filter({ hasText: application.trackingNo }).first().waitFor();
      const shown = await lookup.evaluate((element) => element.shadowRoot.textContent);
      assert.match(shown, /梁\*\*/, 'the applicant is masked');
      assert.doesNotMatch(shown, /梁志强|440605198203151312|13926081234/, 'no personal data reaches a citizen');
      await opened.screenshot('town-website-lookup');

      assertClean(opened);
    } finally {
      await opened.close();
    }
  });

  test('the status page (no map) runs under Trusted Types; a wrong code is a friendly "not found"', async () => {
    const opened = await openPage(env, '/examples/town-website/progress.html');
    const { page } = opened;
    try {
      assertStrictPolicy(opened.response, { trustedTypes: true });
      assert.equal(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('maplibre'))), false,
        'a page without a map never downloads maplibre-gl');
      const application = await submitApplication(env);
      const lookup = page.locator('#citizen-lookup');
      const wrong = String((Number(application.verificationCode) + 1) % 1_000_000).padStart(6, '0');
      await lookup.locator('#tracking-no').fill(application.trackingNo);
      await lookup.locator('#verification-code').fill(wrong);
      await lookup.getByRole('button', { name: '查询' }).click();
      await lookup.locator('[part~="not-found"]').waitFor();
      await lookup.locator('#verification-code').fill(application.verificationCode);
      await lookup.getByRole('button', { name: '查询' }).click();
      await lookup.locator('[part~="reference"]').filter({ hasText: application.trackingNo }).first().waitFor();
      // 适老化: the page's toggle reaches the element.
      await page.getByRole('button', { name: '适老化模式' }).click();
      assert.equal(await lookup.evaluate((element) => element.hasAttribute('elderly')), true);
      await opened.screenshot('town-website-progress-elderly');
      // The wrong code's 404 is the expected answer of the lookup, which the browser logs as a failed resource.
      assertClean(opened, [/\/api\/v1\/approvals\/lookup/, /Failed to load resource: the server responded with a status of 404/]);
      assert.equal(opened.record.httpErrors.length, 1, `only the wrong code failed: ${opened.record.httpErrors.join(', ')}`);
      // Control: the watch really sees a violation. An HTML string sink is refused under Trusted Types.
      await page.evaluate(() => {
        try {
          document.body.insertAdjacentHTML('beforeend', '<b>x</b>');
        } catch {
          // refused, as it must be; the securitypolicyviolation event is what the watch counts
        }
      });
      const seen = () => opened.problems().some((problem) => /securitypolicyviolation: require-trusted-types-for/.test(problem));
      for (let waited = 0; !seen() && waited < 5000; waited += 100) await page.waitForTimeout(100);
      assert.ok(seen(), `the violation watch saw: ${opened.problems().join(' | ')}`);
    } finally {
      await opened.close();
    }
  });
});

describe('ES module example (import map)', () => {
  test('the same page through citybrain.mjs: map, staff ledger and lookup; the import map allowed by its hash', async () => {
    const opened = await openPage(env, '/examples/esm/');
    const { page } = opened;
    try {
      assertStrictPolicy(opened.response, { trustedTypes: false });
      const scriptSrc = policyOf(opened.response).find((d) => d.startsWith('script-src'));
      assert.match(scriptSrc, /'sha256-[A-Za-z0-9+/=]{44}'/, 'the inline import map is allowed by its hash');
      assert.equal(await page.evaluate(() => 'CityBrain' in window), false, 'the ES module build sets no global');
      await waitForMap(page);
      await signInAsStaff(page);
      const staff = await token(env, 'demo-town-guicheng');
      assert.deepEqual((await visibleProjectIds(page)).slice(0, 5), await apiProjectIds(staff, 'sort=projectId'));
      // Switch the widgets to English: the lazily loaded English chunk renders the headers.
      await page.getByRole('button', { name: 'English widgets' }).click();
      await page.locator('cb-data-table [role="columnheader"][data-c="areaMu"]').filter({ hasText: 'Site area' }).waitFor();
      await opened.screenshot('esm-english');
      const chunks = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/dist/')));
      assert.ok(chunks.includes('/dist/citybrain.mjs') && chunks.some((p) => /^\/dist\/citybrain-en-.+\.mjs$/.test(p)), chunks.join(', '));
      assert.ok(!chunks.includes('/dist/citybrain.js'), 'the ES module page does not load the script-tag bundle');
      assertClean(opened);
    } finally {
      await opened.close();
    }
  });
});

describe('React 19 example', () => {
  test('React drives the elements through properties and attributes and hears their events, under Trusted Types', async () => {
    const opened = await openPage(env, '/examples/react/');
    const { page } = opened;
    try {
      assertStrictPolicy(opened.response, { trustedTypes: true });
      const staff = await token(env, 'demo-town-guicheng');
      const all = await api(env, '/data/datasets/industrial-park-projects/count', { token: staff });
      // cb-data-load → React state.
      await page.getByTestId('table-summary').filter({ hasText: `共 ${all.count} 个项目` }).waitFor();

      // cb-query-change → React state and the address bar (a deep link).
      await page.locator('cb-data-table [role="columnheader"][data-c="investment"]').click();
      await page.getByTestId('query').filter({ hasText: 'sort=investment' }).waitFor();
      assert.match(new URL(page.url()).search, /sort=investment/);

      // cb-row-click → React renders the project's details.
      const [firstId] = await apiProjectIds(staff, 'sort=investment');
      await page.locator('cb-data-table [role="row"][aria-rowindex="2"] [role="gridcell"]').nth(1).click();
      await page.getByTestId('project-detail').filter({ hasText: firstId }).waitFor();

      // cb-selection-change: the click selected that row (multiple selection); the keyboard adds the next one.
      await page.getByTestId('table-summary').filter({ hasText: '已勾选 1 个' }).waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press(' ');
      await page.getByTestId('table-summary').filter({ hasText: '已勾选 2 个' }).waitFor();

      // React state → attribute: open an application in staff mode by its number.
      const { items } = await api(env, '/approvals/applications?limit=1', { token: staff });
      await page.getByLabel('受理编号').fill(items[0].id);
      await page.getByRole('button', { name: '查看进度' }).click();
      await page.locator('cb-approval-status [part~="reference"]').filter({ hasText: items[0].trackingNo }).first().waitFor();

      // React state → property: the provider's locale switches every element to English.
      await page.getByLabel('语言 Language').selectOption('en');
      await page.locator('cb-data-table [role="columnheader"][data-c="areaMu"]').filter({ hasText: 'Site area' }).waitFor();
      await opened.screenshot('react-workbench');

      // A deep link restores the query.
      const reopened = await opened.page.context().newPage();
      await reopened.goto(page.url());
      await reopened.waitForFunction(() => document.querySelector('cb-data-table')?.shadowRoot?.querySelector('[data-c="investment"]')?.getAttribute('aria-sort') === 'ascending', undefined, { timeout: 15_000 });
      await reopened.close();
      assertClean(opened);
    } finally {
      await opened.close();
    }
  });
});

describe('script-tag bundle', () => {
  /** A page of the sandbox's origin, served by the test, so it gets the same policy as the examples. */
  async function routedPage(html, { trustedTypes = true } = {}) {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const messages = [];
    page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => messages.push(`uncaught: ${e.message}`));
    await page.route(`${env.url}/e2e-page.html`, (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': [...CSP_BASE, ...(trustedTypes ? [TRUSTED_TYPES] : [])].join('; ') }, body: html }),
    );
    await page.goto(`${env.url}/e2e-page.html`);
    return { page, context, messages };
  }

  test('loading citybrain.js twice on one page does not throw; one global, elements registered once, chunks only for elements in use', async () => {
    const { page, context, messages } = await routedPage(`<!doctype html><html lang="zh-CN"><head>
      <script src="/dist/citybrain.js"></script>
      <script src="/dist/citybrain.js?copy=2"></script>
      </head><body><cb-approval-status mode="citizen" base-url="/api/v1"></cb-approval-status></body></html>`);
    try {
      await page.waitForFunction(() => window.CityBrain && customElements.get('cb-approval-status'));
      await page.evaluate(() => window.CityBrain.ready);
      const state = await page.evaluate(() => ({
        version: window.CityBrain.version,
        tags: ['cb-provider', 'cb-data-table', 'cb-approval-status', 'cb-map-viewer'].filter((tag) => customElements.get(tag)),
        rendered: !!document.querySelector('cb-approval-status').shadowRoot?.querySelector('#tracking-no'),
        chunks: performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname).filter((path) => path.startsWith('/dist/citybrain-')),
      }));
      // <cb-data-table> is not on the page: its chunk is never downloaded, the approval timeline's once.
      assert.deepEqual(state.tags, ['cb-provider', 'cb-approval-status', 'cb-map-viewer']);
      assert.deepEqual(state.chunks.map((path) => path.replace(/-[\w-]{8}\.js$/, '')), ['/dist/citybrain-approval-status']);
      assert.equal(state.version, componentsVersion);
      assert.equal(state.rendered, true);
      assert.deepEqual(messages.filter((m) => m.startsWith('error') || m.startsWith('uncaught')), []);
    } finally {
      await context.close();
    }
  });

  test('a map loads its viewer with maplibre-gl, and its optional parts only when asked for or used', async () => {
    const { page, context, messages } = await routedPage(
      `<!doctype html><html lang="zh-CN"><head><script src="/dist/citybrain.js"></script></head><body>
      <cb-map-viewer base-url="/api/v1"></cb-map-viewer></body></html>`,
      { trustedTypes: false },
    );
    const chunks = () =>
      page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((entry) => new URL(entry.name).pathname)
          .filter((path) => path.startsWith('/dist/citybrain-'))
          .map((path) => path.replace(/-[\w-]{8}\.js$/, ''))
          .sort(),
      );
    try {
      await page.waitForFunction(() => document.querySelector('cb-map-viewer')?.shadowRoot?.querySelector('.ui--right'), undefined, { timeout: 45_000 });
      // No layer list, legend, search or region asked for, no click yet: none of their chunks.
      assert.deepEqual(await chunks(), ['/dist/citybrain-maplibre-css', '/dist/citybrain-maplibre-gl', '/dist/citybrain-viewer']);
      await page.locator('cb-map-viewer [part="map"]').click({ position: { x: 120, y: 120 } });
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((entry) => entry.name.includes('/dist/citybrain-click-queries-')));
      await page.evaluate(() => document.querySelector('cb-map-viewer').setAttribute('legend', ''));
      await page.locator('cb-map-viewer [part~="legend"]').waitFor();
      assert.deepEqual(await chunks(), [
        '/dist/citybrain-click-queries',
        '/dist/citybrain-maplibre-css',
        '/dist/citybrain-maplibre-gl',
        '/dist/citybrain-panels',
        '/dist/citybrain-viewer',
      ]);
      assert.deepEqual(messages.filter((m) => m.startsWith('error') || m.startsWith('uncaught')), []);
    } finally {
      await context.close();
    }
  });

  test('the ES-module build beside the script tag keeps the first definitions and only warns', async () => {
    const { page, context, messages } = await routedPage(`<!doctype html><html lang="zh-CN"><head>
      <script src="/dist/citybrain.js"></script>
      <script type="module" src="/dist/citybrain.mjs"></script>
      </head><body><cb-approval-status mode="citizen" base-url="/api/v1"></cb-approval-status></body></html>`);
    try {
      await page.waitForFunction(() => window.CityBrain && customElements.get('cb-approval-status'));
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/dist/citybrain.mjs')));
      await page.waitForFunction(() => document.querySelector('cb-approval-status').shadowRoot?.querySelector('#tracking-no'));
      // The script tag registers after the page's first paint, later than the module build defines:
      // its `ready` (the global is the script tag's) waits for that registration and its warnings.
      await page.evaluate(() => window.CityBrain.ready);
      assert.deepEqual(messages.filter((m) => m.startsWith('error') || m.startsWith('uncaught')), []);
      // Whichever copy defined first keeps the tag; the other says so once per tag instead of throwing.
      assert.ok(messages.some((m) => m.startsWith('warning') && m.includes('already defined by another copy')), messages.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('integrity attributes from sri.json load the bundle and, through it, checked chunks; a wrong hash is refused', async () => {
    const sri = await (await fetch(`${env.url}/dist/sri.json`)).json();
    const { page, context, messages } = await routedPage(`<!doctype html><html><head>
      <script src="/dist/citybrain.js" integrity="${sri['citybrain.js']}" crossorigin="anonymous"></script>
      </head><body><cb-data-table dataset="elderly-care" base-url="/api/v1"></cb-data-table></body></html>`);
    try {
      await page.waitForFunction(() => window.CityBrain?.version);
      await page.evaluate(() => window.CityBrain.ready);
      // The chunk went through the loader with the hash citybrain.js carries (and the Trusted Types policy).
      assert.equal(await page.evaluate(() => typeof customElements.get('cb-data-table')), 'function');
      assert.deepEqual(messages.filter((m) => m.startsWith('error')), []);
    } finally {
      await context.close();
    }
    const tampered = sri['citybrain.js'].replace(/^sha384-./, (prefix) => `sha384-${prefix.endsWith('A') ? 'B' : 'A'}`);
    const second = await routedPage(`<!doctype html><html><head>
      <script src="/dist/citybrain.js" integrity="${tampered}" crossorigin="anonymous"></script>
      </head><body></body></html>`);
    try {
      await second.page.waitForTimeout(300);
      assert.equal(await second.page.evaluate(() => 'CityBrain' in window), false);
      assert.ok(second.messages.some((m) => /integrity/i.test(m)), second.messages.join('\n'));
    } finally {
      await second.context.close();
    }
  });

  test('CityBrain.configure() set after the elements exist reaches them; a bad base URL shows the error, never throws', async () => {
    const { page, context, messages } = await routedPage(`<!doctype html><html lang="zh-CN"><head>
      <script src="/dist/citybrain.js"></script></head><body>
      <cb-data-table dataset="elderly-care"></cb-data-table></body></html>`);
    try {
      await page.evaluate(() => window.CityBrain.ready);
      // Registered after parsing, before any configure(): the table has no client yet.
      await page.waitForFunction(() => document.querySelector('cb-data-table').shadowRoot?.querySelector('[part~="error"]'));
      await page.evaluate(() => window.CityBrain.configure({ baseUrl: 'ftp://nowhere' }));
      await page.waitForFunction(() => /ftp:\/\/nowhere/.test(document.querySelector('cb-data-table').shadowRoot.textContent));
      // Types a page script may get wrong are configuration errors too, never exceptions.
      await page.evaluate(() => window.CityBrain.configure({ baseUrl: '/api/v1', getToken: 'a-token-by-mistake' }));
      await page.waitForFunction(() => /getToken/.test(document.querySelector('cb-data-table').shadowRoot.textContent));
      await page.evaluate(() => window.CityBrain.configure({ getToken: null }));
      await page.evaluate(() => window.CityBrain.configure({ baseUrl: '/api/v1' }));
      await page.waitForFunction(() => document.querySelector('cb-data-table').shadowRoot.querySelectorAll('[role="row"]').length > 2, undefined, { timeout: 15_000 });
      assert.equal(await page.evaluate(() => typeof window.CityBrain.client?.data?.rows), 'function');
      assert.deepEqual(messages.filter((m) => m.startsWith('uncaught')), []);
    } finally {
      await context.close();
    }
  });
});

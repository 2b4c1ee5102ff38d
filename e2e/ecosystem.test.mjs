/**
 * The kit as other ecosystems meet it (issue 22), in one sandbox and one browser:
 * - the published contracts: `/openapi/` lists every service with its bundled spec, and each
 *   service's API reference renders offline from this origin under the strict policy — no inline
 *   script or style, no eval, not one securitypolicyviolation — and its "Try it out" calls the
 *   sandbox it is served by;
 * - the Vue 3 example: a single-file component binds the elements' attributes and properties and
 *   hears their events, under the strict policy with Trusted Types.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildSpecs } from '../scripts/build-specs.mjs';
import { api, openPage, startEnvironment, submitApplication, token } from './support.mjs';

let env;
before(async () => {
  buildSpecs({ ifStale: true });
  env = await startEnvironment();
});
after(async () => {
  await env?.stop();
});

describe('published contracts', () => {
  test('/openapi/ leads to a rendered API reference per service, offline and under the strict CSP', async () => {
    const index = await openPage(env, '/openapi/');
    try {
      const services = await index.page.locator('tbody th a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      assert.deepEqual(services.sort(), ['/openapi/approvals/', '/openapi/common/', '/openapi/data/', '/openapi/gis/', '/openapi/workorders/']);
      await index.page.getByRole('link', { name: /GIS one map/ }).click();
      await index.page.locator('.opblock').first().waitFor({ timeout: 30_000 });

      const policy = (await index.page.evaluate(() => fetch(location.href).then((r) => r.headers.get('content-security-policy')))) ?? '';
      assert.match(policy, /script-src 'self';/);
      assert.match(policy, /style-src 'self';/);
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|nonce-|sha256-/);

      const operations = await index.page.locator('.opblock-summary-path').allTextContents();
      assert.ok(operations.includes('/gis/categories'), operations.join(', '));

      // "Try it out" against this sandbox: the reference points its server at the origin it is served from.
      const categories = index.page.locator('.opblock', { has: index.page.locator('.opblock-summary-path', { hasText: /^\/gis\/categories$/ }) });
      await categories.locator('.opblock-summary').click();
      await categories.getByRole('button', { name: 'Try it out' }).click();
      await categories.getByRole('button', { name: 'Execute' }).click();
      const responseBody = categories.locator('.live-responses-table .response-col_description pre').first();
      await responseBody.waitFor({ timeout: 20_000 });
      assert.match(await responseBody.textContent(), /行政区划/);

      const requests = [];
      index.page.on('request', (request) => requests.push(request.url()));
      await index.page.reload();
      await index.page.locator('.opblock').first().waitFor({ timeout: 30_000 });
      const foreign = requests.filter((url) => !url.startsWith(env.url) && !url.startsWith('data:'));
      assert.deepEqual(foreign, [], 'the reference page loads nothing from another origin');
      assert.deepEqual(index.problems(), []);
    } finally {
      await index.close();
    }
  });
});

describe('Vue 3 example', () => {
  test('a Vue SFC binds the table query both ways, sets properties, hears cb-* events, under Trusted Types', async () => {
    const opened = await openPage(env, '/examples/vue/');
    const { page } = opened;
    try {
      assert.match(opened.response.headers()['content-security-policy'], /script-src 'self';.*require-trusted-types-for 'script'/);
      const staff = await token(env, 'demo-town-guicheng');
      const all = await api(env, '/data/datasets/industrial-park-projects/count', { token: staff });
      // The getToken property reached the provider (the ledger needs a staff token); cb-data-load → a ref.
      await page.getByTestId('table-summary').filter({ hasText: `共 ${all.count} 个项目` }).waitFor();

      // Element → ref → text field: sorting in the table updates the bound query.
      const query = page.getByLabel('查询条件');
      await page.locator('cb-data-table [role="columnheader"][data-c="investment"]').click();
      await page.waitForFunction(() => document.getElementById('query').value === 'sort=investment');

      // Text field → ref → the table's query attribute: the table sorts the other way.
      await query.fill('sort=-investment');
      await query.press('Enter');
      await page.waitForFunction(() => document.querySelector('cb-data-table').shadowRoot.querySelector('[data-c="investment"]')?.getAttribute('aria-sort') === 'descending');
      assert.match(new URL(page.url()).search, /sort=-investment/);

      // cb-row-click → the selected row in Vue's state.
      const { items } = await api(env, '/data/datasets/industrial-park-projects/rows?limit=1&sort=-investment', { token: staff });
      await page.locator('cb-data-table [role="row"][aria-rowindex="2"] [role="gridcell"]').nth(1).click();
      await page.getByTestId('table-summary').filter({ hasText: `选中：${items[0].projectId}` }).waitFor();

      // A citizen lookup → cb-lookup → the list Vue renders.
      const application = await submitApplication(env);
      const lookup = page.locator('cb-approval-status');
      await lookup.locator('#tracking-no').fill(application.trackingNo);
      await lookup.locator('#verification-code').fill(application.verificationCode);
      await lookup.locator('#verification-code').press('Enter');
      await page.getByRole('list', { name: '查询记录' }).filter({ hasText: `${application.trackingNo}：found` }).waitFor();

      // v-model on the language select → the provider's locale property → every element in English.
      await page.getByLabel('语言 Language').selectOption('en');
      await page.locator('cb-data-table [role="columnheader"][data-c="areaMu"]').filter({ hasText: 'Site area' }).waitFor();
      await opened.screenshot('vue-example');
      assert.deepEqual(opened.problems(), []);
    } finally {
      await opened.close();
    }
  });
});

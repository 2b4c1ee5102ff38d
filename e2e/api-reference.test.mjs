/**
 * The published contracts as a vendor meets them (issue 22): `/openapi/` lists every service with
 * its bundled spec, and each service's API reference renders offline from this origin under the
 * strict policy — no inline script or style, no eval, not one securitypolicyviolation — and its
 * "Try it out" calls the sandbox it is served by.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildSpecs } from '../scripts/build-specs.mjs';
import { openPage, startEnvironment } from './support.mjs';

let env;
before(async () => {
  buildSpecs({ ifStale: true });
  env = await startEnvironment();
});
after(async () => {
  await env?.stop();
});

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

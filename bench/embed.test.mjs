// CI smoke of the embed-cost benchmark: one Lighthouse run (metrics audits only) of the town page
// without the embeds, plus the transform that removes them. The "with" page needs the shipped
// bundles and a map on SwiftShader, too slow for CI: the full run (`npm run bench`) measures it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runEmbed, withoutEmbeds } from './embed/run.mjs';

test('withoutEmbeds removes the elements and the scripts, keeps the page', () => {
  const html = readFileSync(new URL('../examples/town-website/index.html', import.meta.url), 'utf8');
  const bare = withoutEmbeds(html);
  assert.doesNotMatch(bare, /<cb-[a-z-]+/);
  assert.doesNotMatch(bare, /citybrain[^"]*\.js"|page\.js"/);
  assert.match(bare, /<h1/);
});

test('embed benchmark runs Lighthouse and reads TBT, LCP and CLS', { timeout: 120_000 }, async () => {
  const result = await runEmbed({ runs: 1, variants: ['without'], fast: true, saveReports: false, log: null });
  const [run] = result.samples.without;
  assert.equal(run.runtimeError, undefined);
  for (const m of ['tbt', 'lcp', 'cls', 'fcp']) assert.ok(Number.isFinite(run[m]), `${m} = ${run[m]}`);
  assert.equal(result.config.lighthouse, '12.2.3');
});

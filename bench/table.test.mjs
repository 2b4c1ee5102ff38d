// CI smoke of the table benchmark: tiny sizes, one sample; asserts only that every contender
// produced well-formed numbers (no timing asserts: the full run is manual, `npm run bench`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TABLE_CONTENDERS, TABLE_METRICS, runTable, tableReport } from './table/run.mjs';

test('table benchmark harness runs every contender and reports ratios', { timeout: 120_000 }, async () => {
  const result = await runTable({ sizes: [1000], large: 2000, samples: 1, largeSamples: 1, viewports: 5, log: null });
  assert.equal(result.runs.length, 2);
  const [run, large] = result.runs;
  assert.deepEqual(run.contenders, TABLE_CONTENDERS);
  assert.deepEqual(large.contenders, ['ours', 'bare']);
  for (const r of result.runs) {
    for (const c of r.contenders) {
      const [sample] = r.samples[c];
      assert.equal(sample.error, undefined, `${c}: ${sample.error}`);
      for (const m of ['mountMs', 'sortNumberMs', 'sortTextMs', 'filterMs', 'scrollP95']) {
        assert.ok(Number.isFinite(sample[m]) && sample[m] >= 0, `${c} ${m} = ${sample[m]}`);
      }
      assert.ok(Number.isFinite(sample.heapMB), `${c} heap`);
      assert.equal(sample.viewportsScrolled, 5, `${c} scrolled`);
      assert.ok(sample.filterMatches > 0);
      for (const m of Object.keys(TABLE_METRICS)) assert.ok(m in r.summary[c]);
    }
  }
  assert.ok(Number.isFinite(run.ratios.aggrid.mountMs.ratio));
  assert.match(tableReport(result), /mount: first rows painted/);
});

// CI smoke of the bundle-size benchmark: two small entries; sizes are positive and compressed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBundle, bundleReport } from './bundle/run.mjs';

test('bundle benchmark builds entries and reports gzip and brotli sizes', { timeout: 60_000 }, async () => {
  const result = await runBundle({ entries: { 'ours: @citybrain/client (esbuild)': 'client.js', ky: 'ky.js' }, log: null });
  for (const [name, r] of Object.entries(result.built)) {
    assert.ok(r.initial.raw > 0, name);
    assert.ok(r.initial.gzip > 0 && r.initial.gzip < r.initial.raw, name);
    assert.ok(r.initial.brotli > 0 && r.initial.brotli < r.initial.raw, name);
  }
  assert.ok(Array.isArray(result.shipped.files));
  assert.match(bundleReport(result), /gzip/);
});

// CI smoke of the map benchmark: 1,000 parcels in an in-memory sandbox, one sample each, moves
// 4× faster, with CPU profiles; asserts only well-formed results (no timing asserts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAP_CONTENDERS, runMap, mapReport } from './map/run.mjs';

test('map benchmark harness runs every contender on the same parcels', { timeout: 150_000 }, async () => {
  const result = await runMap({ sizes: [1000], samples: 1, dbCache: false, warmup: false, moveScale: 0.25, log: null, profile: true });
  const [run] = result.runs;
  assert.deepEqual(run.contenders, MAP_CONTENDERS);
  const drawn = new Set();
  for (const c of MAP_CONTENDERS) {
    const [sample] = run.samples[c];
    assert.equal(sample.error, undefined, `${c}: ${sample.error}`);
    assert.ok(Number.isFinite(sample.idleMs) && sample.idleMs > 0, `${c} idle`);
    assert.ok(sample.renderedParcels > 0, `${c} drew no parcels`);
    assert.ok(Number.isFinite(sample.memoryMB) && sample.memoryMB > 0, `${c} memory`);
    assert.ok(sample.frames > 0, `${c} frames`);
    assert.ok(sample.movesProfile?.functions.length > 0, `${c} profile of the moves`);
    drawn.add(sample.renderedParcels);
  }
  assert.equal(drawn.size, 1, `every contender draws the same parcels: ${[...drawn]}`);
  const report = mapReport(result);
  assert.match(report, /time to idle/);
  assert.match(report, /pan\/zoom frame p95/);
  for (const c of MAP_CONTENDERS) assert.match(report, new RegExp(`Pan/zoom moves, until idle:[^]*${c} \\(\\d`), `${c} in the profile table`);
});

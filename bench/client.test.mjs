// CI smoke of the client benchmark: a few hundred calls per library; well-formed results only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_CONTENDERS, runClient, clientReport } from './client/run.mjs';

test('client benchmark harness measures every library, mocked, on loopback and under faults', { timeout: 90_000 }, async () => {
  const result = await runClient({ rounds: 1, mockCalls: 200, loopCalls: 100, faultCalls: 20, log: null });
  for (const c of CLIENT_CONTENDERS) {
    assert.ok(result.summary[c].overheadUs.median > 0, `${c} overhead`);
    assert.ok(result.summary[c].loopPerSecond.median > 0, `${c} throughput`);
    assert.equal(result.faults[c].calls, 20);
    assert.ok(result.faults[c].attempts >= result.faults[c].ok);
  }
  assert.match(clientReport(result), /overhead per call/);
});

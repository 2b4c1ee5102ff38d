/**
 * Issue 10, the client under faults, against a real sandbox (see campaign.ts and races.ts):
 * - a deterministic sample of 600 calls mixing every fault of the sandbox's fault mode: every read
 *   ends in success with the right data or in exactly the documented typed error, every write has at
 *   most one effect per Idempotency-Key (exactly one when acknowledged); `npm run soak` makes 5,000+;
 * - 50 concurrent 401s cause one token refresh and one replay each;
 * - an abort takes effect within 50 ms in every phase a call can wait in. This is a bound on the
 *   correctness of cancellation, measured from `abort()` to the rejection (each blocked call would
 *   otherwise wait 3–5 s), not a performance assertion about how fast requests are.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { killHard, startSandboxChild, type SandboxChild } from '../../../sandbox/test/reliability/child.js';
import { tokenFor } from '../../../sandbox/test/reliability/support.js';
import { figuresLine, runFaultCampaign } from './campaign.js';
import { abortLatencies, abortSummary, refreshStorm } from './races.js';

const ABORT_BOUND_MS = 50;

describe('reliability: the client under faults', () => {
  // The sandbox runs in its own process: the client's timeouts then measure the client, not a server
  // sharing its event loop. It is killed at the end (an in-memory database; nothing to keep).
  let sandbox: SandboxChild;
  let token: string;
  before(async () => {
    sandbox = await startSandboxChild();
    token = await tokenFor(sandbox.url, 'demo-district');
  });
  after(() => killHard(sandbox));

  it('ends every call in success or the documented typed error, and writes once per key', { timeout: 120_000 }, async () => {
    const figures = await runFaultCampaign({ url: sandbox.url, token, calls: 600, seed: 'npm-test' });
    console.log(figuresLine('reliability client faults (sample)', figures));
    assert.equal(figures.calls, 600);
    assert.ok(figures.requestsSent >= 600);
    assert.ok(figures.faultsInjected >= 300, `faults were injected (${figures.faultsInjected})`);
    assert.equal(figures.duplicateEffects, 0, figures.failures.join('\n'));
    assert.equal(figures.wrongOutcomes, 0, figures.failures.join('\n'));
  });

  it('refreshes the token once for 50 concurrent 401s and replays each call once', async () => {
    for (const faults of [undefined, 'latency=20']) {
      const figures = await refreshStorm({ url: sandbox.url, token: () => tokenFor(sandbox.url, 'demo-district'), calls: 50, faults });
      assert.deepEqual(figures.failures, []);
      assert.equal(figures.refreshes, 1);
      assert.equal(figures.requestsSent, 100);
    }
  });

  it(`lets go of an aborted call within ${ABORT_BOUND_MS} ms, whatever it was waiting for`, { timeout: 60_000 }, async () => {
    const samples = await abortLatencies({ url: sandbox.url, token, perPhase: 8 });
    console.log(`reliability abort: ${abortSummary(samples)}`);
    for (const sample of samples) {
      assert.equal(sample.error, 'AbortError', `${sample.phase}: ${sample.error}`);
      assert.ok(sample.ms < ABORT_BOUND_MS, `${sample.phase}: the call let go ${sample.ms.toFixed(1)} ms after abort()`);
    }
  });
});

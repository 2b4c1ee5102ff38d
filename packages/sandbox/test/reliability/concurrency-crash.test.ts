/**
 * Issue 10, concurrency and crashes (see crash.ts): 100 parallel creates of each kind lose and
 * duplicate nothing; SIGKILL of a sandbox child process during writes, twice, loses no acknowledged
 * application and leaves a database that passes `PRAGMA integrity_check`. The soak kills it more often.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from '../harness.js';
import { CONCURRENCY_FIGURES, CRASH_FIGURES, crashRounds, parallelCreates } from './crash.js';
import { pinClock } from './support.js';

describe('reliability: concurrency and crashes', () => {
  let s: TestSandbox;
  before(async () => {
    s = await startTestSandbox();
    await pinClock(s.url);
  });
  after(() => s.close());

  it('creates 100 applications and 100 work orders in parallel without losing or duplicating one', async () => {
    const tally = await parallelCreates(s.url, 100);
    console.log(tally.line('reliability concurrency', CONCURRENCY_FIGURES));
    assert.equal(tally.get('acknowledged'), 200, tally.failures.join('\n'));
    assert.equal(tally.get('lost'), 0);
    assert.equal(tally.get('duplicated'), 0);
    assert.equal(tally.get('violations'), 0, tally.failures.join('\n'));
  });

  it('keeps every acknowledged application through SIGKILL during writes, with an intact database', { timeout: 300_000 }, async () => {
    const tally = await crashRounds({ rounds: 2 });
    console.log(tally.line('reliability crash', CRASH_FIGURES));
    assert.equal(tally.get('kills'), 2);
    assert.equal(tally.get('integrity-ok'), 2);
    assert.ok(tally.get('acknowledged') >= 80, 'writes were acknowledged before each kill');
    assert.equal(tally.get('lost'), 0, tally.failures.join('\n'));
    assert.equal(tally.get('duplicated'), 0, tally.failures.join('\n'));
    assert.equal(tally.get('violations'), 0, tally.failures.join('\n'));
  });
});

/**
 * The long half of the reliability suite (issue 10), run by `npm run soak` (scripts/soak.mjs) in
 * Node with the TypeScript sources. The same campaigns as the fast tests in `npm test`, at full size:
 *
 *   client    ≥ 5,000 calls under faults, 20 refresh storms of 50 concurrent 401s, 500 aborts
 *   hostile   every payload × every string field of every write × every read parameter
 *   fuzz      every single-mutation case of the contracts + 20,000 random combinations
 *   access    every role × every operation × a foreign region, over every dataset
 *   crash     3 × 100 parallel creates, 10 SIGKILLs during writes
 *
 * `node … reliability/soak.ts [stage …]` runs some stages only. The last line of output is
 * `SOAK-FIGURES {json}`, which scripts/soak.mjs reads.
 */
import { performance } from 'node:perf_hooks';
import { startTestSandbox } from '../packages/sandbox/test/harness.js';
import { killHard, startSandboxChild } from '../packages/sandbox/test/reliability/child.js';
import { ACCESS_FIGURES, runAccessMatrix } from '../packages/sandbox/test/reliability/access.js';
import { CONCURRENCY_FIGURES, CRASH_FIGURES, crashRounds, parallelCreates } from '../packages/sandbox/test/reliability/crash.js';
import { FUZZ_FIGURES, fuzzContext, randomCases, runFuzz, systematicCases } from '../packages/sandbox/test/reliability/fuzz.js';
import { HOSTILE_FIGURES, runHostileCampaign } from '../packages/sandbox/test/reliability/hostile.js';
import { pinClock, Tally, tokenFor } from '../packages/sandbox/test/reliability/support.js';
import { figuresLine, runFaultCampaign } from '../packages/client/test/reliability/campaign.js';
import { abortLatencies, abortSummary, refreshStorm } from '../packages/client/test/reliability/races.js';
import { HOSTILE_PAYLOADS } from './hostile-payloads.js';

const ABORT_BOUND_MS = 50;
const CLIENT_CALLS = Number(process.env.SOAK_CLIENT_CALLS ?? 6_000);
const FUZZ_RANDOM = Number(process.env.SOAK_FUZZ_RANDOM ?? 20_000);
const CRASH_ROUNDS = Number(process.env.SOAK_CRASH_ROUNDS ?? 10);

interface StageResult {
  ok: boolean;
  figures: Record<string, number>;
  notes: string[];
  failures: string[];
  seconds: number;
}

const results: Record<string, StageResult> = {};
const only = process.argv.slice(2);

async function stage(name: string, run: () => Promise<Omit<StageResult, 'seconds'>>) {
  if (only.length && !only.includes(name)) return;
  console.log(`\n── ${name} ──`);
  const started = performance.now();
  try {
    const result = await run();
    results[name] = { ...result, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    results[name] = { ok: false, figures: {}, notes: [], failures: [String((error as Error).stack ?? error)], seconds: (performance.now() - started) / 1000 };
  }
  const r = results[name]!;
  for (const note of r.notes) console.log(note);
  for (const failure of r.failures.slice(0, 30)) console.log(`  ✖ ${failure}`);
  console.log(`${r.ok ? '✔' : '✖'} ${name} in ${r.seconds.toFixed(1)} s`);
}

const fromTally = (tally: Tally, names: readonly string[]) => Object.fromEntries([...names, ...[...tally.counts.keys()].filter((k) => k.startsWith('known: '))].map((n) => [n, tally.get(n)]));

await stage('client', async () => {
  const sandbox = await startSandboxChild();
  try {
    const token = await tokenFor(sandbox.url, 'demo-district');
    const figures = await runFaultCampaign({ url: sandbox.url, token, calls: CLIENT_CALLS, seed: 'soak', concurrency: 32 });
    const notes = [figuresLine('client faults', figures), `  by fault: ${Object.entries(figures.byFault).map(([k, v]) => `${k} ${v}`).join('; ')}`];
    const stormFailures: string[] = [];
    let storms = 0;
    for (let round = 0; round < 20; round += 1) {
      const storm = await refreshStorm({ url: sandbox.url, token: () => tokenFor(sandbox.url, 'demo-district'), calls: 50, faults: round % 2 ? `latency=${round}` : undefined });
      storms += 1;
      stormFailures.push(...storm.failures.map((f) => `refresh storm ${round + 1}: ${f}`));
    }
    notes.push(`refresh storms: ${storms} × 50 concurrent 401s, ${stormFailures.length ? 'FAILED' : 'one refresh each'}`);
    const aborts = await abortLatencies({ url: sandbox.url, token, perPhase: 100 });
    const slowAborts = aborts.filter((a) => a.error !== 'AbortError' || a.ms >= ABORT_BOUND_MS);
    notes.push(`aborts: ${abortSummary(aborts)}`);
    return {
      ok: figures.wrongOutcomes === 0 && figures.duplicateEffects === 0 && figures.calls >= 5_000 && !stormFailures.length && !slowAborts.length,
      figures: {
        calls: figures.calls, 'requests sent': figures.requestsSent, 'faults injected': figures.faultsInjected, 'typed errors': figures.typedErrors,
        'write effects': figures.effects, 'duplicate effects': figures.duplicateEffects, 'wrong outcomes': figures.wrongOutcomes,
        'refresh storms': storms, aborts: aborts.length, 'aborts over 50 ms': slowAborts.length,
      },
      notes,
      failures: [...figures.failures, ...stormFailures, ...slowAborts.map((a) => `abort in ${a.phase}: ${a.error} after ${a.ms.toFixed(1)} ms`)],
    };
  } finally {
    await killHard(sandbox);
  }
});

await stage('hostile', async () => {
  const s = await startTestSandbox();
  try {
    await pinClock(s.url);
    const tally = await runHostileCampaign(s.url, { mode: 'full' });
    return { ok: tally.get('violations') === 0, figures: fromTally(tally, HOSTILE_FIGURES), notes: [tally.line('hostile data (full)', HOSTILE_FIGURES)], failures: tally.failures };
  } finally {
    await s.close();
  }
});

await stage('fuzz', async () => {
  const s = await startTestSandbox();
  try {
    await pinClock(s.url);
    const ctx = await fuzzContext(s.url);
    const cases = [...systematicCases(ctx), ...randomCases(ctx, FUZZ_RANDOM, `soak-${Date.now()}`)];
    const tally = await runFuzz(s.url, cases);
    return { ok: tally.get('violations') === 0, figures: fromTally(tally, FUZZ_FIGURES), notes: [tally.line('fuzzing (systematic + random)', FUZZ_FIGURES)], failures: tally.failures };
  } finally {
    await s.close();
  }
});

await stage('access', async () => {
  const s = await startTestSandbox();
  try {
    await pinClock(s.url);
    const tally = await runAccessMatrix(s.url, { mode: 'full' });
    return { ok: tally.get('violations') === 0, figures: fromTally(tally, ACCESS_FIGURES), notes: [tally.line('access control (full)', ACCESS_FIGURES)], failures: tally.failures };
  } finally {
    await s.close();
  }
});

await stage('crash', async () => {
  const s = await startTestSandbox();
  const concurrency = new Tally();
  try {
    await pinClock(s.url);
    for (let round = 0; round < 3; round += 1) {
      const tally = await parallelCreates(s.url, 100);
      for (const [k, v] of tally.counts) concurrency.add(k, v);
      concurrency.failures.push(...tally.failures);
    }
  } finally {
    await s.close();
  }
  const crash = await crashRounds({ rounds: CRASH_ROUNDS, log: (line) => console.log(`  ${line}`) });
  return {
    ok: concurrency.get('violations') === 0 && crash.get('violations') === 0 && crash.get('kills') === CRASH_ROUNDS && crash.get('integrity-ok') === CRASH_ROUNDS,
    figures: { ...Object.fromEntries(CONCURRENCY_FIGURES.map((n) => [`parallel ${n}`, concurrency.get(n)])), ...fromTally(crash, CRASH_FIGURES) },
    notes: [concurrency.line('parallel creates (3 × 2 × 100)', CONCURRENCY_FIGURES), crash.line(`SIGKILL during writes (${CRASH_ROUNDS} rounds)`, CRASH_FIGURES)],
    failures: [...concurrency.failures, ...crash.failures],
  };
});

console.log(`\ncorpus: ${HOSTILE_PAYLOADS.length} hostile payloads`);
console.log(`SOAK-FIGURES ${JSON.stringify(results)}`);
process.exit(Object.values(results).every((r) => r.ok) ? 0 : 1);

#!/usr/bin/env node
/**
 * `npm run soak`: the long half of the reliability suite (issue 10). The fast half runs in `npm test`
 * (packages/*\/test/reliability/*.test.ts); this runs the same campaigns at full size, then the
 * browser campaigns, and prints the figures:
 *
 *   1. reliability/soak.ts (Node): client under faults (≥ 5,000 calls), hostile data (every payload ×
 *      every field), fuzzing (systematic + 20,000 random), access control (every dataset), 300
 *      parallel creates and 10 SIGKILLs during writes;
 *   2. web-test-runner.reliability.config.mjs: the hostile corpus through the elements in Chromium;
 *   3. reliability/a11y-storybook.mjs: axe (WCAG 2.2 AA tags) over every story of storybook-static/
 *      (built first when missing, or always with --build-storybook).
 *
 * Options: --only client,hostile,fuzz,access,crash,browser,a11y   --build-storybook
 * Environment: SOAK_CLIENT_CALLS, SOAK_FUZZ_RANDOM, SOAK_CRASH_ROUNDS scale the Node campaigns.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1].split(',') : null;
const wanted = (name) => !only || only.includes(name);
const NODE_STAGES = ['client', 'hostile', 'fuzz', 'access', 'crash'];

function run(command, commandArgs, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      // The figures lines are read here and printed in the summary; the rest goes through.
      process.stdout.write(String(chunk).replace(/^(SOAK|A11Y)-FIGURES .*$/gm, ''));
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const started = Date.now();
const summary = [];
let failed = false;
const n = (v) => (typeof v === 'number' ? v.toLocaleString('en') : String(v ?? '—'));

// 1. Node campaigns.
const nodeStages = NODE_STAGES.filter(wanted);
let node = {};
if (nodeStages.length) {
  console.log(`━━ node campaigns: ${nodeStages.join(', ')} ━━`);
  const { code, output } = await run(process.execPath, ['--conditions=citybrain-source', '--import', 'tsx', 'reliability/soak.ts', ...nodeStages]);
  const line = /^SOAK-FIGURES (.*)$/m.exec(output);
  node = line ? JSON.parse(line[1]) : {};
  if (code !== 0 || !line) failed = true;
  for (const stage of nodeStages) {
    const r = node[stage];
    summary.push(`${(r?.ok ? '✔' : '✖')} ${stage.padEnd(8)} ${r ? Object.entries(r.figures).map(([k, v]) => `${k} ${n(v)}`).join(', ') : 'did not finish'}${r ? ` (${r.seconds.toFixed(0)} s)` : ''}`);
  }
}

// 2. The hostile corpus through the elements.
let browser = null;
if (wanted('browser')) {
  console.log('\n━━ browser: hostile data through the elements ━━');
  const { code, output } = await run('npx', ['wtr', '--config', 'web-test-runner.reliability.config.mjs']);
  const counts = [...output.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  const figures = /reliability browser hostile-data: (.*)/.exec(output)?.[1];
  const failedTests = [...new Set([...output.matchAll(/❌ (.*)/g)].map((m) => m[1].trim()))];
  browser = { passed: Number(counts?.[1] ?? 0), failed: Number(counts?.[2] ?? 1), figures, failedTests };
  if (code !== 0 || browser.failed) failed = true;
  summary.push(`${browser.failed || code ? '✖' : '✔'} browser  tests ${browser.passed} passed, ${browser.failed} failed; ${figures ?? 'no figures'}`);
  for (const test of failedTests) summary.push(`           ✖ ${test}`);
}

// 3. Accessibility of every story.
let a11y = null;
if (wanted('a11y')) {
  console.log('\n━━ accessibility: axe over every story ━━');
  if (args.includes('--build-storybook') || !existsSync(`${root}/storybook-static/index.json`)) {
    const build = await run('npm', ['run', '--silent', 'build-storybook'], { STORYBOOK_DISABLE_TELEMETRY: '1' });
    if (build.code !== 0) failed = true;
  }
  const { code, output } = await run(process.execPath, ['reliability/a11y-storybook.mjs']);
  const line = /^A11Y-FIGURES (.*)$/m.exec(output);
  a11y = line ? JSON.parse(line[1]) : null;
  if (code !== 0 || !a11y) failed = true;
  // A failing story has a violation or a story error (it threw, Storybook showed its error display…).
  summary.push(`${a11y && !a11y.failingStories ? '✔' : '✖'} a11y     ${a11y ? `stories ${a11y.stories}, elements checked ${n(a11y.elements)}, failing stories ${a11y.failingStories} (with violations ${a11y.storiesWithViolations}, with story errors ${a11y.storyErrors}), violating nodes ${a11y.violations}` : 'did not finish'}`);
  for (const story of a11y?.failing ?? []) summary.push(`           ✖ ${story.id}: ${[...story.rules, ...(story.storyErrors ? ['story errors'] : [])].join(', ')}`);
  if (a11y?.brokenStories?.length) summary.push(`✖ stories  ${a11y.brokenStories.length} stories raise errors (they fail; axe checked what they rendered):`);
  for (const story of a11y?.brokenStories ?? []) summary.push(`           ✖ ${story.id}: ${story.errors.join(' | ').slice(0, 160)}`);
}

// The figures issue 10 asks for, across the campaigns.
const f = (stage, key) => node[stage]?.figures?.[key];
const sum = (...values) => values.reduce((a, v) => a + (typeof v === 'number' ? v : 0), 0);
const headline = [
  ['requests sent', sum(f('client', 'requests sent'), f('hostile', 'requests'), f('fuzz', 'requests'), f('access', 'requests'))],
  ['faults injected', f('client', 'faults injected')],
  ['payloads tried', f('hostile', 'payloads') ?? (browser ? 236 : undefined)],
  ['malformed requests', f('fuzz', 'requests')],
  ['violations', sum(f('hostile', 'violations'), f('fuzz', 'violations'), f('access', 'violations'), f('crash', 'violations'), f('client', 'wrong outcomes'))],
  ['rows leaked', f('access', 'rows-leaked')],
  ['unmasked personal fields', f('access', 'unmasked')],
  ['5xx', sum(f('hostile', '5xx'), f('fuzz', '5xx'), f('access', '5xx'))],
  ['duplicate write effects', sum(f('client', 'duplicate effects'), f('crash', 'duplicated'), f('crash', 'parallel duplicated'))],
  ['records lost', sum(f('crash', 'lost'), f('crash', 'parallel lost'))],
  ['script executions (browser)', browser?.figures ? Number(/script executions (\d+)/.exec(browser.figures)?.[1]) : undefined],
  ['a11y violations', a11y?.violations],
];

console.log(`\n━━ soak summary (${((Date.now() - started) / 60_000).toFixed(1)} min) ━━`);
console.log(summary.join('\n'));
console.log(`\n${headline.filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${n(v)}`).join(' · ')}`);
console.log(failed ? '\nsoak: FAILED' : '\nsoak: passed');
process.exit(failed ? 1 : 0);

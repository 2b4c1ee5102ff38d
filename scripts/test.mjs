#!/usr/bin/env node
/**
 * `npm test`: every check of the project in order, each runner printing its own summary, then one
 * plain line that sums them all: `N passed, N failed`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findChromium, INSTALL_HINT } from './chromium.mjs';
import { findFirefox, FIREFOX_INSTALL_HINT } from './firefox.mjs';
import { findPgBin, POSTGRES_INSTALL_HINT, startPostgresCluster } from './postgres-cluster.mjs';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function findFiles(dir, pattern) {
  const found = [];
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findFiles(path, pattern));
    else if (pattern.test(entry)) found.push(relative(root, path));
  }
  return found.sort();
}

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const forward = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const specFiles = readdirSync(join(root, 'openapi')).filter((f) => f.endsWith('.yaml')).map((f) => `openapi/${f}`);
const lintConfig = readFileSync(join(root, 'redocly.yaml'), 'utf8');
const unlinted = specFiles.filter((file) => !lintConfig.includes(`root: ${file}`));
// Two sandbox instances on one database, and the data service's reads on the pool: PostgreSQL only,
// so run in the PostgreSQL stage only.
const POSTGRES_ONLY_TESTS = ['reliability/instances', 'data-concurrent-reads'].map((name) => `packages/sandbox/test/${name}.test.ts`);
// Among them packages/conformance/test: the conformance CLI against a real sandbox, and against a
// proxy that breaks one contract property at a time (issue 18).
// The storage layer's tests (both stores, each starting its own PostgreSQL cluster) run in the PostgreSQL
// stage only: in this stage too they started clusters of their own, at twice the cost.
const STORAGE_TESTS = 'packages/sandbox/test/storage/';
const nodeTestFiles = ['packages', 'examples', 'bench'].flatMap((dir) => findFiles(join(root, dir), /\.test\.(ts|mjs)$/))
  .filter((file) => !file.startsWith('packages/components/') && !file.startsWith(STORAGE_TESTS) && !POSTGRES_ONLY_TESTS.includes(file));

/**
 * The services' own test files, run again on PostgreSQL (issue 18): every service's API, its access
 * and masking, and the contract check on every response. The whole sandbox suite passes on both
 * stores (CITYBRAIN_TEST_POSTGRES_URL=… on `node --test packages/sandbox/test`); these are the ones
 * a store could break, chosen so that the stage stays a few minutes.
 */
const POSTGRES_SERVICE_TESTS = [
  'core', 'calendar', 'approvals', 'uploads', 'uploads-retention', 'workorders', 'gis', 'gis-catalogue', 'gis-crs',
  'gis-ogc-tiles', 'gis-tile-versions', 'data', 'data-sharing', 'import', 'identifier-filters', 'security/free-text-masking', 'security/idempotency',
  'security/live-streams', 'security/gis-access-matrix', 'reliability/access-control',
].map((name) => `packages/sandbox/test/${name}.test.ts`);
/** What the PostgreSQL stage runs against a private cluster: the conformance suite, storage, instances, services. */
const postgresTestFiles = [
  'packages/conformance/test/conformance.test.mjs',
  ...findFiles(join(root, STORAGE_TESTS), /\.test\.ts$/),
  ...POSTGRES_ONLY_TESTS,
  ...POSTGRES_SERVICE_TESTS,
];

/** web-test-runner's last "N passed, N failed" line; a failing exit code with none failed counts one. */
function parseWebTestRunner(code, output) {
  const counts = [...output.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  if (!counts) return { passed: 0, failed: 1 };
  return { passed: Number(counts[1]), failed: Number(counts[2]) + (code !== 0 && counts[2] === '0' ? 1 : 0) };
}

/** node:test's closing `ℹ pass N` / `ℹ fail N`; a failing exit code with none failed counts one. */
function parseNodeTest(code, output) {
  const pass = /ℹ pass (\d+)/.exec(output);
  const fail = /ℹ fail (\d+)/.exec(output);
  if (!pass || !fail) return { passed: 0, failed: 1 };
  return { passed: Number(pass[1]), failed: Number(fail[1]) + (code !== 0 && Number(fail[1]) === 0 ? 1 : 0) };
}

/** A stage either counts its own tests (parse) or is one check that passes or fails. */
const stages = [
  {
    name: 'spec lint',
    command: 'npx',
    args: ['redocly', 'lint'],
    parse: (code) => {
      if (unlinted.length) console.error(`Not linted (add them to redocly.yaml): ${unlinted.join(', ')}`);
      return code === 0 && !unlinted.length ? { passed: specFiles.length, failed: 0 } : { passed: 0, failed: 1 };
    },
  },
  { name: 'generated types', command: 'node', args: ['scripts/generate-types.mjs', '--check'] },
  {
    // Every package's modules import one another one way (issue 21), type imports included: the
    // client's resources depend on its types module, the map's parts on a host interface.
    name: 'import cycles',
    command: 'node',
    args: ['scripts/check-cycles.mjs', ...['validators', 'crs', 'contract', 'domain', 'client', 'sandbox', 'components'].map((name) => `packages/${name}/src`)],
  },
  { name: 'type check', command: 'npx', args: ['tsc', '-p', 'tsconfig.check.json', '--pretty'] },
  { name: 'locales', command: 'npm', args: ['run', '--silent', 'check:locales', '-w', '@citybrain/components'] },
  {
    name: 'node tests',
    command: 'node',
    args: ['--conditions=citybrain-source', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...nodeTestFiles],
    parse: parseNodeTest,
  },
  {
    // Node tests again on PostgreSQL + PostGIS (issue 18): one private cluster for the stage
    // (CITYBRAIN_TEST_POSTGRES_URL), on which every sandbox a test starts gets a fresh database.
    name: 'postgres',
    command: 'node',
    args: ['--conditions=citybrain-source', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...postgresTestFiles],
    requiresPostgres: true,
    parse: parseNodeTest,
  },
  {
    name: 'browser tests',
    command: 'npx',
    args: ['wtr', '--config', 'web-test-runner.config.mjs'],
    requiresChromium: true,
    parse: parseWebTestRunner,
  },
  {
    // The 236 hostile payloads through table cells, map popups and status timelines (issue 10):
    // no script runs, nothing throws, a wrong shape shows an error state. About 50 s.
    name: 'hostile data',
    command: 'npx',
    args: ['wtr', '--config', 'web-test-runner.reliability.config.mjs'],
    requiresChromium: true,
    parse: parseWebTestRunner,
  },
  {
    // The second engine (issue 16): the elements' core suites, the map's shell and the hostile-data
    // corpus in Debian's Firefox ESR over WebDriver BiDi, with the APIs newer than the browser
    // baseline deleted from the page (web-test-runner.firefox.config.mjs).
    name: 'firefox',
    command: 'npx',
    args: ['wtr', '--config', 'web-test-runner.firefox.config.mjs'],
    requiresFirefox: true,
    parse: parseWebTestRunner,
  },
  {
    // Builds the shipped bundles and examples, then checks sizes, integrity and every example in
    // Chromium over a real sandbox under the strict CSP (e2e/). One file at a time: 2 cores.
    name: 'e2e',
    command: 'sh',
    args: ['-c', 'npx rollup -c --silent && node --test --test-concurrency=1 --test-reporter=spec e2e/*.test.mjs'],
    requiresChromium: true,
    parse: parseNodeTest,
  },
  {
    // Issue 22: the published specs through third-party generators, and the npm tarballs as a
    // vendor installs them (ecosystem/). After e2e, whose rollup build the components tarball
    // ships. One file at a time: 2 cores.
    name: 'ecosystem',
    command: 'node',
    args: ['--test', '--test-concurrency=1', '--test-reporter=spec', ...findFiles(join(root, 'ecosystem'), /\.test\.mjs$/)],
    requiresChromium: true,
    parse: parseNodeTest,
  },
  {
    // The bundles e2e just built fit the stated browser baseline (README "Browser support").
    name: 'browser baseline',
    command: 'node',
    args: ['scripts/check-baseline.mjs'],
  },
  {
    name: 'storybook build',
    command: 'npm',
    args: ['run', '--silent', 'build-storybook'],
    env: { STORYBOOK_DISABLE_TELEMETRY: '1' },
  },
];

let passed = 0;
let failed = 0;
const summary = [];
for (const stage of stages) {
  if (only.length && !only.includes(stage.name)) continue;
  console.log(`\n━━ ${stage.name} ━━`);
  const started = Date.now();
  let result;
  if (stage.requiresChromium && !findChromium()) {
    console.error(INSTALL_HINT);
    result = { passed: 0, failed: 1 };
  } else if (stage.requiresFirefox && !findFirefox()) {
    console.error(FIREFOX_INSTALL_HINT);
    result = { passed: 0, failed: 1 };
  } else if (stage.requiresPostgres && !findPgBin()) {
    console.error(POSTGRES_INSTALL_HINT);
    result = { passed: 0, failed: 1 };
  } else {
    const cluster = stage.requiresPostgres ? await startPostgresCluster() : null;
    try {
      const env = { ...stage.env, ...(cluster ? { CITYBRAIN_TEST_POSTGRES_URL: cluster.url } : {}) };
      const { code, output } = await run(stage.command, stage.args, env);
      result = stage.parse ? stage.parse(code, output) : code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
    } finally {
      await cluster?.stop();
    }
  }
  passed += result.passed;
  failed += result.failed;
  summary.push(`${stage.name.padEnd(16)} ${String(result.passed).padStart(5)} passed ${String(result.failed).padStart(4)} failed  ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

console.log(`\n━━ summary ━━\n${summary.join('\n')}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

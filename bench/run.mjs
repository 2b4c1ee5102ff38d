#!/usr/bin/env node
/**
 * `npm run bench [-- suite… ] [--quick] [--samples=N] [--profile]`
 *
 * (Through the root script the flags pass two npm layers: npm turns `--quick` into the
 * environment variable npm_config_quick, which is read here too; `--samples=N` works, as do
 * the plain words `quick`, `profile` and `samples=N`. Directly: `node --conditions=citybrain-source
 * --import tsx bench/run.mjs table --samples 3`.)
 *
 * Suites: table, map, client, bundle, embed, scale (default: all, in that order). Prints one table of
 * ratios per suite and writes the JSON results to bench/results/ (`<suite>-latest.json`, a dated
 * copy, and `latest.md` with every table). The full run takes about an hour and a quarter on two
 * cores: half an hour for the browser and client suites, 30–45 minutes for the scale suite (most of it
 * filling 10 M rows into SQLite and into PostgreSQL); `--quick` runs every suite small (minutes) to
 * check the harness, not to quote.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { machineInfo } from './lib/machine.mjs';
import { resultsRoot, writeResults } from './lib/results.mjs';
import { runTable, tableReport } from './table/run.mjs';
import { runMap, mapReport } from './map/run.mjs';
import { runClient, clientReport } from './client/run.mjs';
import { runBundle, bundleReport } from './bundle/run.mjs';
import { runEmbed, embedReport } from './embed/run.mjs';
import { runScale, scaleReport } from './scale/run.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    samples: { type: 'string' },
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('npm run bench [-- table map client bundle embed scale] [--quick] [--samples N] [--profile]');
  process.exit(0);
}
const ALL = ['table', 'map', 'client', 'bundle', 'embed', 'scale'];
const env = (name) => process.env[`npm_config_${name}`];
const words = positionals.filter((p) => !ALL.includes(p));
const suites = positionals.filter((p) => ALL.includes(p));
if (!suites.length) suites.push(...ALL);
const flag = (name) => values[name] || words.includes(name) || env(name) === 'true';
values.quick = flag('quick');
values.profile = flag('profile');
const samplesText = values.samples ?? words.find((w) => w.startsWith('samples='))?.slice(8) ?? (/^\d+$/.test(env('samples') ?? '') ? env('samples') : undefined);
for (const w of words) if (!['quick', 'profile'].includes(w) && !w.startsWith('samples=')) throw new Error(`unknown argument ${w} (suites: ${ALL.join(', ')})`);
const quick = values.quick;
const samples = samplesText ? Number(samplesText) : undefined;

const SUITES = {
  table: {
    title: 'Table: <cb-data-table> vs AG Grid Community, Tabulator, Lit + virtualizer, a bare virtual list',
    run: () =>
      runTable(
        quick
          ? { sizes: [20_000], large: 200_000, samples: samples ?? 1, largeSamples: 1, viewports: 30, profile: values.profile }
          : { sizes: [100_000], large: 1_000_000, samples: samples ?? 5, largeSamples: Math.min(samples ?? 3, 3), viewports: 100, profile: values.profile },
      ),
    report: tableReport,
  },
  map: {
    title: 'Map: <cb-map-viewer> on vector tiles vs raw maplibre-gl (same tiles; one GeoJSON source)',
    run: () => runMap(quick ? { sizes: [10_000], samples: samples ?? 1, profile: values.profile } : { sizes: [10_000, 30_000, 100_000], samples: samples ?? 5, profile: values.profile }),
    report: mapReport,
  },
  client: {
    title: 'Client: @citybrain/client vs openapi-fetch, ky, fetch (Node)',
    run: () => runClient(quick ? { rounds: samples ?? 2, mockCalls: 1000, loopCalls: 500, faultCalls: 100, profile: values.profile } : { rounds: samples ?? 7, profile: values.profile }),
    report: clientReport,
  },
  bundle: { title: 'Bundle sizes (gzip, brotli)', run: () => runBundle(), report: bundleReport },
  embed: {
    title: 'Embed cost: Lighthouse on examples/town-website with and without the embeds',
    run: () => runEmbed(quick ? { runs: samples ?? 1 } : { runs: samples ?? 5 }),
    report: embedReport,
  },
  scale: {
    title: 'Scale: the sandbox on SQLite and PostgreSQL (one and two instances), filled at scale, under 50 concurrent clients',
    run: () =>
      runScale(
        quick
          ? {
              sizes: { sqlite: { parcels: 20_000, rows: 200_000 }, postgres: { parcels: 20_000, rows: 200_000 } },
              durationMs: 3_000,
              warmupMs: 1_000,
              deepRows: 20_000,
              tiles: 32,
              importParcels: 1_000,
            }
          : {},
      ),
    report: scaleReport,
  },
};

const machine = machineInfo();
console.log(`City Brain Embed Kit benchmarks — ${machine.date}\n${machine.os}; ${machine.cpu}; ${machine.memoryGiB} GiB; Node ${machine.node}; ${machine.chromium}; load ${machine.loadAverage.join(' ')}${quick ? '\n(--quick: small sizes, for checking the harness; do not quote)' : ''}\n`);
const sections = [];
let failures = 0;
for (const name of suites) {
  const suite = SUITES[name];
  console.log(`━━ ${suite.title}`);
  const started = Date.now();
  try {
    const result = await suite.run();
    const full = { ...result, machine: { ...machine, loadAverageAfter: machineInfo().loadAverage }, quick, seconds: Math.round((Date.now() - started) / 1000) };
    const file = writeResults(name, full);
    const report = suite.report(full);
    sections.push(`## ${suite.title}\n\n${report}`);
    console.log(`\n${report}\n(${full.seconds} s; ${file})\n`);
  } catch (error) {
    failures++;
    console.error(`${name} failed: ${error.stack ?? error}`);
    sections.push(`## ${suite.title}\n\nFAILED: ${error.message}\n`);
  }
}
writeFileSync(
  `${resultsRoot}latest.md`,
  `# Benchmark run ${machine.date}${quick ? ' (--quick)' : ''}\n\n${machine.os}; ${machine.cpu}; ${machine.memoryGiB} GiB; Node ${machine.node}; ${machine.chromium}; load average at start ${machine.loadAverage.join(' ')}\n\n${sections.join('\n')}`,
);
process.exit(failures ? 1 : 0);

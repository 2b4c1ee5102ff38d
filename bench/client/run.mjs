/**
 * Client benchmark (Node): @citybrain/client against openapi-fetch, ky alone and raw fetch, each
 * making the same GET (`/regions/{code}`, a ~0.5 KB JSON answer):
 *  - per-call overhead with a mocked fetch that returns a ready Response (no network): µs/call;
 *  - throughput on a loopback keep-alive HTTP server: calls/s with 16 in flight, latency p50/p99;
 *  - under the sandbox's fault mode (CITYBRAIN_FAULTS="rate=0.2;status=503"): how many calls
 *    succeed, attempts per call (from the sandbox's own request counter) and successful calls/s.
 * Each library is used the way its docs show, with its default retry policy.
 */
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import ky from 'ky';
import createOpenapiFetch from 'openapi-fetch';
import { createClient } from '@citybrain/client';
import { startBenchSandbox } from '../lib/sandbox.mjs';
import { quantile, ratioCI, summarize } from '../lib/stats.mjs';
import { fmt, fmtRatio, markdownTable } from '../lib/format.mjs';
import { summarizeProfile } from '../lib/profile.mjs';
import { resultsRoot } from '../lib/results.mjs';

/** A CPU profile of `n` mocked calls of one library (node:inspector), saved and summarised. */
async function profileCalls(name, call, n) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  await timeCalls(call, n);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  mkdirSync(`${resultsRoot}profiles`, { recursive: true });
  writeFileSync(`${resultsRoot}profiles/client-${name}.cpuprofile`, JSON.stringify(profile));
  return summarizeProfile(profile, 15);
}

export const CLIENT_CONTENDERS = ['ours', 'openapi-fetch', 'ky', 'fetch'];
const CODE = '440605124';

const REGION = JSON.stringify({
  code: CODE,
  name: '狮山镇',
  level: 'town',
  parentCode: '440605',
  path: [{ code: '440605', name: '南海区' }],
  statisticalCode: '440605124000',
  children: Array.from({ length: 6 }, (_, i) => ({ code: `440605124${String(201 + i).padStart(3, '0')}`, name: `狮山镇第${i + 1}村` })),
});

/** One way of making the call per library, given a base URL and a fetch. */
function makeCallers(baseUrl, fetchImpl) {
  const api = ky.create({ prefixUrl: baseUrl, fetch: fetchImpl });
  const oaf = createOpenapiFetch({ baseUrl, fetch: fetchImpl });
  const ours = createClient({ baseUrl, fetch: fetchImpl });
  return {
    ours: async () => (await ours.GET('/regions/{code}', { params: { path: { code: CODE } } })).data,
    'openapi-fetch': async () => {
      const { data, error } = await oaf.GET('/regions/{code}', { params: { path: { code: CODE } } });
      if (error !== undefined) throw Object.assign(new Error('HTTP error'), { problem: error });
      return data;
    },
    ky: () => api.get(`regions/${CODE}`).json(),
    fetch: async () => {
      const res = await fetchImpl(`${baseUrl}/regions/${CODE}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json();
    },
  };
}

const mockFetch = async () =>
  new Response(REGION, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'bench-0001' } });

async function timeCalls(call, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await call();
  return Number(process.hrtime.bigint() - t0) / 1e3 / n;
}

async function concurrent(call, total, inFlight) {
  const latencies = [];
  let next = 0;
  let ok = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        next++;
        const s = performance.now();
        try {
          await call();
          ok++;
        } catch {
          failed++;
        }
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { ok, failed, seconds, perSecond: ok / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

function loopbackServer() {
  const body = Buffer.from(REGION);
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'x-request-id': 'bench-0001' });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * @param {{ rounds?: number, mockCalls?: number, loopCalls?: number, inFlight?: number, faultCalls?: number, faults?: string, log?: (s: string) => void }} options
 */
export async function runClient(options = {}) {
  const { rounds = 7, mockCalls = 5000, loopCalls = 4000, inFlight = 16, faultCalls = 400, faults = 'rate=0.2;status=503', contenders = CLIENT_CONTENDERS, profile = false, log = console.log } = options;
  const samples = Object.fromEntries(contenders.map((c) => [c, { overheadUs: [], loopPerSecond: [], loopP50: [], loopP99: [] }]));

  // 1. Overhead: mocked fetch, sequential calls.
  const mocked = makeCallers('http://bench.invalid/api/v1', mockFetch);
  for (const c of contenders) await timeCalls(mocked[c], Math.min(1000, mockCalls)); // warm-up (JIT)
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders.map((_, i) => contenders[(i + r) % contenders.length])) samples[c].overheadUs.push(await timeCalls(mocked[c], mockCalls));
  }
  log?.(`  client overhead (µs/call): ${contenders.map((c) => `${c} ${fmt(quantile(samples[c].overheadUs, 0.5))}`).join(', ')}`);
  const profiles = {};
  if (profile) for (const c of contenders) profiles[c] = await profileCalls(c, mocked[c], mockCalls);

  // 2. Loopback keep-alive server.
  const server = await loopbackServer();
  try {
    const loop = makeCallers(`http://127.0.0.1:${server.address().port}/api/v1`, globalThis.fetch);
    for (const c of contenders) await concurrent(loop[c], Math.min(500, loopCalls), inFlight);
    for (let r = 0; r < rounds; r++) {
      for (const c of contenders.map((_, i) => contenders[(i + r) % contenders.length])) {
        const res = await concurrent(loop[c], loopCalls, inFlight);
        samples[c].loopPerSecond.push(res.perSecond);
        samples[c].loopP50.push(res.p50);
        samples[c].loopP99.push(res.p99);
      }
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  log?.(`  client loopback (calls/s): ${contenders.map((c) => `${c} ${fmt(quantile(samples[c].loopPerSecond, 0.5))}`).join(', ')}`);

  // 3. The sandbox's fault mode.
  const faultResults = {};
  const sandbox = await startBenchSandbox({ env: { CITYBRAIN_FAULTS: faults } });
  try {
    const base = `${sandbox.url}/api/v1`;
    // Attempts are counted at the fetch every library is given.
    let attempts = 0;
    const countingFetch = (...args) => {
      attempts++;
      return globalThis.fetch(...args);
    };
    const real = makeCallers(base, countingFetch);
    for (const c of contenders) {
      attempts = 0;
      const res = await concurrent(real[c], faultCalls, 8);
      faultResults[c] = { ...res, calls: faultCalls, attempts, attemptsPerCall: attempts / faultCalls, successPct: (100 * res.ok) / faultCalls };
      log?.(`  client under faults · ${c.padEnd(13)}: ${res.ok}/${faultCalls} succeeded, ${fmt(attempts / faultCalls)} attempts per call, ${fmt(res.perSecond)} ok/s`);
    }
  } finally {
    await sandbox.stop();
  }

  const summary = Object.fromEntries(contenders.map((c) => [c, Object.fromEntries(Object.entries(samples[c]).map(([m, v]) => [m, summarize(v)]))]));
  const ratios = {};
  for (const c of contenders.filter((x) => x !== 'ours')) {
    ratios[c] = Object.fromEntries(Object.keys(samples.ours).map((m) => [m, ratioCI(samples.ours[m], samples[c][m])]));
  }
  return {
    suite: 'client',
    config: { rounds, mockCalls, loopCalls, inFlight, faultCalls, faults, call: `GET /regions/${CODE}`, node: process.version },
    contenders,
    samples,
    summary,
    ratios,
    faults: faultResults,
    ...(profile ? { profiles } : {}),
  };
}

export function clientReport(result) {
  const cs = result.contenders;
  const header = ['metric', ...cs.map((c) => (c === 'ours' ? 'ours' : `${c} (ours ÷ ${c})`))];
  const labels = {
    overheadUs: 'overhead per call, mocked fetch (µs)',
    loopPerSecond: `loopback keep-alive, ${result.config.inFlight} in flight (calls/s, higher is better)`,
    loopP50: 'loopback latency p50 (ms)',
    loopP99: 'loopback latency p99 (ms)',
  };
  const rows = Object.entries(labels).map(([m, label]) => [
    label,
    ...cs.map((c) => (c === 'ours' ? fmt(result.summary.ours[m].median) : `${fmt(result.summary[c][m].median)}  ${fmtRatio(result.ratios[c][m])}`)),
  ]);
  const f = result.faults;
  rows.push([`under faults (${result.config.faults}): calls that succeeded`, ...cs.map((c) => (f[c] ? `${f[c].ok}/${f[c].calls}` : '–'))]);
  rows.push(['under faults: attempts per call', ...cs.map((c) => (f[c] ? fmt(f[c].attemptsPerCall) : '–'))]);
  rows.push(['under faults: successful calls/s (8 in flight)', ...cs.map((c) => (f[c] ? fmt(f[c].perSecond) : '–'))]);
  return [
    `### ${result.config.call} (${result.config.rounds} rounds; medians; ratio = ours ÷ them with 95 % CI)`,
    '',
    markdownTable(header, rows),
    '',
  ].join('\n');
}

/**
 * Map benchmark: 10k / 30k / 100k homestead parcels. <cb-map-viewer> on the sandbox's vector tiles
 * against raw maplibre-gl on the same tiles and raw maplibre-gl with all parcels as one GeoJSON
 * source; same view (the densest part of the district at z14, 1024×768), same layer style (the
 * catalogue's), no basemap, WebGL2 from SwiftShader. Per sample: time to idle with the parcels
 * drawn, JS memory of page + workers, frame intervals during a scripted pan and zoom (the same moves
 * for every contender) and the time to idle after it. With `profile`, the first sample of each
 * contender also records CPU profiles of its start and of its moves (bench/results/profiles/), and the
 * report lists where each spent its main-thread time, side by side.
 */
import { launchBrowser, openPage, heapAfterGc } from '../lib/browser.mjs';
import { buildPages, benchRoot, cacheRoot, repoRoot } from '../lib/build.mjs';
import { startStaticServer } from '../lib/server.mjs';
import { startBenchSandbox, districtToken } from '../lib/sandbox.mjs';
import { quantile, ratioCI, summarize } from '../lib/stats.mjs';
import { fmt, fmtRatio, markdownTable } from '../lib/format.mjs';
import { startProfile, stopProfile } from '../lib/profile.mjs';
import { resultsRoot } from '../lib/results.mjs';
import { ensureParcels } from './data.mjs';

export const MAP_CONTENDERS = ['ours', 'raw-tiles', 'raw-geojson'];
const LAYER_ID = 'homestead-parcels';

export const MAP_METRICS = {
  idleMs: 'time to idle, parcels drawn (ms)',
  memoryMB: 'JS memory, page + workers (MB)',
  frameP50: 'pan/zoom frame p50 (ms)',
  frameP95: 'pan/zoom frame p95 (ms)',
  frames: 'pan/zoom frames drawn',
  framesOver50: 'pan/zoom frames > 50 ms',
  longTasks: 'long tasks during pan/zoom',
  idleAfterMovesMs: 'idle after the moves (ms)',
};

const pageHtml = (c) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>map · ${c}</title>
<style>html,body{margin:0}#host{width:1024px;height:768px}</style></head>
<body><div id="host"></div><script type="module" src="/build/map/${c}.js"></script></body></html>`;

async function oneSample({ browser, server, contender, cfg, log, moveScale = 1, profile }) {
  const { page, cdp, errors, close } = await openPage(browser, { width: 1024, height: 768 });
  try {
    await page.goto(`${server.url}/map/${contender}.html`);
    await page.waitForFunction(() => window.bench !== undefined, null, { timeout: 30_000 });
    if (profile) await startProfile(cdp);
    const start = await page.evaluate((c) => window.bench.start(c), cfg);
    const startProfileSummary = profile ? await stopProfile(cdp, `${resultsRoot}profiles/map-${profile}-${contender}-start.cpuprofile`, 15) : undefined;
    await page.waitForTimeout(300);
    const mainHeap = await heapAfterGc(cdp);
    const memory = await page.evaluate(() => window.bench.memory());
    if (profile) await startProfile(cdp);
    const moves = await page.evaluate((k) => window.bench.moves(k), moveScale);
    const movesProfileSummary = profile ? await stopProfile(cdp, `${resultsRoot}profiles/map-${profile}-${contender}-moves.cpuprofile`, 15) : undefined;
    return {
      idleMs: start.ms,
      renderedParcels: start.rendered,
      requests: start.requests,
      ...(startProfileSummary ? { profile: startProfileSummary, movesProfile: movesProfileSummary } : {}),
      memoryMB: memory.bytes / 2 ** 20,
      memoryMethod: memory.method,
      mainHeapMB: mainHeap / 2 ** 20,
      frameP50: quantile(moves.frames, 0.5),
      frameP95: quantile(moves.frames, 0.95),
      frameMax: Math.max(...moves.frames),
      frames: moves.frames.length,
      framesOver50: moves.frames.filter((f) => f > 50).length,
      longTasks: moves.longTasks.length,
      longTaskMs: moves.longTasks.reduce((a, b) => a + b, 0),
      idleAfterMovesMs: moves.idleAfterMs,
      errors,
    };
  } catch (error) {
    log?.(`  ${contender}: ${error.message}`);
    return { error: String(error.message ?? error), errors };
  } finally {
    await close();
  }
}

/**
 * @param {{ sizes?: number[], samples?: number, contenders?: string[], log?: (s: string) => void }} options
 */
export async function runMap(options = {}) {
  const { sizes = [10_000, 30_000, 100_000], samples = 5, contenders = MAP_CONTENDERS, log = console.log, dbCache = true, warmup = true, moveScale = 1, profile = false } = options;
  await buildPages('map', Object.fromEntries(contenders.map((c) => [c, `${benchRoot}map/pages/${c}.js`])));
  const server = await startStaticServer({
    roots: { '/build/': `${benchRoot}.build/`, '/data/': cacheRoot, '/nm/': `${repoRoot}node_modules/` },
    pages: Object.fromEntries(contenders.map((c) => [`/map/${c}.html`, pageHtml(c)])),
    // Cross-origin isolation, so performance.measureUserAgentSpecificMemory() counts the workers too.
    headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'credentialless' },
  });
  const browser = await launchBrowser({ webgl: true, args: ['--enable-blink-features=ForceEagerMeasureMemory'] });
  const runs = [];
  try {
    for (const parcels of sizes) {
      const { file, view } = ensureParcels(parcels);
      const t = Date.now();
      const sandbox = await startBenchSandbox({ parcels, db: dbCache ? `sandbox-parcels-${parcels}.db` : ':memory:' });
      log?.(`  map ${parcels.toLocaleString('en-US')} parcels: sandbox ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      try {
        const token = await districtToken(sandbox.url);
        const style = await (await fetch(`${sandbox.url}/api/v1/gis/layers/${LAYER_ID}/style`, { headers: { authorization: `Bearer ${token}` } })).json();
        const cfg = { sandbox: sandbox.url, token, layerId: LAYER_ID, style, geojsonUrl: `${server.url}/data/${file}`, center: view.center, zoom: view.zoom };
        // Warm the sandbox's tile cache once so no contender pays for the first cut of the tiles.
        if (warmup && contenders.includes('raw-tiles')) await oneSample({ browser, server, contender: 'raw-tiles', cfg, log, moveScale });
        const bySample = Object.fromEntries(contenders.map((c) => [c, []]));
        for (let s = 0; s < samples; s++) {
          const order = contenders.map((_, i) => contenders[(i + s) % contenders.length]);
          for (const contender of order) {
            const sample = await oneSample({ browser, server, contender, cfg, log, moveScale, profile: profile && s === 0 ? parcels : undefined });
            bySample[contender].push(sample);
            log?.(`  map ${parcels.toLocaleString('en-US')} · ${contender.padEnd(11)} #${s + 1}: ${sample.error ? `ERROR ${sample.error}` : `idle ${fmt(sample.idleMs)} ms (${sample.renderedParcels} parcels drawn), memory ${fmt(sample.memoryMB)} MB, frames p95 ${fmt(sample.frameP95)} ms`}`);
          }
        }
        const summary = {};
        for (const c of contenders) {
          const ok = bySample[c].filter((x) => !x.error);
          summary[c] = Object.fromEntries(Object.keys(MAP_METRICS).map((m) => [m, summarize(ok.map((x) => x[m]))]));
          summary[c].failures = bySample[c].length - ok.length;
          summary[c].renderedParcels = ok[0]?.renderedParcels;
        }
        const ratios = {};
        if (contenders.includes('ours')) {
          for (const c of contenders.filter((x) => x !== 'ours')) {
            ratios[c] = Object.fromEntries(Object.keys(MAP_METRICS).map((m) => [m, ratioCI(summary.ours[m].samples.filter(Number.isFinite), summary[c][m].samples.filter(Number.isFinite))]));
          }
        }
        if (contenders.includes('raw-tiles') && contenders.includes('raw-geojson')) {
          ratios['raw-tiles ÷ raw-geojson'] = { idleMs: ratioCI(summary['raw-tiles'].idleMs.samples, summary['raw-geojson'].idleMs.samples) };
        }
        runs.push({ parcels, view, contenders, samples: bySample, summary, ratios });
      } finally {
        await sandbox.stop();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { suite: 'map', config: { sizes, samples, contenders, viewport: '1024×768', zoom: 14, webgl: 'SwiftShader (--use-angle=swiftshader --enable-unsafe-swiftshader)', moves: 'panBy 400 px (1 s), zoom +1 (0.8 s), zoom −2 (1.2 s), panBy (−400, 300) px (1 s)' }, runs };
}

/** Main-thread self time of the first sample's profiles: the start and the moves, per contender. */
function profileTable(run) {
  const TOP = 8;
  const profiled = run.contenders.filter((c) => run.samples[c][0]?.profile);
  if (!profiled.length) return '';
  const cell = (summary, i) => {
    const f = summary?.functions[i];
    return f ? `${f.name.replace(/:\d+:\d+$/, '')} ${fmt(f.ms)}` : '';
  };
  const part = (key, title) => {
    const header = ['#', ...profiled.map((c) => `${c} (${fmt(run.samples[c][0][key]?.totalMs)} ms sampled)`)];
    const rows = Array.from({ length: TOP }, (_, i) => [String(i + 1), ...profiled.map((c) => cell(run.samples[c][0][key], i))]);
    return `${title}\n\n${markdownTable(header, rows)}`;
  };
  return [
    'CPU profiles of the first sample (main thread, self time in ms; the .cpuprofile files are in bench/results/profiles/):',
    '',
    part('profile', 'Start, until idle:'),
    '',
    part('movesProfile', 'Pan/zoom moves, until idle:'),
  ].join('\n');
}

export function mapReport(result) {
  const out = [];
  for (const run of result.runs) {
    const header = ['metric', ...run.contenders.map((c) => (c === 'ours' ? 'ours' : `${c} (ours ÷ ${c})`))];
    const rows = Object.entries(MAP_METRICS).map(([m, label]) => [
      label,
      ...run.contenders.map((c) => {
        const s = run.summary[c][m];
        if (c === 'ours') return fmt(s.median);
        const r = run.ratios[c]?.[m];
        return `${fmt(s.median)}${r ? `  ${fmtRatio(r)}` : ''}`;
      }),
    ]);
    rows.push(['parcels drawn in view', ...run.contenders.map((c) => String(run.summary[c].renderedParcels ?? '–'))]);
    const failed = run.contenders.filter((c) => run.summary[c].failures).map((c) => `${c}: ${run.summary[c].failures} failed`);
    const tg = run.ratios['raw-tiles ÷ raw-geojson']?.idleMs;
    const profiles = profileTable(run);
    out.push(
      `### ${run.parcels.toLocaleString('en-US')} parcels (view ${run.view.center.join(', ')} z${run.view.zoom}; ${run.samples[run.contenders[0]].length} samples each; medians; ratio = ours ÷ them with 95 % CI)`,
      '',
      markdownTable(header, rows),
      tg ? `\nRaw maplibre, tiles ÷ GeoJSON time to idle: ${fmtRatio(tg)}` : '',
      failed.length ? `\nFailures: ${failed.join(', ')}` : '',
      profiles ? `\n${profiles}` : '',
      '',
    );
  }
  return out.join('\n');
}

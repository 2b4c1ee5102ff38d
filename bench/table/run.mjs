/**
 * Table benchmark: 100,000 rows × 12 columns of fixture data with Chinese text in one Chromium,
 * <cb-data-table> against AG Grid Community, Tabulator, Lit + @lit-labs/virtualizer bare rows and
 * a plain 20-line virtual list; plus 1,000,000 rows for ours (and the bare list, for the ratio).
 *
 * Each sample is a fresh page: load the rows → GC → mount (time to first rows painted) → GC and
 * read the heap (the contender's own heap = after − before) → scroll one viewport per frame for
 * N viewports (frame intervals, long tasks, blank rows) → back to the top → numeric sort → text
 * sort → text filter. Contenders are interleaved sample by sample so drift hits all alike.
 */
import { launchBrowser, openPage, heapAfterGc } from '../lib/browser.mjs';
import { buildPages, benchRoot, cacheRoot, repoRoot } from '../lib/build.mjs';
import { startStaticServer } from '../lib/server.mjs';
import { quantile, ratioCI, summarize } from '../lib/stats.mjs';
import { fmt, fmtRatio, markdownTable } from '../lib/format.mjs';
import { startProfile, stopProfile } from '../lib/profile.mjs';
import { resultsRoot } from '../lib/results.mjs';
import { ensureTableData } from './data.mjs';

export const TABLE_CONTENDERS = ['ours', 'bare', 'lit', 'aggrid', 'tabulator'];

/** Metrics of one sample, their unit and whether lower is better (all are). */
export const TABLE_METRICS = {
  mountMs: 'mount: first rows painted (ms)',
  heapMB: 'own JS heap after mount (MB)',
  scrollP50: 'scroll frame p50 (ms)',
  scrollP95: 'scroll frame p95 (ms)',
  scrollMax: 'scroll frame max (ms)',
  framesOver50: 'scroll frames > 50 ms',
  longTasks: 'long tasks while scrolling',
  blankPct: 'blank rows seen while scrolling (%)',
  sortNumberMs: 'sort by 注册资本 desc (ms)',
  sortTextMs: 'sort by 企业名称 (ms)',
  filterMs: 'filter 企业名称 contains (ms)',
};

function pageHtml(contender) {
  const css = contender === 'tabulator' ? '<link rel="stylesheet" href="/nm/tabulator-tables/dist/css/tabulator.min.css">' : '';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>table · ${contender}</title>${css}
<style>html,body{margin:0;font:14px/1.4 'Noto Sans CJK SC','Source Han Sans SC',sans-serif}#host{width:1200px;height:600px;display:flex;flex-direction:column}</style>
</head><body><div id="host"></div><script type="module" src="/build/table/${contender}.js"></script></body></html>`;
}

async function oneSample({ browser, server, contender, file, rows, viewports, profileDir, log }) {
  const { page, cdp, errors, close } = await openPage(browser);
  try {
    await page.goto(`${server.url}/table/${contender}.html`);
    await page.waitForFunction(() => window.bench !== undefined, null, { timeout: 30_000 });
    await page.evaluate(([f, n]) => window.bench.load(f, n), [`/data/${file}`, rows]);
    const before = await heapAfterGc(cdp);
    const profiles = {};
    const step = async (name, fn, arg) => {
      if (!profileDir) return page.evaluate(fn, arg);
      await startProfile(cdp);
      const out = await page.evaluate(fn, arg);
      profiles[name] = await stopProfile(cdp, `${profileDir}/table-${rows}-${contender}-${name}.cpuprofile`);
      return out;
    };
    const mount = await step('mount', () => window.bench.mount());
    await page.evaluate(() => window.bench.settle(500));
    const after = await heapAfterGc(cdp);
    const scroll = await step('scroll', (v) => window.bench.scroll(v), viewports);
    await page.evaluate(() => window.bench.top());
    const sortNumber = await step('sortNumber', () => window.bench.sortNumber());
    const sortText = await step('sortText', () => window.bench.sortText());
    const filter = await step('filter', () => window.bench.filter());
    const frames = scroll.frames;
    const sample = {
      mountMs: mount.ms,
      mountSyncMs: mount.syncMs,
      heapMB: (after - before) / 2 ** 20,
      heapBeforeMB: before / 2 ** 20,
      scrollP50: quantile(frames, 0.5),
      scrollP95: quantile(frames, 0.95),
      scrollMax: Math.max(...frames),
      framesOver50: frames.filter((f) => f > 50).length,
      frames: frames.length,
      longTasks: scroll.longTasks.length,
      longTaskMs: scroll.longTasks.reduce((a, b) => a + b, 0),
      blankPct: scroll.sampled ? (100 * scroll.blank) / scroll.sampled : NaN,
      blankRows: scroll.blank,
      sampledRows: scroll.sampled,
      viewportsScrolled: scroll.viewports,
      sortNumberMs: sortNumber.ms,
      sortTextMs: sortText.ms,
      filterMs: filter.ms,
      filterMatches: filter.matches,
      errors,
    };
    if (profileDir) sample.profiles = profiles;
    return sample;
  } catch (error) {
    log?.(`  ${contender} ${rows}: ${error.message}`);
    return { error: String(error.message ?? error), errors };
  } finally {
    await close();
  }
}

/**
 * @param {{ sizes?: number[], large?: number, largeContenders?: string[], contenders?: string[],
 *   samples?: number, largeSamples?: number, viewports?: number, profile?: boolean, log?: (s: string) => void }} options
 */
export async function runTable(options = {}) {
  const {
    sizes = [100_000],
    large = 1_000_000,
    largeContenders = ['ours', 'bare'],
    contenders = TABLE_CONTENDERS,
    samples = 5,
    largeSamples = 3,
    viewports = 100,
    profile = false,
    log = console.log,
  } = options;
  const entries = Object.fromEntries(contenders.map((c) => [c, `${benchRoot}table/pages/${c}.js`]));
  await buildPages('table', entries);
  const server = await startStaticServer({
    roots: { '/build/': `${benchRoot}.build/`, '/data/': cacheRoot, '/nm/': `${repoRoot}node_modules/` },
    pages: Object.fromEntries(contenders.map((c) => [`/table/${c}.html`, pageHtml(c)])),
  });
  const browser = await launchBrowser();
  const profileDir = profile ? `${resultsRoot}profiles` : undefined;
  const runs = [];
  try {
    const plan = sizes.map((rows) => ({ rows, who: contenders, n: samples }));
    if (large) plan.push({ rows: large, who: largeContenders.filter((c) => contenders.includes(c)), n: largeSamples });
    for (const { rows, who, n } of plan) {
      if (!who.length) continue;
      const file = ensureTableData(rows);
      const bySample = Object.fromEntries(who.map((c) => [c, []]));
      for (let s = 0; s < n; s++) {
        // Rotate the order so no contender always runs first (or right after the heaviest one).
        const order = who.map((_, i) => who[(i + s) % who.length]);
        for (const contender of order) {
          const sample = await oneSample({ browser, server, contender, file, rows, viewports, profileDir: s === 0 ? profileDir : undefined, log });
          bySample[contender].push(sample);
          log?.(`  table ${rows.toLocaleString('en-US')} · ${contender.padEnd(9)} #${s + 1}: ${sample.error ? `ERROR ${sample.error}` : `mount ${fmt(sample.mountMs)} ms, sort ${fmt(sample.sortNumberMs)}/${fmt(sample.sortTextMs)} ms, filter ${fmt(sample.filterMs)} ms, scroll p95 ${fmt(sample.scrollP95)} ms, heap ${fmt(sample.heapMB)} MB`}`);
        }
      }
      const summary = {};
      for (const c of who) {
        const ok = bySample[c].filter((x) => !x.error);
        summary[c] = Object.fromEntries(Object.keys(TABLE_METRICS).map((m) => [m, summarize(ok.map((x) => x[m]))]));
        summary[c].failures = bySample[c].length - ok.length;
      }
      const ratios = {};
      if (who.includes('ours')) {
        for (const c of who.filter((x) => x !== 'ours')) {
          ratios[c] = Object.fromEntries(
            Object.keys(TABLE_METRICS).map((m) => [m, ratioCI(summary.ours[m].samples.filter(Number.isFinite), summary[c][m].samples.filter(Number.isFinite))]),
          );
        }
      }
      runs.push({ rows, columns: 12, contenders: who, samples: bySample, summary, ratios });
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { suite: 'table', config: { sizes, large, largeContenders, contenders, samples, largeSamples, viewports, rowHeight: 32, viewport: '1200×600 table in a 1280×800 page' }, runs };
}

/** The ratio table of one run (Markdown). */
export function tableReport(result) {
  const out = [];
  for (const run of result.runs) {
    const others = run.contenders.filter((c) => c !== 'ours');
    const header = ['metric', ...run.contenders.map((c) => (c === 'ours' ? 'ours' : `${c} (ours ÷ ${c})`))];
    const rows = Object.entries(TABLE_METRICS).map(([m, label]) => [
      label,
      ...run.contenders.map((c) => {
        const s = run.summary[c][m];
        if (c === 'ours') return fmt(s.median);
        const r = run.ratios[c]?.[m];
        return `${fmt(s.median)}${r ? `  ${fmtRatio(r)}` : ''}`;
      }),
    ]);
    const failed = run.contenders.filter((c) => run.summary[c].failures).map((c) => `${c}: ${run.summary[c].failures} failed`);
    out.push(
      `### ${run.rows.toLocaleString('en-US')} rows × ${run.columns} columns (${run.samples[run.contenders[0]].length} samples each; medians; ratio = ours ÷ them with 95 % CI${others.length ? ', < 1 means ours is lower = better' : ''})`,
      '',
      markdownTable(header, rows),
      failed.length ? `\nFailures: ${failed.join(', ')}` : '',
      '',
    );
  }
  return out.join('\n');
}

/**
 * Embed cost: Lighthouse 12.2.3 (performance category, its default mobile emulation and simulated
 * throttling) on the example town website (examples/town-website, served by the sandbox with its
 * strict CSP and the shipped script-tag bundle) against the same page without the embeds: the
 * <cb-*> elements, the City Brain script and the page script that configures them removed, the
 * rest (HTML, CSS, text) identical, served from loopback too, compressed alike. Both servers have
 * served their page once before the first run. Differences in TBT, LCP and CLS.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import { chromiumPath, SWIFTSHADER_ARGS } from '../lib/browser.mjs';
import { repoRoot } from '../lib/build.mjs';
import { startStaticServer } from '../lib/server.mjs';
import { startBenchSandbox } from '../lib/sandbox.mjs';
import { median, ratioCI, summarize } from '../lib/stats.mjs';
import { fmt, markdownTable } from '../lib/format.mjs';
import { resultsRoot } from '../lib/results.mjs';

const EXAMPLE = 'examples/town-website';
const BUNDLE = 'packages/components/dist/browser/citybrain.js';

export const EMBED_METRICS = {
  tbt: ['total-blocking-time', 'Total Blocking Time (ms)'],
  lcp: ['largest-contentful-paint', 'Largest Contentful Paint (ms)'],
  cls: ['cumulative-layout-shift', 'Cumulative Layout Shift'],
  fcp: ['first-contentful-paint', 'First Contentful Paint (ms)'],
  si: ['speed-index', 'Speed Index (ms)'],
  tti: ['interactive', 'Time to Interactive (ms)'],
  bytes: ['total-byte-weight', 'bytes transferred (KB)'],
  mainThread: ['mainthread-work-breakdown', 'main-thread work (ms)'],
  // What the unthrottled trace showed, before Lighthouse's simulation of a slow phone on slow 4G.
  fcpObserved: ['metrics:observedFirstContentfulPaint', 'observed FCP, unthrottled (ms)'],
  lcpObserved: ['metrics:observedLargestContentfulPaint', 'observed LCP, unthrottled (ms)'],
};

/** The town page without the embeds: no <cb-*> elements, no City Brain script, no page script. */
export function withoutEmbeds(html) {
  // Comments first: the page's comments mention the tags.
  let out = html.replace(/<!--[\s\S]*?-->/g, '');
  // Paired elements (cb-map-viewer, cb-data-table, cb-approval-status, cb-provider keeps its children).
  out = out.replace(/<cb-provider\b[^>]*>/gi, '').replace(/<\/cb-provider>/gi, '');
  out = out.replace(/<(cb-[a-z-]+)\b[^>]*>[\s\S]*?<\/\1>/gi, '');
  out = out.replace(/<script\b[^>]*\bsrc="[^"]*(citybrain[^"]*|page\.js)"[^>]*><\/script>/gi, '');
  return out;
}

/**
 * Asks each server for the page and the scripts and styles it names, a few times, before Lighthouse
 * does: a town site's server has served its page before. A freshly started sandbox process answered
 * Lighthouse's first request after ≈ 1.1 s (its JIT still cold, the machine loaded), and its next
 * few after 275, 60, 36 ms; the simulation counts that as server time of every request of the page
 * with the embeds. The sandbox also compresses each file on its first request and keeps the result.
 */
async function warmUp(pageUrl, rounds = 5) {
  const get = async (url) => {
    const response = await fetch(url, { headers: { 'accept-encoding': 'br, gzip' } });
    const body = await response.text();
    if (!response.ok) throw new Error(`warm-up: ${url} answered ${response.status}`);
    return body;
  };
  for (let round = 0; round < rounds; round++) {
    const html = await get(pageUrl);
    for (const [, src] of html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+\.(?:js|css))"/g)) await get(new URL(src, pageUrl).href);
  }
}

async function launchChromium(webgl) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'cb-lh-'));
  const child = spawn(
    chromiumPath(),
    [
      '--headless=new',
      '--remote-debugging-port=0',
      `--user-data-dir=${userDataDir}`,
      '--no-sandbox',
      '--no-first-run',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(webgl ? SWIFTSHADER_ARGS : ['--disable-gpu']),
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const port = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not open a debugging port:\n${err}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      err += chunk;
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`chromium exited with ${code}:\n${err}`)));
  });
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          // Chromium's helper processes can still be writing the profile when the browser exits (ENOTEMPTY,
          // which once ended a whole run after its Lighthouse samples were taken); retry, then leave it.
          try {
            rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
          } catch {
            // A temporary directory left behind is no reason to lose the run.
          }
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

function metricsOf(lhr) {
  const out = { score: (lhr.categories.performance?.score ?? NaN) * 100 };
  for (const [key, [audit]] of Object.entries(EMBED_METRICS)) {
    const v = audit.startsWith('metrics:') ? lhr.audits.metrics?.details?.items?.[0]?.[audit.slice(8)] : lhr.audits[audit]?.numericValue;
    out[key] = key === 'bytes' ? v / 1024 : v;
  }
  return out;
}

/**
 * @param {{ runs?: number, log?: (s: string) => void, build?: boolean, saveReports?: boolean }} options
 */
export async function runEmbed(options = {}) {
  const { runs = 5, log = console.log, build = true, saveReports = true, fast = false, variants = ['with', 'without'] } = options;
  if (!existsSync(`${repoRoot}${EXAMPLE}/index.html`)) throw new Error(`${EXAMPLE} is missing`);
  if (variants.includes('with') && !existsSync(`${repoRoot}${BUNDLE}`)) {
    if (!build) throw new Error(`${BUNDLE} is missing: run npm run build`);
    log?.('  embed: building the browser bundles (rollup -c)…');
    const r = spawnSync('npx', ['rollup', '-c', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('rollup -c failed');
  }
  const html = readFileSync(`${repoRoot}${EXAMPLE}/index.html`, 'utf8');
  const bare = withoutEmbeds(html);
  const sandbox = variants.includes('with') ? await startBenchSandbox() : undefined;
  // Compressed as the sandbox compresses the page with the embeds.
  const server = await startStaticServer({
    roots: { '/examples/town-website/': `${repoRoot}${EXAMPLE}/` },
    pages: { '/examples/town-website/': bare, '/examples/town-website/index.html': bare },
    compress: true,
  });
  const pages = { with: sandbox && `${sandbox.url}/examples/town-website/`, without: `${server.url}/examples/town-website/` };
  for (const variant of variants) await warmUp(pages[variant]);
  const samples = Object.fromEntries(variants.map((v) => [v, []]));
  const reports = {};
  const chrome = await launchChromium(true);
  try {
    const flags = {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      maxWaitForLoad: 60_000,
      ...(fast ? { onlyAudits: [...Object.values(EMBED_METRICS).map(([a]) => a).filter((a) => !a.startsWith('metrics:')), 'metrics'] } : {}),
    };
    for (let r = 0; r < runs; r++) {
      for (const variant of r % 2 ? [...variants].reverse() : variants) {
        const result = await lighthouse(pages[variant], flags);
        const lhr = result.lhr;
        const m = { ...metricsOf(lhr), runtimeError: lhr.runtimeError?.message };
        samples[variant].push(m);
        if (r === 0) reports[variant] = lhr;
        log?.(`  embed ${variant.padEnd(7)} #${r + 1}: TBT ${fmt(m.tbt)} ms, LCP ${fmt(m.lcp)} ms, CLS ${fmt(m.cls, 3)}, score ${fmt(m.score, 0)}${m.runtimeError ? ` (${m.runtimeError})` : ''}`);
      }
    }
  } finally {
    await chrome.close();
    await server.close();
    await sandbox?.stop();
  }
  let reportFiles;
  if (saveReports) {
    mkdirSync(`${resultsRoot}lighthouse`, { recursive: true });
    reportFiles = {};
    for (const [variant, lhr] of Object.entries(reports)) {
      reportFiles[variant] = `${resultsRoot}lighthouse/town-website-${variant}.json`;
      writeFileSync(reportFiles[variant], JSON.stringify(lhr));
    }
  }
  const keys = ['score', ...Object.keys(EMBED_METRICS)];
  const summary = Object.fromEntries(Object.entries(samples).map(([v, list]) => [v, Object.fromEntries(keys.map((k) => [k, summarize(list.map((x) => x[k]))]))]));
  const both = samples.with && samples.without;
  const differences = both ? Object.fromEntries(keys.map((k) => [k, summary.with[k].median - summary.without[k].median])) : {};
  const ratios = both ? Object.fromEntries(keys.map((k) => [k, ratioCI(samples.with.map((x) => x[k]), samples.without.map((x) => x[k]))])) : {};
  // What the embeds cost on the main thread, from the first "with" run.
  const bootup = reports.with?.audits['bootup-time']?.details?.items?.slice(0, 8).map((i) => ({ url: i.url, scriptingMs: Math.round(i.scripting), totalMs: Math.round(i.total) }));
  return {
    suite: 'embed',
    config: { lighthouse: lhVersion(), runs, variants, pages, formFactor: 'mobile (Lighthouse default)', throttling: 'simulated (Lighthouse default)', webgl: 'SwiftShader' },
    samples,
    summary,
    differences,
    ratios,
    bootup,
    reportFiles,
  };
}

function lhVersion() {
  try {
    return JSON.parse(readFileSync(`${repoRoot}node_modules/lighthouse/package.json`, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

export function embedReport(result) {
  if (!result.summary.with || !result.summary.without) return `(embed: only ${Object.keys(result.summary).join(', ')} measured)\n`;
  const rows = [['Performance score', fmt(result.summary.with.score.median, 0), fmt(result.summary.without.score.median, 0), fmt(result.differences.score, 0)]];
  for (const [key, [, label]] of Object.entries(EMBED_METRICS)) {
    const d = key === 'cls' ? 3 : undefined;
    rows.push([label, fmt(result.summary.with[key].median, d), fmt(result.summary.without[key].median, d), `${result.differences[key] >= 0 ? '+' : ''}${fmt(result.differences[key], d)}`]);
  }
  const out = [
    `### examples/town-website with and without the embeds (Lighthouse ${result.config.lighthouse}, ${result.config.formFactor}, ${result.config.throttling}; median of ${result.config.runs} runs each)`,
    '',
    markdownTable(['metric', 'with embeds', 'without', 'difference'], rows),
    '',
  ];
  if (result.bootup?.length) {
    out.push('Script boot-up with the embeds (first run):', '', markdownTable(['script', 'scripting ms', 'total ms'], result.bootup.map((b) => [b.url.replace(/^https?:\/\/[^/]+/, ''), b.scriptingMs, b.totalMs])), '');
  }
  return out.join('\n');
}

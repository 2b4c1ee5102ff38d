#!/usr/bin/env node
/**
 * Accessibility of every story (issue 10): axe-core with the WCAG 2.2 AA rule tags (wcag2a,
 * wcag2aa, wcag21aa, wcag22aa) over each story of the static Storybook build (storybook-static/,
 * `npm run build-storybook`), in Debian's Chromium driven by playwright-core.
 *
 * Each story is opened alone (iframe.html?id=…), given time to load its data (MSW in the build)
 * and settle, then axe checks the story root — the elements with their open shadow trees — not
 * Storybook's own page. Prints every violation with the story, the rule, the impact and the
 * failing nodes, then one line of figures; exits 1 when any story has a violation or a story error.
 *
 * A story error fails the story whatever axe says (axe over a broken story proves little): Storybook
 * reporting that the story threw while rendering, or its play function threw, or it is missing
 * (events on the preview's channel, hooked before any page script runs); Storybook's error display
 * shown; the story not finishing its render within 30 s; an uncaught exception or a console error;
 * a component still in its loading state after 20 s, unless the story is named for that state.
 *
 *   node reliability/a11y-storybook.mjs [--static storybook-static] [--story <id-substring>] [--json out.json]
 */
import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium, INSTALL_HINT } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const staticDir = resolve(root, option('--static') ?? 'storybook-static');
const only = option('--story');
const jsonOut = option('--json');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];

if (!existsSync(join(staticDir, 'index.json'))) {
  console.error(`No Storybook build at ${staticDir}: run \`npm run build-storybook\` first.`);
  process.exit(2);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.pbf': 'application/x-protobuf', '.wasm': 'application/wasm',
};

/** A static server for the build (a file server is all Storybook's static output needs). */
function serve(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'service-worker-allowed': '/' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const index = JSON.parse(readFileSync(join(staticDir, 'index.json'), 'utf8'));
const stories = Object.values(index.entries).filter((e) => e.type === 'story' && (!only || e.id.includes(only)));
const server = await serve(staticDir);
const base = `http://127.0.0.1:${server.address().port}`;
const executablePath = findChromium();
if (!executablePath) {
  console.error(INSTALL_HINT);
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: CHROMIUM_ARGS,
});
const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs in the page before Storybook: records what the preview says on its channel about the story.
 * Storybook assigns `window.__STORYBOOK_ADDONS_CHANNEL__` once it creates the channel; the accessor
 * subscribes to each channel assigned there.
 */
function hookStorybookChannel() {
  const log = (window.__a11yStory = { errors: [], finished: null });
  const text = (payload) => {
    if (payload == null) return '';
    if (typeof payload === 'string') return payload;
    if (Array.isArray(payload)) return payload.map(text).join('; ');
    return [payload.name, payload.message ?? payload.title, payload.description].filter(Boolean).join(': ') || JSON.stringify(payload);
  };
  const failures = {
    storyThrewException: 'the story threw while rendering',
    storyErrored: 'Storybook could not render the story',
    storyMissing: 'Storybook has no such story',
    playFunctionThrewException: 'the play function threw',
    unhandledErrorsWhilePlaying: 'unhandled errors while the play function ran',
  };
  let current;
  const watch = (channel) => {
    if (!channel || typeof channel.on !== 'function') return;
    for (const [event, label] of Object.entries(failures)) {
      channel.on(event, (payload) => log.errors.push(`${label}: ${text(payload).split('\n')[0].slice(0, 200)}`));
    }
    channel.on('storyFinished', (payload) => {
      log.finished = payload?.status ?? 'unknown';
      if (payload?.status === 'error') log.errors.push('Storybook finished the story with status "error"');
    });
  };
  Object.defineProperty(window, '__STORYBOOK_ADDONS_CHANNEL__', {
    configurable: true,
    get: () => current,
    set: (channel) => {
      current = channel;
      try {
        watch(channel);
      } catch (error) {
        log.errors.push(`could not watch Storybook's channel: ${error}`);
      }
    },
  });
}

/** Whether the story is done rendering: finished, or Storybook shows its error display / no-preview page. */
function storyDone() {
  const classes = document.body.classList;
  return window.__a11yStory?.finished != null || classes.contains('sb-show-errordisplay') || classes.contains('sb-show-nopreview') ||
    // Fallback should the channel hook ever miss: the preview's own record of the render phase.
    window.__STORYBOOK_PREVIEW__?.currentRender?.phase === 'finished';
}

/** Story errors Storybook shows in the page: its error display (with the message) or the no-preview page. */
function storyErrorsShown() {
  const errors = [...(window.__a11yStory?.errors ?? [])];
  const classes = document.body.classList;
  if (classes.contains('sb-show-errordisplay')) {
    const message = document.getElementById('error-message')?.textContent?.trim() ?? '';
    errors.push(`Storybook's error display is shown${message ? `: ${message.split('\n')[0].slice(0, 200)}` : ''}`);
  }
  if (classes.contains('sb-show-nopreview')) errors.push("Storybook's no-preview page is shown");
  return errors;
}

/** Whether any element (shadow trees included) is busy: aria-busy, or the shared loading status of the cb-* elements. */
function busy() {
  const inside = (node) => [...node.querySelectorAll('*')].some((el) =>
    el.getAttribute('aria-busy') === 'true' || (el.matches('[part~="status"]') && el.classList.contains('status--loading')) ||
    (el.shadowRoot && inside(el.shadowRoot)));
  return inside(document);
}

const results = [];
const started = Date.now();
for (const story of stories) {
  const page = await context.newPage();
  await page.addInitScript(hookStorybookChannel);
  await page.addInitScript(`window.__a11yBusy = ${busy.toString()};`);
  // Uncaught exceptions and console errors (a failing play function, a crash): the story is then not
  // what it claims to show, and axe over it proves little. Failed loads are expected in error stories.
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error.message ?? error).split('\n')[0]));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) pageErrors.push(message.text().split('\n')[0].slice(0, 200));
  });
  // A story named for its loading state is meant to stay busy.
  const meantToLoad = /loading/i.test(story.name);
  let result;
  try {
    await page.goto(`${base}/iframe.html?id=${encodeURIComponent(story.id)}&viewMode=story`, { waitUntil: 'load', timeout: 60_000 });
    // Storybook finishes the story (render and play function) or shows that it failed.
    const done = await page.waitForFunction(storyDone, null, { timeout: 30_000 }).then(() => true, () => false);
    if (!done) pageErrors.push('the story did not finish rendering within 30 s');
    // Then its data: no loading state left, or 20 s at most (maps load maplibre, a style, tiles).
    const settled = await page.waitForFunction(() => !window.__a11yBusy(), null, { timeout: 20_000 }).then(() => true, () => false);
    if (!settled && !meantToLoad) pageErrors.push('still loading after 20 s (axe would check a spinner, not the story)');
    await page.waitForTimeout(story.id.includes('map-viewer') ? 1_500 : 400);
    await page.addScriptTag({ content: axeSource });
    result = await page.evaluate(async (tags) => {
      const axe = window.axe;
      const out = await axe.run(document.querySelector('#storybook-root'), { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'passes'] });
      const count = (node) => [...node.querySelectorAll('*')].reduce((n, el) => n + 1 + (el.shadowRoot ? count(el.shadowRoot) : 0), 0);
      // How much axe looked at: elements in the story (shadow trees included) and rules that passed.
      window.__a11yCoverage = { elements: count(document.querySelector('#storybook-root')), passes: out.passes.length };
      return out.violations.map((v) => ({
        rule: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '), summary: n.failureSummary?.split('\n').slice(0, 3).join(' ') })),
      }));
    }, TAGS);
  } catch (error) {
    result = [];
    pageErrors.push(`the story could not be checked: ${String(error.message ?? error).split('\n')[0]}`);
  }
  // Asked again after axe: a story may fail late (a play function, a rejected load).
  const shown = await page.evaluate(storyErrorsShown).catch((error) => [`the page could not be asked for story errors: ${String(error.message ?? error).split('\n')[0]}`]);
  pageErrors.unshift(...shown);
  const coverage = await page.evaluate(() => window.__a11yCoverage ?? { elements: 0, passes: 0 }).catch(() => ({ elements: 0, passes: 0 }));
  const errors = [...new Set(pageErrors)];
  results.push({ id: story.id, title: `${story.title} / ${story.name}`, violations: result, pageErrors: errors, ...coverage });
  const mark = result.length || errors.length ? '✖' : '✔';
  const why = [...result.map((v) => `${v.rule} (${v.impact}, ${v.nodes.length})`), ...(errors.length ? [`story errors (${errors.length})`] : [])];
  console.log(`${mark} ${story.id} (${coverage.elements} elements, ${coverage.passes} rules passed)${why.length ? `: ${why.join(', ')}` : ''}`);
  for (const v of result) {
    for (const node of v.nodes.slice(0, 5)) console.log(`    ${v.rule}: ${node.target} — ${node.summary ?? ''}`);
  }
  for (const error of new Set(pageErrors)) console.log(`    ! story error: ${error}`);
  await page.close();
}
await browser.close();
server.close();

const withViolations = results.filter((r) => r.violations.length);
const violations = results.reduce((n, r) => n + r.violations.reduce((m, v) => m + Math.max(v.nodes.length, 1), 0), 0);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
const elements = results.reduce((n, r) => n + r.elements, 0);
const broken = results.filter((r) => r.pageErrors.length);
// A story fails on a violation or on a story error: either way it is not shown passing.
const failing = results.filter((r) => r.violations.length || r.pageErrors.length);
if (broken.length) console.log(`stories with errors (failed; axe checked what they rendered, which may not be the state they name): ${broken.map((r) => r.id).join(', ')}`);
const empty = results.filter((r) => r.elements < 3).map((r) => r.id);
if (empty.length) console.log(`stories that rendered (almost) nothing to check: ${empty.join(', ')}`);
console.log(`\naxe (${TAGS.join(', ')}) over ${results.length} stories (${elements} elements) in ${((Date.now() - started) / 1000).toFixed(0)} s: ` +
  `${failing.length} failing stories: ${withViolations.length} with violations (${violations} violating nodes), ${broken.length} with story errors`);
if (failing.length) console.log(`failing stories: ${failing.map((r) => r.id).join(', ')}`);
console.log(`A11Y-FIGURES ${JSON.stringify({
  stories: results.length, elements, failingStories: failing.length, storiesWithViolations: withViolations.length, violations,
  storyErrors: broken.length, brokenStories: broken.map((r) => ({ id: r.id, errors: r.pageErrors })),
  failing: failing.map((r) => ({ id: r.id, rules: r.violations.map((v) => v.rule), storyErrors: r.pageErrors.length })),
})}`);
process.exit(failing.length ? 1 : 0);

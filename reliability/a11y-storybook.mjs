#!/usr/bin/env node
/**
 * Accessibility of every story (issue 10): axe-core with the WCAG 2.2 AA rule tags (wcag2a,
 * wcag2aa, wcag21aa, wcag22aa) over each story of the static Storybook build (storybook-static/,
 * `npm run build-storybook`), in Debian's Chromium driven by playwright-core.
 *
 * Each story is opened alone (iframe.html?id=…), given time to load its data (MSW in the build)
 * and settle, then axe checks the story root — the elements with their open shadow trees — not
 * Storybook's own page. Prints every violation with the story, the rule, the impact and the
 * failing nodes, then one line of figures; exits 1 when any story has a violation.
 *
 *   node reliability/a11y-storybook.mjs [--static storybook-static] [--story <id-substring>] [--json out.json]
 */
import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

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

function findChromium() {
  return [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p && existsSync(p));
}

const index = JSON.parse(readFileSync(join(staticDir, 'index.json'), 'utf8'));
const stories = Object.values(index.entries).filter((e) => e.type === 'story' && (!only || e.id.includes(only)));
const server = await serve(staticDir);
const base = `http://127.0.0.1:${server.address().port}`;
const executablePath = findChromium();
if (!executablePath) {
  console.error('No Chromium found: install it (apt-get install chromium) or set CHROME_PATH.');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});
const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const results = [];
const started = Date.now();
for (const story of stories) {
  const page = await context.newPage();
  // Uncaught exceptions and console errors (a failing play function, a crash): the story is then not
  // what it claims to show, and axe over it proves little. Failed loads are expected in error stories.
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error.message ?? error).split('\n')[0]));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) pageErrors.push(message.text().split('\n')[0].slice(0, 200));
  });
  let result;
  try {
    await page.goto(`${base}/iframe.html?id=${encodeURIComponent(story.id)}&viewMode=story`, { waitUntil: 'load', timeout: 60_000 });
    // The story is on screen, then its data: no loading state left, or 6 s at most (maps, live stories).
    await page.waitForFunction(() => document.querySelector('#storybook-root')?.children.length, null, { timeout: 30_000 });
    await page
      .waitForFunction(() => {
        const busy = (node) => [...node.querySelectorAll('*')].some((el) => el.getAttribute('aria-busy') === 'true' || (el.shadowRoot && busy(el.shadowRoot)));
        return !busy(document);
      }, null, { timeout: 6_000 })
      .catch(() => undefined);
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
    result = [{ rule: 'story-failed-to-load', impact: 'critical', help: String(error.message ?? error).split('\n')[0], nodes: [] }];
  }
  const coverage = await page.evaluate(() => window.__a11yCoverage ?? { elements: 0, passes: 0 }).catch(() => ({ elements: 0, passes: 0 }));
  results.push({ id: story.id, title: `${story.title} / ${story.name}`, violations: result, pageErrors: [...new Set(pageErrors)], ...coverage });
  const mark = result.length ? '✖' : '✔';
  console.log(`${mark} ${story.id} (${coverage.elements} elements, ${coverage.passes} rules passed)${result.length ? `: ${result.map((v) => `${v.rule} (${v.impact}, ${v.nodes.length})`).join(', ')}` : ''}`);
  for (const v of result) {
    for (const node of v.nodes.slice(0, 5)) console.log(`    ${v.rule}: ${node.target} — ${node.summary ?? ''}`);
  }
  for (const error of new Set(pageErrors)) console.log(`    ! story error: ${error}`);
  await page.close();
}
await browser.close();
server.close();

const failing = results.filter((r) => r.violations.length);
const violations = results.reduce((n, r) => n + r.violations.reduce((m, v) => m + Math.max(v.nodes.length, 1), 0), 0);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
const elements = results.reduce((n, r) => n + r.elements, 0);
const broken = results.filter((r) => r.pageErrors.length);
if (broken.length) console.log(`stories with errors (axe checked what they rendered, which may not be the state they name): ${broken.map((r) => r.id).join(', ')}`);
const empty = results.filter((r) => r.elements < 3).map((r) => r.id);
if (empty.length) console.log(`stories that rendered (almost) nothing to check: ${empty.join(', ')}`);
console.log(`\naxe (${TAGS.join(', ')}) over ${results.length} stories (${elements} elements) in ${((Date.now() - started) / 1000).toFixed(0)} s: ` +
  `${failing.length} stories with violations, ${violations} violating nodes`);
if (failing.length) console.log(`failing stories: ${failing.map((r) => r.id).join(', ')}`);
console.log(`A11Y-FIGURES ${JSON.stringify({ stories: results.length, elements, brokenStories: broken.map((r) => ({ id: r.id, errors: r.pageErrors })), failingStories: failing.length, violations, failing: failing.map((r) => ({ id: r.id, rules: r.violations.map((v) => v.rule) })) })}`);
process.exit(failing.length || broken.length ? 1 : 0);

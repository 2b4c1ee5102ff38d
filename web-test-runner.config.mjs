// Browser tests of @citybrain/components in Debian's Chromium (no browser download).
// Run from the repository root: npx wtr --config web-test-runner.config.mjs
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, findChromium, INSTALL_HINT } from './scripts/chromium.mjs';
import { startSandboxProcess } from './scripts/sandbox-process.mjs';
import { startMapServer } from './scripts/gis-servers/mapserver.mjs';
import { startPostgis } from './scripts/gis-servers/postgis.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The Chromium to drive; the stage fails at once, with the install hint, when there is none. */
function chromiumExecutable() {
  const found = findChromium();
  if (!found) throw new Error(INSTALL_HINT);
  return found;
}

// Tests import the client from its TypeScript sources, so they never run against a stale
// or missing build of packages/client.
const workspaceSources = {
  name: 'citybrain-workspace-sources',
  resolveImport({ source }) {
    if (source === '@citybrain/client') return '/packages/client/src/index.ts';
    if (source === '@citybrain/client/validators') return '/packages/client/src/validators.ts';
    if (source === '@citybrain/validators') return '/packages/validators/src/index.ts';
    // As the bundles do (rollup.config.mjs): the WHATWG URL instead of tus-js-client's CommonJS url-parse.
    if (source === 'url-parse') return '/scripts/browser-shims/url-parse.mjs';
    return undefined;
  },
};

// `executeServerCommand('emulate-media-features', [{ name: 'forced-colors', value: 'active' }])`:
// any CSS media feature (prefers-contrast, forced-colors…), which WTR's own emulateMedia
// command does not cover for the Chrome launcher (puppeteer accepts only a fixed list),
// so this speaks CDP directly. An empty list resets them.
const devToolsSessions = new WeakMap();
const emulateMediaFeatures = {
  name: 'emulate-media-features',
  async executeCommand({ command, payload, session }) {
    if (command !== 'emulate-media-features') return undefined;
    const page = session.browser.getPage(session.id);
    let devTools = devToolsSessions.get(page);
    if (!devTools) {
      devTools = await page.createCDPSession();
      devToolsSessions.set(page, devTools);
    }
    await devTools.send('Emulation.setEmulatedMedia', { features: payload });
    return true;
  },
};

// @lit-labs/virtualizer and maplibre raise a benign "ResizeObserver loop" error that
// Mocha would count as a failure; drop it before anything else can see it.
const resizeObserverFilter = `<script>
  window.addEventListener('error', (event) => {
    if (String(event.message).includes('ResizeObserver loop')) {
      event.stopImmediatePropagation();
      event.preventDefault();
    }
  }, true);
</script>`;

// Elements talk to a real sandbox (small seed, in-memory database) on loopback, not to mocks; the
// page learns its URL from window.CITYBRAIN_SANDBOX_URL (packages/components/test-support/sandbox.ts).
let sandbox;
let mapServer;
let postgis;
// The sandbox, and the district GIS servers the external-layer tests read (Debian's MapServer with
// MapCache, and PostGIS serving ST_AsMVT tiles): a missing one fails the run with the install
// command, never a silent skip.
const sandboxServer = {
  name: 'citybrain-sandbox',
  async serverStart() {
    [sandbox, mapServer, postgis] = await Promise.all([startSandboxProcess(), startMapServer(), startPostgis()]);
  },
  async serverStop() {
    await Promise.all([sandbox?.stop(), mapServer?.stop(), postgis?.stop()]);
  },
};

export default {
  rootDir: root,
  files: ['packages/components/src/**/*.test.ts'],
  // `browser: true` also follows package.json `browser` fields (tus-js-client maps its Node build to its browser build there).
  nodeResolve: { exportConditions: ['browser'], browser: true },
  plugins: [
    sandboxServer,
    workspaceSources,
    emulateMediaFeatures,
    // esbuild reads this file raw (it does not follow `extends`), so point it at the
    // base config, which itself sets experimentalDecorators/useDefineForClassFields.
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: fileURLToPath(new URL('./tsconfig.base.json', import.meta.url)) }),
  ],
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromiumExecutable(), headless: true, args: CHROMIUM_ARGS } })],
  testRunnerHtml: (testFramework) => `<!doctype html>
<html lang="zh-CN">
  <head>${resizeObserverFilter}<script>window.CITYBRAIN_SANDBOX_URL = ${JSON.stringify(sandbox?.url ?? '')}; window.CITYBRAIN_MAPSERVER_URL = ${JSON.stringify(mapServer?.url ?? '')}; window.CITYBRAIN_TILESERVER_URL = ${JSON.stringify(postgis?.url ?? '')};</script></head>
  <body>
    <script type="module" src="${testFramework}"></script>
  </body>
</html>`,
  testFramework: { config: { timeout: 20000 } },
  concurrency: 1,
  coverageConfig: { include: ['packages/components/src/**'], exclude: ['**/*.test.ts', '**/generated/**'] },
};

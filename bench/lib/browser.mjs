/**
 * Headless Debian Chromium through playwright-core (nothing is downloaded). One browser per
 * benchmark run; a fresh context and page per sample so no contender inherits another's heap.
 */
import { chromium } from 'playwright-core';
import { findChromium, INSTALL_HINT } from '../../scripts/chromium.mjs';

/** The repository's own lookup: CHROME_PATH first, then the usual install locations. */
export function chromiumPath() {
  return findChromium() ?? undefined;
}

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Timers and rAF must not be throttled in a page nobody looks at.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--enable-precise-memory-info',
];

/** WebGL2 from SwiftShader (toolchain §7): without these flags headless maps get no context. */
export const SWIFTSHADER_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

/**
 * @param {{ webgl?: boolean, args?: string[] }} [options]
 */
export async function launchBrowser({ webgl = false, args = [] } = {}) {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(INSTALL_HINT);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [...BASE_ARGS, ...(webgl ? SWIFTSHADER_ARGS : ['--disable-gpu']), ...args],
  });
  return browser;
}

/** A fresh context + page with a CDP session; `close()` disposes of both. */
export async function openPage(browser, { width = 1280, height = 800 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon|ResizeObserver loop/.test(m.text())) errors.push(m.text());
  });
  const cdp = await context.newCDPSession(page);
  return { page, cdp, errors, close: () => context.close() };
}

/** Used JS heap of the page after two full garbage collections (bytes). */
export async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

export function browserVersion(browser) {
  return browser.version();
}

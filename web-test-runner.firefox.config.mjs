// The second engine: a named subset of the browser suites in Debian's Firefox ESR (`firefox-esr`),
// driven over WebDriver BiDi by puppeteer-core (no geckodriver, no browser download). It reuses
// web-test-runner.config.mjs (the sandbox, the workspace sources) and swaps browser and files.
//
//   npx wtr --config web-test-runner.firefox.config.mjs
//
// Every test page first loses what the baseline browsers (README "Browser support") lack, before any
// module runs, so the fallbacks are what runs: Firefox ESR 115, the oldest supported, has neither
// AbortSignal.any nor Intl.Segmenter, and Chromium's stages already run the native paths.
import puppeteer from 'puppeteer-core';
import { chromeLauncher } from '@web/test-runner-chrome';
import base from './web-test-runner.config.mjs';
import { FIREFOX_INSTALL_HINT, findFirefox } from './scripts/firefox.mjs';


/**
 * The elements' core behaviour over the real sandbox, so the client underneath them too: the status
 * timeline, the table, the provider, the script-tag loaders, the shared base and the map's shell.
 */
const coreSuites = [
  'packages/components/src/approval-status/*.test.ts',
  'packages/components/src/data-table/*.test.ts',
  'packages/components/src/provider/*.test.ts',
  'packages/components/src/script-tag/*.test.ts',
  'packages/components/src/shared/*.test.ts',
];

/**
 * The core suites, the map without WebGL and the hostile-data corpus. Left to Chromium: WebGL
 * rendering of the map (headless Firefox here has no software WebGL; the corpus skips its map click)
 * and CDP-only emulation.
 */
export const firefoxSuites = [
  ...coreSuites,
  'packages/components/src/map-viewer/map-viewer.plain.test.ts',
  'reliability/browser/**/*.test.ts',
  // Forced colours need CDP's media emulation, which WebDriver BiDi does not offer.
  '!packages/components/src/shared/theme.test.ts',
];

/**
 * APIs newer than the baseline (Chrome 94, Firefox 115, Safari 15.4), with the version that brought
 * them. structuredClone (Chrome 98) stays: the test runner's own page scripts need it to start.
 */
const postBaselineApis = [
  ['AbortSignal', 'any'], // Chrome 116, Firefox 124, Safari 17.4
  ['AbortSignal', 'timeout'], // Chrome 103
  ['AbortSignal.prototype', 'throwIfAborted'], // Chrome 100
  ['Array.prototype', 'findLast'], // Chrome 97
  ['Array.prototype', 'findLastIndex'], // Chrome 97
  ['Array.prototype', 'toSorted'], // Chrome 110, Firefox 115, Safari 16
  ['Array.prototype', 'toReversed'],
  ['Array.prototype', 'with'],
  ['Object', 'groupBy'], // Chrome 117
  ['Promise', 'withResolvers'], // Chrome 119
  ['Array', 'fromAsync'], // Chrome 121
  ['Element.prototype', 'checkVisibility'], // Chrome 105
  ['Intl', 'Segmenter'], // Firefox 125
  ['window', 'requestIdleCallback'], // never in Safari
];

function failWith(message) {
  throw new Error(message);
}

const deletePostBaselineApis = `<script>
  for (const [owner, name] of ${JSON.stringify(postBaselineApis)}) {
    const target = owner.split('.').reduce((object, key) => object?.[key], window);
    if (target) delete target[name];
  }
  window.CITYBRAIN_DELETED_APIS = ${JSON.stringify(postBaselineApis.map(([owner, name]) => `${owner}.${name}`))};
</script>`;


export default {
  ...base,
  files: firefoxSuites,
  browsers: [
    chromeLauncher({
      puppeteer,
      launchOptions: { browser: 'firefox', executablePath: findFirefox() ?? failWith(FIREFOX_INSTALL_HINT), headless: true },
    }),
  ],
  testRunnerHtml: (testFramework) => base.testRunnerHtml(testFramework).replace('<head>', `<head>${deletePostBaselineApis}`),
  coverageConfig: undefined,
  testFramework: { config: { timeout: 300000 } },
  testsFinishTimeout: 900000,
};

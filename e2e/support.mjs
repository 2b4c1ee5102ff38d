/**
 * End-to-end harness: a real sandbox (scripts/sandbox-process.mjs: the server `npm start` runs,
 * on a free loopback port, small seed, in-memory database) serving the built bundles and
 * examples/, and Debian's Chromium driven by playwright-core (no browser download).
 *
 * Every page opened through `openPage` is watched for what must never happen on a government
 * site: console errors, uncaught exceptions, failed requests, `securitypolicyviolation` events
 * (CSP and Trusted Types), and the kit's own configuration warnings.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from '../scripts/chromium.mjs';
import { startSandboxProcess } from '../scripts/sandbox-process.mjs';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const artifactsDir = join(root, 'artifacts', 'e2e');

/** Starts the sandbox (with `sandboxEnv`, CITYBRAIN_* settings) and Chromium once for a test file. */
export async function startEnvironment({ sandboxEnv = {} } = {}) {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(INSTALL_HINT);
  mkdirSync(artifactsDir, { recursive: true });
  const [sandbox, browser] = await Promise.all([
    startSandboxProcess(sandboxEnv),
    chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS }),
  ]);
  return {
    url: sandbox.url,
    browser,
    async stop() {
      await browser.close().catch(() => {});
      await sandbox.stop();
    },
  };
}

/**
 * Opens `path` of the sandbox in a fresh browser context and records everything that went wrong.
 * `problems()` lists them as readable strings; an empty list is a clean page.
 */
export async function openPage(env, path, { viewport = { width: 1280, height: 900 }, waitUntil = 'load', prepare } = {}) {
  const context = await env.browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const record = { consoleErrors: [], warnings: [], pageErrors: [], failedRequests: [], violations: [], httpErrors: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') record.consoleErrors.push(message.text());
    if (message.type() === 'warning' && message.text().includes('[@citybrain/components]')) record.warnings.push(message.text());
  });
  page.on('pageerror', (error) => record.pageErrors.push(String(error?.stack ?? error)));
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? '';
    // Requests the elements abort on purpose (a superseded query, a map tile scrolled away).
    if (failure === 'net::ERR_ABORTED') return;
    record.failedRequests.push(`${request.method()} ${request.url()} ${failure}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) record.httpErrors.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  // Reported from the page itself: the event fires for CSP and Trusted Types violations alike.
  await page.exposeFunction('__e2eViolation', (violation) => record.violations.push(violation));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__e2eViolation({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: `${event.sourceFile}:${event.lineNumber}`,
        sample: event.sample,
      });
    });
  });
  // `prepare(page)`: routes and the like, before the first request.
  await prepare?.(page);
  const response = await page.goto(`${env.url}${path}`, { waitUntil });
  return {
    page,
    context,
    response,
    record,
    problems() {
      return [
        ...record.consoleErrors.map((text) => `console error: ${text}`),
        ...record.pageErrors.map((text) => `uncaught: ${text}`),
        ...record.failedRequests.map((text) => `request failed: ${text}`),
        ...record.httpErrors.map((text) => `HTTP ${text}`),
        ...record.violations.map((v) => `securitypolicyviolation: ${v.directive} blocked ${v.blocked} at ${v.source} ${v.sample}`),
        ...record.warnings.map((text) => `warning: ${text}`),
      ];
    },
    async screenshot(name) {
      await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
    },
    close: () => context.close(),
  };
}

/** A short-lived token of a demo client, as a site's back end would obtain it. */
export async function token(env, clientId) {
  const response = await fetch(`${env.url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` }),
  });
  if (!response.ok) throw new Error(`token for ${clientId}: HTTP ${response.status}`);
  return (await response.json()).access_token;
}

/** JSON from the sandbox's API. */
export async function api(env, path, { token: bearer, method = 'GET', body } = {}) {
  const response = await fetch(`${env.url}/api/v1${path}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** Today in Asia/Shanghai, and the age on it of someone born on 1982-03-15 (the sandbox checks it against the ID). */
function today() {
  const date = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const [y, m, d] = date.split('-').map(Number);
  return { date, age: y - 1982 - (m < 3 || (m === 3 && d < 15) ? 1 : 0) };
}

/**
 * A homestead application submitted at the 桂城街道 window for a household of 桂二社区, as a
 * villager would have it on the acceptance slip: tracking number and 6-digit verification code.
 */
export async function submitApplication(env) {
  const staff = await token(env, 'demo-town-guicheng');
  const villageCode = '440605011053';
  const region = await api(env, `/regions/${villageCode}`);
  const { date, age } = today();
  return api(env, '/approvals/applications', {
    token: staff,
    method: 'POST',
    body: {
      villageCode,
      groupName: '桂二第五村民小组',
      location: region.centroid,
      draft: false,
      jcxx: { xm: '梁志强', xb: '男', nl: age, lxdh: '13926081234', sfzh: '440605198203151312', hksz: '广东省佛山市南海区桂城街道桂二社区第五村民小组' },
      jtcy: [],
      xzjxqk: { zjdmj: 0, jzmj: 0, qszsh: '无', xzjdclqk: '其他' },
      nzjdqk: {
        zjdmj: 80, fjzdmj: 72, dz: '桂城街道桂二社区第五村民小组新村三巷东侧', szdz: '村道', sznz: '梁氏宅基地', szxz: '空地',
        szbz: '三巷', dl: '建设用地', dlxl: null, jflx: '异址新建', zfjzmj: 216, jzcs: 3, jzgd: 10.5, sfzqxlqlryj: true,
      },
      qt: { sqly: '家庭人口增加，现无宅基地，申请异址新建住房', sqr: '梁志强', sqrrq: date },
      attachments: [],
    },
  });
}

/** Polls `predicate` in the page until it returns a truthy value. */
export function waitFor(page, predicate, arg, timeout = 20_000) {
  return page.waitForFunction(predicate, arg, { timeout, polling: 100 });
}

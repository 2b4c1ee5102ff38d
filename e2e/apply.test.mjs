/**
 * The town website's online application page (网上申请) end to end, under the strict CSP with
 * Trusted Types: a villager fills in `<cb-application-form>`, attaches the required documents over a
 * throttled connection that drops once in the middle of a 2 MB upload, is stopped by the error
 * summary once, corrects the answer, submits, and finds the application on the progress page with
 * the tracking number and code the confirmation gave.
 *
 * Needs the bundles: `npx rollup -c` (the e2e stage of `npm test` runs it first).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, openPage, startEnvironment } from './support.mjs';

let env;
before(async () => {
  env = await startEnvironment();
});
after(async () => {
  await env?.stop();
});

/** `size` bytes that read as a PDF by their magic bytes. */
function pdf(size, seed) {
  const bytes = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i += 1) {
    x = (x * 1664525 + 1013904223) >>> 0;
    bytes[i] = x >>> 24;
  }
  Buffer.from('%PDF-1.7\n', 'latin1').copy(bytes);
  return bytes;
}

function todayInShanghai() {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function ageOn(birthDate, today) {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

test('a villager applies online, fixes a mistake the summary points to, and looks the application up', async () => {
  const opened = await openPage(env, '/examples/town-website/apply.html');
  const { page, response } = opened;
  try {
    const policy = response.headers()['content-security-policy'] ?? '';
    assert.match(policy, /require-trusted-types-for 'script'/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
    const form = page.locator('cb-application-form');
    const today = todayInShanghai();
    const villageCode = '440605011053';
    const { centroid } = await api(env, `/regions/${villageCode}`);
    const text = {
      villageCode,
      'location.0': String(centroid[0]),
      'location.1': String(centroid[1]),
      'jcxx.xm': '梁志强',
      'jcxx.nl': String(ageOn('1982-03-15', today)),
      'jcxx.lxdh': '13926081234',
      // One digit wrong: the check character does not match.
      'jcxx.sfzh': '440605198203151313',
      'jcxx.hksz': '广东省佛山市南海区桂城街道桂二社区第五村民小组',
      'xzjxqk.zjdmj': '0',
      'xzjxqk.jzmj': '0',
      'xzjxqk.qszsh': '无',
      'nzjdqk.zjdmj': '80',
      'nzjdqk.fjzdmj': '72',
      'nzjdqk.dz': '桂城街道桂二社区第五村民小组新村三巷东侧',
      'nzjdqk.szdz': '村道',
      'nzjdqk.sznz': '梁氏宅基地',
      'nzjdqk.szxz': '空地',
      'nzjdqk.szbz': '三巷',
      'nzjdqk.zfjzmj': '216',
      'nzjdqk.jzcs': '3',
      'nzjdqk.jzgd': '10.5',
      'qt.sqly': '家庭人口增加，现无宅基地，申请异址新建住房',
      'qt.sqr': '梁志强',
      'qt.sqrrq': today,
    };
    for (const [name, value] of Object.entries(text)) await form.locator(`[name="${name}"]`).fill(value);
    const radios = { '性别': '男', '现宅基地处置情况': '其他', '地类': '建设用地', '建房类型': '异址新建', '是否已征求相邻权利人意见': '是' };
    for (const [group, choice] of Object.entries(radios)) {
      await form.getByRole('group', { name: group, exact: true }).getByLabel(choice, { exact: true }).check();
    }
    // A village connection: slow, and cut once in the middle of the largest upload.
    const network = await page.context().newCDPSession(page);
    await network.send('Network.enable');
    await network.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 512 * 1024, uploadThroughput: 1024 * 1024 });
    let patches = 0;
    let cut = false;
    await page.route('**/api/v1/approvals/uploads/**', async (route) => {
      if (route.request().method() === 'PATCH' && (patches += 1) === 2) {
        cut = true;
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await form.locator('#field-material-RED_LINE_MAP').setInputFiles({ name: '规划红线图.pdf', mimeType: 'application/pdf', buffer: pdf(2 * 1024 * 1024, 7) });
    for (const [index, kind] of ['ID_CARD', 'HOUSEHOLD_REGISTER', 'COMMITMENT'].entries()) {
      await form.locator(`#field-material-${kind}`).setInputFiles({ name: `${kind}.pdf`, mimeType: 'application/pdf', buffer: pdf(40_000, index + 1) });
    }
    await page.waitForFunction(() => {
      const root = document.querySelector('cb-application-form').shadowRoot;
      const files = [...root.querySelectorAll('[part~="material-file"]')];
      return files.length === 4 && files.every((file) => file.classList.contains('file--complete'));
    }, undefined, { timeout: 90_000, polling: 200 });
    assert.equal(cut, true, 'the connection was cut once during the upload');
    await page.unroute('**/api/v1/approvals/uploads/**');

    await form.getByRole('button', { name: '提交申请' }).click();
    const summary = form.locator('[part~="error-summary"]');
    await summary.waitFor();
    const link = summary.getByRole('link', { name: /校验位/ });
    await link.click();
    assert.equal(await page.evaluate(() => document.querySelector('cb-application-form').shadowRoot.activeElement?.getAttribute('name')), 'jcxx.sfzh');
    await form.locator('[name="jcxx.sfzh"]').fill('440605198203151312');
    await form.getByRole('button', { name: '提交申请' }).click();
    const trackingNo = (await form.locator('[part~="tracking-number"]').textContent()).trim();
    const code = (await form.locator('[part~="verification-code"]').textContent()).trim();
    assert.match(trackingNo, /^ZJD-440605011-/);
    assert.match(code, /^\d{6}$/);
    await opened.screenshot('town-website-apply-confirmation');

    await form.getByRole('link', { name: /查看办理进度/ }).click();
    await page.waitForURL(/progress\.html\?trackingNo=/);
    const lookup = page.locator('#citizen-lookup');
    assert.equal(await lookup.locator('#tracking-no').inputValue(), trackingNo);
    await lookup.locator('#verification-code').fill(code);
    await lookup.getByRole('button', { name: '查询' }).click();
    await lookup.locator('[part~="reference"]').filter({ hasText: trackingNo }).first().waitFor();
    // The cut chunk is the one failed request the page may show.
    const problems = opened.problems().filter((problem) => !/approvals\/uploads|ERR_CONNECTION_RESET/.test(problem));
    assert.equal(problems.length, 0, `the pages must load clean, but:\n  ${[...new Set(problems)].join('\n  ')}`);
  } finally {
    await opened.close();
  }
});

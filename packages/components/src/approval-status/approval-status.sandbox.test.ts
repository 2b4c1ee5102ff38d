/**
 * <cb-approval-status> against a real sandbox (started by web-test-runner.config.mjs):
 * staff view through <cb-provider>'s token, a live update over the event stream after an
 * action taken through the API, the public lookup with right and wrong codes, work orders.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sandboxToken, sandboxUrl } from '../../test-support/sandbox.js';
import '../provider/define.js';
import './define.js';
import type { ApprovalStatusChangeDetail, CbApprovalStatus } from './approval-status.js';

const APPLICANT = {
  name: '陈志强',
  idNumber: '440605198203151312',
  phone: '13926081234',
};

function text(node: Element | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Today in Asia/Shanghai as YYYY-MM-DD, and the applicant's age on it (the sandbox checks it against the ID). */
function today(): { date: string; age: number } {
  const date = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const age = y - 1982 - (m < 3 || (m === 3 && d < 15) ? 1 : 0);
  return { date, age };
}

async function api<T>(path: string, init: { token?: string; method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${sandboxUrl()}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface Created {
  id: string;
  trackingNo: string;
  verificationCode: string;
}

/** A new homestead application in 唐边村 (狮山镇), submitted by the town window: SUBMITTED. */
async function createApplication(token: string): Promise<Created> {
  const region = await api<{ centroid: [number, number] }>('/regions/440605124201', { token });
  const { date, age } = today();
  return api<Created>('/approvals/applications', {
    token,
    method: 'POST',
    body: {
      villageCode: '440605124201',
      groupName: '唐边第三村民小组',
      location: region.centroid,
      draft: false,
      jcxx: { xm: APPLICANT.name, xb: '男', nl: age, lxdh: APPLICANT.phone, sfzh: APPLICANT.idNumber, hksz: '广东省佛山市南海区狮山镇唐边村第三村民小组' },
      jtcy: [],
      xzjxqk: { zjdmj: 0, jzmj: 0, qszsh: '无', xzjdclqk: '其他' },
      nzjdqk: {
        zjdmj: 80, fjzdmj: 72, dz: '狮山镇唐边村第三村民小组新村二巷西侧', szdz: '村道', sznz: '陈国华宅基地', szxz: '空地',
        szbz: '二巷', dl: '建设用地', dlxl: null, jflx: '异址新建', zfjzmj: 216, jzcs: 3, jzgd: 10.5, sfzqxlqlryj: true,
      },
      qt: { sqly: '家庭人口增加，现无宅基地，申请异址新建住房', sqr: APPLICANT.name, sqrrq: date },
      attachments: [],
    },
  });
}

async function fillLookup(el: CbApprovalStatus, trackingNo: string, code: string): Promise<void> {
  const root = el.shadowRoot!;
  root.querySelector<HTMLInputElement>('#tracking-no')!.value = trackingNo;
  root.querySelector<HTMLInputElement>('#verification-code')!.value = code;
  root.querySelector<HTMLButtonElement>('[part~="lookup-button"]')!.click();
}

describe('cb-approval-status against the sandbox', function () {
  let token: string;

  before(async function (this: { skip(): void }) {
    if (!window.CITYBRAIN_SANDBOX_URL) {
      console.warn('No sandbox (window.CITYBRAIN_SANDBOX_URL): skipping the sandbox tests of cb-approval-status.');
      this.skip();
    }
    token = await sandboxToken('demo-town-shishan');
  });

  it('staff: the provider’s token loads the full view; an action over the API arrives on the stream, updates and is announced', async () => {
    const created = await createApplication(token);
    const provider = await fixture(html`<cb-provider base-url=${sandboxUrl()} token=${token}>
      <cb-approval-status application-id=${created.id} layout="vertical"></cb-approval-status>
    </cb-provider>`);
    const el = provider.querySelector('cb-approval-status')!;
    const root = el.shadowRoot!;
    await waitUntil(() => root.querySelector('[part~="stepper"]'), 'timeline loaded', { timeout: 10_000 });
    expect(text(root.querySelector('[part~="reference"]'))).to.equal(created.trackingNo);
    expect(text(root.querySelector('[part~="badge"]'))).to.equal('已提交，待小组讨论');
    expect(text(root.querySelector('[part~="position"]'))).to.equal('第 2 步，共 10 步');
    // The town sees the name, and ID and phone masked 6+4 / 3+4.
    const applicant = text(root.querySelector('[part~="applicant"]'));
    expect(applicant).to.contain(APPLICANT.name).and.contain('440605********1312').and.contain('139****1234');
    expect(applicant).not.to.contain(APPLICANT.idNumber);
    await waitUntil(() => el.liveMode === 'streaming', 'streaming');
    await expect(el).to.be.accessible();

    // The reason is what the event records as its remark.
    const hostile = '公示期间相邻户对东侧界址提出异议<img src=x onerror="window.__cbPwned=1">';
    const change = oneEvent(el, 'cb-status-change') as Promise<CustomEvent<ApprovalStatusChangeDetail>>;
    await api(`/approvals/applications/${created.id}/actions`, {
      token,
      method: 'POST',
      body: { action: 'suspend', reasonCode: 'NOTICE_OBJECTION', reason: hostile },
    });
    const { detail } = await change;
    expect(detail.previousStatus).to.equal('SUBMITTED');
    expect(detail.status).to.equal('SUSPENDED');
    expect(detail.source).to.equal('stream');
    expect(detail.events.map((e) => e.action)).to.deep.equal(['suspend']);
    await waitUntil(() => text(root.querySelector('[part~="announcer"]')).includes('已中止'), 'announced');
    expect(text(root.querySelector('[part~="badge"]'))).to.equal('已中止');
    expect(text(root.querySelector('[part~="notice-suspended"]'))).to.contain(hostile);
    // The remark is shown as text.
    expect(text(root.querySelector('[part~="timeline"] [part~="event-remark"]'))).to.equal(hostile);
    expect(root.querySelector('img')).to.be.null;
    expect((window as unknown as { __cbPwned?: number }).__cbPwned).to.be.undefined;
    await expect(el).to.be.accessible();
    provider.remove();
  });

  it('staff: an unknown application is a clear error with retry', async () => {
    const provider = await fixture(html`<cb-provider base-url=${sandboxUrl()} token=${token}>
      <cb-approval-status application-id="ZJD-440605124-2099-999999"></cb-approval-status>
    </cb-provider>`);
    const el = provider.querySelector('cb-approval-status')!;
    await waitUntil(() => el.shadowRoot!.querySelector('[part~="error"]'), 'error', { timeout: 10_000 });
    expect(text(el.shadowRoot!.querySelector('[part~="error-message"]'))).to.contain('未找到');
    expect(el.shadowRoot!.querySelector('[part~="retry-button"]')).to.exist;
  });

  it('staff: a work order renders with the same element', async () => {
    const page = await api<{ items: { id: string; status: string }[] }>('/workorders?limit=5', { token });
    const order = page.items[0]!;
    const provider = await fixture(html`<cb-provider base-url=${sandboxUrl()} token=${token}>
      <cb-approval-status workorder-id=${order.id} layout="horizontal"></cb-approval-status>
    </cb-provider>`);
    const el = provider.querySelector('cb-approval-status')!;
    const root = el.shadowRoot!;
    await waitUntil(() => root.querySelector('[part~="stepper"]'), 'work order loaded', { timeout: 10_000 });
    expect(text(root.querySelector('[part~="process"]'))).to.equal('12345 工单');
    expect(text(root.querySelector('[part~="reference"]'))).to.equal(order.id);
    expect(root.querySelectorAll('[part~="stepper"] > li').length).to.be.greaterThan(4);
    expect(root.querySelectorAll('[part~="stepper"] [aria-current="step"]').length).to.be.at.most(1);
    await expect(el).to.be.accessible();
  });

  it('citizen: the right code shows masked data only, a wrong code a friendly not-found', async () => {
    const created = await createApplication(token);
    // A public page: no token at all.
    const el = await fixture<CbApprovalStatus>(html`<cb-approval-status base-url=${sandboxUrl()} layout="vertical"></cb-approval-status>`);
    const root = el.shadowRoot!;
    expect(root.querySelector('[part~="lookup-form"]')).to.exist;
    await expect(el).to.be.accessible();

    const found = oneEvent(el, 'cb-lookup');
    await fillLookup(el, created.trackingNo.toLowerCase(), created.verificationCode);
    expect((await found).detail).to.deep.equal({ trackingNo: created.trackingNo, result: 'found' });
    await waitUntil(() => root.querySelector('[part~="stepper"]'), 'lookup result');
    const shown = text(root.querySelector('[part~="base"]'));
    expect(shown).to.contain(created.trackingNo).and.contain('陈**').and.contain('已提交，待小组讨论');
    for (const secret of [APPLICANT.name, APPLICANT.idNumber, APPLICANT.phone, '1312', '139****1234']) {
      expect(shown, secret).not.to.contain(secret);
    }
    await waitUntil(() => text(root.querySelector('[part~="announcer"]')).includes(created.trackingNo), 'announced');
    expect(el.liveMode).to.equal('polling');
    await expect(el).to.be.accessible();

    const wrong = String((Number(created.verificationCode) + 1) % 1_000_000).padStart(6, '0');
    const notFound = oneEvent(el, 'cb-lookup');
    let errors = 0;
    el.addEventListener('cb-error', () => (errors += 1));
    await fillLookup(el, created.trackingNo, wrong);
    expect((await notFound).detail.result).to.equal('not-found');
    await waitUntil(() => root.querySelector('[part~="not-found"]'), 'not found');
    expect(root.querySelector('[part~="not-found"]')!.getAttribute('role')).to.equal('alert');
    expect(text(root.querySelector('[part~="not-found"]'))).to.contain('没有查到这个办件');
    expect(root.querySelector('[part~="base"]')).to.be.null;
    expect(root.querySelector('[part~="error"]')).to.be.null;
    expect(errors).to.equal(0);
    expect(el.liveMode).to.equal('off');
    await expect(el).to.be.accessible();
  });

  it('citizen: tracking-number and verification-code attributes look up at once', async () => {
    const created = await createApplication(token);
    const el = await fixture<CbApprovalStatus>(html`<cb-approval-status
      base-url=${sandboxUrl()}
      tracking-number=${created.trackingNo}
      verification-code=${created.verificationCode}
      layout="compact"
      live="off"
    ></cb-approval-status>`);
    const root = el.shadowRoot!;
    await waitUntil(() => root.querySelector('.compact'), 'compact result');
    expect(text(root.querySelector('.compact'))).to.contain('已提交，待小组讨论').and.contain(created.trackingNo);
    expect(root.querySelector<HTMLInputElement>('#tracking-no')!.value).to.equal(created.trackingNo);
  });
});

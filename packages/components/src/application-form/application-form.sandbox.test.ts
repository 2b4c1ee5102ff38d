/**
 * <cb-application-form> against a real sandbox (started by web-test-runner.config.mjs): a town
 * window fills in and submits an application, and the tracking number and code it is given find
 * the application in <cb-approval-status>; a lost answer retried is one application; a field the
 * server refuses is shown at that field; the town's area cap comes from the process definition.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { recordFetch, sandboxToken, sandboxUrl } from '../../test-support/sandbox.js';
import { filledHomestead } from '../../test-support/homestead-application.js';
import { fillForm, typeInto } from '../../test-support/fill-form.js';
import { chooseFiles, materialFile } from '../../test-support/material-files.js';
import '../provider/define.js';
import '../approval-status/define.js';
import './define.js';
import type { ApplicationSubmittedDetail, CbApplicationForm } from './application-form.js';

function text(node: Node | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The application of the fixture, placed at the centre of 唐边村 as the sandbox's seed draws it (the server checks the point is inside). */
async function filledForTangbian(token: string) {
  const response = await fetch(`${sandboxUrl()}/api/v1/regions/440605124201`, { headers: { authorization: `Bearer ${token}` } });
  const { centroid } = (await response.json()) as { centroid: [number, number] };
  const filled = filledHomestead();
  filled.values['location.0'] = String(centroid[0]);
  filled.values['location.1'] = String(centroid[1]);
  return filled;
}

const REQUIRED_MATERIALS = ['ID_CARD', 'HOUSEHOLD_REGISTER', 'COMMITMENT', 'RED_LINE_MAP'];

/** Waits for the materials of the process definition, then uploads a small PDF for each required one. */
async function attachRequired(form: CbApplicationForm, except: string[] = []): Promise<void> {
  await waitUntil(() => form.shadowRoot!.querySelector('#field-material-ID_CARD'), 'material slots', { timeout: 10_000 });
  let seed = Date.now() % 100_000;
  for (const kind of REQUIRED_MATERIALS.filter((k) => !except.includes(k))) {
    await chooseFiles(form, kind, [materialFile(`${kind}.pdf`, 'application/pdf', 20_000, (seed += 1))]);
  }
  await waitUntil(() => allUploaded(form), 'uploads finished', { timeout: 20_000 });
}

function allUploaded(form: CbApplicationForm): boolean {
  const files = [...form.shadowRoot!.querySelectorAll('[part~="material-file"]')];
  return files.length > 0 && files.every((file) => file.classList.contains('file--complete'));
}

let counter = 0;
async function formWithToken(token: string): Promise<CbApplicationForm> {
  const provider = await fixture(html`<cb-provider base-url=${sandboxUrl()} token=${token}>
    <cb-application-form form-id=${`sandbox-${Date.now()}-${(counter += 1)}`}></cb-application-form>
  </cb-provider>`);
  return provider.querySelector('cb-application-form')!;
}

function submitButton(form: CbApplicationForm): HTMLButtonElement {
  return form.shadowRoot!.querySelector<HTMLButtonElement>('[part~="submit-button"]')!;
}

describe('cb-application-form against the sandbox', function (this: { timeout(ms: number): void }) {
  // Each test uploads the required materials; one sends 3 MB in chunks with a cut connection.
  this.timeout(90_000);
  let token: string;

  before(async function (this: { skip(): void }) {
    if (!window.CITYBRAIN_SANDBOX_URL) {
      console.warn('No sandbox (window.CITYBRAIN_SANDBOX_URL): skipping the sandbox tests of cb-application-form.');
      this.skip();
    }
    token = await sandboxToken('demo-town-shishan');
  });

  afterEach(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('cb-application-form:')) localStorage.removeItem(key);
  });

  it('submits once on a double click; the confirmation’s number and code find it in cb-approval-status', async () => {
    const form = await formWithToken(token);
    await fillForm(form, await filledForTangbian(token));
    await attachRequired(form);
    const recorder = recordFetch();
    let detail: ApplicationSubmittedDetail;
    try {
      const submitted = oneEvent(form, 'cb-application-submitted');
      submitButton(form).click();
      submitButton(form).click();
      detail = (await submitted).detail as ApplicationSubmittedDetail;
    } finally {
      recorder.restore();
    }
    const posts = recorder.requests.filter((request) => request.method === 'POST' && request.url.endsWith('/approvals/applications'));
    expect(posts).to.have.length(1);
    expect(posts[0]!.headers.get('idempotency-key')).to.be.a('string');
    expect(detail.trackingNo).to.match(/^ZJD-440605124-/);
    expect(detail.verificationCode).to.match(/^\d{6}$/);
    await form.updateComplete;
    const confirmation = form.shadowRoot!.querySelector<HTMLElement>('[part~="confirmation"]')!;
    expect(form.shadowRoot!.activeElement).to.equal(confirmation);
    expect(text(confirmation.querySelector('[part~="tracking-number"]'))).to.equal(detail.trackingNo);
    expect(text(confirmation.querySelector('[part~="verification-code"]'))).to.equal(detail.verificationCode);
    // Accepted: the draft is gone.
    expect(Object.keys(localStorage).filter((key) => key.startsWith('cb-application-form:'))).to.deep.equal([]);
    await expect(form).to.be.accessible();

    const status = await fixture(html`<cb-approval-status
      base-url=${sandboxUrl()}
      tracking-number=${detail.trackingNo}
      verification-code=${detail.verificationCode}
      live="off"
    ></cb-approval-status>`);
    await waitUntil(() => status.shadowRoot!.querySelector('[part~="reference"]'), 'looked up', { timeout: 10_000 });
    expect(text(status.shadowRoot!.querySelector('[part~="reference"]'))).to.equal(detail.trackingNo);
  });

  it('a retry after a lost answer, even from a reloaded page, is the same application', async () => {
    const formId = `retry-${Date.now()}`;
    const provider = await fixture(html`<cb-provider base-url=${sandboxUrl()} token=${token}>
      <cb-application-form form-id=${formId}></cb-application-form>
    </cb-provider>`);
    const form = provider.querySelector('cb-application-form')!;
    await fillForm(form, await filledForTangbian(token));
    await attachRequired(form);
    // The request reaches the server, but the answer is lost on the way back.
    const original = window.fetch;
    const keys: string[] = [];
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (request.method === 'POST' && request.url.endsWith('/approvals/applications')) {
        keys.push(request.headers.get('idempotency-key') ?? '');
        await original(request.clone());
        throw new TypeError('Failed to fetch');
      }
      return original(input, init);
    };
    try {
      await form.submit();
    } finally {
      window.fetch = original;
    }
    await form.updateComplete;
    expect(text(form.shadowRoot!.querySelector('[part~="error-summary"]'))).to.contain('网络');
    // The page reloads: a new element restores the draft with its key, and submits again.
    form.remove();
    provider.innerHTML = '';
    const again = document.createElement('cb-application-form');
    again.formId = formId;
    provider.append(again);
    await again.updateComplete;
    const recorder = recordFetch();
    try {
      const submitted = oneEvent(again, 'cb-application-submitted');
      await again.submit();
      await submitted;
    } finally {
      recorder.restore();
    }
    const retry = recorder.requests.find((request) => request.method === 'POST')!;
    expect(retry.headers.get('idempotency-key')).to.equal(keys[0]);
    const response = await fetch(`${sandboxUrl()}/api/v1/approvals/applications/${again.result!.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status, await response.clone().text()).to.equal(200);
    // The one application the first request created: the server replayed its answer.
    const { items } = (await (await fetch(`${sandboxUrl()}/api/v1/approvals/applications?limit=100`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      items: { trackingNo: string; submittedAt: string }[];
    };
    expect(items.filter((item) => item.trackingNo === again.result!.trackingNo)).to.have.length(1);
  });

  it('shows what the server refuses at the field it names, and the town’s area cap while typing', async () => {
    const form = await formWithToken(token);
    await fillForm(form, await filledForTangbian(token));
    // The area cap of 狮山镇 (plain: 80 ㎡) comes from the process definition.
    await waitUntil(() => text(form.shadowRoot!).includes('本镇宅基地面积上限为 80 平方米'), 'cap loaded', { timeout: 10_000 });
    await typeInto(form, 'nzjdqk.zjdmj', '90');
    const area = form.shadowRoot!.querySelector('[name="nzjdqk.zjdmj"]')!;
    expect(area.getAttribute('aria-invalid')).to.equal('true');
    await typeInto(form, 'nzjdqk.zjdmj', '80');
    await attachRequired(form);
    // A well-formed code of a village that is not in the district: only the server knows.
    await typeInto(form, 'villageCode', '440605124299');
    await form.submit();
    await form.updateComplete;
    const village = form.shadowRoot!.querySelector('[name="villageCode"]')!;
    expect(village.getAttribute('aria-invalid')).to.equal('true');
    const summary = form.shadowRoot!.querySelector('[part~="error-summary"]')!;
    expect(form.shadowRoot!.activeElement).to.equal(summary);
    expect(text(summary)).to.contain('440605124299');
    // Correcting the field clears the server's objection.
    await typeInto(form, 'villageCode', '440605124201');
    expect(village.getAttribute('aria-invalid')).to.equal('false');
  });

  it('uploads a 3 MB file across a cut connection, resuming from the server’s offset, and attaches it', async () => {
    const form = await formWithToken(token);
    await fillForm(form, await filledForTangbian(token));
    await attachRequired(form, ['RED_LINE_MAP']);
    const original = window.fetch;
    const requests: { method: string; offset: string | null }[] = [];
    let patches = 0;
    let cut = false;
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (request.url.includes('/approvals/uploads')) requests.push({ method: request.method, offset: request.headers.get('upload-offset') });
      if (request.method === 'PATCH' && (patches += 1) === 3) {
        // The third chunk reaches the server, but the connection drops before the answer.
        await original(request);
        cut = true;
        throw new TypeError('Failed to fetch');
      }
      return original(input, init);
    };
    const progress: number[] = [];
    try {
      const size = 3 * 1024 * 1024;
      await chooseFiles(form, 'RED_LINE_MAP', [materialFile('规划红线图.jpg', 'image/jpeg', size, Date.now() % 100_000)]);
      await waitUntil(() => {
        const bar = form.shadowRoot!.querySelector<HTMLProgressElement>('#field-material-RED_LINE_MAP ~ ul progress');
        if (bar) progress.push(bar.value);
        return allUploaded(form);
      }, 'the large upload finished', { timeout: 60_000, interval: 20 });
    } finally {
      window.fetch = original;
    }
    expect(cut).to.equal(true);
    expect(progress.some((value) => value > 0 && value < 3 * 1024 * 1024)).to.equal(true);
    // After the cut: the client asked for the offset and went on from there, not from 0.
    const afterCut = requests.slice(requests.findIndex((r, i) => r.method === 'PATCH' && requests.slice(0, i + 1).filter((x) => x.method === 'PATCH').length === 3) + 1);
    expect(afterCut[0]?.method).to.equal('HEAD');
    expect(Number(afterCut.find((r) => r.method === 'PATCH')?.offset)).to.be.greaterThan(0);
    expect(text(form.shadowRoot!.querySelector('#field-material-RED_LINE_MAP ~ ul'))).to.contain('已上传');

    const submitted = oneEvent(form, 'cb-application-submitted');
    await form.submit();
    const { detail } = (await submitted) as CustomEvent<ApplicationSubmittedDetail>;
    const application = (await (await fetch(`${sandboxUrl()}/api/v1/approvals/applications/${detail.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      attachments?: { kind: string; sizeBytes: number }[];
    };
    const attachments = application.attachments ?? [];
    expect(attachments.map((a) => a.kind).sort()).to.deep.equal([...REQUIRED_MATERIALS].sort());
    expect(attachments.find((a) => a.kind === 'RED_LINE_MAP')?.sizeBytes).to.equal(3 * 1024 * 1024);
  });

  it('a file chosen again after the page was left mid-upload continues where the server stopped', async () => {
    const formId = `resume-${Date.now()}`;
    const provider = await fixture(html`<cb-provider base-url=${sandboxUrl()} token=${token}>
      <cb-application-form form-id=${formId}></cb-application-form>
    </cb-provider>`);
    const first = provider.querySelector('cb-application-form')!;
    await waitUntil(() => first.shadowRoot!.querySelector('#field-material-HOUSE_DESIGN'), 'material slots', { timeout: 10_000 });
    const drawing = materialFile('房屋设计图.pdf', 'application/pdf', 3 * 1024 * 1024, Date.now() % 100_000);
    const original = window.fetch;
    const patches: number[] = [];
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (request.method === 'PATCH') patches.push(Number(request.headers.get('upload-offset')));
      return original(input, init);
    };
    try {
      await chooseFiles(first, 'HOUSE_DESIGN', [drawing]);
      await waitUntil(() => patches.length >= 3, 'two chunks acknowledged', { timeout: 20_000, interval: 5 });
      // The villager's phone drops the page: the element goes, the acknowledged bytes stay on the server.
      first.remove();
      const sentBefore = patches.length;
      const again = document.createElement('cb-application-form');
      again.formId = formId;
      provider.append(again);
      await waitUntil(() => again.shadowRoot!.querySelector('#field-material-HOUSE_DESIGN'), 'material slots again', { timeout: 10_000 });
      await chooseFiles(again, 'HOUSE_DESIGN', [drawing]);
      await waitUntil(() => allUploaded(again), 'the resumed upload finished', { timeout: 60_000 });
      expect(patches[sentBefore]).to.be.greaterThan(0);
    } finally {
      window.fetch = original;
    }
  });

  it('refuses what the slot cannot take before sending, shows the server’s refusal of a disguised file, and names missing materials', async () => {
    const form = await formWithToken(token);
    await fillForm(form, await filledForTangbian(token));
    await waitUntil(() => form.shadowRoot!.querySelector('#field-material-ID_CARD'), 'material slots', { timeout: 10_000 });
    // An HTML page that claims to be a PDF, with a hostile name.
    const hostileName = '<img src=x onerror="window.__cbPwned=1">\u202Egpj.exe.pdf';
    const disguised = new File(['<!doctype html><script>alert(1)</script>'.padEnd(2000, ' ')], hostileName, { type: 'application/pdf' });
    await chooseFiles(form, 'ID_CARD', [disguised, new File(['x'], 'setup.exe', { type: 'application/x-msdownload' })]);
    const slot = form.shadowRoot!.querySelector('#field-material-ID_CARD')!;
    expect(slot.getAttribute('aria-invalid')).to.equal('true');
    expect(text(form.shadowRoot!.querySelector('#field-material-ID_CARD-error'))).to.contain('setup.exe');
    await waitUntil(() => form.shadowRoot!.querySelector('.file--failed'), 'refused by the server', { timeout: 20_000 });
    expect(form.shadowRoot!.querySelector('.file--failed [part~="retry-button"]')).to.equal(null);
    expect(form.shadowRoot!.querySelector('[part~="materials"] img')).to.equal(null);
    expect((window as unknown as { __cbPwned?: number }).__cbPwned).to.equal(undefined);
    await form.submit();
    await form.updateComplete;
    const summary = text(form.shadowRoot!.querySelector('[part~="error-summary"]'));
    expect(summary).to.contain('身份证复印件有文件没有上传成功').and.contain('请上传户口簿复印件。');
    await expect(form).to.be.accessible();
  });

  it('without a token allowed to create applications, says so', async () => {
    const provider = await fixture(html`<cb-provider base-url=${sandboxUrl()}><cb-application-form form-id="anonymous"></cb-application-form></cb-provider>`);
    const form = provider.querySelector('cb-application-form')!;
    await fillForm(form, await filledForTangbian(token));
    const failed = oneEvent(form, 'cb-error');
    await form.submit();
    const { detail } = await failed;
    expect(detail.message).to.match(/权限|登录/);
  });
});

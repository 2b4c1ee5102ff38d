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

describe('cb-application-form against the sandbox', function () {
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
    expect(response.ok).to.equal(true);
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

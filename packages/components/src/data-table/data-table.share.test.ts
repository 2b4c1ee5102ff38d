/**
 * Applying for a 有条件共享 dataset from `<cb-data-table>` against the real sandbox: a village that may not
 * read 企业月度用电量 is offered "申请使用", files the form, sees its application pending, then returned
 * with the steward's reason, and reads the rows once the steward approved it. The steward's decisions go
 * straight to the API, as the steward's own system would send them.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sandboxToken, sandboxUrl } from '../../test-support/sandbox.js';
import { setLocale } from '../shared/localization.js';
import type { CbDataTable } from './data-table.js';
import './define.js';

const DATASET = 'enterprise-electricity';
const VILLAGE = 'demo-village-tangbian';

let villageToken: string;

async function mount(): Promise<CbDataTable> {
  return fixture<CbDataTable>(html`<cb-data-table dataset=${DATASET} base-url=${`${sandboxUrl()}/api/v1`} .token=${villageToken}></cb-data-table>`);
}

const part = (el: CbDataTable, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const shareText = (el: CbDataTable) => part(el, 'share')?.textContent?.replace(/\s+/g, ' ') ?? '';

async function api<T>(clientId: string, path: string, init: { method?: string; body?: object } = {}): Promise<T> {
  const token = clientId === VILLAGE ? villageToken : await sandboxToken(clientId);
  const response = await fetch(`${sandboxUrl()}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The village's latest application for the dataset, as the steward's inbox shows it. */
async function latestApplicationId(): Promise<string> {
  const { items } = await api<{ items: { id: string }[] }>('demo-steward-power', `/data/share-applications?view=review&datasetId=${DATASET}&status=pending`);
  return items[0]!.id;
}

async function openForm(el: CbDataTable): Promise<HTMLFormElement> {
  await waitUntil(() => el.shadowRoot!.querySelector('.share-open'), 'no apply button');
  el.shadowRoot!.querySelector<HTMLButtonElement>('.share-open')!.click();
  await waitUntil(() => part(el, 'share-form'), 'no form');
  await el.updateComplete;
  return part(el, 'share-form') as HTMLFormElement;
}

async function fillAndSubmit(el: CbDataTable, form: HTMLFormElement, purpose: string): Promise<void> {
  form.querySelector('textarea')!.value = purpose;
  form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
  await waitUntil(() => /待.+审核/.test(shareText(el)), 'the application is not shown as pending');
}

describe('cb-data-table: applying for a 有条件共享 dataset (sandbox)', () => {
  before(async () => {
    villageToken = await sandboxToken(VILLAGE);
  });

  it('offers the village to apply, with an accessible form, and shows the application pending', async () => {
    const el = await mount();
    await waitUntil(() => part(el, 'denied'), 'no denied state');
    expect(part(el, 'denied')!.textContent).to.contain('有条件共享');
    const form = await openForm(el);
    expect(el.shadowRoot!.activeElement).to.equal(form.querySelector('textarea'), 'focus moves to the first field');
    expect(form.getAttribute('aria-label')).to.equal('申请使用此数据');
    expect(form.textContent).to.contain('广东电网有限责任公司佛山南海供电局的数据专员');
    await expect(el).to.be.accessible();

    // An empty purpose is refused by the form itself: nothing is sent.
    const before = (await api<{ items: unknown[] }>(VILLAGE, `/data/share-applications?datasetId=${DATASET}`)).items.length;
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await el.updateComplete;
    expect((await api<{ items: unknown[] }>(VILLAGE, `/data/share-applications?datasetId=${DATASET}`)).items.length).to.equal(before);

    await fillAndSubmit(el, form, '唐边村工业园亩均效益评价，需核对辖内企业月度用电量。');
    expect(part(el, 'share-form')).to.equal(null);
    expect(shareText(el)).to.contain('广东电网有限责任公司佛山南海供电局');
    await expect(el).to.be.accessible();
  });

  it('shows a returned application with its reason and lets the village apply again', async () => {
    await api('demo-steward-power', `/data/share-applications/${await latestApplicationId()}/actions`, {
      method: 'POST',
      body: { action: 'return', reason: '请说明需核对的企业范围。' },
    });
    const el = await mount();
    await waitUntil(() => shareText(el).includes('退回'), 'the return is not shown');
    expect(shareText(el)).to.contain('退回理由：请说明需核对的企业范围。');
    expect(el.shadowRoot!.querySelector('.share-open')!.textContent).to.contain('重新申请');
    await expect(el).to.be.accessible();
    try {
      await setLocale('en');
      await el.updateComplete;
      expect(shareText(el)).to.contain('Your application was returned.').and.contain('Reason: 请说明需核对的企业范围。');
      expect(el.shadowRoot!.querySelector('.share-open')!.textContent).to.contain('Apply again');
    } finally {
      await setLocale('zh-CN');
    }
    await el.updateComplete;

    const form = await openForm(el);
    await fillAndSubmit(el, form, '唐边村工业园亩均效益评价：核对园区内 12 家重点用电企业的月度用电量。');
  });

  it('reads the rows of the village once the steward approved the application', async () => {
    await api('demo-steward-power', `/data/share-applications/${await latestApplicationId()}/actions`, { method: 'POST', body: { action: 'approve' } });
    const el = await mount();
    await oneEvent(el, 'cb-data-load');
    await el.updateComplete;
    expect(part(el, 'denied')).to.equal(null);
    expect(part(el, 'share')).to.equal(null);
    expect(el.shadowRoot!.querySelectorAll('.block [role="row"]').length).to.be.greaterThan(0);
  });
});

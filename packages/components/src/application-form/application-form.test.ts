/**
 * <cb-application-form> without a server: labels, hints and errors tied to their fields, inline
 * validation, the error summary and focus, family-member rows, drafts in localStorage, bad
 * attributes and hostile values, English, elderly mode and axe. Submitting against the sandbox is
 * in application-form.sandbox.test.ts.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { addRows, typeInto } from '../../test-support/fill-form.js';
import { setLocale } from '../shared/localization.js';
import { draftKey } from './draft-store.js';
import './define.js';
import type { CbApplicationForm } from './application-form.js';

function text(node: Element | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function control(form: CbApplicationForm, path: string): HTMLInputElement {
  return form.shadowRoot!.querySelector<HTMLInputElement>(`[name="${path}"]`)!;
}

function describedByText(form: CbApplicationForm, element: Element): string {
  return (element.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => text(form.shadowRoot!.getElementById(id)))
    .join(' | ');
}

let formCounter = 0;
/** A form with a fresh draft key, so tests never see each other's drafts. */
async function newForm(formId = `t${Date.now()}-${(formCounter += 1)}`): Promise<CbApplicationForm> {
  return fixture<CbApplicationForm>(html`<cb-application-form process="homestead" form-id=${formId}></cb-application-form>`);
}

afterEach(() => {
  for (const key of Object.keys(localStorage)) if (key.startsWith('cb-application-form:')) localStorage.removeItem(key);
});

describe('<cb-application-form>', () => {
  it('labels every question and ties hints to their control', async () => {
    const form = await newForm();
    const sfzh = control(form, 'jcxx.sfzh');
    const label = form.shadowRoot!.querySelector(`label[for="${sfzh.id}"]`);
    expect(text(label)).to.equal('身份证号');
    expect(describedByText(form, sfzh)).to.contain('18 位');
    // Radios are a group with a legend; optional questions say so.
    const sex = control(form, 'jcxx.xb').closest('fieldset')!;
    expect(text(sex.querySelector('legend'))).to.equal('性别');
    expect(text(form.shadowRoot!.querySelector(`label[for="${control(form, 'groupName').id}"]`))).to.contain('选填');
    // The farmland type appears only for farmland.
    expect(control(form, 'nzjdqk.dlxl')).to.equal(null);
    await typeInto(form, 'nzjdqk.dl', '农用地');
    expect(control(form, 'nzjdqk.dlxl')).to.exist;
  });

  it('checks an answer once the field is left, and again as it is corrected', async () => {
    const form = await newForm();
    const sfzh = control(form, 'jcxx.sfzh');
    sfzh.value = '44060519820315131';
    sfzh.dispatchEvent(new Event('input'));
    await form.updateComplete;
    expect(sfzh.getAttribute('aria-invalid')).to.equal('false'); // not while still typing the first time
    sfzh.dispatchEvent(new FocusEvent('blur'));
    await form.updateComplete;
    expect(sfzh.getAttribute('aria-invalid')).to.equal('true');
    expect(describedByText(form, sfzh)).to.contain('身份证号应为 18 位');
    await typeInto(form, 'jcxx.sfzh', '440605198203151313');
    expect(describedByText(form, control(form, 'jcxx.sfzh'))).to.contain('校验位不对');
    await typeInto(form, 'jcxx.sfzh', '440605198203151312');
    expect(control(form, 'jcxx.sfzh').getAttribute('aria-invalid')).to.equal('false');
  });

  it('on submit, lists the problems at the top, focuses the list and links each to its field', async () => {
    const form = await newForm();
    await typeInto(form, 'jcxx.lxdh', '12345');
    form.shadowRoot!.querySelector<HTMLButtonElement>('[part~="submit-button"]')!.click();
    await form.updateComplete;
    const summary = form.shadowRoot!.querySelector<HTMLElement>('[part~="error-summary"]')!;
    expect(summary).to.exist;
    expect(form.shadowRoot!.activeElement).to.equal(summary);
    expect(summary.getAttribute('role')).to.equal('alert');
    const links = [...summary.querySelectorAll('a')];
    expect(text(links[0])).to.equal('请填写村（居）代码。');
    const mobile = links.find((link) => text(link).includes('手机号码应为 11 位'))!;
    mobile.click();
    await form.updateComplete;
    expect(form.shadowRoot!.activeElement).to.equal(control(form, 'jcxx.lxdh'));
    // Radio groups are reached through their first radio.
    links.find((link) => text(link) === '请选择性别。')!.click();
    await form.updateComplete;
    expect(form.shadowRoot!.activeElement).to.equal(form.shadowRoot!.querySelector('[name="jcxx.xb"]'));
  });

  it('without a server, says so instead of submitting', async () => {
    const form = await newForm();
    const errors: string[] = [];
    form.addEventListener('cb-error', (event) => errors.push(event.detail.message));
    const { filledHomestead } = await import('../../test-support/homestead-application.js');
    const { fillForm } = await import('../../test-support/fill-form.js');
    await fillForm(form, filledHomestead());
    await form.submit();
    await form.updateComplete;
    expect(text(form.shadowRoot!.querySelector('[part~="error-summary"]'))).to.contain('未配置服务地址');
    expect(errors).to.have.length(1);
  });

  it('adds and removes family members, moving focus to where the keyboard user continues', async () => {
    const form = await newForm();
    await addRows(form, 2);
    expect(form.shadowRoot!.querySelectorAll('[part~="row"]')).to.have.length(2);
    expect(form.shadowRoot!.activeElement).to.equal(control(form, 'jtcy.1.xm'));
    await typeInto(form, 'jtcy.0.xm', '甲');
    await typeInto(form, 'jtcy.1.xm', '乙');
    const removeFirst = form.shadowRoot!.querySelector<HTMLButtonElement>('[part~="remove-button"]')!;
    expect(text(removeFirst)).to.equal('删除家庭成员 1');
    removeFirst.click();
    await form.updateComplete;
    await form.updateComplete;
    expect(form.shadowRoot!.querySelectorAll('[part~="row"]')).to.have.length(1);
    expect(control(form, 'jtcy.0.xm').value).to.equal('乙');
    expect(form.shadowRoot!.activeElement).to.equal(form.shadowRoot!.querySelector('[part~="add-button"]'));
  });

  it('keeps a draft per process and form id until it is discarded', async () => {
    const first = await newForm('draft-a');
    await addRows(first, 1);
    await typeInto(first, 'jcxx.xm', '陈志强');
    await typeInto(first, 'jtcy.0.xm', '李美玲');
    first.remove(); // leaving the page writes at once
    const saved = JSON.parse(localStorage.getItem(draftKey('homestead', 'draft-a'))!);
    expect(saved.values['jcxx.xm']).to.equal('陈志强');
    expect(saved.submissionKey).to.be.a('string').and.have.length.greaterThan(16);

    const again = await newForm('draft-a');
    expect(control(again, 'jcxx.xm').value).to.equal('陈志强');
    expect(control(again, 'jtcy.0.xm').value).to.equal('李美玲');
    expect(again.shadowRoot!.querySelector('[part~="draft-notice"]')).to.exist;
    const other = await newForm('draft-b');
    expect(control(other, 'jcxx.xm').value).to.equal('');

    again.shadowRoot!.querySelector<HTMLButtonElement>('[part~="discard-button"]')!.click();
    await again.updateComplete;
    expect(control(again, 'jcxx.xm').value).to.equal('');
    expect(localStorage.getItem(draftKey('homestead', 'draft-a'))).to.equal(null);
  });

  it('ignores a stored draft that is not one, and works without storage', async () => {
    localStorage.setItem(draftKey('homestead', 'broken'), '{"values":{"jcxx.xm":{"evil":1}},"rows":"x"');
    const form = await newForm('broken');
    expect(control(form, 'jcxx.xm').value).to.equal('');
    localStorage.setItem(draftKey('homestead', 'wrong'), JSON.stringify({ values: { 'jcxx.xm': 5 }, rows: {}, submissionKey: 'k' }));
    expect(control(await newForm('wrong'), 'jcxx.xm').value).to.equal('');
  });

  it('shows hostile answers as text, never as markup', async () => {
    const form = await newForm();
    const hostile = '<img src=x onerror="window.__pwned=1">"\'><script>window.__pwned=1</script>';
    await typeInto(form, 'jcxx.xm', hostile);
    await typeInto(form, 'qt.sqly', hostile);
    form.shadowRoot!.querySelector<HTMLButtonElement>('[part~="submit-button"]')!.click();
    await form.updateComplete;
    expect(form.shadowRoot!.querySelector('img, script')).to.equal(null);
    expect(control(form, 'jcxx.xm').value).to.equal(hostile);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    // Too long for the schema's maxLength: said, not cut off.
    await typeInto(form, 'jcxx.xm', '陈'.repeat(31));
    expect(describedByText(form, control(form, 'jcxx.xm'))).to.contain('不能超过 30 个字');
  });

  it('warns about an unknown process and shows what is wrong, without throwing', async () => {
    const form = await fixture<CbApplicationForm>(html`<cb-application-form process="passport"></cb-application-form>`);
    expect(text(form.shadowRoot!.querySelector('[part~="error"]'))).to.contain('passport');
    form.process = 'homestead';
    await form.updateComplete;
    expect(form.shadowRoot!.querySelector('[part~="form"]')).to.exist;
    (form as unknown as { headingLevel: unknown }).headingLevel = 'x';
    (form as unknown as { formId: unknown }).formId = { toString: () => '../../etc' };
    await form.updateComplete;
    expect(form.shadowRoot!.querySelector('#form-title')!.getAttribute('aria-level')).to.equal('2');
  });

  it('speaks English after setLocale("en")', async () => {
    const form = await newForm();
    await setLocale('en');
    try {
      await form.updateComplete;
      expect(text(form.shadowRoot!.querySelector(`label[for="${control(form, 'jcxx.sfzh').id}"]`))).to.equal('Resident ID number');
      await typeInto(form, 'jcxx.lxdh', '1');
      expect(describedByText(form, control(form, 'jcxx.lxdh'))).to.contain('11 digits');
    } finally {
      await setLocale('zh-CN');
    }
  });

  it('grows text and targets in elderly (适老化) mode', async () => {
    const plain = await newForm();
    const elderly = await fixture<CbApplicationForm>(html`<cb-application-form elderly form-id="elderly"></cb-application-form>`);
    const size = (form: CbApplicationForm) => control(form, 'jcxx.xm').getBoundingClientRect().height;
    expect(size(elderly)).to.be.greaterThan(size(plain) * 1.2);
  });

  it('passes axe, empty and with every error shown', async () => {
    const form = await newForm();
    await expect(form).to.be.accessible();
    await addRows(form, 1);
    form.shadowRoot!.querySelector<HTMLButtonElement>('[part~="submit-button"]')!.click();
    await form.updateComplete;
    await expect(form).to.be.accessible();
  });
});

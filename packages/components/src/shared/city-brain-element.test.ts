import { expect, fixture, html } from '@open-wc/testing';
import { LitElement, css, html as litHtml } from 'lit';
import { msg } from '@lit/localize';
import { CityBrainElement } from './city-brain-element.js';
import { defineElement } from './define-element.js';
import { setLocale } from './localization.js';
import '../provider/define.js';

declare global {
  interface CityBrainEventMap {
    'cb-test-ping': { count: number };
  }
}

class TestEmitter extends CityBrainElement {
  static override styles = [CityBrainElement.styles, css`p { margin: 0; }`];
  override render() {
    return litHtml`<p>${msg('重试', { id: 'status.retry' })}</p>`;
  }
}
defineElement('test-emitter', TestEmitter);

/** Puts a test-emitter inside its own shadow root, like a framework component would. */
class TestShadowHost extends LitElement {
  override render() {
    return litHtml`<test-emitter></test-emitter>`;
  }
}
defineElement('test-shadow-host', TestShadowHost);

class OtherWarningElement extends CityBrainElement {}
defineElement('test-other-warning', OtherWarningElement);

function captureWarnings(): { messages: string[]; restore: () => void } {
  const original = console.warn;
  const messages: string[] = [];
  console.warn = (...args: unknown[]) => messages.push(args.map(String).join(' '));
  return { messages, restore: () => (console.warn = original) };
}

function fontSizeInside(element: Element): string {
  return getComputedStyle(element.shadowRoot!.querySelector('p')!).fontSize;
}

describe('CityBrainElement', () => {
  afterEach(async () => {
    await setLocale('zh-CN');
  });

  it('emits cb-* events that bubble out of nested shadow roots to the document', async () => {
    const host = await fixture<TestShadowHost>(html`<test-shadow-host></test-shadow-host>`);
    const emitter = host.shadowRoot!.querySelector('test-emitter') as TestEmitter;
    const received: { event: CustomEvent<{ count: number }>; target: EventTarget | null; origin: EventTarget }[] = [];
    // target and composedPath() are only meaningful during dispatch, so record them then.
    const listener = (event: CustomEvent<{ count: number }>) =>
      received.push({ event, target: event.target, origin: event.composedPath()[0] });
    document.addEventListener('cb-test-ping', listener);
    try {
      const notPrevented = emitter.emit('cb-test-ping', { count: 3 });
      expect(notPrevented).to.equal(true);
    } finally {
      document.removeEventListener('cb-test-ping', listener);
    }
    expect(received).to.have.length(1);
    const [{ event, target, origin }] = received;
    expect(event.detail).to.deep.equal({ count: 3 });
    expect(event.composed).to.equal(true);
    expect(event.bubbles).to.equal(true);
    // Retargeted for the document: listeners outside see the outermost host.
    expect(target).to.equal(host);
    expect(origin).to.equal(emitter);
  });

  it('reports a prevented cancelable event', async () => {
    const emitter = await fixture<TestEmitter>(html`<test-emitter></test-emitter>`);
    emitter.addEventListener('cb-test-ping', (event) => event.preventDefault(), { once: true });
    expect(emitter.emit('cb-test-ping', { count: 1 }, { cancelable: true })).to.equal(false);
    expect(emitter.emit('cb-test-ping', { count: 2 })).to.equal(true);
  });

  it('warns once per element class and key', async () => {
    const first = await fixture<TestEmitter>(html`<test-emitter></test-emitter>`);
    const second = await fixture<TestEmitter>(html`<test-emitter></test-emitter>`);
    const other = await fixture<OtherWarningElement>(html`<test-other-warning></test-other-warning>`);
    const warnings = captureWarnings();
    try {
      first.warnOnce('bad-limit', 'limit must be a positive number');
      second.warnOnce('bad-limit', 'limit must be a positive number');
      first.warnOnce('bad-sort', 'sort must name a column');
      other.warnOnce('bad-limit', 'limit must be a positive number');
    } finally {
      warnings.restore();
    }
    expect(warnings.messages).to.deep.equal([
      '[@citybrain/components] <test-emitter> limit must be a positive number',
      '[@citybrain/components] <test-emitter> sort must name a column',
      '[@citybrain/components] <test-other-warning> limit must be a positive number',
    ]);
  });

  it('re-renders when the page locale changes', async () => {
    const emitter = await fixture<TestEmitter>(html`<test-emitter></test-emitter>`);
    expect(emitter.shadowRoot!.textContent).to.contain('重试');
    await setLocale('en');
    await emitter.updateComplete;
    expect(emitter.shadowRoot!.textContent).to.contain('Retry');
    await setLocale('zh-CN');
    await emitter.updateComplete;
    expect(emitter.shadowRoot!.textContent).to.contain('重试');
  });

  it('enlarges text in elderly mode, set on the element or on a surrounding provider', async () => {
    const plain = await fixture<TestEmitter>(html`<test-emitter></test-emitter>`);
    expect(fontSizeInside(plain)).to.equal('14px');

    plain.elderly = true;
    await plain.updateComplete;
    expect(plain.hasAttribute('elderly')).to.equal(true);
    expect(parseFloat(fontSizeInside(plain))).to.be.closeTo(18.2, 0.01);

    const provider = await fixture(html`<cb-provider elderly><div><test-emitter></test-emitter></div></cb-provider>`);
    const inside = provider.querySelector('test-emitter')!;
    expect(parseFloat(fontSizeInside(inside))).to.be.closeTo(18.2, 0.01);
  });

  it('lets page tokens override the defaults and the elderly mode', async () => {
    const wrapper = await fixture(html`<div style="--cb-font-size-m: 20px; --cb-color-text: rgb(1, 2, 3)">
      <test-emitter elderly></test-emitter>
    </div>`);
    const emitter = wrapper.querySelector('test-emitter')!;
    await (emitter as TestEmitter).updateComplete;
    const paragraph = emitter.shadowRoot!.querySelector('p')!;
    expect(parseFloat(getComputedStyle(paragraph).fontSize)).to.be.closeTo(26, 0.01); // 20px × elderly scale 1.3
    expect(getComputedStyle(paragraph).color).to.equal('rgb(1, 2, 3)');
  });

  it('is accessible', async () => {
    const emitter = await fixture<TestEmitter>(html`<test-emitter></test-emitter>`);
    await expect(emitter).to.be.accessible();
  });
});

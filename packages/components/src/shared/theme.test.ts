import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { css, html as litHtml } from 'lit';
import { CityBrainElement } from './city-brain-element.js';
import { defineElement } from './define-element.js';
import { themeTokens } from './theme.js';

class TestThemed extends CityBrainElement {
  static override styles = [
    CityBrainElement.styles,
    css`
      button {
        color: var(--_cb-color-text);
        border: 1px solid var(--_cb-color-border);
        min-block-size: var(--_cb-target-size);
        transition: color var(--_cb-transition-duration);
      }
    `,
  ];
  override render() {
    return litHtml`<button type="button">提交</button>`;
  }
}
defineElement('test-themed', TestThemed);

type MediaFeature = { name: string; value: string };

function emulate(features: MediaFeature[]): Promise<unknown> {
  return executeServerCommand('emulate-media-features', features);
}

async function buttonStyle(markup = html`<test-themed></test-themed>`): Promise<CSSStyleDeclaration> {
  const host = await fixture<HTMLElement>(markup);
  const element = host.localName === 'test-themed' ? host : host.querySelector('test-themed')!;
  await (element as TestThemed).updateComplete;
  return getComputedStyle(element.shadowRoot!.querySelector('button')!);
}

describe('theme tokens', () => {
  afterEach(async () => {
    await emulate([]);
  });

  it('defines every token with a default value', async () => {
    const element = await fixture<TestThemed>(html`<test-themed></test-themed>`);
    const computed = getComputedStyle(element);
    for (const token of themeTokens) {
      expect(computed.getPropertyValue(`--_cb-${token.name}`).trim(), token.name).not.to.equal('');
    }
    const style = await buttonStyle();
    expect(style.color).to.equal('rgb(31, 35, 41)');
    expect(style.minHeight).to.equal('32px');
    expect(style.transitionDuration).to.equal('0.15s');
  });

  it('follows prefers-contrast: more with stronger colours, unless the page chose its own', async () => {
    await emulate([{ name: 'prefers-contrast', value: 'more' }]);
    const style = await buttonStyle();
    expect(style.color).to.equal('rgb(0, 0, 0)');
    expect(style.borderTopColor).to.equal('rgb(0, 0, 0)');
    expect(style.minHeight).to.equal('32px', 'contrast alone does not enlarge');

    const themed = await buttonStyle(html`<div style="--cb-color-text: rgb(10, 20, 30)"><test-themed></test-themed></div>`);
    expect(themed.color).to.equal('rgb(10, 20, 30)');
  });

  it('uses the system palette in forced-colors mode, overriding page tokens', async () => {
    await emulate([{ name: 'forced-colors', value: 'active' }]);
    const element = await fixture<TestThemed>(html`<div style="--cb-color-text: rgb(10, 20, 30)"><test-themed></test-themed></div>`);
    const themed = element.querySelector('test-themed')!;
    await (themed as TestThemed).updateComplete;
    expect(getComputedStyle(themed).getPropertyValue('--_cb-color-text').trim()).to.equal('CanvasText');
    expect(getComputedStyle(themed).getPropertyValue('--_cb-focus-ring-color').trim()).to.equal('Highlight');
  });

  it('stops transitions under prefers-reduced-motion', async () => {
    await emulate([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    const style = await buttonStyle();
    expect(style.transitionDuration).to.equal('0s');
  });

  it('enlarges targets in elderly mode', async () => {
    const style = await buttonStyle(html`<test-themed elderly></test-themed>`);
    expect(parseFloat(style.minHeight)).to.be.closeTo(41.6, 0.01);
    expect(style.color).to.equal('rgb(0, 0, 0)');
  });
});

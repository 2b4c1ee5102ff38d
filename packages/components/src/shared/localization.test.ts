import { expect, fixture, html } from '@open-wc/testing';
import { getLocale, matchLocale, setLocale, sourceLocale } from './localization.js';
import { describeError } from './status.js';

function captureWarnings(): { messages: string[]; restore: () => void } {
  const original = console.warn;
  const messages: string[] = [];
  console.warn = (...args: unknown[]) => messages.push(args.map(String).join(' '));
  return { messages, restore: () => (console.warn = original) };
}

describe('localization', () => {
  afterEach(async () => {
    await setLocale('zh-CN');
  });

  it('starts in zh-CN without loading anything, so Chinese renders first', async () => {
    expect(sourceLocale).to.equal('zh-CN');
    expect(getLocale()).to.equal('zh-CN');
    expect(describeError({ status: 403 })).to.equal('没有查看此内容的权限。');
    // Rendered synchronously in the first frame: no English flash.
    const paragraph = await fixture(html`<p>${describeError({ name: 'TimeoutError' })}</p>`);
    expect(paragraph.textContent).to.equal('请求超时，请检查网络后重试。');
  });

  it('matches language tags to the supported locales', () => {
    expect(matchLocale('zh')).to.equal('zh-CN');
    expect(matchLocale('zh-Hans-CN')).to.equal('zh-CN');
    expect(matchLocale('ZH_cn')).to.equal('zh-CN');
    expect(matchLocale('en-GB')).to.equal('en');
    expect(matchLocale('fr')).to.equal(undefined);
    expect(matchLocale('')).to.equal(undefined);
    expect(matchLocale(null)).to.equal(undefined);
  });

  it('switches to English and back', async () => {
    expect(await setLocale('en-US')).to.equal('en');
    expect(getLocale()).to.equal('en');
    expect(describeError({ status: 403 })).to.equal('You do not have permission to view this.');
    expect(await setLocale('zh')).to.equal('zh-CN');
    expect(describeError({ status: 403 })).to.equal('没有查看此内容的权限。');
  });

  it('keeps the current locale and warns once for an unsupported one', async () => {
    await setLocale('en');
    const warnings = captureWarnings();
    try {
      expect(await setLocale('fr-FR')).to.equal('en');
      expect(await setLocale('fr-FR')).to.equal('en');
    } finally {
      warnings.restore();
    }
    expect(getLocale()).to.equal('en');
    expect(warnings.messages).to.have.length(1);
    expect(warnings.messages[0]).to.contain('Unsupported locale "fr-FR"');
  });
});

import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { html as litHtml } from 'lit';
import { CityBrainElement } from './city-brain-element.js';
import { defineElement } from './define-element.js';
import { ConfigurationError, LoadController, describeError, loadStatusStyles, renderLoadStatus } from './status.js';
import { setLocale } from './localization.js';

/** A minimal data element: a list loaded through LoadController. */
class TestLoader extends CityBrainElement {
  static override styles = [CityBrainElement.styles, loadStatusStyles];
  readonly load = new LoadController<string[]>(this, {
    onError: (error, message) => this.emit('cb-error', { error, message }),
  });
  override render() {
    return litHtml`${renderLoadStatus(this.load, { empty: '没有符合条件的记录' })}
      ${this.load.status === 'ready' ? litHtml`<ul>${this.load.value!.map((item) => litHtml`<li>${item}</li>`)}</ul>` : ''}`;
  }
}
defineElement('test-loader', TestLoader);

/** A promise settled from outside, to control when a fake request answers. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function text(element: Element): string {
  return element.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
}

class FakeApiError extends Error {
  override name = 'ServiceUnavailableError';
  constructor(
    readonly status: number,
    readonly requestId: string,
    readonly problem: { detail: string },
  ) {
    super(`HTTP ${status}`);
  }
}

describe('LoadController and renderLoadStatus', () => {
  afterEach(async () => {
    await setLocale('zh-CN');
  });

  it('shows loading, then the data', async () => {
    const element = await fixture<TestLoader>(html`<test-loader></test-loader>`);
    const answer = deferred<string[]>();
    const done = element.load.run(() => answer.promise);
    await element.updateComplete;
    expect(element.load.status).to.equal('loading');
    expect(element.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('加载中…');

    answer.resolve(['桂城街道', '大沥镇']);
    await done;
    await element.updateComplete;
    expect(element.load.status).to.equal('ready');
    expect([...element.shadowRoot!.querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal(['桂城街道', '大沥镇']);
    // The live region stays in the page, silent, so the next loading text is announced.
    expect(element.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim()).to.equal('');
  });

  it('aborts a superseded request and ignores its late answer', async () => {
    const element = await fixture<TestLoader>(html`<test-loader></test-loader>`);
    const slow = deferred<string[]>();
    let slowSignal: AbortSignal | undefined;
    const first = element.load.run((signal) => {
      slowSignal = signal;
      return slow.promise;
    });
    const second = element.load.run(async () => ['新数据']);
    await second;
    expect(slowSignal!.aborted).to.equal(true);
    slow.resolve(['过期数据']);
    await first;
    await element.updateComplete;
    expect(element.load.value).to.deep.equal(['新数据']);
    expect(text(element)).to.contain('新数据');
    expect(text(element)).not.to.contain('过期数据');
  });

  it('shows the empty state', async () => {
    const element = await fixture<TestLoader>(html`<test-loader></test-loader>`);
    await element.load.run(async () => []);
    await element.updateComplete;
    expect(element.load.status).to.equal('empty');
    expect(element.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('没有符合条件的记录');
  });

  it('shows an error alert with the server detail and request id, emits cb-error, and retries', async () => {
    const element = await fixture<TestLoader>(html`<test-loader></test-loader>`);
    let attempts = 0;
    const failing = element.load.run(async () => {
      attempts += 1;
      if (attempts === 1) throw new FakeApiError(503, 'req-7f3a', { detail: '数据平台维护中' });
      return ['恢复后的数据'];
    });
    const { detail } = await oneEvent(element, 'cb-error');
    await failing;
    await element.updateComplete;

    expect(detail.message).to.equal('服务暂时不可用，请稍后重试。');
    const alert = element.shadowRoot!.querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('服务暂时不可用，请稍后重试。');
    expect(alert.textContent).to.contain('数据平台维护中');
    expect(alert.textContent).to.contain('请求编号：req-7f3a');
    await expect(element).to.be.accessible();

    const retry = element.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!;
    expect(retry.textContent!.trim()).to.equal('重试');
    retry.click();
    await element.updateComplete;
    await new Promise((resolve) => setTimeout(resolve));
    await element.updateComplete;
    expect(attempts).to.equal(2);
    expect(element.load.status).to.equal('ready');
    expect(element.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
  });

  it('offers no retry for a configuration error, which the same settings would repeat', async () => {
    const element = await fixture<TestLoader>(html`<test-loader></test-loader>`);
    await element.load.run(async () => {
      throw new ConfigurationError('no base-url', () => '未配置服务地址');
    });
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('未配置服务地址');
    expect(element.shadowRoot!.querySelector('[part="retry-button"]')).to.equal(null);
  });

  it('stops the request when the element leaves the page and resumes it when it returns', async () => {
    const element = await fixture<TestLoader>(html`<test-loader></test-loader>`);
    const signals: AbortSignal[] = [];
    const answers = [deferred<string[]>(), deferred<string[]>()];
    void element.load.run((signal) => {
      signals.push(signal);
      return answers[signals.length - 1].promise;
    });
    const parent = element.parentElement!;
    element.remove();
    expect(signals[0].aborted).to.equal(true);
    parent.append(element);
    expect(signals).to.have.length(2);
    answers[1].resolve(['重新加载']);
    await new Promise((resolve) => setTimeout(resolve));
    await element.updateComplete;
    expect(element.load.status).to.equal('ready');
  });

  it('describes failures by kind, in the active locale', async () => {
    expect(describeError({ name: 'NetworkError' })).to.equal('网络连接失败，请检查网络后重试。');
    expect(describeError(new TypeError('Failed to fetch'))).to.equal('网络连接失败，请检查网络后重试。');
    expect(describeError({ name: 'ResponseFormatError', status: 200 })).to.equal('服务返回了无法识别的内容，请稍后重试。');
    expect(describeError({ status: 401 })).to.equal('登录已失效，请重新登录后重试。');
    expect(describeError({ status: 404 })).to.equal('未找到要查看的内容。');
    expect(describeError({ status: 429 })).to.equal('访问过于频繁，请稍后重试。');
    expect(describeError(new Error('boom'))).to.equal('加载失败，请重试。');
    expect(describeError(undefined)).to.equal('加载失败，请重试。');
    expect(describeError(new ConfigurationError('缺少 dataset 属性'))).to.equal('缺少 dataset 属性');
    expect(describeError(new ConfigurationError('no dataset', () => '缺少 dataset 属性'))).to.equal('缺少 dataset 属性');
    await setLocale('en');
    expect(describeError({ status: 502 })).to.equal('The service is temporarily unavailable. Please try again later.');
  });
});

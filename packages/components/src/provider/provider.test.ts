import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { LitElement, html as litHtml } from 'lit';
import { property } from 'lit/decorators.js';
import type { CityBrainClient } from '@citybrain/client';
import { CityBrainElement } from '../shared/city-brain-element.js';
import { defineElement } from '../shared/define-element.js';
import { getLocale, setLocale } from '../shared/localization.js';
import { ConfigurationError, describeError } from '../shared/status.js';
import { sandboxToken, sandboxUrl, recordFetch } from '../../test-support/sandbox.js';
import { captureWarnings } from '../../test-support/warnings.js';
import { ClientController, resolveClient, type TokenSupplier } from './client-context.js';
import './define.js';
import type { CbProvider } from './provider.js';

/** A data element in miniature: standalone-capable, showing which client it would use. */
class TestClientConsumer extends CityBrainElement {
  @property({ attribute: 'base-url' }) baseUrl?: string;
  @property() token?: string;
  @property() region?: string;
  @property({ attribute: false }) getToken?: TokenSupplier;
  readonly clients = new ClientController(this);
  override render() {
    const { client } = this.clients;
    return litHtml`<p>${client instanceof Error ? describeError(client) : client.baseUrl}</p>`;
  }
}
defineElement('test-client-consumer', TestClientConsumer);

/** Hides a consumer in its shadow root, as a framework component of the host page would. */
class TestShadowWrapper extends LitElement {
  override render() {
    return litHtml`<test-client-consumer></test-client-consumer>`;
  }
}
defineElement('test-shadow-wrapper', TestShadowWrapper);

interface Principal {
  clientId: string | null;
  regionCode: string;
}

/** Who the sandbox says the caller is: proves which credentials actually arrived. */
async function whoAmI(client: CityBrainClient): Promise<Principal> {
  const { data } = await client.GET('/auth/me', {});
  return data as Principal;
}

function clientOf(consumer: TestClientConsumer): CityBrainClient {
  const { client } = consumer.clients;
  if (client instanceof Error) throw client;
  return client;
}

describe('cb-provider', () => {
  afterEach(async () => {
    await setLocale('zh-CN');
  });

  it('shares one client with descendants, including those inside other shadow roots', async () => {
    const provider = await fixture<CbProvider>(html`
      <cb-provider base-url="https://citybrain.test/api/v1" region="440605">
        <test-client-consumer></test-client-consumer>
        <section><test-shadow-wrapper></test-shadow-wrapper></section>
      </cb-provider>
    `);
    const direct = provider.querySelector<TestClientConsumer>('test-client-consumer')!;
    const nested = provider.querySelector('test-shadow-wrapper')!.shadowRoot!.querySelector<TestClientConsumer>('test-client-consumer')!;
    await direct.updateComplete;
    await nested.updateComplete;

    expect(provider.client).to.be.an('object');
    expect(provider.client!.baseUrl).to.equal('https://citybrain.test/api/v1');
    expect(clientOf(direct)).to.equal(provider.client);
    expect(clientOf(nested)).to.equal(provider.client);
    expect(resolveClient(direct)).to.equal(provider.client);
    expect(direct.shadowRoot!.textContent).to.contain('https://citybrain.test/api/v1');
  });

  it('re-creates the client when base-url, token or region change, and only then', async () => {
    const provider = await fixture<CbProvider>(html`
      <cb-provider base-url="https://citybrain.test/api/v1" token="t-1"><test-client-consumer></test-client-consumer></cb-provider>
    `);
    const consumer = provider.querySelector<TestClientConsumer>('test-client-consumer')!;
    const first = provider.client;

    provider.locale = 'zh-CN';
    provider.token = 't-1';
    await provider.updateComplete;
    expect(provider.client).to.equal(first);
    // Moving the provider in the page (disconnect + connect) keeps its client and token cache.
    provider.parentElement!.append(provider);
    expect(provider.client).to.equal(first);

    provider.token = 't-2';
    await provider.updateComplete;
    const second = provider.client;
    expect(second).not.to.equal(first);

    provider.region = '440605124';
    await provider.updateComplete;
    const third = provider.client;
    expect(third).not.to.equal(second);

    provider.baseUrl = 'https://other.test/api/v1';
    await provider.updateComplete;
    await consumer.updateComplete;
    expect(provider.client).not.to.equal(third);
    expect(clientOf(consumer)).to.equal(provider.client);
    // The consumer re-rendered with the new client.
    expect(consumer.shadowRoot!.textContent).to.contain('https://other.test/api/v1');
  });

  it('sends the token, then tokens from getToken, and the region with every request', async () => {
    const [shishan, guicheng] = [await sandboxToken('demo-town-shishan'), await sandboxToken('demo-town-guicheng')];
    const provider = await fixture<CbProvider>(html`
      <cb-provider base-url=${sandboxUrl()} token=${shishan} region="440605124"></cb-provider>
    `);
    const network = recordFetch();
    let first: Principal;
    let second: Principal;
    try {
      first = await whoAmI(provider.client!);
      let issued = 0;
      provider.getToken = async () => {
        issued += 1;
        return guicheng;
      };
      await provider.updateComplete;
      second = await whoAmI(provider.client!);
      expect(issued).to.equal(1);
    } finally {
      network.restore();
    }
    // The sandbox recognised each token: the fixed one, then the supplier's.
    expect(first.clientId).to.equal('demo-town-shishan');
    expect(second.clientId).to.equal('demo-town-guicheng');
    expect(network.requests.map((request) => request.url)).to.deep.equal([
      `${sandboxUrl()}/api/v1/auth/me`,
      `${sandboxUrl()}/api/v1/auth/me`,
    ]);
    expect(network.requests.map((request) => request.headers.get('x-region-code'))).to.deep.equal(['440605124', '440605124']);
  });

  it('reports an invalid base-url with cb-error, a single warning, and the same message in the elements inside', async () => {
    const warnings = captureWarnings();
    const container = document.createElement('div');
    document.body.append(container);
    try {
      const errorEvent = oneEvent(container, 'cb-error');
      container.innerHTML = `<cb-provider base-url="ftp://files.test/"><test-client-consumer></test-client-consumer></cb-provider>`;
      const { detail } = await errorEvent;
      const provider = container.querySelector<CbProvider>('cb-provider')!;
      const consumer = container.querySelector<TestClientConsumer>('test-client-consumer')!;
      await consumer.updateComplete;

      expect(detail.message).to.equal('服务地址无效：“ftp://files.test/”，应为 http(s) 地址。');
      expect(detail.error).to.be.instanceOf(ConfigurationError);
      expect(provider.client).to.equal(undefined);
      expect(describeError(consumer.clients.client)).to.equal(detail.message);
      expect(consumer.shadowRoot!.textContent).to.contain('服务地址无效');

      provider.region = '12345';
      await provider.updateComplete;
      provider.baseUrl = 'https://citybrain.test/api/v1';
      await provider.updateComplete;
      expect(consumer.clients.client).to.be.instanceOf(ConfigurationError);
      expect(describeError(consumer.clients.client)).to.contain('行政区划代码无效');
    } finally {
      warnings.restore();
      container.remove();
    }
    expect(warnings.messages).to.deep.equal([
      '[@citybrain/components] <cb-provider> invalid base-url "ftp://files.test/": expected an http(s) URL',
      '[@citybrain/components] <cb-provider> invalid region "12345": expected a 6, 9 or 12-digit code',
    ]);
  });

  it('shows settings the client itself refuses (credentials in the URL, a getToken that is not a function) as a configuration error', async () => {
    const warnings = captureWarnings();
    try {
      const provider = await fixture<CbProvider>(html`<cb-provider><test-client-consumer></test-client-consumer></cb-provider>`);
      const consumer = provider.querySelector<TestClientConsumer>('test-client-consumer')!;
      provider.baseUrl = 'https://user:secret@citybrain.test/api/v1';
      await provider.updateComplete;
      await consumer.updateComplete;
      expect(consumer.clients.client).to.be.instanceOf(ConfigurationError);
      expect(consumer.shadowRoot!.textContent).to.contain('服务配置无效').and.contain('user name or password');

      // A token supplier that is not a function must not be sent as if it were the token itself.
      provider.baseUrl = sandboxUrl();
      Object.assign(provider, { getToken: 'eyJhbGciOi.token' });
      await provider.updateComplete;
      await consumer.updateComplete;
      // (instanceof as a boolean: chai would try to print a whole client on failure)
      expect(consumer.clients.client instanceof ConfigurationError, 'a configuration error').to.equal(true);
      expect(consumer.shadowRoot!.textContent).to.contain('getToken');
    } finally {
      warnings.restore();
    }
  });

  it('takes settings a page script sets with other types (a numeric region, a URL object) without throwing', async () => {
    const provider = await fixture<CbProvider>(html`<cb-provider><test-client-consumer></test-client-consumer></cb-provider>`);
    const consumer = provider.querySelector<TestClientConsumer>('test-client-consumer')!;
    // Region codes often arrive as numbers from JSON, and base URLs as URL objects.
    Object.assign(provider, { baseUrl: new URL(sandboxUrl()), region: 440605124, token: await sandboxToken('demo-district') });
    await provider.updateComplete;
    await consumer.updateComplete;
    const network = recordFetch();
    try {
      expect((await whoAmI(clientOf(consumer))).clientId).to.equal('demo-district');
    } finally {
      network.restore();
    }
    expect(network.requests[0]!.headers.get('x-region-code')).to.equal('440605124');

    // The same on an element used alone; a locale that is no text warns and is ignored.
    const warnings = captureWarnings();
    try {
      const alone = await fixture<TestClientConsumer>(html`<test-client-consumer></test-client-consumer>`);
      Object.assign(alone, { baseUrl: new URL('/api/v1', 'https://town.test'), region: 440605 });
      await alone.updateComplete;
      expect(clientOf(alone).baseUrl).to.equal('https://town.test/api/v1');
      Object.assign(provider, { locale: 1033 });
      await provider.updateComplete;
      expect(getLocale()).to.equal('zh-CN');
    } finally {
      warnings.restore();
    }
    expect(warnings.messages.some((m) => m.includes('"1033"'))).to.equal(true);
  });

  it('lets an element with its own base-url work alone, or override its provider', async () => {
    const alone = await fixture<TestClientConsumer>(html`<test-client-consumer base-url="/api/v1"></test-client-consumer>`);
    const ownClient = clientOf(alone);
    expect(ownClient.baseUrl).to.equal(`${location.origin}/api/v1`);
    expect(resolveClient(alone)).to.equal(ownClient, 'the same client while settings stay the same');
    alone.token = 'another-token';
    expect(resolveClient(alone)).not.to.equal(ownClient);

    const provider = await fixture<CbProvider>(html`
      <cb-provider base-url="https://citybrain.test/api/v1">
        <test-client-consumer base-url="https://town.test/api/v1"></test-client-consumer>
      </cb-provider>
    `);
    const specific = provider.querySelector<TestClientConsumer>('test-client-consumer')!;
    expect(clientOf(specific).baseUrl).to.equal('https://town.test/api/v1');
    expect(clientOf(specific)).not.to.equal(provider.client);
  });

  it('warns once that an element’s own token is not used without its own base-url', async () => {
    const { messages: warnings, restore } = captureWarnings();
    try {
      const provider = await fixture<CbProvider>(html`
        <cb-provider base-url="https://citybrain.test/api/v1">
          <test-client-consumer token="element-token"></test-client-consumer>
          <test-client-consumer token="element-token"></test-client-consumer>
        </cb-provider>
      `);
      const consumer = provider.querySelector<TestClientConsumer>('test-client-consumer')!;
      expect(clientOf(consumer)).to.equal(provider.client, 'the provider’s client, token included');
      expect(warnings.filter((w) => w.includes('ignores its own token'))).to.have.length(1);
      expect(warnings.join()).to.contain('no base-url of its own');
    } finally {
      restore();
    }
  });

  it('gives an element without base-url or provider a configuration error, not an exception', async () => {
    const orphan = await fixture<TestClientConsumer>(html`<test-client-consumer></test-client-consumer>`);
    const result = resolveClient(orphan);
    expect(result).to.be.instanceOf(ConfigurationError);
    expect(describeError(result)).to.contain('未配置服务地址');
    // Stable identity: elements reload when the client changes, so this must not be a new value each time.
    expect(orphan.clients.client).to.equal(orphan.clients.client);
    expect(resolveClient(orphan)).to.equal(result);
    expect(orphan.shadowRoot!.textContent).to.contain('未配置服务地址');
  });

  it('passes requests for a client through a provider that has no base-url of its own', async () => {
    const outer = await fixture<CbProvider>(html`
      <cb-provider base-url="https://citybrain.test/api/v1">
        <cb-provider elderly>
          <test-client-consumer></test-client-consumer>
        </cb-provider>
      </cb-provider>
    `);
    const consumer = outer.querySelector<TestClientConsumer>('test-client-consumer')!;
    expect(clientOf(consumer)).to.equal(outer.client);
  });

  it('gives elements the client of a provider that gets its base-url after they connected', async () => {
    const provider = await fixture<CbProvider>(html`<cb-provider><test-client-consumer></test-client-consumer></cb-provider>`);
    const consumer = provider.querySelector<TestClientConsumer>('test-client-consumer')!;
    provider.baseUrl = 'https://late.test/api/v1';
    await provider.updateComplete;
    await consumer.updateComplete;
    expect(clientOf(consumer).baseUrl).to.equal('https://late.test/api/v1');
  });

  it('sets the page-wide locale from its locale attribute', async () => {
    const provider = await fixture<CbProvider>(html`<cb-provider locale="en-US"><test-client-consumer></test-client-consumer></cb-provider>`);
    await waitUntil(() => getLocale() === 'en', 'the English strings did not load');
    const consumer = provider.querySelector<TestClientConsumer>('test-client-consumer')!;
    await consumer.updateComplete;
    expect(getLocale()).to.equal('en');
    expect(consumer.shadowRoot!.textContent).to.contain('No server URL');
  });

  it('adds no box or typography of its own and is accessible', async () => {
    const provider = await fixture<CbProvider>(html`
      <cb-provider base-url="https://citybrain.test/api/v1"><h2 style="font-size: 21px">南海区</h2></cb-provider>
    `);
    expect(getComputedStyle(provider).display).to.equal('contents');
    expect(getComputedStyle(provider.querySelector('h2')!).fontSize).to.equal('21px');
    await expect(provider).to.be.accessible();
  });
});

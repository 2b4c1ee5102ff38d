import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { delay, http, HttpResponse } from 'msw';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, waitFor } from 'storybook/test';
import './support/region-list.js';
import { nanhaiTowns } from './support/nanhai.js';

interface ProviderArgs {
  'base-url'?: string;
  token?: string;
  region?: string;
  locale?: string;
  elderly?: boolean;
}

const regionsAnswer = http.get('*/api/v1/regions', ({ request }) => {
  const q = new URL(request.url).searchParams.get('q') ?? '';
  const items = nanhaiTowns.filter((town) => town.name.includes(q) || town.code.startsWith(q));
  return HttpResponse.json({ items }, { headers: { 'x-request-id': 'sb-regions-1' } });
});

const meta: Meta<ProviderArgs> = {
  title: 'Foundation/cb-provider',
  component: 'cb-provider',
  args: { 'base-url': '/api/v1', region: '440605' },
  parameters: { msw: [regionsAnswer] },
  render: (args) => html`
    <cb-provider
      base-url=${ifDefined(args['base-url'])}
      token=${ifDefined(args.token)}
      region=${ifDefined(args.region)}
      locale=${ifDefined(args.locale)}
      ?elderly=${args.elderly}
    >
      <story-region-list></story-region-list>
    </cb-provider>
  `,
};
export default meta;

type Story = StoryObj<ProviderArgs>;

function regionList(canvasElement: HTMLElement) {
  return canvasElement.querySelector('story-region-list')!;
}

/** Two elements inside one provider share its client; the list shows Nanhai's 7 towns. */
export const SharedClient: Story = {
  render: (args) => html`
    <cb-provider base-url=${ifDefined(args['base-url'])} region=${ifDefined(args.region)}>
      <div class="story-grid">
        <story-region-list></story-region-list>
        <story-region-list q="镇"></story-region-list>
      </div>
    </cb-provider>
  `,
  play: async ({ canvasElement }) => {
    const [all, towns] = canvasElement.querySelectorAll('story-region-list');
    await waitFor(() => expect(all.shadowRoot!.querySelectorAll('li')).toHaveLength(7));
    await waitFor(() => expect(towns.shadowRoot!.querySelectorAll('li')).toHaveLength(6));
  },
};

/** The elderly (适老化) mode set on the provider applies to every element inside. */
export const ElderlyMode: Story = {
  args: { elderly: true },
};

export const Loading: Story = {
  parameters: { msw: [http.get('*/api/v1/regions', async () => delay('infinite'))] },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(regionList(canvasElement).shadowRoot!.querySelector('[role="status"]')!.textContent).toMatch(/加载中|Loading/));
  },
};

export const Empty: Story = {
  parameters: { msw: [http.get('*/api/v1/regions', () => HttpResponse.json({ items: [] }))] },
};

/** A 503 with RFC 9457 problem details: the server's detail and the request id are shown for support. */
export const ServerError: Story = {
  parameters: {
    msw: [
      http.get('*/api/v1/regions', () =>
        HttpResponse.json(
          {
            type: 'https://citybrain.example.gov.cn/problems/unavailable',
            title: 'Service Unavailable',
            status: 503,
            detail: '数据平台正在维护，预计 10 分钟后恢复。',
            requestId: 'sb-7f3a9c',
          },
          { status: 503, headers: { 'content-type': 'application/problem+json', 'x-request-id': 'sb-7f3a9c' } },
        ),
      ),
    ],
  },
  play: async ({ canvasElement }) => {
    // The client retries a 503 before giving up, so allow for its back-off.
    await waitFor(() => expect(regionList(canvasElement).shadowRoot!.querySelector('[role="alert"]')).not.toBeNull(), {
      timeout: 15000,
    });
  },
};

export const NetworkError: Story = {
  parameters: { msw: [http.get('*/api/v1/regions', () => HttpResponse.error())] },
};

/** A wrong base-url never throws: the provider warns once, emits cb-error, and elements say what is wrong. */
export const InvalidBaseUrl: Story = {
  args: { 'base-url': 'ftp://files.example.gov.cn/' },
};

/** Without a provider an element works from its own base-url. */
export const StandaloneElement: Story = {
  render: () => html`<story-region-list base-url="/api/v1"></story-region-list>`,
};

/** Neither a provider base-url nor its own: a clear configuration message instead of an exception. */
export const MissingBaseUrl: Story = {
  render: () => html`<story-region-list></story-region-list>`,
};

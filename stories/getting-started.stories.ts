import { css, html, LitElement } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { themeTokens } from '@citybrain/components';

/**
 * The Getting Started page, written as a story (the project has no MDX docs addon).
 * Its token table is generated from the library's own token list, so it cannot drift.
 */
class StoryGettingStarted extends LitElement {
  static override styles = css`
    :host {
      display: block;
      max-inline-size: 60rem;
      font: 15px/1.6 system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif;
      color: inherit;
    }
    h1 {
      font-size: 28px;
      margin-block: 0 8px;
    }
    h2 {
      font-size: 20px;
      margin-block: 32px 8px;
    }
    pre {
      padding: 12px 16px;
      overflow-x: auto;
      background: #f2f3f5;
      color: #1f2329;
      border-radius: 4px;
      font-size: 13px;
    }
    code {
      font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    }
    table {
      border-collapse: collapse;
      inline-size: 100%;
      font-size: 13px;
    }
    th,
    td {
      text-align: start;
      padding: 6px 8px;
      border-block-end: 1px solid #e5e6eb;
      vertical-align: top;
    }
    .swatch {
      display: inline-block;
      inline-size: 1em;
      block-size: 1em;
      margin-inline-end: 6px;
      vertical-align: -2px;
      border: 1px solid #86909c;
      border-radius: 2px;
    }
  `;

  override render() {
    return html`
      <h1>City Brain Embed Kit · 城市大脑嵌入组件</h1>
      <p>
        Web components that put the district City Brain on any page: the one map (一张图), homestead approval
        status (宅基地审批), and data tables. They work in plain HTML, in any framework, and need no build step.
      </p>

      <h2>1. A town website: one script tag</h2>
      <p>
        Paste the tag and the elements. <code>citybrain.js</code> is a classic script (no build step, no module
        loader); it loads the map engine (maplibre-gl, a checked chunk) and its worker from beside itself only when
        a page shows a map. Pin the file with <code>integrity</code>: <code>node scripts/sri.mjs &lt;base-url&gt;</code>
        prints this tag with the hash of the current build.
      </p>
      <pre><code>&lt;script src="https://citybrain.example.gov.cn/embed/0.1.0/citybrain.js"
        integrity="sha384-…" crossorigin="anonymous" defer&gt;&lt;/script&gt;
&lt;script src="/js/page.js" defer&gt;&lt;/script&gt;

&lt;cb-map-viewer layers="zones,service-points" region="440605011" legend search&gt;&lt;/cb-map-viewer&gt;
&lt;cb-approval-status mode="citizen"&gt;&lt;/cb-approval-status&gt;</code></pre>
      <p>
        <code>/js/page.js</code> configures every element on the page at once. A browser never holds a secret: the
        site's own server exchanges its client credentials for a short-lived token and hands only that to its
        signed-in staff.
      </p>
      <pre><code>CityBrain.configure({
  baseUrl: 'https://citybrain.example.gov.cn/api/v1',
  // only for staff pages: the site's back end returns { token, expiresAt } (15 minutes)
  getToken: async () =&gt; (await fetch('/session/citybrain-token', { method: 'POST' })).json(),
});</code></pre>
      <p>
        The elements register once the page has been parsed, so a <code>defer</code> script after the tag configures
        them before their first request. Loading the tag twice (a CMS template and a page snippet) is harmless.
        Under a strict Content-Security-Policy a page needs
        <code>script-src 'self'; style-src 'self'; worker-src 'self'; img-src 'self' data: blob:; connect-src 'self'</code>
        (plus the platform's origin where it is another one); Trusted Types work on pages without a map.
      </p>

      <h2>2. An application: npm</h2>
      <pre><code>npm i @citybrain/components

import '@citybrain/components';              // registers every cb-* element (types in dist/types)
import { setLocale } from '@citybrain/components';
await setLocale('en');                       // zh-CN is the default</code></pre>

      <h2>3. &lt;cb-provider&gt;</h2>
      <p>
        Shares one client (server, credentials, region scope) with every <code>cb-*</code> element inside it,
        even inside other components' shadow roots. Attributes: <code>base-url</code>, <code>token</code>,
        <code>region</code>, <code>locale</code>, <code>elderly</code>; property <code>getToken</code> for host pages
        that hand out short-lived tokens. An element with its own <code>base-url</code> works without a provider.
      </p>
      <pre><code>const provider = document.querySelector('cb-provider');
provider.getToken = async () =&gt; (await fetch('/session/citybrain-token')).text();
provider.addEventListener('cb-error', (event) =&gt; console.log(event.detail.message));</code></pre>

      <h2>4. Conventions</h2>
      <ul>
        <li>Attributes for what you type in HTML, properties for rich data.</li>
        <li>Events are <code>cb-*</code> CustomEvents that bubble out of shadow roots (<code>cb-error</code>, …).</li>
        <li>A bad attribute never throws: the element warns once in the console and shows what is wrong.</li>
        <li>Every element has loading, empty and error (with retry) states.</li>
        <li>Chinese (zh-CN) first, English available; dates in Asia/Shanghai; areas in ㎡ and 亩.</li>
        <li>
          Every attribute, event, slot, part and custom property is in <code>custom-elements.json</code>; VS Code
          completes them with
          <code>"html.customData": ["./node_modules/@citybrain/components/vscode.html-custom-data.json"]</code>.
        </li>
      </ul>

      <h2>5. Theming and the elderly mode (适老化)</h2>
      <p>
        Set <code>--cb-*</code> custom properties anywhere above the elements, or style <code>::part()</code>s.
        <code>elderly</code> on an element or a provider enlarges text and targets (×1.3) and strengthens contrast;
        <code>prefers-contrast: more</code> and Windows high-contrast (<code>forced-colors</code>) are followed
        automatically. Try the toolbar above: Locale, Theme, 适老化.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Custom property</th>
            <th scope="col">Default</th>
            <th scope="col">High contrast / elderly</th>
            <th scope="col">Purpose</th>
          </tr>
        </thead>
        <tbody>
          ${themeTokens.map(
            (token) => html`<tr>
              <td><code>--cb-${token.name}</code></td>
              <td>${this.renderValue(token.value)}</td>
              <td>${this.renderValue(token.elderly ?? token.highContrast)}</td>
              <td>${token.description}${token.scales ? ' (× --cb-scale)' : ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    `;
  }

  private renderValue(value: string | undefined) {
    if (value === undefined) return '';
    const isColour = value.startsWith('#');
    // A docs page only: Storybook runs without a CSP. (Under style-src 'self', styleMap's first render
    // writes a style attribute, which the policy blocks; elements set such values through the CSSOM.)
    return html`${isColour ? html`<span class="swatch" style=${styleMap({ backgroundColor: value })}></span>` : ''}<code
        >${value.length > 40 ? `${value.slice(0, 40)}…` : value}</code
      >`;
  }
}

customElements.get('story-getting-started') ?? customElements.define('story-getting-started', StoryGettingStarted);

const meta: Meta = {
  title: 'Getting Started',
  parameters: { controls: { disable: true }, layout: 'padded' },
};
export default meta;

export const Overview: StoryObj = {
  render: () => html`<story-getting-started></story-getting-started>`,
};

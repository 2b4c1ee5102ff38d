import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import { render } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { styleProperties } from './style-properties.js';

// The page of this test file runs under the style-src of the strict policy sites use.
const policy = document.createElement('meta');
policy.httpEquiv = 'Content-Security-Policy';
policy.content = "style-src 'self'";
document.head.append(policy);

async function violationsDuring(action: () => void | Promise<void>): Promise<string[]> {
  const violations: string[] = [];
  const record = (event: SecurityPolicyViolationEvent) => violations.push(event.violatedDirective);
  document.addEventListener('securitypolicyviolation', record);
  try {
    await action();
    await nextFrame();
  } finally {
    document.removeEventListener('securitypolicyviolation', record);
  }
  return violations;
}

describe('styleProperties', () => {
  it('is needed: Lit styleMap writes a style attribute on first render, which the policy blocks', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const violations = await violationsDuring(() => {
      render(html`<p style=${styleMap({ blockSize: '40px' })}>x</p>`, host);
    });
    expect(violations.length).to.be.greaterThan(0);
  });

  it('sets and removes properties through the CSSOM without a policy violation', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const view = (props: Record<string, string | undefined>) => html`<p style=${styleProperties(props)}>x</p>`;
    const violations = await violationsDuring(() => {
      render(view({ blockSize: '40px', '--_cols': '1fr 2fr' }), host);
      const p = host.querySelector('p')!;
      expect(p.style.blockSize).to.equal('40px');
      expect(p.style.getPropertyValue('--_cols')).to.equal('1fr 2fr');
      render(view({ blockSize: undefined, '--_cols': '3fr' }), host);
      expect(p.style.blockSize).to.equal('');
      expect(p.style.getPropertyValue('--_cols')).to.equal('3fr');
    });
    expect(violations).to.deep.equal([]);
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import { dataTableStyles } from '../data-table/data-table.styles.js';
import { shellStyles } from '../map-viewer/map-viewer.styles.js';
import { RESERVED_BOXES, reserveElementBoxes } from './reserved-boxes.js';

// Nothing in this test file defines the elements: they stay unknown, as on a page before
// citybrain.js has registered them, until a test defines a stand-in.
describe('reserveElementBoxes', () => {
  before(() => reserveElementBoxes());

  it('gives an undefined map and table the height they will have, from the same custom properties', async () => {
    const host = await fixture<HTMLElement>(html`<div style="inline-size: 600px">
      <cb-map-viewer></cb-map-viewer>
      <cb-map-viewer style="--cb-map-height: 300px"></cb-map-viewer>
      <cb-data-table></cb-data-table>
      <cb-data-table style="--cb-data-table-height: 100px"></cb-data-table>
    </div>`);
    const [map, smallMap, table, smallTable] = [...host.children] as HTMLElement[];
    expect(map!.getBoundingClientRect().height).to.equal(480);
    expect(map!.getBoundingClientRect().width).to.equal(600);
    expect(smallMap!.getBoundingClientRect().height).to.equal(300);
    expect(table!.getBoundingClientRect().height).to.equal(480);
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
    expect(smallTable!.getBoundingClientRect().height, 'at least 12rem, as the table').to.equal(12 * rem);
  });

  it('yields to the page’s own rules for the element, and lays the provider’s children out as it will', async () => {
    const host = await fixture<HTMLElement>(html`<div>
      <style>
        .tall {
          height: 600px;
        }
      </style>
      <cb-map-viewer class="tall"></cb-map-viewer>
      <cb-provider><p>a child of the provider</p></cb-provider>
    </div>`);
    expect(host.querySelector('cb-map-viewer')!.getBoundingClientRect().height).to.equal(600);
    expect(getComputedStyle(host.querySelector('cb-provider')!).display).to.equal('contents');
  });

  it('reserves the box the elements’ own :host rules give them, so the two cannot drift apart', () => {
    const hostRule = (sheet: string) => /:host\s*\{([^}]*)\}/.exec(sheet)![1]!;
    const declarations = (block: string) => block.split(';').map((d) => d.trim()).filter((d) => /^(block-size|min-block-size)\b/.test(d));
    const reserved = (tag: string) => new RegExp(`${tag}:not\\(:defined\\)\\)\\s*\\{([^}]*)\\}`).exec(RESERVED_BOXES)![1]!;
    expect(declarations(reserved('cb-map-viewer'))).to.deep.equal(declarations(hostRule(shellStyles.cssText)));
    expect(declarations(reserved('cb-data-table'))).to.deep.equal(declarations(hostRule(dataTableStyles.cssText)));
  });

  it('stops applying once the element is defined', async () => {
    const map = await fixture<HTMLElement>(html`<cb-map-viewer></cb-map-viewer>`);
    expect(map.getBoundingClientRect().height).to.equal(480);
    // A stand-in with no styles of its own: the reserved height must be gone with the definition.
    customElements.define('cb-map-viewer', class extends HTMLElement {});
    expect(map.getBoundingClientRect().height).to.equal(0);
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import { defineOnFirstUse } from './define-on-first-use.js';

let counter = 0;
/** A fresh tag name per test: custom element names cannot be undefined again. */
const uniqueTag = () => `cb-first-use-${++counter}`;

function deferredLoader() {
  let calls = 0;
  let fail = false;
  class Loaded extends HTMLElement {}
  return {
    get calls() {
      return calls;
    },
    failNext() {
      fail = true;
    },
    Loaded,
    load: async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) {
        fail = false;
        throw new Error('offline');
      }
      return Loaded;
    },
  };
}

const nextMutations = () => new Promise((resolve) => setTimeout(resolve, 0));
/** Intersection observers report after a rendering step. */
const nextFrames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50))));

describe('defineOnFirstUse', () => {
  it('defines an element already in the document, and loadFound() waits for it', async () => {
    const tag = uniqueTag();
    const loader = deferredLoader();
    const host = await fixture(html`<div></div>`);
    host.append(document.createElement(tag));
    const registry = defineOnFirstUse({ [tag]: loader.load });
    await registry.loadFound();
    expect(customElements.get(tag)).to.equal(loader.Loaded);
    expect(host.firstElementChild).to.be.instanceOf(loader.Loaded);
  });

  it('loads nothing for elements a page does not use, and loads an element when it is added later', async () => {
    const used = uniqueTag();
    const unused = uniqueTag();
    const usedLoader = deferredLoader();
    const unusedLoader = deferredLoader();
    const registry = defineOnFirstUse({ [used]: usedLoader.load, [unused]: unusedLoader.load });
    await registry.loadFound();
    expect(usedLoader.calls).to.equal(0);
    const host = await fixture(html`<section></section>`);
    const wrapper = document.createElement('div');
    wrapper.innerHTML = `<p><${used}></${used}></p>`; // nested inside an added subtree
    host.append(wrapper);
    await nextMutations();
    await customElements.whenDefined(used);
    expect(usedLoader.calls).to.equal(1);
    expect(unusedLoader.calls).to.equal(0);
    host.append(document.createElement(used));
    await nextMutations();
    expect(usedLoader.calls, 'loaded once').to.equal(1);
  });

  it('warns once when loading fails and tries again when another element is added', async () => {
    const tag = uniqueTag();
    const loader = deferredLoader();
    loader.failNext();
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      const host = await fixture(html`<div></div>`);
      host.append(document.createElement(tag));
      const registry = defineOnFirstUse({ [tag]: loader.load });
      await registry.loadFound();
      expect(customElements.get(tag)).to.equal(undefined);
      expect(warnings.filter((message) => message.includes(`<${tag}> could not be loaded`))).to.have.length(1);
      host.append(document.createElement(tag));
      await nextMutations();
      await customElements.whenDefined(tag);
      expect(loader.calls).to.equal(2);
    } finally {
      console.warn = warn;
    }
  });

  it('loads an element far below the fold only when it nears the viewport, or when loadFound() asks', async () => {
    const scrolled = deferredLoader();
    const asked = deferredLoader();
    const [nearing, waiting] = [uniqueTag(), uniqueTag()];
    const host = await fixture(html`<div></div>`);
    const farBelow = (tag: string) => {
      const spacer = document.createElement('div');
      spacer.style.height = `${window.innerHeight * 4}px`;
      host.append(spacer, document.createElement(tag));
    };
    farBelow(nearing);
    farBelow(waiting);
    const registry = defineOnFirstUse({ [nearing]: scrolled.load, [waiting]: asked.load });
    await nextFrames();
    expect(scrolled.calls + asked.calls, 'nothing loads four screens away').to.equal(0);
    // Half a screen below the viewport: loaded before the reader gets there.
    window.scrollTo(0, host.querySelector(nearing)!.getBoundingClientRect().top + window.scrollY - window.innerHeight * 1.5);
    await customElements.whenDefined(nearing);
    expect([scrolled.calls, asked.calls]).to.deep.equal([1, 0]);
    await registry.loadFound();
    expect(customElements.get(waiting)).to.equal(asked.Loaded);
    window.scrollTo(0, 0);
  });

  it('load() defines an element the observer cannot see (inside a shadow root)', async () => {
    const tag = uniqueTag();
    const loader = deferredLoader();
    const registry = defineOnFirstUse({ [tag]: loader.load });
    const host = await fixture(html`<div></div>`);
    host.attachShadow({ mode: 'open' }).append(document.createElement(tag));
    await nextMutations();
    expect(loader.calls).to.equal(0);
    await registry.load(tag);
    expect(customElements.get(tag)).to.equal(loader.Loaded);
    await registry.load('cb-not-in-the-list');
  });
});

import { expect } from '@open-wc/testing';
import { DEFINE_NAME, installChunkLoader } from './chunk-loader.js';

const define = installChunkLoader();
const fixture = (file: string) => new URL(`./fixtures/${file}`, import.meta.url).href;

interface EntryExports {
  shared: { answer: number };
  loadChunk(file: string): Promise<Record<string, unknown>>;
}

function addScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.addEventListener('load', () => resolve());
    script.addEventListener('error', () => reject(new Error(`could not load ${src}`)));
    document.head.append(script);
  });
}

/** Runs the fixture entry once and returns what it exported. */
async function entry(): Promise<EntryExports> {
  if (!(window as { fixtureRuns?: number }).fixtureRuns) await addScript(fixture('entry.js'));
  return (window as unknown as { fixtureEntry: EntryExports }).fixtureEntry;
}

describe('chunk loader (citybrain.js)', () => {
  it('installs one global define, and a second install returns it', () => {
    expect((globalThis as Record<string, unknown>)[DEFINE_NAME]).to.equal(define);
    expect(installChunkLoader()).to.equal(define);
  });

  it('runs the entry synchronously and loads a chunk that imports from it', async () => {
    const exports = await entry();
    expect(exports.shared.answer).to.equal(42);
    const chunk = await exports.loadChunk('./chunk-a.js');
    expect(chunk.answer).to.equal(42);
  });

  it('runs a file once even when its script tag is on the page twice (also with a query string)', async () => {
    await entry();
    await addScript(`${fixture('entry.js')}?copy=2`);
    expect((window as { fixtureRuns?: number }).fixtureRuns).to.equal(1);
  });

  it('refuses a chunk whose content does not match the hash the entry trusts, and runs none of it', async () => {
    const exports = await entry();
    define.trust(fixture('entry.js'), { 'chunk-b.js': 'sha384-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    let failure: unknown;
    await exports.loadChunk('./chunk-b.js').catch((error: unknown) => (failure = error));
    expect(String(failure)).to.contain('integrity');
    expect((window as { chunkBRan?: boolean }).chunkBRan).to.equal(undefined);
  });

  it('rejects a file that defines no module, and a missing file, so a caller can report it', async () => {
    const exports = await entry();
    let notAChunk: unknown;
    await exports.loadChunk('./not-a-chunk.js').catch((error: unknown) => (notAChunk = error));
    expect(String(notAChunk)).to.contain('defined no module');
    let missing: unknown;
    await exports.loadChunk('./missing.js').catch((error: unknown) => (missing = error));
    expect(String(missing)).to.contain('could not load');
  });

  it('is not redirected by an <img name="currentScript"> clobbering document.currentScript', async () => {
    const exports = await entry();
    const clobber = document.createElement('img');
    clobber.setAttribute('name', 'currentScript');
    clobber.src = new URL('/clobbered/citybrain.js', location.href).href;
    document.body.append(clobber);
    try {
      expect((document as unknown as { currentScript: unknown }).currentScript).to.equal(clobber);
      const chunk = await exports.loadChunk('./chunk-c.js');
      expect(chunk.answer).to.equal(42);
      const redirected = performance.getEntriesByType('resource').filter((entry) => /\/clobbered\/(chunk-c|entry)\.js$/.test(entry.name));
      expect(redirected).to.deep.equal([]);
    } finally {
      clobber.remove();
    }
  });

  it('fetches a failed chunk again on the next request instead of keeping the failure', async () => {
    const exports = await entry();
    await exports.loadChunk('./missing-twice.js').catch(() => undefined);
    const before = performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('missing-twice.js')).length;
    await exports.loadChunk('./missing-twice.js').catch(() => undefined);
    const after = performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('missing-twice.js')).length;
    expect(after).to.equal(before + 1);
  });
});

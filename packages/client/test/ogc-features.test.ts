/**
 * The OGC API - Features helpers against a real MapServer 8 (scripts/gis-servers/mapserver.mjs), the
 * kind of server a district's natural-resources bureau runs: landing page, collections, items over
 * `next` links with a bbox, a key parameter that travels with every page, and no platform token sent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controlZones } from '@citybrain/domain';
import { createOgcFeaturesClient, NotFoundError, PaginationError, type OgcFeature } from '../src/index.js';
// @ts-expect-error: an untyped .mjs helper shared with the browser tests
import { startMapServer } from '../../../scripts/gis-servers/mapserver.mjs';

interface MapServer {
  url: string;
  ogcApiUrl: string;
  requests(): string[];
  stop(): Promise<void>;
}

describe('OGC API - Features against MapServer', () => {
  let server: MapServer;
  before(async () => {
    server = await startMapServer();
  });
  after(() => server?.stop());

  it('reads the landing page, the conformance classes and the collections', async () => {
    const bureau = createOgcFeaturesClient({ url: server.ogcApiUrl });
    const landing = await bureau.landing();
    assert.ok(landing.links.some((link) => link.rel === 'data'));
    assert.ok((await bureau.conformance()).some((c) => c.includes('ogcapi-features-1/1.0/conf/core')));
    const collections = await bureau.collections();
    assert.deepEqual(collections.map((c) => c.id).sort(), ['hostile', 'villages', 'zones']);
    assert.equal((await bureau.collection('zones')).title, '建设管控分区（自然资源局）');
  });

  it('iterates every feature in a bbox over the next links, page by page', async () => {
    const bureau = createOgcFeaturesClient({ url: server.ogcApiUrl, query: { tk: 'public-key' } });
    const bbox = [113.0, 23.0, 113.2, 23.2] as const;
    const expected = controlZones().filter((zone) => zone.bbox[0] <= bbox[2] && zone.bbox[2] >= bbox[0] && zone.bbox[1] <= bbox[3] && zone.bbox[3] >= bbox[1]);
    assert.ok(expected.length > 25, `enough zones in the bbox to page (${expected.length})`);
    const before = server.requests().length;
    const seen: OgcFeature[] = [];
    for await (const feature of bureau.items('zones', { bbox, limit: 10 })) seen.push(feature);
    assert.deepEqual(new Set(seen.map((f) => f.properties?.id)), new Set(expected.map((zone) => zone.id)));
    const pages = server.requests().slice(before);
    assert.equal(pages.length, Math.ceil(expected.length / 10) + (expected.length % 10 === 0 ? 1 : 0));
    assert.ok(pages.every((request) => request.includes('tk=public-key')), 'the key parameter goes with every page');
    assert.ok(pages.every((request) => request.includes('bbox=')), 'the selection goes with every page, even where the server’s next link drops it');
  });

  it('stops at maxPages with a typed error instead of reading the whole layer', async () => {
    const bureau = createOgcFeaturesClient({ url: server.ogcApiUrl });
    const error = await bureau.items('villages', { limit: 5, maxPages: 2 }).toArray().catch((e) => e);
    assert.ok(error instanceof PaginationError, String(error));
    assert.equal(error.reason, 'max-pages');
  });

  it('answers an unknown collection with a typed 404, sends no platform token and nothing that needs a CORS preflight', async () => {
    const sent: Request[] = [];
    const bureau = createOgcFeaturesClient({
      url: server.ogcApiUrl,
      headers: { 'x-bureau-key': 'k1' },
      fetch: (input, init) => {
        sent.push(input as Request);
        return fetch(input, init);
      },
    });
    const error = await bureau.collection('parcels').catch((e) => e);
    assert.ok(error instanceof NotFoundError, String(error));
    assert.equal(sent.at(-1)!.headers.get('authorization'), null);
    assert.equal(sent.at(-1)!.headers.get('x-bureau-key'), 'k1');
    // Only the page's own headers: an X-Request-Id would make every cross-origin GET preflighted.
    assert.deepEqual([...sent.at(-1)!.headers.keys()].sort(), ['accept', 'x-bureau-key']);
  });
});

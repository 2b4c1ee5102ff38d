import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { contentSecurityPolicy, DEMO_BFF_PATH, DEMO_GIS_SERVER_PATH, hasMap, importMapHashes } from '../src/static-pages.js';
import { loadConfig } from '../src/config.js';

const IMPORT_MAP = '\n  { "imports": { "@citybrain/components": "/dist/citybrain.mjs" } }\n';

describe('static pages: policy, redirect, demo back end', () => {
  let sandbox: TestSandbox;
  let pages: string;
  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'citybrain-pages-'));
    writeFileSync(join(pages, 'map.html'), '<!doctype html><title>m</title><cb-map-viewer layers="zones"></cb-map-viewer>');
    writeFileSync(join(pages, 'plain.html'), '<!doctype html><title>p</title><cb-data-table dataset="schools"></cb-data-table>');
    writeFileSync(join(pages, 'esm.html'), `<!doctype html><script type="importmap">${IMPORT_MAP}</script><script type="module" src="a.js"></script>`);
    writeFileSync(join(pages, 'a.js'), 'export {};');
    sandbox = await startTestSandbox({ staticRoots: { '/examples/': pages } });
  });
  after(async () => {
    await sandbox.close();
    rmSync(pages, { recursive: true, force: true });
  });

  const policy = async (path: string) => {
    const response = await fetch(`${sandbox.url}${path}`);
    assert.equal(response.status, 200, path);
    await response.arrayBuffer();
    return (response.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim());
  };

  it('serves every page with the strict policy, Trusted Types only where there is no map', async () => {
    const plain = await policy('/examples/plain.html');
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "worker-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'"]) {
      assert.ok(plain.includes(directive), directive);
    }
    assert.ok(plain.includes("require-trusted-types-for 'script'"));
    assert.ok(!(await policy('/examples/map.html')).includes("require-trusted-types-for 'script'"));
  });

  it('allows an inline import map by its sha256, and nothing else inline', async () => {
    const expected = `'sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}'`;
    const scriptSrc = (await policy('/examples/esm.html')).find((d) => d.startsWith('script-src'));
    assert.equal(scriptSrc, `script-src 'self' ${expected}`);
    assert.deepEqual(importMapHashes('<script>alert(1)</script>'), []);
  });

  it('gives scripts (and so workers) the base policy, and the API none', async () => {
    const script = await policy('/examples/a.js');
    assert.ok(script.includes("worker-src 'self'") && !script.includes("require-trusted-types-for 'script'"));
    const api = await fetch(`${sandbox.url}/api/v1/regions/440605`);
    assert.equal(api.headers.get('content-security-policy'), null);
  });

  it('sends no policy with a 304, so the cached page keeps its own', async () => {
    const first = await fetch(`${sandbox.url}/examples/esm.html`);
    await first.arrayBuffer();
    const etag = first.headers.get('etag');
    assert.ok(etag);
    // node:http, not fetch: fetch adds "Cache-Control: no-cache" to conditional requests, which
    // forces a full answer, while a browser revalidating its cache does not.
    const again = await new Promise<{ status?: number; policy?: string | string[] }>((resolve, reject) => {
      get(`${sandbox.url}/examples/esm.html`, { headers: { 'if-none-match': etag } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode, policy: res.headers['content-security-policy'] });
      }).on('error', reject);
    });
    assert.equal(again.status, 304);
    assert.equal(again.policy, undefined);
  });

  it('redirects / to the example town website', async () => {
    const response = await fetch(`${sandbox.url}/`, { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/examples/town-website/');
  });

  it('hands a same-site page a short-lived town token, never the secret', async () => {
    const response = await fetch(`${sandbox.url}${DEMO_BFF_PATH}`, {
      method: 'POST',
      headers: { 'x-requested-by': 'town-website', 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const grant = (await response.json()) as { token: string; expiresAt: number; regionCode: string };
    assert.doesNotMatch(JSON.stringify(grant), /secret/);
    assert.equal(grant.regionCode, '440605011');
    assert.ok(grant.expiresAt > Date.now() && grant.expiresAt <= Date.now() + 16 * 60_000);
    const me = await sandbox.api('/auth/me', { token: grant.token });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { clientId: string }).clientId, 'demo-town-guicheng');
  });

  it('speaks for another town given its region, and says which towns it can speak for', async () => {
    const headers = { 'x-requested-by': 'town-website', 'sec-fetch-site': 'same-origin' };
    const shishan = await fetch(`${sandbox.url}${DEMO_BFF_PATH}?region=440605124`, { method: 'POST', headers });
    assert.equal(shishan.status, 200);
    const grant = (await shishan.json()) as { token: string; regionCode: string; name: string };
    assert.equal(grant.regionCode, '440605124');
    assert.equal(grant.name, '狮山镇人民政府');
    const me = await sandbox.api('/auth/me', { token: grant.token });
    assert.equal(((await me.json()) as { clientId: string }).clientId, 'demo-town-shishan');
    const unknown = await fetch(`${sandbox.url}${DEMO_BFF_PATH}?region=440605999`, { method: 'POST', headers });
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { detail: string }).detail, /440605124/);
  });

  it('refuses other sites and requests without the page header', async () => {
    const crossSite = await fetch(`${sandbox.url}${DEMO_BFF_PATH}`, {
      method: 'POST',
      headers: { 'x-requested-by': 'town-website', 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(crossSite.status, 403);
    const bare = await fetch(`${sandbox.url}${DEMO_BFF_PATH}`, { method: 'POST' });
    assert.equal(bare.status, 403);
  });

  it('derives the policy from the page content', () => {
    assert.equal(hasMap('<cb-map-viewer>'), true);
    assert.equal(hasMap('<p>cb-map-viewer is described here</p>'), false);
    assert.match(contentSecurityPolicy(), /object-src 'none'/);
  });
});

describe('the examples\' district GIS server', () => {
  it('admits exactly its origin to connect-src and img-src, and nothing without one', () => {
    const policy = contentSecurityPolicy('<cb-map-viewer></cb-map-viewer>', 'http://127.0.0.1:9001/wms');
    assert.match(policy, /connect-src 'self' http:\/\/127\.0\.0\.1:9001;/);
    assert.match(policy, /img-src 'self' data: blob: http:\/\/127\.0\.0\.1:9001;/);
    assert.match(contentSecurityPolicy('<p></p>', null), /connect-src 'self';/);
  });

  it('refuses a setting that is no http(s) URL at start, naming it', () => {
    for (const value of ['javascript:alert(1)', 'gis.example/wms', 'ftp://gis.example/wms']) {
      assert.throws(() => loadConfig({ CITYBRAIN_EXAMPLE_GIS_SERVER: value }), new RegExp(`CITYBRAIN_EXAMPLE_GIS_SERVER.*${value.replace(/[.()/]/g, '\\$&')}`));
    }
    assert.equal(loadConfig({ CITYBRAIN_EXAMPLE_GIS_SERVER: 'https://gis.example/wms' }).exampleGisServer, 'https://gis.example/wms');
  });

  it('tells the town website where the server is, or answers 204 when there is none', async () => {
    const without = await startTestSandbox();
    const configured = await startTestSandbox({ exampleGisServer: 'https://gis.example/wms' });
    try {
      assert.equal((await fetch(`${without.url}${DEMO_GIS_SERVER_PATH}`)).status, 204);
      const answer = await fetch(`${configured.url}${DEMO_GIS_SERVER_PATH}`);
      assert.deepEqual(await answer.json(), { wms: 'https://gis.example/wms', layers: 'zones' });
      const page = await fetch(`${configured.url}/examples/town-website/`);
      assert.match(page.headers.get('content-security-policy') ?? '', /connect-src 'self' https:\/\/gis\.example;/);
    } finally {
      await Promise.all([without.close(), configured.close()]);
    }
  });
});

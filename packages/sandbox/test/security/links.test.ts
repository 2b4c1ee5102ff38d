/**
 * Links from configuration, not from `Host`: TileJSON tiles, style sources and `next` links start
 * with the configured public base URL (default: the listening address); a forged Host never
 * shapes a URL. Raw sockets, since fetch does not let a caller set Host.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from '../harness.js';
import { parseRawResponse, rawRequest } from '../raw-http.js';

describe('links', () => {
  let listening: TestSandbox;
  let configured: TestSandbox;
  before(async () => {
    [listening, configured] = await Promise.all([startTestSandbox(), startTestSandbox({ publicBaseUrl: 'https://maps.example.gov.cn/citybrain' })]);
  });
  after(async () => {
    await Promise.all([listening?.close(), configured?.close()]);
  });

  async function getWithHost(sandbox: TestSandbox, path: string, host: string): Promise<{ hrefs: string[]; link: string }> {
    const text = await rawRequest(sandbox.url, `GET /api/v1${path} HTTP/1.1\r\nHost: ${host}\r\nX-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n`);
    const response = parseRawResponse(text);
    assert.equal(response.status, 200, response.body.slice(0, 300));
    const hrefs = [...response.body.matchAll(/"(https?:\/\/[^"]+)"/g)].map((m) => m[1]!);
    return { hrefs, link: response.headers.link ?? '' };
  }

  for (const [name, base] of [['the listening address by default', ''], ['the configured public base URL', 'https://maps.example.gov.cn/citybrain']] as const) {
    it(`builds TileJSON, style and next links from ${name}, whatever Host says`, async () => {
      const sandbox = base ? configured : listening;
      const expected = base || listening.url;
      for (const path of ['/gis/layers/villages/tilejson', '/gis/basemap/style.json', '/gis/collections/villages/items?limit=1', '/gis']) {
        const { hrefs, link } = await getWithHost(sandbox, path, 'evil.example:666');
        const own = hrefs.filter((href) => !href.startsWith('http://www.opengis.net/') && !href.startsWith('https://json-schema.org/'));
        assert.ok(own.length > 0, path);
        for (const href of own) assert.ok(href.startsWith(`${expected}/`), `${path}: ${href}`);
        assert.ok(!link.includes('evil.example'), link);
      }
    });
  }
});

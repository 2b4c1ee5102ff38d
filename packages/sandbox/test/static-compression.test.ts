import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { workOrderBody } from './reliability/support.js';
import { isCompressible, preferredEncoding } from '../src/static-compression.js';

/** A script long enough to be worth compressing, with content no two versions share. */
const script = (version: string) => `export const version = '${version}';\n` + Array.from({ length: 400 }, (_, i) => `export const row${i} = ${i} * 2; // 行 ${i}`).join('\n');

interface Answer {
  status?: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** node:http, not fetch: fetch decodes the body itself and sends its own Accept-Encoding. */
function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

function decoded(answer: Answer): Buffer {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(answer.body);
  if (encoding === 'gzip') return gunzipSync(answer.body);
  assert.equal(encoding, undefined);
  return answer.body;
}

describe('static files: compressed by Accept-Encoding', () => {
  let sandbox: TestSandbox;
  let pages: string;
  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'citybrain-compress-'));
    writeFileSync(join(pages, 'bundle.js'), script('1'));
    writeFileSync(join(pages, 'tiny.js'), 'export {};');
    writeFileSync(join(pages, 'page.html'), `<!doctype html><title>p</title><script src="bundle.js"></script>${'<p>桂城街道</p>'.repeat(200)}`);
    sandbox = await startTestSandbox({ staticRoots: { '/examples/': pages } });
  });
  after(async () => {
    await sandbox.close();
    rmSync(pages, { recursive: true, force: true });
  });

  it('serves a script as brotli or gzip with Vary: Accept-Encoding, decoding to the same bytes', async () => {
    const plain = await get(`${sandbox.url}/examples/bundle.js`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(String(plain.headers.vary), /Accept-Encoding/i, 'the identity answer varies too, or a cache would give it to everyone');
    assert.equal(plain.body.toString(), script('1'));
    for (const [accept, expected] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0.5, gzip', 'gzip'],
    ] as const) {
      const answer = await get(`${sandbox.url}/examples/bundle.js`, { 'accept-encoding': accept });
      assert.equal(answer.status, 200, accept);
      assert.equal(answer.headers['content-encoding'], expected, accept);
      assert.match(String(answer.headers.vary), /Accept-Encoding/i);
      assert.equal(Number(answer.headers['content-length']), answer.body.length);
      assert.ok(answer.body.length < plain.body.length / 3, `${expected}: ${answer.body.length} of ${plain.body.length} bytes`);
      assert.ok(decoded(answer).equals(plain.body), accept);
      assert.match(String(answer.headers['content-type']), /javascript/);
      assert.ok(answer.headers['content-security-policy'], 'the policy stays on a compressed answer');
    }
    assert.equal((await get(`${sandbox.url}/examples/bundle.js`, { 'accept-encoding': 'identity' })).headers['content-encoding'], undefined);
  });

  it('compresses a page after its policy is derived from the plain text', async () => {
    const page = await get(`${sandbox.url}/examples/page.html`, { 'accept-encoding': 'br' });
    assert.equal(page.headers['content-encoding'], 'br');
    assert.match(decoded(page).toString(), /^<!doctype html><title>p<\/title>/);
    assert.match(String(page.headers['content-security-policy']), /require-trusted-types-for 'script'/);
  });

  it('answers a changed file with its new bytes, not the cached compression of the old', async () => {
    const first = await get(`${sandbox.url}/examples/bundle.js`, { 'accept-encoding': 'br' });
    assert.match(decoded(first).toString(), /version = '1'/);
    writeFileSync(join(pages, 'bundle.js'), script('2'));
    // A modification time of its own, whatever the file system's clock resolution.
    utimesSync(join(pages, 'bundle.js'), new Date(), new Date(Date.now() + 5_000));
    const second = await get(`${sandbox.url}/examples/bundle.js`, { 'accept-encoding': 'br' });
    assert.notEqual(second.headers.etag, first.headers.etag);
    assert.match(decoded(second).toString(), /version = '2'/);
  });

  it('keeps 304s, ranges and tiny files as they were', async () => {
    const first = await get(`${sandbox.url}/examples/bundle.js`, { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag);
    const revalidated = await get(`${sandbox.url}/examples/bundle.js`, { 'accept-encoding': 'br', 'if-none-match': etag });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.body.length, 0);

    const range = await get(`${sandbox.url}/examples/bundle.js`, { 'accept-encoding': 'br, gzip', range: 'bytes=0-19' });
    assert.equal(range.status, 206);
    assert.equal(range.headers['content-encoding'], undefined);
    assert.equal(range.body.toString(), decoded(first).subarray(0, 20).toString());

    const tiny = await get(`${sandbox.url}/examples/tiny.js`, { 'accept-encoding': 'br, gzip' });
    assert.equal(tiny.headers['content-encoding'], undefined);
    assert.equal(tiny.body.toString(), 'export {};');
  });

  it('leaves the API alone: an event stream still streams, uncompressed', async () => {
    const guicheng = await sandbox.token('demo-town-guicheng');
    const created = await sandbox.api('/workorders', {
      method: 'POST',
      token: guicheng,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(workOrderBody()),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const id = ((await created.json()) as { id: string }).id;

    const received = await new Promise<{ headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const req = request(`${sandbox.url}/api/v1/workorders/${id}/events`, { headers: { authorization: `Bearer ${guicheng}`, 'accept-encoding': 'br, gzip' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          // The dispatch happens only after the stream is open: its frame can only come by streaming.
          if (text.includes('"action":"dispatch"')) {
            req.destroy();
            resolve({ headers: res.headers, text });
          }
        });
        res.on('error', () => {});
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.on('response', async () => {
        const district = await sandbox.token('demo-district');
        const dispatched = await sandbox.api(`/workorders/${id}/actions`, {
          method: 'POST',
          token: district,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'dispatch', deptCode: 'TOWN' }),
        });
        if (dispatched.status !== 200) reject(new Error(`dispatch: ${dispatched.status}`));
      });
      req.end();
    });
    assert.match(String(received.headers['content-type']), /text\/event-stream/);
    assert.equal(received.headers['content-encoding'], undefined);
    assert.match(received.text, /event: status\ndata: .*"action":"dispatch"/);
  });

  it('negotiates by q-values and compresses only text-like types', () => {
    assert.equal(preferredEncoding(undefined), null);
    assert.equal(preferredEncoding('identity'), null);
    assert.equal(preferredEncoding('gzip;q=0.8, br;q=0.9'), 'br');
    assert.equal(preferredEncoding('br;q=0, gzip'), 'gzip');
    for (const type of ['application/javascript; charset=utf-8', 'text/css', 'text/html; charset=utf-8', 'application/json', 'image/svg+xml']) assert.ok(isCompressible(type), type);
    for (const type of ['text/event-stream', 'image/png', 'application/x-protobuf', 'application/vnd.mapbox-vector-tile', 'application/octet-stream']) assert.ok(!isCompressible(type), type);
  });
});

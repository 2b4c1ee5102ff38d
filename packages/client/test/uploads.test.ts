/** `client.approvals.uploadMaterial` against the real sandbox: tus over the client's transport. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, ApiError, MemoryUploadStore, NotFoundError, UnprocessableError, createClient, type CityBrainClient } from '../src/index.js';
import { htmlPage, materialFile, sha256Hex } from '../../sandbox/test/material-files.js';
import { applicationForm } from './forms.js';
import { recordingFetch, startClientSandbox, type ClientTestSandbox } from './sandbox.js';

const VILLAGE = 'demo-village-tangbian';
const MB = 1024 * 1024;

/** The upload requests a recording fetch saw: method and the offset each PATCH started at. */
const tusRequests = (sent: Request[]) =>
  sent.filter((r) => r.url.includes('/approvals/uploads')).map((r) => `${r.method} ${r.headers.get('upload-offset') ?? ''}`.trim());

/** The requests of a second call for the same file: it asked the offset and went on from there, creating no new upload. */
function assertResumed(requests: string[]): void {
  assert.equal(requests[0], 'HEAD', requests.join(', '));
  assert.ok(!requests.includes('POST'), `a new upload was created: ${requests.join(', ')}`);
  const firstPatch = requests.find((r) => r.startsWith('PATCH'))!;
  assert.ok(Number(firstPatch.split(' ')[1]) >= MB, `resumed at ${firstPatch}`);
}

describe('material uploads through the client', () => {
  let sandbox: ClientTestSandbox;
  before(async () => {
    sandbox = await startClientSandbox();
  });
  after(() => sandbox.close());

  const clientWith = (fetchImpl?: typeof fetch): CityBrainClient =>
    createClient({ baseUrl: sandbox.baseUrl, auth: () => sandbox.token(VILLAGE), fetch: fetchImpl });

  it('uploads a file of several MB in chunks with the token, reporting progress, and the result links to an application', async () => {
    const recorder = recordingFetch();
    const client = clientWith(recorder.fetch);
    const bytes = materialFile('application/pdf', 5 * MB + 123, 11);
    const progress: number[] = [];
    const material = await client.approvals.uploadMaterial(new File([bytes], '户口簿.pdf', { type: 'application/pdf' }), {
      kind: 'HOUSEHOLD_REGISTER',
      chunkSize: MB,
      onProgress: (sent, total) => {
        assert.equal(total, bytes.length);
        progress.push(sent);
      },
    });
    assert.deepEqual(
      { kind: material.kind, name: material.name, mediaType: material.mediaType, sizeBytes: material.sizeBytes, status: material.status, sha256: material.sha256 },
      { kind: 'HOUSEHOLD_REGISTER', name: '户口簿.pdf', mediaType: 'application/pdf', sizeBytes: bytes.length, status: 'complete', sha256: sha256Hex(bytes) },
    );
    assert.deepEqual(progress, [1, 2, 3, 4, 5].map((n) => n * MB).concat(bytes.length));
    assert.deepEqual(tusRequests(recorder.sent), ['POST', ...[0, 1, 2, 3, 4, 5].map((n) => `PATCH ${n * MB}`), 'GET']);
    assert.ok(recorder.sent.every((r) => r.headers.get('authorization')?.startsWith('Bearer ')));

    const others = [];
    for (const kind of ['ID_CARD', 'COMMITMENT', 'RED_LINE_MAP'] as const) {
      others.push(await client.approvals.uploadMaterial(new Blob([materialFile('image/jpeg', 3000, others.length)], { type: 'image/jpeg' }), { kind, name: `${kind}.jpg` }));
    }
    const created = await client.approvals.create({
      ...applicationForm(),
      attachments: [material, ...others].map(({ kind, uploadId }) => ({ kind, uploadId })),
    });
    const application = await client.withOptions({ auth: () => sandbox.token('demo-district') }).approvals.get(created.id);
    assert.deepEqual(application.attachments.map((a) => a.uploadId), [material, ...others].map((m) => m.uploadId));
  });

  it('resumes from the acknowledged offset after the upload was cut off, without starting a new upload', async () => {
    const recorder = recordingFetch();
    const client = clientWith(recorder.fetch);
    const file = new File([materialFile('image/png', 3 * MB, 5)], '现场照片.png', { type: 'image/png' });
    const cut = new AbortController();
    const first = client.approvals.uploadMaterial(file, {
      kind: 'SITE_PHOTO',
      chunkSize: 512 * 1024,
      signal: cut.signal,
      onProgress: (sent) => {
        if (sent >= MB) cut.abort(new Error('the village network dropped'));
      },
    });
    await assert.rejects(first, AbortError);
    const before = tusRequests(recorder.sent).length;

    const material = await client.approvals.uploadMaterial(file, { kind: 'SITE_PHOTO', chunkSize: 512 * 1024 });
    assertResumed(tusRequests(recorder.sent).slice(before));
    assert.equal(material.sha256, sha256Hex(new Uint8Array(await file.arrayBuffer())));
  });

  it('keeps an unfinished upload in the store it is given, so another client (a reloaded page) resumes it, and forgets it once finished', async () => {
    const kept = new Set<string>();
    /** A page's own store, as one over sessionStorage would be: it sees what is kept and removed. */
    class PageStore extends MemoryUploadStore {
      override async addUpload(...args: Parameters<MemoryUploadStore['addUpload']>) {
        const key = await super.addUpload(...args);
        kept.add(key);
        return key;
      }
      override async removeUpload(key: string) {
        kept.delete(key);
        await super.removeUpload(key);
      }
    }
    const store = new PageStore();
    const file = new File([materialFile('application/pdf', 2 * MB, 31)], '用地申请.pdf', { type: 'application/pdf' });
    const cut = new AbortController();
    await assert.rejects(
      clientWith().approvals.uploadMaterial(file, { kind: 'COMMITMENT', chunkSize: 512 * 1024, store, signal: cut.signal, onProgress: (sent) => sent >= MB && cut.abort() }),
      AbortError,
    );
    assert.equal(kept.size, 1);

    const recorder = recordingFetch();
    const material = await clientWith(recorder.fetch).approvals.uploadMaterial(file, { kind: 'COMMITMENT', chunkSize: 512 * 1024, store });
    assertResumed(tusRequests(recorder.sent));
    assert.equal(material.sha256, sha256Hex(new Uint8Array(await file.arrayBuffer())));
    assert.equal(kept.size, 0);
  });

  it('retries a chunk whose connection failed and completes the file', async () => {
    let patches = 0;
    const flaky: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.method === 'PATCH' && ++patches === 2) throw new TypeError('fetch failed: socket hang up');
      return fetch(request);
    };
    const bytes = materialFile('application/pdf', 2 * MB, 9);
    const material = await clientWith(flaky).approvals.uploadMaterial(new Blob([bytes], { type: 'application/pdf' }), {
      kind: 'COMMITMENT', name: '承诺书.pdf', chunkSize: 512 * 1024, retryDelays: [0],
    });
    assert.equal(material.sha256, sha256Hex(bytes));
    assert.ok(patches > 4);
  });

  it('deletes an upload the form no longer wants, which then is gone', async () => {
    const client = clientWith();
    const material = await client.approvals.uploadMaterial(new Blob([materialFile('image/jpeg', 4000, 77)], { type: 'image/jpeg' }), { kind: 'SITE_PHOTO', name: '多拍的.jpg' });
    assert.equal((await client.approvals.getUpload(material.uploadId)).status, 'complete');
    await client.approvals.deleteUpload(material.uploadId);
    await assert.rejects(client.approvals.getUpload(material.uploadId), NotFoundError);
  });

  it('rejects with the server\'s problem when the content is not the declared type', async () => {
    const error = await clientWith().approvals.uploadMaterial(new Blob([htmlPage()], { type: 'image/png' }), { kind: 'SITE_PHOTO', name: 'photo.png' })
      .then(() => assert.fail('an HTML page was taken as a PNG'), (e: unknown) => e);
    assert.ok(error instanceof UnprocessableError, String(error));
    assert.equal(error.problem?.code, 'upload-content-rejected');
  });

  it('rejects a file over the kind\'s size limit, as the process definition gives it, before sending its bytes', async () => {
    const recorder = recordingFetch();
    const definition = await clientWith().approvals.processDefinition('homestead');
    const idCard = definition.materials.find((m) => m.kind === 'ID_CARD')!;
    const big = new Blob([new Uint8Array(idCard.maxBytes + 1)], { type: 'application/pdf' });
    const error = await clientWith(recorder.fetch).approvals.uploadMaterial(big, { kind: 'ID_CARD', name: 'id.pdf' }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 413);
    assert.deepEqual(tusRequests(recorder.sent), ['POST']);
  });
});

describe('material uploads through the client across a sandbox restart', () => {
  it('resumes an upload cut off before the restart from what the server acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-client-restart-'));
    const config = { dbPath: join(dir, 'sandbox.db'), uploadsDir: join(dir, 'uploads') };
    try {
      let sandbox = await startClientSandbox(config);
      const port = Number(new URL(sandbox.url).port);
      const recorder = recordingFetch();
      // Tokens come from whichever sandbox is running on the port now.
      const client = createClient({ baseUrl: sandbox.baseUrl, auth: () => sandbox.token(VILLAGE), fetch: recorder.fetch });
      const file = new File([materialFile('image/jpeg', 2 * MB, 21)], '红线图.jpg', { type: 'image/jpeg' });
      const cut = new AbortController();
      await assert.rejects(
        client.approvals.uploadMaterial(file, { kind: 'RED_LINE_MAP', chunkSize: 256 * 1024, signal: cut.signal, onProgress: (sent) => sent >= MB && cut.abort() }),
        AbortError,
      );
      await sandbox.close();
      sandbox = await startClientSandbox({ ...config, port });
      try {
        const before = tusRequests(recorder.sent).length;
        const material = await client.approvals.uploadMaterial(file, { kind: 'RED_LINE_MAP', chunkSize: 256 * 1024 });
        assertResumed(tusRequests(recorder.sent).slice(before));
        assert.equal(material.sha256, sha256Hex(new Uint8Array(await file.arrayBuffer())));
      } finally {
        await sandbox.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { htmlPage, materialFile, sha256Hex, uploadMetadata } from './material-files.js';
import { REQUIRED, TUS, application, tus } from './tus-client.js';

/**
 * Material uploads (tus 1.0.0 at /approvals/uploads) and their link to an application, against a real
 * sandbox on loopback with the contract check on.
 */

type Json = Record<string, any>;

const VILLAGE = 'demo-village-tangbian';
describe('material uploads', () => {
  let s: TestSandbox;
  let village: string;
  let client: ReturnType<typeof tus>;

  before(async () => {
    s = await startTestSandbox();
    village = await s.token(VILLAGE);
    client = tus(s);
  });
  after(() => s.close());

  const json = async (path: string, token: string, init: RequestInit = {}) => {
    const res = await s.api(path, { ...init, token });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  };

  it('publishes the homestead materials with their media types, size and count limits', async () => {
    const { body } = await json('/approvals/process-definitions/homestead', village);
    const byKind = new Map((body.materials as Json[]).map((m) => [m.kind, m]));
    for (const kind of ['ID_CARD', 'HOUSEHOLD_REGISTER', 'COMMITMENT', 'RED_LINE_MAP']) assert.equal(byKind.get(kind)?.required, true, kind);
    assert.equal(byKind.get('SITE_PHOTO')?.required, false);
    assert.deepEqual(byKind.get('SITE_PHOTO')?.mediaTypes, ['image/jpeg', 'image/png', 'image/webp']);
    assert.equal(byKind.get('ID_CARD')?.label.en, 'ID card copy');
  });

  it('takes a file in chunks, answers the acknowledged offset, and keeps the complete file by its hash', async () => {
    const bytes = materialFile('image/jpeg', 3 * 1024 * 1024 + 17, 7);
    const created = await client.create(village, bytes.length, { filename: '规划红线图.jpg', filetype: 'image/jpeg', kind: 'RED_LINE_MAP' });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('tus-resumable'), '1.0.0');
    assert.ok(created.headers.get('upload-expires'));
    const location = created.headers.get('location')!;
    assert.equal(location, `${s.url}/api/v1/approvals/uploads/${location.split('/').pop()}`);
    assert.match(location, /\/api\/v1\/approvals\/uploads\/[0-9a-f]{32}$/);

    const chunk = 1024 * 1024;
    let offset = 0;
    while (offset < bytes.length) {
      const answer = await client.patch(village, location, offset, bytes.subarray(offset, offset + chunk));
      assert.equal(answer.status, 204, await answer.text());
      offset = Number(answer.headers.get('upload-offset'));
      if (offset < bytes.length) {
        const head = await client.head(village, location);
        assert.equal(head.headers.get('upload-offset'), String(offset));
        assert.equal(head.headers.get('upload-length'), String(bytes.length));
        assert.equal(head.headers.get('cache-control'), 'no-store');
      }
    }
    const { body } = await json(`/approvals/uploads/${location.split('/').pop()}`, village);
    assert.deepEqual(
      { kind: body.kind, name: body.name, mediaType: body.mediaType, sizeBytes: body.sizeBytes, offset: body.offset, status: body.status, sha256: body.sha256 },
      { kind: 'RED_LINE_MAP', name: '规划红线图.jpg', mediaType: 'image/jpeg', sizeBytes: bytes.length, offset: bytes.length, status: 'complete', sha256: sha256Hex(bytes) },
    );
  });

  it('builds the upload\'s Location on the configured public base URL, never on the Host header', async () => {
    const configured = s.ctx.config.publicBaseUrl;
    s.ctx.config.publicBaseUrl = 'https://maps.example.gov.cn/citybrain';
    try {
      const created = await client.create(village, 1000);
      assert.match(created.headers.get('location')!, /^https:\/\/maps\.example\.gov\.cn\/citybrain\/api\/v1\/approvals\/uploads\/[0-9a-f]{32}$/);
    } finally {
      s.ctx.config.publicBaseUrl = configured;
    }
  });

  it('refuses a chunk at the wrong offset (409), leaving the stored bytes as they were', async () => {
    const bytes = materialFile('application/pdf', 4000);
    const created = await client.create(village, bytes.length);
    const location = created.headers.get('location')!;
    assert.equal((await client.patch(village, location, 0, bytes.subarray(0, 1000))).status, 204);
    const wrong = await client.patch(village, location, 500, bytes.subarray(500, 2000));
    assert.equal(wrong.status, 409);
    assert.equal(wrong.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal((await client.head(village, location)).headers.get('upload-offset'), '1000');
  });

  it('rejects and deletes a file whose magic bytes are not what it declares (HTML as image/png)', async () => {
    const { id, answer } = await client.upload(village, htmlPage(), { filename: 'photo.png', filetype: 'image/png', kind: 'SITE_PHOTO' });
    assert.equal(answer.status, 422);
    const problem = (await answer.json()) as Json;
    assert.equal(problem.code, 'upload-content-rejected');
    assert.match(problem.detail, /image\/png/);
    assert.equal((await s.api(`/approvals/uploads/${id}`, { token: village })).status, 404);
  });

  it('rejects a PDF declared as a JPEG', async () => {
    const { answer } = await client.upload(village, materialFile('application/pdf', 2000), { filetype: 'image/jpeg' });
    assert.equal(answer.status, 422);
  });

  it('refuses a length over the kind\'s limit (413), a type or kind the process does not take (400)', async () => {
    const { body: definition } = await json('/approvals/process-definitions/homestead', village);
    const idCard = (definition.materials as Json[]).find((m) => m.kind === 'ID_CARD')!;
    const tooLarge = await client.create(village, idCard.maxBytes + 1);
    assert.equal(tooLarge.status, 413);
    assert.equal(((await tooLarge.json()) as Json).errors[0].name, 'header/upload-length');
    const pdfPhoto = await client.create(village, 1000, { kind: 'SITE_PHOTO', filetype: 'application/pdf' });
    assert.equal(pdfPhoto.status, 400);
    assert.equal(((await pdfPhoto.json()) as Json).errors[0].name, 'header/upload-metadata');
    assert.equal((await client.create(village, 1000, { kind: 'NOTICE' })).status, 400);
    assert.equal((await client.create(village, 1000, { filetype: 'text/html' })).status, 400);
  });

  it('needs approvals:create, and shows an upload to the client that made it only', async () => {
    const { location, id } = await client.upload(village, materialFile('application/pdf', 1500));
    const anonymous = await s.api('/approvals/uploads', { method: 'POST', headers: { ...TUS, 'upload-length': '10', 'upload-metadata': uploadMetadata({ kind: 'ID_CARD', filetype: 'application/pdf' }) } });
    assert.equal(anonymous.status, 401);
    const department = await s.token('demo-dept-agri');
    assert.equal((await client.create(department, 1000)).status, 403);
    const town = await s.token('demo-town-shishan');
    assert.equal((await s.api(`/approvals/uploads/${id}`, { token: town })).status, 404);
    assert.equal((await client.head(town, location)).status, 404);
    assert.equal((await client.patch(town, location, 1500, new Uint8Array(1))).status, 404);
  });

  it('keeps a hostile file name as harmless text', async () => {
    const hostile = `../../etc/\u202Egpj.exe\u0000\r\nX-Evil: 1\\${'长'.repeat(300)}.pdf`;
    const { id } = await client.upload(village, materialFile('application/pdf', 1200), { filename: hostile });
    const { body } = await json(`/approvals/uploads/${id}`, village);
    assert.doesNotMatch(body.name, /[/\\\u0000-\u001f\u202e]/);
    assert.ok([...body.name].length <= 200);
    assert.match(body.name, /^etc/);
    assert.match(body.name, /\.pdf$/);
  });

  it('lets a page of an allowed origin speak tus: the preflight allows its headers, the answers expose its own', async () => {
    const origin = 'http://localhost:5173';
    const preflight = await s.api('/approvals/uploads/0123456789abcdef0123456789abcdef', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,tus-resumable,upload-offset,content-type' },
    });
    assert.equal(preflight.status, 204);
    const allowed = preflight.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const header of ['tus-resumable', 'upload-offset', 'upload-length', 'upload-metadata']) assert.ok(allowed.includes(header), header);
    const created = await client.create(village, 100);
    assert.equal(created.headers.get('access-control-allow-origin'), null, 'no CORS grant without an Origin');
    const fromPage = await s.api('/approvals/uploads', {
      method: 'POST',
      token: village,
      headers: { origin, ...TUS, 'upload-length': '100', 'upload-metadata': uploadMetadata({ kind: 'ID_CARD', filetype: 'application/pdf' }) },
    });
    assert.equal(fromPage.headers.get('access-control-allow-origin'), origin);
    const exposed = fromPage.headers.get('access-control-expose-headers')!.toLowerCase();
    for (const header of ['location', 'upload-offset', 'upload-expires', 'tus-resumable']) assert.ok(exposed.includes(header), header);
  });

  it('cancels an unfinished upload (tus termination)', async () => {
    const created = await client.create(village, 5000);
    const location = created.headers.get('location')!;
    const deleted = await fetch(location, { method: 'DELETE', headers: { ...TUS, authorization: `Bearer ${village}` } });
    assert.equal(deleted.status, 204);
    assert.equal((await client.head(village, location)).status, 404);
  });

  it('drops an unfinished upload past its expiry, with its bytes, when the next upload starts', async () => {
    const created = await client.create(village, 5000);
    const location = created.headers.get('location')!;
    const id = location.split('/').pop()!;
    assert.equal((await client.patch(village, location, 0, materialFile('application/pdf', 5000).subarray(0, 2000))).status, 204);
    const partial = join(s.ctx.config.uploadsDir!, 'partial', id);
    assert.ok(existsSync(partial));
    s.ctx.db.prepare('UPDATE material_uploads SET expires_at = ? WHERE id = ?').run(new Date(Date.now() - 1000).toISOString(), id);
    assert.equal((await client.create(village, 1000)).status, 201);
    assert.equal((await s.api(`/approvals/uploads/${id}`, { token: village })).status, 404);
    assert.ok(!existsSync(partial));
  });

  describe('linked to an application', () => {
    const uploadAll = (kinds: string[]) => client.uploadEach(village, kinds);

    it('creates the application from the uploads, once per Idempotency-Key, and never links an upload twice', async () => {
      const ids = await uploadAll(REQUIRED);
      const body = JSON.stringify(application(REQUIRED.map((kind, i) => ({ kind, uploadId: ids[i] }))));
      const headers = { 'content-type': 'application/json', 'idempotency-key': 'form-uploads-0001' };
      const first = await json('/approvals/applications', village, { method: 'POST', headers, body });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const retry = await json('/approvals/applications', village, { method: 'POST', headers, body });
      assert.equal(retry.status, 201);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.equal(retry.body.id, first.body.id);

      const again = await json('/approvals/applications', village, { method: 'POST', headers: { ...headers, 'idempotency-key': 'form-uploads-0002' }, body });
      assert.equal(again.status, 422);
      assert.deepEqual(again.body.errors.map((e: Json) => e.name), REQUIRED.map((_, i) => `body/attachments/${i}/uploadId`));

      const district = await s.token('demo-district');
      const detail = await json(`/approvals/applications/${first.body.id}`, district);
      const attachment = (detail.body.attachments as Json[])[0]!;
      assert.equal(attachment.uploadId, ids[0]);
      assert.equal(attachment.name, 'ID_CARD.pdf');
      assert.equal(attachment.sha256, sha256Hex(materialFile('application/pdf', 2000, 100)));
      const { body: upload } = await json(`/approvals/uploads/${ids[0]}`, village);
      assert.equal(upload.applicationId, first.body.id);
      const deleted = await fetch(`${s.url}/api/v1/approvals/uploads/${ids[0]}`, { method: 'DELETE', headers: { ...TUS, authorization: `Bearer ${village}` } });
      assert.equal(deleted.status, 409);
    });

    it('takes uploads with a resubmission after a return (补正), replayed once per key and linked like a new application\'s', async () => {
      const ids = await uploadAll(REQUIRED);
      const created = await json('/approvals/applications', village, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(application(REQUIRED.map((kind, i) => ({ kind, uploadId: ids[i] })))),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const act = (body: Json, key: string) => json(`/approvals/applications/${created.body.id}/actions`, village, {
        method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body),
      });
      const returned = await act({ action: 'return', reason: '缺少相邻权利人书面意见', requiredMaterials: ['NEIGHBOUR_AGREEMENT'], deadlineWorkingDays: 10 }, 'return-uploads-1');
      assert.equal(returned.status, 200, JSON.stringify(returned.body));
      const { id: consent } = await client.upload(village, materialFile('application/pdf', 2500, 300), { kind: 'NEIGHBOUR_AGREEMENT', filename: '四邻同意书.pdf' });
      const resubmit = { action: 'resubmit', attachments: [{ kind: 'NEIGHBOUR_AGREEMENT', uploadId: consent }] };
      const first = await act(resubmit, 'resubmit-uploads-1');
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const replay = await act(resubmit, 'resubmit-uploads-1');
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      const detail = await json(`/approvals/applications/${created.body.id}`, await s.token('demo-district'));
      const added = (detail.body.attachments as Json[]).filter((a) => a.uploadId === consent);
      assert.deepEqual(added.map((a) => [a.kind, a.name, a.sha256]), [['NEIGHBOUR_AGREEMENT', '四邻同意书.pdf', sha256Hex(materialFile('application/pdf', 2500, 300))]]);
      assert.equal((await json(`/approvals/uploads/${consent}`, village)).body.applicationId, created.body.id);
    });

    it('names an unfinished, unknown or mismatched upload and too many files of a kind (422), creating nothing', async () => {
      const unfinished = (await client.create(village, 3000)).headers.get('location')!.split('/').pop()!;
      const [photo] = await uploadAll(['COMMITMENT']);
      const refused = await json('/approvals/applications', village, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(application([
          { kind: 'ID_CARD', uploadId: unfinished },
          { kind: 'ID_CARD', uploadId: '0123456789abcdef0123456789abcdef' },
          { kind: 'ID_CARD', uploadId: photo },
          ...Array.from({ length: 4 }, () => ({ kind: 'RED_LINE_MAP', name: '红线图.pdf', mediaType: 'application/pdf', sizeBytes: 1000 })),
        ])),
      });
      assert.equal(refused.status, 422);
      assert.deepEqual(refused.body.errors.map((e: Json) => e.name), [
        'body/attachments/0/uploadId', 'body/attachments/1/uploadId', 'body/attachments/2/kind', 'body/attachments',
      ]);
      const { body: stillFree } = await json(`/approvals/uploads/${photo}`, village);
      assert.equal(stillFree.applicationId, null);
    });

    it('serves a material as a sandboxed download to unmasked roles and its uploader, and refuses masked roles', async () => {
      const ids = await uploadAll(REQUIRED);
      const created = await json('/approvals/applications', village, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(application(REQUIRED.map((kind, i) => ({ kind, uploadId: ids[i] })))),
      });
      const path = `/approvals/applications/${created.body.id}/attachments/${created.body.id}-att-2/content`;
      const district = await s.api(path, { token: await s.token('demo-district') });
      assert.equal(district.status, 200);
      assert.match(district.headers.get('content-disposition')!, /^attachment; filename="HOUSEHOLD_REGISTER.pdf"; filename\*=UTF-8''HOUSEHOLD_REGISTER.pdf$/);
      assert.equal(district.headers.get('content-security-policy'), 'sandbox');
      assert.equal(district.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(district.headers.get('content-type'), 'application/pdf');
      assert.deepEqual(new Uint8Array(await district.arrayBuffer()), materialFile('application/pdf', 2001, 101));
      assert.equal((await s.api(path, { token: village })).status, 200);
      assert.equal((await s.api(path, { token: await s.token('demo-dept-agri') })).status, 403);
      assert.equal((await s.api(path)).status, 401);
    });
  });
});

describe('material uploads across a restart', () => {
  it('keeps every acknowledged byte: HEAD after the restart answers the offset and PATCH resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-restart-'));
    try {
      const config = { dbPath: join(dir, 'sandbox.db'), uploadsDir: join(dir, 'uploads') };
      const bytes = materialFile('image/png', 2 * 1024 * 1024, 3);
      let s = await startTestSandbox(config);
      let location: string;
      try {
        const token = await s.token(VILLAGE);
        const created = await tus(s).create(token, bytes.length, { kind: 'SITE_PHOTO', filetype: 'image/png', filename: '现场.png' });
        // The path only: the sandbox after the restart listens on another port.
        location = new URL(created.headers.get('location')!).pathname;
        assert.equal((await tus(s).patch(token, location, 0, bytes.subarray(0, 1_300_000))).status, 204);
      } finally {
        await s.close();
      }
      s = await startTestSandbox(config);
      try {
        const token = await s.token(VILLAGE);
        const head = await tus(s).head(token, location);
        assert.equal(head.status, 200);
        assert.equal(head.headers.get('upload-offset'), '1300000');
        assert.equal((await tus(s).patch(token, location, 1_300_000, bytes.subarray(1_300_000))).status, 204);
        const res = await s.api(`/approvals/uploads/${location.split('/').pop()}`, { token });
        const body = (await res.json()) as Json;
        assert.equal(body.status, 'complete');
        assert.equal(body.sha256, sha256Hex(bytes));
      } finally {
        await s.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

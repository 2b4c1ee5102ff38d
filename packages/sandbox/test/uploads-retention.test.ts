import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { materialFile, sha256Hex } from './material-files.js';
import { REQUIRED, application, tus } from './tus-client.js';

/**
 * What bounds the uploads directory: uploads no application took expire and go with their files, a
 * content file goes with the last upload of it, each client has a quota of such uploads; and a
 * resubmission's files count with the application's own towards each kind's `maxFiles`. Against a real
 * sandbox on loopback whose clock the tests move.
 */

type Json = Record<string, any>;

const VILLAGE = 'demo-village-tangbian';
const HOUR_MS = 60 * 60_000;

describe('uploads no application took', () => {
  let s: TestSandbox;
  let client: ReturnType<typeof tus>;

  before(async () => {
    s = await startTestSandbox();
    client = tus(s);
  });
  after(() => s.close());

  const json = async (path: string, token: string, init: RequestInit = {}) => {
    const res = await s.api(path, { ...init, token });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  };
  const partialFile = (id: string) => join(s.ctx.config.uploadsDir!, 'partial', id);
  const contentFile = (bytes: Uint8Array) => {
    const sha256 = sha256Hex(bytes);
    return join(s.ctx.config.uploadsDir!, 'sha256', sha256.slice(0, 2), sha256);
  };
  const sandboxNow = async () => Date.parse((await s.hook<{ now: string }>('clock')).now);
  /** Moves the sandbox clock; tokens are on that clock, so the caller takes a new one. */
  const advance = (ms: number) => s.hook('clock', { advanceMs: ms });
  const apply = (token: string, attachments: Json[]) => json('/approvals/applications', token, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(application(attachments)),
  });

  it('keeps a complete upload for the retention, then deletes it with its files when an upload starts; the same for an unfinished one; never one an application took', async () => {
    const retentionMs = s.ctx.config.uploadRetentionSeconds * 1000;
    assert.equal(retentionMs, 24 * HOUR_MS, 'a day by default');
    let village = await s.token(VILLAGE);
    const linkedIds = await client.uploadEach(village, REQUIRED, 100);
    const applied = await apply(village, REQUIRED.map((kind, i) => ({ kind, uploadId: linkedIds[i] })));
    assert.equal(applied.status, 201, JSON.stringify(applied.body));

    const unused = materialFile('application/pdf', 3000, 7);
    const completedFrom = await sandboxNow();
    const { id: unusedId, answer } = await client.upload(village, unused);
    assert.equal(answer.status, 204);
    const completedBy = await sandboxNow();
    const { body: kept } = await json(`/approvals/uploads/${unusedId}`, village);
    assert.equal(kept.status, 'complete');
    const expiresAt = Date.parse(kept.expiresAt);
    assert.ok(expiresAt >= completedFrom + retentionMs && expiresAt <= completedBy + retentionMs, `${kept.expiresAt} is a day after completion`);
    assert.equal((await json(`/approvals/uploads/${linkedIds[0]}`, village)).body.expiresAt, null, 'an application\'s upload is kept with it');

    const unfinished = (await client.create(village, 5000)).headers.get('location')!;
    const unfinishedId = unfinished.split('/').pop()!;
    assert.equal((await client.patch(village, unfinished, 0, materialFile('application/pdf', 5000, 8).subarray(0, 2000))).status, 204);
    assert.ok(existsSync(partialFile(unfinishedId)) && existsSync(partialFile(unusedId)) && existsSync(contentFile(unused)));

    await advance(retentionMs - 5 * 60_000);
    village = await s.token(VILLAGE);
    assert.equal((await client.create(village, 1000)).status, 201);
    assert.equal((await s.api(`/approvals/uploads/${unusedId}`, { token: village })).status, 200, 'kept until its expiry');
    assert.equal((await s.api(`/approvals/uploads/${unfinishedId}`, { token: village })).status, 200);

    await advance(10 * 60_000);
    village = await s.token(VILLAGE);
    assert.equal((await client.create(village, 1000)).status, 201);
    for (const id of [unusedId, unfinishedId]) {
      assert.equal((await s.api(`/approvals/uploads/${id}`, { token: village })).status, 404, id);
      assert.ok(!existsSync(partialFile(id)), `partial file of ${id}`);
    }
    assert.ok(!existsSync(contentFile(unused)), 'the content file of the unused upload');

    for (const [i, id] of linkedIds.entries()) {
      assert.equal((await json(`/approvals/uploads/${id}`, village)).body.applicationId, applied.body.id);
      assert.ok(existsSync(contentFile(materialFile('application/pdf', 2000 + i, 100 + i))), REQUIRED[i]);
    }
    const download = await s.api(`/approvals/applications/${applied.body.id}/attachments/${applied.body.id}-att-1/content`, { token: village });
    assert.equal(download.status, 200);
    assert.deepEqual(new Uint8Array(await download.arrayBuffer()), materialFile('application/pdf', 2000, 100));
  });

  it('refuses an expired upload for an application (422) even before a new upload has swept it away', async () => {
    let village = await s.token(VILLAGE);
    const [late] = await client.uploadEach(village, ['ID_CARD'], 400);
    await advance(s.ctx.config.uploadRetentionSeconds * 1000 + 60_000);
    village = await s.token(VILLAGE);
    const refused = await apply(village, [{ kind: 'ID_CARD', uploadId: late }]);
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body.errors, [{ name: 'body/attachments/0/uploadId', reason: `上传 ${late} 已过期，请重新上传` }]);
  });

  it('deletes a content file with the last upload of that content, and never one an application uses', async () => {
    const village = await s.token(VILLAGE);
    const bytes = materialFile('application/pdf', 2600, 11);
    const first = await client.upload(village, bytes);
    const second = await client.upload(village, bytes);
    assert.equal(first.answer.status, 204);
    assert.equal(second.answer.status, 204);
    assert.equal((await client.cancel(village, first.location)).status, 204);
    assert.ok(existsSync(contentFile(bytes)), 'the second upload still has it');
    assert.equal((await json(`/approvals/uploads/${second.id}`, village)).body.sha256, sha256Hex(bytes));
    assert.equal((await client.cancel(village, second.location)).status, 204);
    assert.ok(!existsSync(contentFile(bytes)), 'gone with the last upload of it');
    assert.ok(!existsSync(partialFile(second.id)));

    // The first test's application has this content as its ID card.
    const linkedContent = materialFile('application/pdf', 2000, 100);
    const copy = await client.upload(village, linkedContent);
    assert.equal((await client.cancel(village, copy.location)).status, 204);
    assert.ok(existsSync(contentFile(linkedContent)));
  });

  it('counts the files an application has with those a resubmission (补正) brings towards a kind\'s maxFiles', async () => {
    const village = await s.token(VILLAGE);
    const kinds = [...REQUIRED, 'RED_LINE_MAP'];
    const ids = await client.uploadEach(village, kinds, 200);
    const created = await apply(village, kinds.map((kind, i) => ({ kind, uploadId: ids[i] })));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const act = (body: Json) => json(`/approvals/applications/${created.body.id}/actions`, village, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const returned = await act({ action: 'return', reason: '红线图不清晰，请补充', requiredMaterials: ['RED_LINE_MAP'], deadlineWorkingDays: 10 });
    assert.equal(returned.status, 200, JSON.stringify(returned.body));

    const [third] = await client.uploadEach(village, ['RED_LINE_MAP'], 250);
    const refused = await act({ action: 'resubmit', attachments: [{ kind: 'RED_LINE_MAP', uploadId: third }] });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.deepEqual(refused.body.errors, [{ name: 'body/attachments', reason: '规划红线图最多 2 个文件，申请已有 2 个，又提交了 1 个' }]);
    assert.equal((await json(`/approvals/uploads/${third}`, village)).body.applicationId, null);

    const [consent] = await client.uploadEach(village, ['NEIGHBOUR_AGREEMENT'], 260);
    const resubmitted = await act({ action: 'resubmit', attachments: [{ kind: 'NEIGHBOUR_AGREEMENT', uploadId: consent }] });
    assert.equal(resubmitted.status, 200, JSON.stringify(resubmitted.body));
  });

  it('refuses an upload beyond the client\'s quota of uploads no application took (413 upload-quota-exceeded) until it cancels one', async () => {
    const configured = s.ctx.config.pendingUploadBytesPerClient;
    s.ctx.config.pendingUploadBytesPerClient = 10_000;
    try {
      const town = await s.token('demo-town-guicheng');
      const complete = await client.upload(town, materialFile('application/pdf', 6000, 21));
      assert.equal(complete.answer.status, 204);
      assert.equal((await client.create(town, 3000)).status, 201, 'an unfinished upload counts by its length');
      const refused = await client.create(town, 1001);
      assert.equal(refused.status, 413);
      assert.equal(refused.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const problem = (await refused.json()) as Json;
      assert.equal(problem.type, 'https://citybrain.nanhai.gov.cn/problems/upload-quota-exceeded');
      assert.equal(problem.code, 'upload-quota-exceeded');
      assert.deepEqual(problem.errors, [{ name: 'header/upload-length', reason: '1000 bytes left of the 10000 bytes a client may hold in uploads no application took' }]);
      assert.equal((await client.create(town, 1000)).status, 201, 'up to the quota');
      assert.equal((await client.create(await s.token('demo-town-shishan'), 5000)).status, 201, 'another client has its own quota');

      assert.equal((await client.cancel(town, complete.location)).status, 204);
      assert.equal((await client.create(town, 1001)).status, 201);
    } finally {
      s.ctx.config.pendingUploadBytesPerClient = configured;
    }
  });
});

describe('uploads kept from before completed uploads expired', () => {
  it('expire on the first start that knows better, and go with the next upload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-retention-'));
    try {
      const config = { dbPath: join(dir, 'sandbox.db'), uploadsDir: join(dir, 'uploads') };
      const bytes = materialFile('application/pdf', 1800, 31);
      let s = await startTestSandbox(config);
      let id: string;
      try {
        ({ id } = await tus(s).upload(await s.token(VILLAGE), bytes));
        // As an earlier sandbox left a complete upload: no expiry, and no retention migration yet.
        s.ctx.db.prepare('UPDATE material_uploads SET expires_at = NULL WHERE id = ?').run(id);
        s.ctx.db.prepare("DELETE FROM schema_migrations WHERE id = 'approvals/004-upload-retention'").run();
      } finally {
        await s.close();
      }
      s = await startTestSandbox(config);
      try {
        const token = await s.token(VILLAGE);
        assert.equal((await tus(s).create(token, 1000)).status, 201);
        assert.equal((await s.api(`/approvals/uploads/${id}`, { token })).status, 404);
        const sha256 = sha256Hex(bytes);
        assert.ok(!existsSync(join(config.uploadsDir, 'sha256', sha256.slice(0, 2), sha256)));
      } finally {
        await s.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

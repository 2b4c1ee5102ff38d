/**
 * Idempotency that holds: an Idempotency-Key compares bodies canonically, so a retry that
 * serialises the same body with another key order or whitespace is a replay, not a 422, and a
 * replay answers with the original Location. Keys expire after their window, and the replay store
 * keeps no plaintext secret: the verification code of a new application is sealed there, and
 * request bodies are fingerprinted under the server's secret.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applicationBody, PINNED_NOW, workOrderBody } from '../reliability/support.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';
import { checkpoint } from '../../src/db.js';

const HOUR_MS = 3_600_000;

describe('idempotency', () => {
  let sandbox: TestSandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(() => sandbox.close());

  it('replays a retry whose body differs only in key order and whitespace', async () => {
    const town = await sandbox.token('demo-town-guicheng');
    const create = (body: string, key: string) =>
      sandbox.api('/workorders', { method: 'POST', token: town, headers: { 'content-type': 'application/json', 'idempotency-key': key }, body });
    const body = workOrderBody();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const first = await create(JSON.stringify(body), 'canonical-1');
    assert.equal(first.status, 201);
    const again = await create(JSON.stringify(reordered, null, 2), 'canonical-1');
    assert.equal(again.status, 201, await again.clone().text());
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.ok(first.headers.get('location'), 'the first answer names the new order');
    assert.equal(again.headers.get('location'), first.headers.get('location'), 'the replay names the same one');
    assert.equal(((await again.json()) as { id: string }).id, ((await first.json()) as { id: string }).id);
    const other = await create(JSON.stringify({ ...body, title: '另一件事的标题' }), 'canonical-1');
    assert.equal(other.status, 422, 'another body under the same key is still refused');
  });

  it('forgets a key after its window: the same key with another body is then a new request', async () => {
    const create = async (body: object) =>
      sandbox.api('/workorders', {
        method: 'POST',
        token: await sandbox.token('demo-town-guicheng'),
        headers: { 'content-type': 'application/json', 'idempotency-key': 'expiring-1' },
        body: JSON.stringify(body),
      });
    assert.equal(sandbox.ctx.config.idempotencyKeyTtlSeconds, 86_400, 'the documented default window is 24 hours');
    const first = await create(workOrderBody());
    assert.equal(first.status, 201);
    await sandbox.hook('clock', { advanceMs: 23 * HOUR_MS });
    const within = await create({ ...workOrderBody(), title: '窗口内换了内容的请求' });
    assert.equal(within.status, 422, 'inside the window the key still stands for the first request');
    await sandbox.hook('clock', { advanceMs: 2 * HOUR_MS });
    const later = await create({ ...workOrderBody(), title: '窗口过后的新请求' });
    assert.equal(later.status, 201, await later.clone().text());
    assert.equal(later.headers.get('idempotent-replayed'), null);
    assert.notEqual(((await later.json()) as { id: string }).id, ((await first.json()) as { id: string }).id);
    await sandbox.hook('clock', { advanceMs: -25 * HOUR_MS });
  });
});

describe('idempotency: the replay store keeps no plaintext secret', () => {
  let sandbox: TestSandbox;
  let another: TestSandbox;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citybrain-replay-'));
    [sandbox, another] = await Promise.all([startTestSandbox({ dbPath: join(dir, 'sandbox.db') }), startTestSandbox()]);
    await Promise.all([sandbox.hook('clock', { now: PINNED_NOW }), another.hook('clock', { now: PINNED_NOW })]);
  });
  after(async () => {
    await Promise.all([sandbox.close(), another.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const createApplication = async (on: TestSandbox) =>
    on.api('/approvals/applications', {
      method: 'POST',
      token: await on.token('demo-village-tangbian'),
      headers: { 'content-type': 'application/json', 'idempotency-key': 'sealed-1' },
      body: JSON.stringify(applicationBody()),
    });

  it('seals the verification code of a new application, and a replay still returns it', async () => {
    const create = () => createApplication(sandbox);
    const first = await create();
    assert.equal(first.status, 201, await first.clone().text());
    const { verificationCode } = (await first.json()) as { verificationCode: string };
    assert.match(verificationCode, /^\d{6}$/);

    const rows = sandbox.ctx.db.prepare('SELECT * FROM idempotency_keys').all() as Record<string, unknown>[];
    assert.equal(rows.length, 1);
    const stored = Object.values(rows[0]!).map(String).join('\n');
    assert.ok(!stored.includes(verificationCode), 'the code is not in the replay store in plaintext');
    assert.ok(!stored.includes('sealed-1'), 'nor the client\'s key');

    checkpoint(sandbox.ctx.db);
    const file = [join(dir, 'sandbox.db'), join(dir, 'sandbox.db-wal')].filter(existsSync).map((path) => readFileSync(path, 'latin1')).join('');
    assert.ok(!file.includes(`"verificationCode":"${verificationCode}"`), 'nor anywhere in the database file');

    const replay = await create();
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(((await replay.json()) as { verificationCode: string }).verificationCode, verificationCode);
  });

  it('fingerprints requests under the server\'s secret, so a guessed body cannot be confirmed', async () => {
    const [mine, theirs] = await Promise.all([createApplication(sandbox), createApplication(another)]);
    assert.deepEqual([mine.status, theirs.status], [201, 201]);
    const fingerprint = (on: TestSandbox) =>
      (on.ctx.db.prepare("SELECT request_hash FROM idempotency_keys WHERE scope = 'approvals.create'").get() as { request_hash: string }).request_hash;
    assert.notEqual(fingerprint(sandbox), fingerprint(another), 'the same request on two servers leaves two unrelated fingerprints');
  });
});

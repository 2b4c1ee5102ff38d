/**
 * Several instances on one PostgreSQL database (issue 18): nothing a client relies on lives in one
 * instance's memory. Instance A runs in a child process (so it can be killed), B in this process,
 * both on one database of a private cluster (CITYBRAIN_TEST_POSTGRES_URL's, or one started here):
 *
 * - a write on A reaches an event stream open on B (LISTEN/NOTIFY), and a stream resumed on B with
 *   the Last-Event-ID of a stream on A replays what it missed from the database;
 * - a token A issued is good on B, and an idempotent retry that lands on B after the write on A is a
 *   replay (same body, `Idempotent-Replayed: true`, one effect);
 * - throttles count across both: failed lookups, open streams per client, `times=N` faults;
 * - killing A with SIGKILL while writes are in flight loses no acknowledged record, and replaying
 *   every key sent to A on B creates nothing twice;
 * - one instance runs the simulation; when it dies another takes over.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { startPostgresCluster } from '../../../../scripts/postgres-cluster.mjs';
import { killHard, startSandboxChild, type SandboxChild } from './child.js';
import { callTestHook, createTestDatabase, dropTestDatabase, startTestSandbox, type TestSandbox } from '../harness.js';
import { applicationBody, http, mapLimit, pinClock, tokenFor, workOrderBody, type JsonObject } from './support.js';

const TOWN = 'demo-town-guicheng';
const STREAMS_PER_CLIENT = 2;

/** The events an SSE response sent, read until `enough` says so (or the time is up). */
async function readEvents(response: Response, enough: (events: { id?: string; event?: string; data: string }[]) => boolean, timeoutMs = 10_000) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: { id?: string; event?: string; data: string }[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!enough(events)) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const read = await Promise.race([reader.read(), delay(left).then(() => null)]);
      if (!read || read.done) break;
      buffer += decoder.decode(read.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: { id?: string; event?: string; data: string } = { data: '' };
        for (const line of block.split('\n')) {
          const colon = line.indexOf(': ');
          if (colon === -1) continue;
          const [field, value] = [line.slice(0, colon), line.slice(colon + 2)];
          if (field === 'id') message.id = value;
          else if (field === 'event') message.event = value;
          else if (field === 'data') message.data += value;
        }
        if (message.event) events.push(message);
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

describe('two sandbox instances on one PostgreSQL database', { timeout: 600_000 }, () => {
  let cluster: Awaited<ReturnType<typeof startPostgresCluster>> | undefined;
  let databaseUrl: string;
  let a: SandboxChild;
  let b: TestSandbox;

  const call = (base: string, path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    http(`${base}/api/v1${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  const startA = (env: Record<string, string> = {}) =>
    startSandboxChild(':memory:', { CITYBRAIN_DATABASE_URL: databaseUrl, CITYBRAIN_STREAMS_PER_CLIENT: String(STREAMS_PER_CLIENT), ...env });

  const adminUrl = process.env.CITYBRAIN_TEST_POSTGRES_URL;
  before(async () => {
    if (adminUrl) databaseUrl = await createTestDatabase(adminUrl);
    else {
      cluster = await startPostgresCluster();
      databaseUrl = await cluster.createDatabase();
    }
    // B first: it migrates and seeds; A then finds the database ready, as a second instance does.
    b = await startTestSandbox({ databaseUrl, streamsPerClient: STREAMS_PER_CLIENT });
    a = await startA();
    await Promise.all([pinClock(a.url), pinClock(b.url)]);
  });

  after(async () => {
    if (a) await killHard(a);
    await b?.close();
    if (adminUrl && databaseUrl) await dropTestDatabase(adminUrl, databaseUrl);
    await cluster?.stop();
  });

  it('accept on one instance the tokens the other issued', async () => {
    const token = await tokenFor(a.url, TOWN);
    assert.equal((await call(b.url, '/workorders?limit=1', { token })).status, 200);
  });

  it('stream a write made on A to an event stream open on B', async () => {
    const token = await tokenFor(a.url, 'demo-district');
    const created = await call(a.url, '/workorders', { token, body: workOrderBody() });
    assert.equal(created.status, 201, created.text);
    const id = (created.body as { id: string }).id;

    const onB = await b.api(`/workorders/${id}/events`, { token });
    assert.equal(onB.status, 200);
    const received = readEvents(onB, (events) => events.some((e) => e.event === 'status' && JSON.parse(e.data).action === 'dispatch'));
    // The stream is subscribed once its response has begun; the write follows.
    await delay(100);
    const dispatched = await call(a.url, `/workorders/${id}/actions`, { token, body: { action: 'dispatch', deptCode: 'AGRI', remark: '请核查' } });
    assert.equal(dispatched.status, 200, dispatched.text);
    const events = await received;
    const dispatch = events.find((e) => e.event === 'status' && JSON.parse(e.data).action === 'dispatch');
    assert.ok(dispatch, `B's stream saw: ${JSON.stringify(events)}`);
    assert.equal(events.filter((e) => e.id === dispatch.id).length, 1, 'each event once');
  });

  it('resume on B, with the Last-Event-ID of a stream on A, with what the client missed', async () => {
    const token = await tokenFor(a.url, 'demo-district');
    const created = await call(a.url, '/workorders', { token, body: workOrderBody() });
    const id = (created.body as { id: string }).id;
    const dispatched = await call(a.url, `/workorders/${id}/actions`, { token, body: { action: 'dispatch', deptCode: 'AGRI', remark: '请核查' } });
    assert.equal(dispatched.status, 200, dispatched.text);

    // On A: everything up to the dispatch, from the start.
    const onA = await call(a.url, `/workorders/${id}/timeline`, { token });
    const seen = (onA.body as { events: { id: string }[] }).events.at(-1)!.id;
    const agri = await tokenFor(a.url, 'demo-dept-agri');
    const returned = await call(a.url, `/workorders/${id}/actions`, {
      token: agri,
      body: { action: 'return', reasonCode: 'OUT_OF_REMIT', reason: '不属于农业农村部门职责', suggestedDept: 'TOWN' },
    });
    assert.equal(returned.status, 200, returned.text);

    const resumed = await b.api(`/workorders/${id}/events`, { token, headers: { 'last-event-id': seen } });
    const events = await readEvents(resumed, (list) => list.length >= 1, 3000);
    assert.deepEqual(events.map((e) => JSON.parse(e.data).action), ['return'], 'only what came after the resume position');
  });

  it('replay on B an idempotent retry of a write made on A: same body, one effect', async () => {
    const token = await tokenFor(a.url, 'demo-district');
    const key = `instances-${Date.now().toString(36)}`;
    const body = applicationBody();
    const first = await call(a.url, '/approvals/applications', { token, body, headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201, first.text);
    const retry = await call(b.url, '/approvals/applications', { token, body, headers: { 'idempotency-key': key } });
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get('location'), first.headers.get('location'));
    const effects = (await callTestHook<{ effects: Record<string, number> }>(b.url, 'stats')).effects;
    assert.equal(effects[key], 1);
  });

  it('count working days on B with a calendar year stored through A', async () => {
    // Test data only, for a year no schedule is shipped for.
    const year2031 = {
      source: { issuer: '测试', notice: '测试用日历（非官方）', title: '2031 年测试日历', published: '2030-11-30' },
      holidays: [{ name: '元旦', from: '2031-01-01', to: '2031-01-01' }],
      workdays: [],
    };
    const token = await tokenFor(a.url, 'demo-district');
    assert.equal(((await call(b.url, '/common/calendar/2031')).body as { official: boolean }).official, false);
    const stored = await call(a.url, '/common/calendar/2031', { method: 'PUT', token, body: year2031 });
    assert.equal(stored.status, 200, stored.text);
    let onB = (await call(b.url, '/common/calendar/2031')).body as { official: boolean };
    for (let tries = 0; !onB.official && tries < 25; tries++) {
      await delay(100);
      onB = (await call(b.url, '/common/calendar/2031')).body as { official: boolean };
    }
    assert.equal(onB.official, true, 'B loaded the year A stored');
  });

  it('number records created on A and B at once without handing a number out twice', async () => {
    const token = await tokenFor(a.url, 'demo-district');
    const created = await mapLimit(Array.from({ length: 24 }, (_v, i) => i), 12, (i) =>
      call(i % 2 ? b.url : a.url, '/workorders', { token, body: workOrderBody() }));
    assert.deepEqual([...new Set(created.map((res) => res.status))], [201], created.map((res) => res.text.slice(0, 200)).join('\n'));
    assert.equal(new Set(created.map((res) => (res.body as { orderNo: string }).orderNo)).size, created.length);
  });

  it('apply one of two actions that race for one record on A and B, not both', async () => {
    const token = await tokenFor(a.url, 'demo-district');
    const ids = await mapLimit(Array.from({ length: 8 }), 4, async () => {
      const created = await call(a.url, '/workorders', { token, body: workOrderBody() });
      assert.equal(created.status, 201, created.text);
      return (created.body as { id: string }).id;
    });
    await mapLimit(ids, 4, async (id) => {
      const dispatch = (base: string, deptCode: string) => call(base, `/workorders/${id}/actions`, { token, body: { action: 'dispatch', deptCode, remark: '请核查' } });
      const answers = await Promise.all([dispatch(a.url, 'AGRI'), dispatch(b.url, 'NATRES')]);
      assert.equal(answers.filter((res) => res.status === 200).length, 1, `${id}: ${answers.map((res) => `${res.status} ${res.text.slice(0, 120)}`).join(' | ')}`);
      const timeline = await call(b.url, `/workorders/${id}/timeline`, { token });
      const actions = (timeline.body as { events: { action: string }[] }).events.map((event) => event.action);
      assert.equal(actions.filter((action) => action === 'dispatch').length, 1, `${id}: ${actions.join(', ')}`);
    });
  });

  it('count failed lookups across both instances', async () => {
    const token = await tokenFor(a.url, 'demo-district');
    const created = await call(a.url, '/approvals/applications', { token, body: applicationBody() });
    assert.equal(created.status, 201, created.text);
    const { trackingNo, verificationCode } = created.body as { trackingNo: string; verificationCode: string };
    const wrong = verificationCode === '000000' ? '111111' : '000000';
    // Five failures, alternating: each instance alone has seen fewer than the limit.
    for (let attempt = 0; attempt < 5; attempt++) {
      const lookup = await call(attempt % 2 ? b.url : a.url, '/approvals/lookup', { body: { trackingNo, verificationCode: wrong } });
      assert.equal(lookup.status, 404);
    }
    for (const base of [a.url, b.url]) {
      const limited = await call(base, '/approvals/lookup', { body: { trackingNo, verificationCode } });
      assert.equal(limited.status, 429, 'even the right code waits');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
    }
  });

  it('count the event streams a client holds open across both instances', async () => {
    const token = await tokenFor(a.url, TOWN);
    const created = await call(a.url, '/workorders', { token, body: workOrderBody() });
    const id = (created.body as { id: string }).id;
    const open: AbortController[] = [];
    try {
      for (const base of [a.url, b.url]) {
        const controller = new AbortController();
        open.push(controller);
        const stream = await fetch(`${base}/api/v1/workorders/${id}/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
        assert.equal(stream.status, 200);
      }
      for (const base of [a.url, b.url]) {
        const refused = await call(base, `/workorders/${id}/events`, { token });
        assert.equal(refused.status, 429, 'one stream open on each instance is the limit of two');
      }
    } finally {
      for (const controller of open) controller.abort();
    }
  });

  it('count keyed faults across both instances', async () => {
    const fault = { 'x-sandbox-fault': `status=503;key=instances-fault;times=2` };
    const statuses = [];
    for (const base of [a.url, b.url, a.url, b.url]) statuses.push((await call(base, '/regions', { headers: fault })).status);
    assert.deepEqual(statuses, [503, 503, 200, 200]);
  });

  it('end streams with reconnect when an instance loses its LISTEN connection, and stream across again once it is back', async () => {
    const token = await tokenFor(a.url, 'demo-district');
    const created = await call(a.url, '/workorders', { token, body: workOrderBody() });
    const id = (created.body as { id: string }).id;
    const before = await b.api(`/workorders/${id}/events`, { token });
    const ended = readEvents(before, (events) => events.some((e) => e.event === 'reconnect'));
    await delay(100);

    const database = new pg.Client({ connectionString: databaseUrl });
    await database.connect();
    const listeners = async () =>
      Number((await database.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN %'")).rows[0].n);
    try {
      assert.equal(await listeners(), 2, 'one LISTEN connection per instance');
      await database.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN %'");
      const last = (await ended).at(-1);
      assert.deepEqual([last?.event, JSON.parse(last?.data ?? '{}').reason], ['reconnect', 'event-bus-reconnect'], 'a stream that could miss events ends');
      for (let tries = 0; (await listeners()) < 2 && tries < 50; tries++) await delay(200);
      assert.equal(await listeners(), 2, 'both instances listen again');
    } finally {
      await database.end();
    }
    // Streams ended once more when the connection came back; one opened after that follows A's writes.
    await delay(200);
    const after = await b.api(`/workorders/${id}/events`, { token });
    const received = readEvents(after, (events) => events.some((e) => e.event === 'status'));
    await delay(100);
    const dispatched = await call(a.url, `/workorders/${id}/actions`, { token, body: { action: 'dispatch', deptCode: 'AGRI', remark: '请核查' } });
    assert.equal(dispatched.status, 200, dispatched.text);
    assert.deepEqual((await received).filter((e) => e.event === 'status').map((e) => JSON.parse(e.data).action), ['dispatch']);
  });

  it('lose no acknowledged write when A is killed mid-write, and replay every key on B once', async () => {
    const token = await tokenFor(a.url, 'demo-district');
    const sent: { key: string; body: JsonObject }[] = [];
    const acknowledged = new Map<string, string>();
    let killing: Promise<void> | undefined;
    const writer = async (w: number) => {
      for (let i = 0; !killing; i += 1) {
        const key = `kill-w${w}-${i}`;
        const body = workOrderBody();
        body.content = `${body.content as string} ${key}`;
        sent.push({ key, body });
        const res = await call(a.url, '/workorders', { token, body, headers: { 'idempotency-key': key } });
        if (res.status === 201) {
          acknowledged.set(key, (res.body as { id: string }).id);
          // Mid-stream: the other writers have requests in flight right now.
          if (acknowledged.size === 30) killing ??= delay(Math.floor(Math.random() * 15)).then(() => killHard(a));
        } else if (!killing) {
          assert.fail(`create ${key} before the kill → ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_v, w) => writer(w)));
    await killing;
    assert.ok(sent.length > acknowledged.size, 'some writes were in flight when A died');

    // Every 2xx the client got is in the database, as B reads it.
    await mapLimit([...acknowledged], 8, async ([key, id]) => {
      const read = await call(b.url, `/workorders/${id}`, { token });
      assert.equal(read.status, 200, `${key} (${id}) was acknowledged by A but B does not find it`);
      assert.match(JSON.stringify(read.body), new RegExp(key));
    });
    // Every key sent to A, retried on B: the acknowledged ones replay, the others are written now, nothing twice.
    const ids = new Set<string>();
    await mapLimit(sent, 8, async ({ key, body }) => {
      const res = await call(b.url, '/workorders', { token, body, headers: { 'idempotency-key': key } });
      assert.equal(res.status, 201, `${key}: ${res.text.slice(0, 200)}`);
      const id = (res.body as { id: string }).id;
      const before = acknowledged.get(key);
      if (before) {
        assert.equal(id, before, `${key} created a second record`);
        assert.equal(res.headers.get('idempotent-replayed'), 'true');
      }
      assert.ok(!ids.has(id), `${id} answered two keys`);
      ids.add(id);
    });
    const effects = (await callTestHook<{ effects: Record<string, number> }>(b.url, 'stats')).effects;
    for (const { key } of sent) assert.equal(effects[key], 1, `${key} had ${effects[key]} effects`);
  });

  it('run the simulation on one instance, and hand it over when that one dies', async () => {
    const simulating = { CITYBRAIN_SIMULATE: 'on', CITYBRAIN_SIMULATION_INTERVAL_MS: '300' };
    const first = await startA(simulating);
    const second = await startTestSandbox({ databaseUrl, simulate: true, simulationIntervalMs: 300 });
    const stateOf = async (base: string) => (await callTestHook<{ simulation: string }>(base, 'stats')).simulation;
    try {
      // The child started first and took the lock; the other waits.
      assert.deepEqual([await stateOf(first.url), await stateOf(second.url)], ['running', 'standby']);
      await killHard(first);
      let state = await stateOf(second.url);
      for (let tries = 0; state !== 'running' && tries < 50; tries++) {
        await delay(200);
        state = await stateOf(second.url);
      }
      assert.equal(state, 'running', 'the waiting instance took the simulation over');
    } finally {
      await killHard(first);
      await second.close();
    }
  });
});

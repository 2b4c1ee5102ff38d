/**
 * Live streams re-check who listens: an event stream ends with `event: auth-expired` (a 401 problem)
 * when the token that opened it expires, ends with `event: reconnect` when it reaches its maximum
 * lifetime, and one client holds only so many streams at once (429 beyond). Time moves on the
 * sandbox clock, so nothing waits for real minutes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig } from '../../src/config.js';
import { workOrderBody } from '../reliability/support.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';

const TOWN = 'demo-town-guicheng';

/** A work order of the town's, whose event stream the tests open. */
async function createOrder(sandbox: TestSandbox): Promise<string> {
  const response = await sandbox.api('/workorders', {
    method: 'POST',
    token: await sandbox.token(TOWN),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(workOrderBody()),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { id: string }).id;
}

interface OpenStream {
  response: Response;
  controller: AbortController;
  /** Everything the stream sent until the server ended it (rejects if it has not within 10 s). */
  rest(): Promise<string>;
}

async function openStream(sandbox: TestSandbox, id: string, token: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await sandbox.api(`/workorders/${id}/events`, { token, headers, signal: controller.signal });
  return {
    response,
    controller,
    async rest() {
      const deadline = setTimeout(() => controller.abort(new Error('the server did not end the stream')), 10_000);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return text;
          text += decoder.decode(value, { stream: true });
        }
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}

/** The last message of a stream, as `event` type and parsed `data`. */
function lastMessage(text: string): { event: string | undefined; data: Record<string, unknown>; id: string | undefined } {
  const message = text.trim().split('\n\n').at(-1)!;
  const field = (name: string) => message.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
  return { event: field('event'), data: JSON.parse(field('data') ?? 'null') as Record<string, unknown>, id: field('id') };
}

describe('live streams', () => {
  let standard: TestSandbox;
  let limited: TestSandbox;
  before(async () => {
    [standard, limited] = await Promise.all([startTestSandbox(), startTestSandbox({ streamsPerClient: 2, streamLifetimeSeconds: 600 })]);
  });
  after(async () => {
    await Promise.all([standard?.close(), limited?.close()]);
  });

  it('have documented defaults: 16 streams per client, one hour each', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.streamsPerClient, 16);
    assert.equal(defaults.streamLifetimeSeconds, 3_600);
    const configured = loadConfig({ CITYBRAIN_STREAMS_PER_CLIENT: '4', CITYBRAIN_STREAM_LIFETIME: '300' });
    assert.deepEqual([configured.streamsPerClient, configured.streamLifetimeSeconds], [4, 300]);
  });

  it('end with an auth-expired event carrying a 401 problem when the token expires', async () => {
    const id = await createOrder(standard);
    const stream = await openStream(standard, id, await standard.token(TOWN));
    assert.equal(stream.response.status, 200);
    await standard.hook('clock', { advanceMs: (standard.ctx.config.tokenTtlSeconds + 1) * 1000 });
    try {
      const last = lastMessage(await stream.rest());
      assert.equal(last.event, 'auth-expired');
      assert.equal(last.id, undefined, 'no id: resuming after it skips no event');
      assert.equal(last.data.status, 401);
      assert.equal(last.data.type, 'https://citybrain.nanhai.gov.cn/problems/unauthorized');
      assert.equal(last.data.instance, `/api/v1/workorders/${id}/events`);
    } finally {
      await standard.hook('clock', { advanceMs: -(standard.ctx.config.tokenTtlSeconds + 1) * 1000 });
    }
  });

  it('end with a reconnect event at their maximum lifetime, and the client resumes', async () => {
    const id = await createOrder(limited);
    const token = await limited.token(TOWN);
    const stream = await openStream(limited, id, token, { 'last-event-id': '0' });
    assert.equal(stream.response.status, 200);
    await limited.hook('clock', { advanceMs: 601_000 });
    try {
      const text = await stream.rest();
      const last = lastMessage(text);
      assert.equal(last.event, 'reconnect');
      assert.deepEqual(last.data, { reason: 'max-lifetime', maxLifetimeSeconds: 600 });
      const lastEventId = [...text.matchAll(/^id: (\d+)$/gm)].at(-1)?.[1];
      assert.ok(lastEventId, 'the replayed history came first');
      const resumed = await openStream(limited, id, token, { 'last-event-id': lastEventId });
      assert.equal(resumed.response.status, 200, 'the same token reconnects');
      resumed.controller.abort();
    } finally {
      await limited.hook('clock', { advanceMs: -601_000 });
    }
  });

  it('are capped per client with a 429 problem, and a closed stream frees its place', async () => {
    const id = await createOrder(limited);
    const token = await limited.token(TOWN);
    const streams = [await openStream(limited, id, token), await openStream(limited, id, token)];
    assert.deepEqual(streams.map((s) => s.response.status), [200, 200]);
    const refused = await limited.api(`/workorders/${id}/events`, { token });
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = (await refused.json()) as { type: string; code: string };
    assert.equal(problem.type, 'https://citybrain.nanhai.gov.cn/problems/too-many-streams');
    assert.equal(problem.code, 'too-many-streams');
    const other = await openStream(limited, id, await limited.token('demo-district'));
    assert.equal(other.response.status, 200, 'another client has its own allowance');
    other.controller.abort();

    streams[0]!.controller.abort();
    for (let i = 0; i < 100 && limited.ctx.streams.open(TOWN) > 1; i++) await delay(20);
    const again = await openStream(limited, id, token);
    assert.equal(again.response.status, 200, 'the closed stream no longer counts');
    again.controller.abort();
    streams[1]!.controller.abort();
  });

  it('end with event: reconnect when the server shuts down, so that it does not wait for them', async () => {
    const closing = await startTestSandbox();
    const stream = await openStream(closing, await createOrder(closing), await closing.token(TOWN));
    assert.equal(stream.response.status, 200);
    const rest = stream.rest();
    const closed = closing.close();
    const last = lastMessage(await rest);
    assert.deepEqual([last.event, last.data, last.id], ['reconnect', { reason: 'shutdown' }, undefined]);
    await Promise.race([closed, delay(5_000).then(() => assert.fail('the server still waits for the stream'))]);
  });
});

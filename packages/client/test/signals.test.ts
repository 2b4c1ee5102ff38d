/**
 * No abort plumbing outlives a call: a caller signal shared by many calls (a page's or a worker's
 * lifetime signal) ends up with no listeners and no dependent signals, whatever way the calls
 * ended, and 30,000 calls sharing it leave the heap where it was. Node 20's `AbortSignal.any`
 * kept every derived signal of such a source alive (~1.2 KB a call: 36 MB over those calls).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AbortError, createClient, ServerError, TimeoutError } from '../src/index.js';
import { LinkedAbort } from '../src/signals.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Signals Node keeps on behalf of `signal` for `AbortSignal.any` (an internal set; absent elsewhere). */
function dependentsOf(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((symbol) => symbol.description === 'kDependantSignals');
  return key ? ((signal as unknown as Record<symbol, Set<unknown>>)[key]?.size ?? 0) : 0;
}

function retainedBy(signal: AbortSignal): { listeners: number; dependents: number } {
  return { listeners: getEventListeners(signal, 'abort').length, dependents: dependentsOf(signal) };
}

describe('abort plumbing lets go when a call settles', () => {
  let server: Server;
  let baseUrl: string;
  let failures = 0;
  before(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      if (path.endsWith('/flaky') && failures++ % 2 === 0) {
        res.writeHead(503, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'about:blank', title: 'busy', status: 503 }));
      } else if (path.endsWith('/stall')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items":[');
      } else if (path.endsWith('/stream')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('line 1\nline 2\n');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a LinkedAbort detaches from its sources when released or aborted', () => {
    const source = new AbortController();
    const links = Array.from({ length: 3 }, () => new LinkedAbort([source.signal]).abortAfter(60_000, () => 'late'));
    assert.equal(getEventListeners(source.signal, 'abort').length, 3);
    links[0]!.release();
    links[1]!.abort('done');
    assert.equal(getEventListeners(source.signal, 'abort').length, 1);
    source.abort('caller');
    assert.equal(links[2]!.signal.aborted, true);
    assert.equal(links[2]!.signal.reason, 'caller');
    assert.equal(getEventListeners(source.signal, 'abort').length, 0);
  });

  it('successes, retries, attempt timeouts, aborts and streams leave nothing on the caller signal', async () => {
    const client = createClient({ baseUrl, timeout: 100, retry: { maxAttempts: 2, baseDelay: 1, maxDelay: 5 } });
    const lifetime = new AbortController().signal;
    for (let round = 0; round < 20; round += 1) {
      await client.raw('GET', '/ok', { signal: lifetime });
      failures = 0;
      await client.raw('GET', '/flaky', { signal: lifetime });
      failures = 0;
      await assert.rejects(client.raw('GET', '/flaky', { signal: lifetime, retry: false }), ServerError);
      await assert.rejects(client.raw('GET', '/stall', { signal: lifetime, retry: false }), TimeoutError);
      const perCall = new AbortController();
      const stalled = client.raw('GET', '/stall', { signal: perCall.signal, timeout: 0 });
      setTimeout(() => perCall.abort(), 5);
      await assert.rejects(stalled, AbortError);
      const read = await client.raw<ReadableStream<Uint8Array>>('GET', '/stream', { signal: lifetime, parseAs: 'stream' });
      assert.equal(await new Response(read.data).text(), 'line 1\nline 2\n');
      const dropped = await client.raw<ReadableStream<Uint8Array>>('GET', '/stream', { signal: lifetime, parseAs: 'stream' });
      await dropped.data.cancel();
    }
    assert.deepEqual(retainedBy(lifetime), { listeners: 0, dependents: 0 });
  });

  it('hands fetch the attempt’s signal in its init, and makes none when nothing can abort the call', async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(init?.signal ?? undefined);
      return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
    };
    const timed = createClient({ baseUrl, fetch });
    const untimed = createClient({ baseUrl, fetch, timeout: 0, totalTimeout: 0 });
    await timed.raw('GET', '/ok');
    await untimed.raw('GET', '/ok', { timeout: 1000 });
    const caller = new AbortController();
    await untimed.raw('GET', '/ok', { signal: caller.signal });
    await untimed.raw('GET', '/ok');
    assert.deepEqual(
      seen.map((signal) => signal instanceof AbortSignal),
      [true, true, true, false],
      'a signal for a call with a timeout, a per-call timeout or a caller signal; none for the last',
    );
    assert.notEqual(seen[2], caller.signal, 'the caller’s own signal is linked, never handed to fetch (it would keep fetch’s listeners)');
    assert.deepEqual(retainedBy(caller.signal), { listeners: 0, dependents: 0 });
  });

  it('30,000 calls sharing one long-lived signal leave the heap within 6 MB of where it started (160 bytes a call; about 1 MB is usual)', async () => {
    // Answered in memory: what could leak is the client's own plumbing (the calls over loopback above
    // cover the network paths), and 30,000 loopback round trips would cost CI half a minute.
    const client = createClient({ baseUrl, fetch: async () => new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } }) });
    const lifetime = new AbortController().signal;
    const settle = async () => {
      for (let round = 0; round < 4; round += 1) {
        collectGarbage();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return process.memoryUsage().heapUsed;
    };
    // Warm up first, so the client's and undici's one-time allocations are not counted.
    await Promise.all(Array.from({ length: 200 }, () => client.raw('GET', '/ok', { signal: lifetime })));
    const before = await settle();
    const concurrency = 64;
    let remaining = 30_000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (remaining > 0) {
          remaining -= 1;
          await client.raw('GET', '/ok', { signal: lifetime });
        }
      }),
    );
    const grownMb = ((await settle()) - before) / 1e6;
    assert.deepEqual(retainedBy(lifetime), { listeners: 0, dependents: 0 });
    assert.ok(grownMb < 6, `the heap grew ${grownMb.toFixed(1)} MB over 30,000 calls`);
  });
});

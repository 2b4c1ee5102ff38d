/**
 * Live events: the SSE reader against a scripted event server on loopback (drops, clean ends,
 * silences, refusals), and `approvals.watch` against the sandbox once the service streams events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortError, createClient, NotFoundError, ReconnectLimitError, type ApplicationEvent } from '../src/index.js';
import { applicationForm } from './forms.js';
import { startClientSandbox, type ClientTestSandbox } from './sandbox.js';

type Script = (req: IncomingMessage, res: ServerResponse, connection: number) => void;

const frame = (id: number, data: unknown) => `id: ${id}\nevent: status\ndata: ${JSON.stringify(data)}\n\n`;

describe('event stream reader', () => {
  let server: Server;
  let baseUrl: string;
  let script: Script = () => undefined;
  let connections: { lastEventId: string | undefined; authorization: string | undefined }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      connections.push({ lastEventId: req.headers['last-event-id'] as string | undefined, authorization: req.headers.authorization });
      script(req, res, connections.length);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const open = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.write('retry: 20\n\n');
  };

  it('resumes with Last-Event-ID after a dropped connection and after a clean end', async () => {
    connections = [];
    script = (_req, res, connection) => {
      open(res);
      if (connection === 1) {
        for (const id of [1, 2, 3]) res.write(frame(id, { id: String(id), toStatus: `S${id}` }));
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (connection === 2) {
        for (const id of [4, 5]) res.write(frame(id, { id: String(id), toStatus: `S${id}` }));
        res.end();
      } else {
        res.write(frame(6, { id: '6', toStatus: 'S6' }));
      }
    };
    const client = createClient({ baseUrl, auth: 'watch-token' });
    const controller = new AbortController();
    const seen: ApplicationEvent[] = [];
    const error = await (async () => {
      for await (const event of client.approvals.watch('ZJD-440605124-2026-000123', { signal: controller.signal })) {
        seen.push(event);
        if (event.id === '6') controller.abort();
      }
    })().catch((e) => e);
    assert.ok(error instanceof AbortError, String(error));
    assert.deepEqual(seen.map((e) => e.id), ['1', '2', '3', '4', '5', '6']);
    assert.equal(seen[0]!.type, 'status');
    assert.equal(seen[5]!.data.toStatus, 'S6');
    assert.deepEqual(connections.map((c) => c.lastEventId), [undefined, '3', '5']);
    assert.ok(connections.every((c) => c.authorization === 'Bearer watch-token'));
  });

  it('treats a silent connection as dropped and resumes from the last event', async () => {
    connections = [];
    script = (_req, res, connection) => {
      open(res);
      res.write(frame(connection, { id: String(connection) }));
    };
    const client = createClient({ baseUrl });
    const seen: (string | undefined)[] = [];
    for await (const event of client.approvals.watch('A-1', { idleTimeout: 100, lastEventId: '0' })) {
      seen.push(event.id);
      if (seen.length === 3) break;
    }
    assert.deepEqual(seen, ['1', '2', '3']);
    assert.deepEqual(connections.map((c) => c.lastEventId), ['0', '1', '2']);
  });

  it('stops for good when a reconnection is refused', async () => {
    connections = [];
    script = (_req, res, connection) => {
      if (connection === 1) {
        open(res);
        res.end(frame(1, { id: '1' }));
      } else {
        res.writeHead(404, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'https://citybrain.nanhai.gov.cn/problems/not-found', title: '资源不存在', status: 404 }));
      }
    };
    const client = createClient({ baseUrl });
    const seen: (string | undefined)[] = [];
    const error = await (async () => {
      for await (const event of client.approvals.watch('A-1')) seen.push(event.id);
    })().catch((e) => e);
    assert.ok(error instanceof NotFoundError, String(error));
    assert.deepEqual(seen, ['1']);
    assert.equal(connections.length, 2);
  });

  describe('server-controlled timing is clamped', () => {
    /** Connections made while watching for `ms` a server that sends `retry: <retry>` and hangs up. */
    async function connectionsWithin(retry: string, ms: number, options: { maxReconnectDelay?: number } = {}): Promise<number> {
      connections = [];
      script = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`retry: ${retry}\n\n`);
      };
      const client = createClient({ baseUrl });
      const error = await (async () => {
        for await (const _event of client.approvals.watch('A-1', { ...options, maxReconnects: Infinity, signal: AbortSignal.timeout(ms) })) {
          assert.fail('no event was sent');
        }
      })().catch((e) => e);
      assert.ok(error instanceof AbortError, String(error));
      return connections.length;
    }

    it('waits at least the minimum after `retry: 0`', async () => {
      // Unclamped, this loop reconnected 358 times in 500 ms.
      assert.ok((await connectionsWithin('0', 600)) <= 4);
    });

    it('does not let `retry: 2^32` overflow the timer into a reconnect loop, nor exceed maxReconnectDelay', async () => {
      const count = await connectionsWithin('4294967296', 1_000, { maxReconnectDelay: 300 });
      assert.ok(count >= 2 && count <= 5, `${count} connections in 1 s with waits of 250–300 ms`);
    });

    it('gives up after 10 reconnections without an event by default, with a typed error', async () => {
      connections = [];
      script = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('retry: 0\n\n');
      };
      const client = createClient({ baseUrl });
      const error = await (async () => {
        for await (const _event of client.approvals.watch('A-1', { maxReconnectDelay: 250 })) assert.fail('no event was sent');
      })().catch((e) => e);
      assert.ok(error instanceof ReconnectLimitError, String(error));
      assert.equal(error.reconnects, 10);
      assert.equal(connections.length, 11);
    });
  });

  it('ends promptly on abort while waiting for events', async () => {
    script = (_req, res) => open(res);
    const client = createClient({ baseUrl });
    const started = Date.now();
    const error = await (async () => {
      for await (const _event of client.workorders.watch('GD-1', { signal: AbortSignal.timeout(100) })) {
        assert.fail('no event was sent');
      }
    })().catch((e) => e);
    assert.ok(error instanceof AbortError, String(error));
    assert.ok(Date.now() - started < 1000);
  });
});

describe('approvals.watch against the sandbox', () => {
  let sandbox: ClientTestSandbox;
  before(async () => {
    sandbox = await startClientSandbox();
  });
  after(() => sandbox.close());

  it('delivers the event of an action live, and replays a missed one from Last-Event-ID', async () => {
    const client = createClient({ baseUrl: sandbox.baseUrl, auth: await sandbox.token('demo-town-shishan') });
    const draft = await client.approvals.create({ ...applicationForm(), draft: true });
    const id = draft.id;

    const controller = new AbortController();
    const live = client.approvals.watch(id, { signal: controller.signal });
    const firstEvent = live.next();
    // The stream subscribes when its request arrives; give it that moment before acting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.approvals.act(id, { action: 'submit' });
    const { value: submitted } = await firstEvent;
    controller.abort();
    assert.equal(submitted?.type, 'status');
    assert.equal(submitted?.data.toStatus, 'SUBMITTED');

    // Nobody is watching while the application is withdrawn; resuming from the last seen id replays it.
    await client.approvals.act(id, { action: 'withdraw', reason: '申请人撤回，另行择址' });
    for await (const event of client.approvals.watch(id, { lastEventId: submitted!.id })) {
      assert.equal(event.data.action, 'withdraw');
      break;
    }
  });
});

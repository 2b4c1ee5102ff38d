/**
 * Paged helpers end whatever the server does: a scripted server on loopback hands out fresh cursors
 * with empty pages or repeats a cursor, and the sandbox has more pages than `maxPages` allows.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, PaginationError } from '../src/index.js';
import { startClientSandbox, type ClientTestSandbox } from './sandbox.js';

const isStop = (reason: PaginationError['reason'], pages: number) => (error: unknown) =>
  error instanceof PaginationError && error.reason === reason && error.pages === pages && error.url.endsWith('/approvals/applications');

describe('paged helpers against a server that never ends its listing', () => {
  let server: Server;
  let baseUrl: string;
  let nextCursor: (served: number) => string = String;
  let served = 0;
  before(async () => {
    server = createServer((_req, res) => {
      served += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [], page: { nextCursor: nextCursor(served), limit: 20 } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('stops with a PaginationError after three empty pages that each name a fresh cursor', async () => {
    served = 0;
    nextCursor = (n) => `fresh-${n}`;
    await assert.rejects(createClient({ baseUrl }).approvals.list().toArray(), isStop('empty-pages', 3));
    assert.equal(served, 3);
  });

  it('stops with a PaginationError when the server repeats a cursor', async () => {
    served = 0;
    nextCursor = (n) => (n === 1 ? 'a' : 'b');
    await assert.rejects(createClient({ baseUrl }).approvals.list().toArray(), isStop('repeated-cursor', 3));
  });
});

describe('maxPages against the sandbox', () => {
  let sandbox: ClientTestSandbox;
  before(async () => {
    sandbox = await startClientSandbox();
  });
  after(() => sandbox.close());

  it('fails the iteration once more pages remain than maxPages allows, after yielding those pages', async () => {
    const client = createClient({ baseUrl: sandbox.baseUrl, auth: await sandbox.token('demo-district') });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const application of client.approvals.list({ limit: 2 }, { maxPages: 2 })) seen.push(application);
    })().catch((e) => e);
    assert.ok(isStop('max-pages', 2)(error), String(error));
    assert.equal(seen.length, 4);
    assert.equal((await client.approvals.list({ limit: 2 }, { maxPages: 1 }).first()).items.length, 2);
  });
});

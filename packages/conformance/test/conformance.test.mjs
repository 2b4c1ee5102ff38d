/**
 * The conformance suite as a vendor runs it: the CLI in a child process against a real sandbox
 * (it must pass), and against the same sandbox behind a proxy that breaks one contract property at a
 * time (each must fail, naming the check) — so no check of the suite can pass vacuously.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSandboxProcess } from '../../../scripts/sandbox-process.mjs';

const bin = fileURLToPath(new URL('../bin/citybrain-conformance.mjs', import.meta.url));
const roles = fileURLToPath(new URL('../roles.sandbox.json', import.meta.url));

/** Runs the CLI; resolves with its exit code and output (the proxy below lives in this process). */
function conformance(baseUrl, ...extra) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '--base-url', baseUrl, '--config', roles, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The report line of one check and its reason line. */
const lineOf = (output, check) => {
  const lines = output.split('\n');
  const at = lines.findIndex((line) => line.includes(`  ${check}`));
  return at < 0 ? '' : `${lines[at]}\n${lines[at + 1] ?? ''}`;
};

/**
 * A proxy in front of the sandbox that hands each request and answer to `breakIt`, which may change
 * the request's URL or headers, or the answer's headers and body.
 */
async function brokenProxy(target) {
  let breakIt = () => {};
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = { url: new URL(req.url, target), headers: { ...req.headers }, method: req.method };
    delete request.headers.host;
    breakIt({ request });
    const upstream = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    if (upstream.headers.get('content-type')?.startsWith('text/event-stream')) {
      // An event stream never ends: pass it through as it comes, until the client hangs up.
      res.writeHead(upstream.status, { 'content-type': 'text/event-stream' });
      const reader = upstream.body.getReader();
      res.once('close', () => reader.cancel().catch(() => {}));
      for (let read = await reader.read(); !read.done; read = await reader.read().catch(() => ({ done: true }))) res.write(read.value);
      return;
    }
    const answer = { request, status: upstream.status, headers: Object.fromEntries(upstream.headers), body: Buffer.from(await upstream.arrayBuffer()).toString('utf8') };
    delete answer.headers['content-encoding'];
    delete answer.headers['content-length'];
    delete answer.headers['transfer-encoding'];
    breakIt({ request, answer });
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    set: (fn) => (breakIt = fn),
    close: () => new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    }),
  };
}

describe('citybrain-conformance', () => {
  let sandbox;
  let proxy;

  before(async () => {
    sandbox = await startSandboxProcess();
    proxy = await brokenProxy(sandbox.url);
  });
  after(async () => {
    await proxy?.close();
    await sandbox?.stop();
  });

  it('passes against the sandbox, running every check the demo roles allow', async () => {
    const { code, output } = await conformance(sandbox.url);
    assert.equal(code, 0, output);
    assert.match(output, /^\d+ passed, 0 failed, \d+ skipped$/m);
    for (const check of ['contract sweep as public', 'contract sweep as district', 'cursor paging listWorkOrders', 'cursor paging listGisFeatures',
      'problem+json on errors', 'region scope', 'masking for the village role', 'idempotent create']) {
      assert.match(lineOf(output, check), /✔ PASS/, `${check} ran and passed:\n${output}`);
    }
  });

  it('answers a usage error with the usage and exit code 2', async () => {
    const { code, output } = await conformance('not-a-url');
    assert.equal(code, 2);
    assert.match(output, /--base-url must be an http\(s\) URL/);
    assert.match(output, /Usage: citybrain-conformance/);
  });

  /** Each way of breaking the server, and the check that must then fail with its reason. */
  const breakages = [
    {
      what: 'one field of one response has the wrong type',
      check: 'contract sweep as public',
      reason: /listGisLayers → 200: \/numberMatched must be integer/,
      breakIt: ({ request, answer }) => {
        if (answer && request.url.pathname === '/api/v1/gis/layers' && answer.status === 200) {
          answer.body = JSON.stringify({ ...JSON.parse(answer.body), numberMatched: 'many' });
        }
      },
    },
    {
      what: 'problems are sent as plain JSON',
      check: 'problem+json on errors',
      reason: /not application\/problem\+json/,
      breakIt: ({ answer }) => {
        if (answer?.headers['content-type']?.startsWith('application/problem+json')) answer.headers['content-type'] = 'application/json';
      },
    },
    {
      what: 'the cursor is ignored, so every page is the first',
      check: 'cursor paging listWorkOrders',
      reason: /page 2 repeats/,
      breakIt: ({ request, answer }) => {
        if (!answer && request.url.pathname === '/api/v1/workorders') request.url.searchParams.delete('cursor');
      },
    },
    {
      what: 'the limit is not honoured',
      check: 'cursor paging listDatasetRows',
      reason: /page 1 has 4 items for limit=3/,
      breakIt: ({ request, answer }) => {
        if (!answer && request.url.pathname.endsWith('/rows') && request.url.searchParams.get('limit') === '3') request.url.searchParams.set('limit', '4');
      },
    },
    {
      what: 'X-Region-Code is ignored',
      check: 'region scope',
      reason: /narrowed to 440605124001 returns|asking for 440605011: answered 200/,
      breakIt: ({ request, answer }) => {
        if (!answer) delete request.headers['x-region-code'];
      },
    },
    {
      what: 'a masked phone number reaches the village in full',
      check: 'masking for the village role',
      reason: /reaches village unmasked \(phone\)/,
      breakIt: ({ answer }) => {
        if (answer?.request.url.pathname.endsWith('/rows')) answer.body = answer.body.replace(/"(1\d{2})\*{4}(\d{4})"/g, (_, head, tail) => `"${head}0000${tail}"`);
      },
    },
    {
      what: 'a replayed create does not say so',
      check: 'idempotent create',
      reason: /Idempotent-Replayed: null/,
      breakIt: ({ answer }) => {
        if (answer) delete answer.headers['idempotent-replayed'];
      },
    },
  ];

  for (const { what, check, reason, breakIt } of breakages) {
    it(`fails when ${what}`, async () => {
      proxy.set(breakIt);
      const { code, output } = await conformance(proxy.url);
      assert.equal(code, 1, output);
      const line = lineOf(output, check);
      assert.match(line, /✖ FAIL/, `${check} failed:\n${output}`);
      assert.match(line, reason);
      assert.match(output, /^\d+ passed, [1-9]\d* failed, \d+ skipped$/m);
    });
  }
});

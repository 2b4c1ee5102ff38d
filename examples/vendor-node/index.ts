/**
 * A vendor's integration with @citybrain/client, start to finish:
 *
 *   1. obtain a token as a town (OAuth2 client credentials, cached and renewed by the client);
 *   2. list the town's overdue homestead applications (cursor pages, iterated with `for await`);
 *   3. watch one application for status changes for a while (SSE, resumes after drops);
 *   4. stream a large dataset query to a CSV file with progress (never held in memory).
 *
 * Run against a sandbox (`npm start`):
 *   node --conditions=citybrain-source --import tsx examples/vendor-node/index.ts --base-url http://localhost:8080
 * (`--conditions=citybrain-source` makes the workspace's @citybrain/client resolve to its TypeScript
 * sources, so the example runs in the repository without a build; in your project drop it.)
 * Options: --client-id, --client-secret, --watch-seconds (default 20), --dataset (default: the largest
 * dataset the town may export), --out (default: <tmp>/citybrain-<dataset>.csv), --max-seconds (a hard
 * limit for the whole run, for CI: work still running then is stopped and the run ends successfully).
 */
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { AbortError, CityBrainError, createClient } from '@citybrain/client';
import { clientCredentials } from '@citybrain/client/node';

const { values: args } = parseArgs({
  options: {
    'base-url': { type: 'string', default: 'http://localhost:8080' },
    'client-id': { type: 'string', default: 'demo-town-shishan' },
    'client-secret': { type: 'string', default: 'demo-town-shishan-secret' },
    'watch-seconds': { type: 'string', default: '20' },
    dataset: { type: 'string' },
    out: { type: 'string' },
    'max-seconds': { type: 'string' },
  },
});

const maxSeconds = args['max-seconds'] ? Number(args['max-seconds']) : undefined;
/** Ends every call still running when the run's time is up. */
const runDeadline = maxSeconds ? AbortSignal.timeout(maxSeconds * 1000) : undefined;
const withinRun = (signal: AbortSignal) => (runDeadline ? AbortSignal.any([runDeadline, signal]) : signal);

const baseUrl = new URL('/api/v1', args['base-url']).toString();
const client = createClient({
  baseUrl,
  auth: clientCredentials({ tokenUrl: `${baseUrl}/auth/token`, clientId: args['client-id'], clientSecret: args['client-secret'] }),
  // Retries are worth seeing in a vendor's logs; failures reach the caller as typed errors anyway.
  logger: {
    warn: (_message, fields) => {
      if (fields.delayMs !== undefined) console.warn(`  (retrying ${fields.method} ${fields.url} after ${fields.status ?? fields.error} in ${fields.delayMs} ms)`);
    },
  },
});

async function whoAmI(): Promise<void> {
  const me = await client.auth.me({ signal: runDeadline });
  console.log(`Signed in as ${me.name} (${me.clientId}, role ${me.role}, region ${me.regionCode})`);
}

async function listOverdueApplications(): Promise<string | undefined> {
  console.log('\nOverdue homestead applications of the town:');
  let count = 0;
  let firstId: string | undefined;
  for await (const application of client.approvals.list({ overdue: true, limit: 100 }, { signal: runDeadline })) {
    count += 1;
    firstId ??= application.id;
    if (count <= 10) console.log(`  ${application.id}  ${application.villageName ?? application.villageCode}  ${application.statusLabel.zh}`);
  }
  console.log(count > 10 ? `  … ${count} in total` : `  ${count} in total`);
  return firstId ?? (await client.approvals.list({ limit: 1 }, { signal: runDeadline }).toArray(1))[0]?.id;
}

async function watchApplication(id: string): Promise<void> {
  const seconds = Number(args['watch-seconds']);
  console.log(`\nWatching ${id} for ${seconds} s:`);
  let events = 0;
  try {
    for await (const event of client.approvals.watch(id, { signal: withinRun(AbortSignal.timeout(seconds * 1000)) })) {
      events += 1;
      const { fromStatus, toStatus, actionLabel, at } = event.data;
      console.log(`  [${event.id}] ${at} ${actionLabel.zh}: ${fromStatus ?? '—'} → ${toStatus}`);
    }
  } catch (error) {
    // The time limit ends the watch by aborting it; that is the expected way out.
    if (!(error instanceof AbortError)) throw error;
  }
  console.log(`  ${events} event(s) received`);
}

async function largestExportableDataset(): Promise<{ id: string; name: string }> {
  let best: { id: string; name: string; rows: number } | undefined;
  for await (const dataset of client.data.datasets({}, { signal: runDeadline })) {
    if (dataset.access.export && (!best || dataset.rowCount > best.rows)) best = { id: dataset.id, name: dataset.name.zh, rows: dataset.rowCount };
  }
  if (!best) throw new Error('This client may not export any dataset');
  return best;
}

async function exportToCsv(): Promise<void> {
  const dataset = args.dataset ? { id: args.dataset, name: args.dataset } : await largestExportableDataset();
  const out = args.out ?? join(tmpdir(), `citybrain-${dataset.id}.csv`);
  const { count, exact } = await client.data.count(dataset.id, { mode: 'estimated' }, { signal: runDeadline });
  console.log(`\nExporting ${dataset.name} (${exact ? '' : '≈'}${count} rows in scope) to ${out}`);
  const exported = await client.data.export(dataset.id, { purpose: '供应商对接示例' }, { signal: runDeadline });

  let lines = 0;
  let bytes = 0;
  const countLines = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 0x0a) lines += 1;
      done(null, chunk);
    },
  });
  const rowsWritten = () => Math.max(0, lines - 1);
  const report = () =>
    process.stdout.write(`\r  ${rowsWritten()} rows, ${(bytes / 1048576).toFixed(1)} MiB${count ? ` (${Math.min(100, (rowsWritten() / count) * 100).toFixed(0)}%)` : ''}   `);
  const progress = setInterval(report, 500);
  try {
    await pipeline(Readable.fromWeb(exported.body as NodeReadableStream<Uint8Array>), countLines, createWriteStream(out));
    report();
    console.log(`\n  done: ${exported.filename ?? out}${exported.maskedColumns.length ? `, masked columns: ${exported.maskedColumns.join(', ')}` : ''}`);
  } catch (error) {
    if (!(runDeadline?.aborted)) throw error;
    report();
    console.log(`\n  stopped at the --max-seconds limit; ${out} holds the rows written so far`);
  } finally {
    clearInterval(progress);
  }
}

/** Runs one step; reaching the --max-seconds limit ends the run early but successfully. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (runDeadline?.aborted) {
      console.log(`\n${name}: stopped at the --max-seconds limit`);
      return undefined;
    }
    throw error;
  }
}

async function main(): Promise<void> {
  await step('sign-in', whoAmI);
  const applicationId = await step('overdue applications', listOverdueApplications);
  if (applicationId && !runDeadline?.aborted) await step('watch', () => watchApplication(applicationId));
  if (!runDeadline?.aborted) await step('CSV export', exportToCsv);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof CityBrainError) {
      console.error(`\n${error.name}: ${error.message}`);
      if (error.problem?.detail) console.error(`  ${error.problem.detail}`);
      if (error.requestId) console.error(`  request id: ${error.requestId} (quote it when asking the platform's operators)`);
    } else {
      console.error(error);
    }
    process.exit(1);
  },
);

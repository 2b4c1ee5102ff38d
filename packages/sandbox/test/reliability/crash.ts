/**
 * Concurrency and crashes (issue 10).
 *
 * - `parallelCreates`: N homestead applications and N work orders created at once (each with its own
 *   Idempotency-Key), plus N requests racing with one shared key: every acknowledged write exists
 *   exactly once, tracking numbers are unique, the shared key has exactly one effect.
 * - `crashRounds`: the sandbox runs as a child process on a SQLite file; while writes are in flight
 *   it is killed with SIGKILL. Then SQLite's `PRAGMA integrity_check` must say `ok`, and after a
 *   restart every application whose 201 had reached the client must be there, and replaying every
 *   key that was sent (answered or not) must not create a second record for any of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { callTestHook } from '../harness.js';
import { killHard, startSandboxChild as startChild, stopGracefully, type SandboxChild as Child } from './child.js';
import { applicationBody, http, mapLimit, pinClock, Tally, tokenFor, workOrderBody, type JsonObject } from './support.js';

export const CONCURRENCY_FIGURES = ['creates', 'acknowledged', 'lost', 'duplicated', 'shared-key-effects', 'violations'] as const;
export const CRASH_FIGURES = ['kills', 'writes-sent', 'acknowledged', 'lost', 'duplicated', 'integrity-ok', 'violations'] as const;

function marked(body: JsonObject, marker: string, kind: 'application' | 'workorder'): JsonObject {
  const copy = structuredClone(body);
  if (kind === 'application') (copy.qt as JsonObject).sqly = `家庭人口增加，申请新建住房 ${marker}`;
  else copy.content = `${copy.content as string} ${marker}`;
  return copy;
}

export async function parallelCreates(baseUrl: string, count = 100): Promise<Tally> {
  const tally = new Tally();
  const api = `${baseUrl}/api/v1`;
  const token = await tokenFor(baseUrl, 'demo-district');
  const run = `p${Date.now().toString(36)}`;
  const post = (path: string, body: JsonObject, key: string) =>
    http(`${api}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });

  for (const [kind, path] of [['application', '/approvals/applications'], ['workorder', '/workorders']] as const) {
    const base = kind === 'application' ? applicationBody() : workOrderBody();
    const results = await Promise.all(Array.from({ length: count }, (_v, i) => post(path, marked(base, `${run}-${kind}-${i}`, kind), `${run}-${kind}-${i}`)));
    tally.add('creates', count);
    const ids = new Set<string>();
    const numbers = new Set<string>();
    for (const [i, res] of results.entries()) {
      if (res.status !== 201) {
        tally.fail(`${kind} ${i}: ${res.status} ${res.text.slice(0, 200)}`);
        continue;
      }
      tally.add('acknowledged');
      const body = res.body as { id: string; trackingNo?: string; orderNo?: string };
      if (ids.has(body.id)) {
        tally.add('duplicated');
        tally.fail(`${kind} ${i}: id ${body.id} given twice`);
      }
      ids.add(body.id);
      numbers.add(body.trackingNo ?? body.orderNo ?? body.id);
    }
    if (numbers.size !== ids.size) tally.fail(`${kind}: ${ids.size} ids but ${numbers.size} distinct numbers`);
    // Every acknowledged record reads back, once, with its own marker.
    await mapLimit([...results.entries()], 16, async ([i, res]) => {
      if (res.status !== 201) return;
      const id = (res.body as { id: string }).id;
      const read = await http(`${api}${kind === 'application' ? '/approvals/applications' : '/workorders'}/${id}`, { headers: { authorization: `Bearer ${token}` } });
      if (read.status !== 200 || !read.text.includes(`${run}-${kind}-${i}`)) {
        tally.add('lost');
        tally.fail(`${kind} ${i} (${id}) does not read back: ${read.status}`);
      }
    });
    // One key, N racing requests: one effect, one record, every answer the same.
    const shared = `${run}-${kind}-shared`;
    const racing = await Promise.all(Array.from({ length: count }, () => post(path, marked(base, shared, kind), shared)));
    const sharedIds = new Set(racing.filter((r) => r.status === 201).map((r) => (r.body as { id: string }).id));
    if (sharedIds.size !== 1 || racing.some((r) => r.status !== 201)) tally.fail(`${kind}: ${count} requests with one key gave ids ${[...sharedIds].join(',')} and statuses ${[...new Set(racing.map((r) => r.status))].join(',')}`);
    const stats = await callTestHook<{ effects: Record<string, number> }>(baseUrl, 'stats');
    tally.add('shared-key-effects', stats.effects[shared] ?? 0);
    if (stats.effects[shared] !== 1) tally.fail(`${kind}: the shared key had ${stats.effects[shared]} effects`);
    for (let i = 0; i < count; i += 1) {
      if (results[i]!.status === 201 && stats.effects[`${run}-${kind}-${i}`] !== 1) tally.fail(`${kind} ${i}: ${stats.effects[`${run}-${kind}-${i}`]} effects`);
    }
  }
  return tally;
}

// --- crashes ----------------------------------------------------------------------------------------

/** SQLite's own verdict on the file, opened as the next start would (the WAL is recovered). */
function integrityCheck(dbPath: string): string {
  const db = new Database(dbPath);
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

export interface CrashOptions {
  rounds: number;
  /** Writers in flight when the kill comes. */
  writers?: number;
  /** Kill after this many acknowledged writes in the round (plus a random few milliseconds). */
  killAfterAcks?: number;
  log?: (line: string) => void;
}

export async function crashRounds(options: CrashOptions): Promise<Tally> {
  const tally = new Tally();
  const dir = mkdtempSync(join(tmpdir(), 'citybrain-crash-'));
  const dbPath = join(dir, 'sandbox.db');
  const writers = options.writers ?? 12;
  const killAfterAcks = options.killAfterAcks ?? 40;
  const log = options.log ?? (() => undefined);
  const sent: { key: string; body: JsonObject }[] = [];
  const acknowledged = new Map<string, string>();
  let child: Child | undefined;
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      const started = Date.now();
      child = await startChild(dbPath);
      log(`round ${round + 1}: sandbox up in ${Date.now() - started} ms`);
      await pinClock(child.url);
      const token = await tokenFor(child.url, 'demo-district');
      // Everything acknowledged before (in any earlier round) must have survived every kill since.
      await verifyAcknowledged(child.url, token, acknowledged, tally);

      let acks = 0;
      let killed = false;
      let killing: Promise<void> | undefined;
      const current = child;
      const writer = async (w: number) => {
        for (let i = 0; !killed; i += 1) {
          const key = `crash-r${round}-w${w}-${i}`;
          const body = marked(applicationBody(), key, 'application');
          sent.push({ key, body });
          tally.add('writes-sent');
          const res = await http(`${current.url}/api/v1/approvals/applications`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify(body),
          });
          if (res.status === 201) {
            acknowledged.set(key, (res.body as { id: string }).id);
            tally.add('acknowledged');
            acks += 1;
            if (acks === killAfterAcks && !killing) {
              // Mid-stream: the other writers have requests in flight right now.
              killing = new Promise<void>((resolve) => setTimeout(resolve, Math.floor(Math.random() * 15))).then(() => {
                killed = true;
                return killHard(current);
              });
            }
          } else if (res.status !== 0) {
            tally.fail(`round ${round + 1}: create ${key} → ${res.status} ${res.text.slice(0, 200)}`);
            killed = true;
          } else if (!killing) {
            tally.fail(`round ${round + 1}: connection lost before the kill: ${res.text}`);
            killed = true;
          }
        }
      };
      await Promise.all(Array.from({ length: writers }, (_v, w) => writer(w)));
      await (killing ?? killHard(current));
      tally.add('kills');
      const verdict = integrityCheck(dbPath);
      if (verdict === 'ok') tally.add('integrity-ok');
      else tally.fail(`round ${round + 1}: PRAGMA integrity_check after SIGKILL: ${verdict}`);
      log(`round ${round + 1}: killed after ${acks} acknowledged writes; integrity_check ${verdict}`);
    }

    // The last restart: nothing acknowledged is lost, and replaying every key sent creates nothing new.
    child = await startChild(dbPath);
    await pinClock(child.url);
    const token = await tokenFor(child.url, 'demo-district');
    await verifyAcknowledged(child.url, token, acknowledged, tally);
    const ids = new Map<string, string>();
    await mapLimit(sent, 8, async ({ key, body }) => {
      const res = await http(`${child!.url}/api/v1/approvals/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) return tally.fail(`replaying ${key} → ${res.status} ${res.text.slice(0, 200)}`);
      const id = (res.body as { id: string }).id;
      ids.set(key, id);
      const before = acknowledged.get(key);
      if (before && before !== id) {
        tally.add('duplicated');
        tally.fail(`replaying acknowledged ${key} created ${id} beside ${before}`);
      } else if (before && res.headers.get('idempotent-replayed') !== 'true') {
        tally.fail(`replaying acknowledged ${key} was not answered as a replay`);
      }
    });
    // Each key's marker is in exactly one application.
    const counts = await countMarkers(child.url, token, sent.map((s) => s.key));
    for (const { key } of sent) {
      const n = counts.get(key) ?? 0;
      if (n > 1) {
        tally.add('duplicated');
        tally.fail(`${key} is in ${n} applications`);
      } else if (n === 0) tally.fail(`${key} is in no application after its replay`);
    }
    await stopGracefully(child);
    const verdict = integrityCheck(dbPath);
    if (verdict !== 'ok') tally.fail(`after the final stop: integrity_check ${verdict}`);
    child = undefined;
  } finally {
    if (child) await killHard(child);
    rmSync(dir, { recursive: true, force: true });
  }
  return tally;
}

async function verifyAcknowledged(url: string, token: string, acknowledged: Map<string, string>, tally: Tally) {
  await mapLimit([...acknowledged], 8, async ([key, id]) => {
    const res = await http(`${url}/api/v1/approvals/applications/${id}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200 || !res.text.includes(key)) {
      tally.add('lost');
      tally.fail(`acknowledged ${key} (${id}) is gone after the restart: ${res.status}`);
    }
  });
}

/** How many applications carry each marker, read page by page through the API. */
async function countMarkers(url: string, token: string, markers: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const wanted = new Set(markers);
  let cursor: string | null = null;
  do {
    const page = await http(`${url}/api/v1/approvals/applications?villageCode=440605124201&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = page.body as { items: { id: string }[]; page: { nextCursor: string | null } };
    await mapLimit(body.items, 8, async (item) => {
      const detail = await http(`${url}/api/v1/approvals/applications/${item.id}`, { headers: { authorization: `Bearer ${token}` } });
      const marker = /crash-r\d+-w\d+-\d+/.exec(detail.text)?.[0];
      if (marker && wanted.has(marker)) counts.set(marker, (counts.get(marker) ?? 0) + 1);
    });
    cursor = body.page.nextCursor;
  } while (cursor);
  return counts;
}

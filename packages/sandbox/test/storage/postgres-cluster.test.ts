/**
 * The private test clusters of scripts/postgres-cluster.mjs: a test process killed before it could
 * stop its cluster (a timeout, a signal) leaves the server running; the next cluster started on the
 * machine stops it and removes its directory.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgresCluster } from '../../../../scripts/postgres-cluster.mjs';

const SCRIPT = new URL('../../../../scripts/postgres-cluster.mjs', import.meta.url).pathname;

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** The directory of the cluster started by process `pid` (clusters of other test processes may run beside it). */
function clusterDirOf(pid: number): string | undefined {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith('citybrain-postgres-'))
    .map((name) => join(tmpdir(), name))
    .find((dir) => {
      try {
        return readFileSync(join(dir, 'owner.pid'), 'utf8') === String(pid);
      } catch {
        return false;
      }
    });
}

describe('private PostgreSQL clusters', () => {
  let cluster: Awaited<ReturnType<typeof startPostgresCluster>> | undefined;
  after(async () => cluster?.stop());

  it('stops and removes the cluster of a process that died without stopping it', async () => {
    const owner = spawn(process.execPath, [SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
    let printed = '';
    owner.stdout.setEncoding('utf8');
    while (!printed.includes('\n')) printed += (await once(owner.stdout, 'data'))[0];
    const orphanUrl = printed.trim();
    const port = new URL(orphanUrl).port;
    const orphanDir = clusterDirOf(owner.pid!);
    assert.ok(orphanDir, 'the cluster directory names its process');
    assert.ok(await answers(orphanUrl), 'the cluster runs while its process lives');
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    assert.ok(await answers(orphanUrl), 'a killed process leaves its cluster running');

    cluster = await startPostgresCluster();
    assert.equal(await answers(orphanUrl), false, `the orphan on port ${port} is stopped`);
    assert.equal(existsSync(orphanDir), false, `${orphanDir} is removed`);
  });
});

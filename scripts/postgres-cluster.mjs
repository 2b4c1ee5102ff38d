/**
 * A private PostgreSQL 15 + PostGIS 3 cluster (Debian's `postgresql-15` and `postgresql-15-postgis-3`)
 * on a free loopback port with its own data directory, for tests and benchmarks:
 *
 *   const cluster = await startPostgresCluster();   // { url, port, psql, createDatabase, stop }
 *   const url = await cluster.createDatabase();      // a fresh database with PostGIS
 *
 * Run as root (CI, containers), the cluster belongs to the `postgres` user, as Debian's packages
 * expect. Durability is off (`fsync=off`): the data lives as long as the test. A missing PostgreSQL
 * is an error with the install command.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const POSTGRES_INSTALL_HINT =
  'PostgreSQL with PostGIS not found: install them (Debian/Ubuntu: sudo apt-get install -y postgresql-15 postgresql-15-postgis-3) or set PG_BIN to the directory of initdb and pg_ctl.';

export function findPgBin() {
  return [process.env.PG_BIN, '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'].find((dir) => dir && existsSync(join(dir, 'initdb'))) ?? null;
}

export const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

const CLUSTER_PREFIX = 'citybrain-postgres-';
/** The process a cluster's directory belongs to: a cluster whose process is gone is an orphan. */
const OWNER_FILE = 'owner.pid';

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Stops the clusters whose owning process is gone (a test run killed by a timeout or a signal never
 * calls `stop`) and removes their directories, so a machine running tests does not collect servers.
 * A cluster without an owner file (one still being made, or made by an older version) is left alone.
 */
async function stopOrphanedClusters(bin, asPg) {
  for (const name of readdirSync(tmpdir()).filter((entry) => entry.startsWith(CLUSTER_PREFIX))) {
    const dir = join(tmpdir(), name);
    let owner;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue;
    }
    if (!Number.isSafeInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    if (existsSync(join(dir, 'data', 'postmaster.pid'))) await asPg(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {{ settings?: Record<string, string | number> }} [options] extra server settings (`max_connections`, …) */
export async function startPostgresCluster(options = {}) {
  const bin = findPgBin();
  if (!bin || !existsSync('/usr/bin/psql')) throw new Error(POSTGRES_INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), CLUSTER_PREFIX));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  const asRoot = process.getuid?.() === 0;
  // initdb and the server refuse to run as root: they run as `postgres`, which must own the directory.
  if (asRoot) chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout), Number((await run('id', ['-g', 'postgres'])).stdout));
  const asPg = (command, args) => (asRoot ? run('su', ['postgres', '-s', '/bin/sh', '-c', [command, ...args].map((part) => `'${part}'`).join(' ')]) : run(command, args));
  await stopOrphanedClusters(bin, asPg);
  const port = await freePort();
  const settings = { listen_addresses: '127.0.0.1', fsync: 'off', max_connections: 200, ...options.settings };
  const serverOptions = [`-p ${port} -k ${dir}`, ...Object.entries(settings).map(([key, value]) => `-c ${key}=${value}`)].join(' ');
  await asPg(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'cb', '-E', 'UTF8', '--no-sync']);
  await asPg(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-o', serverOptions, '-l', join(dir, 'log'), '-w', 'start']);
  const stopCluster = () => asPg(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']).catch(() => undefined);
  const urlOf = (database) => `postgres://cb@127.0.0.1:${port}/${database}`;
  const psql = (sql, database = 'postgres') =>
    run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'cb', '-d', database, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], { maxBuffer: 64 * 1024 * 1024 });
  try {
    // A template with PostGIS, so each test's database is a cheap copy.
    await psql('CREATE DATABASE citybrain_template');
    await psql('CREATE EXTENSION postgis', 'citybrain_template');
  } catch (error) {
    await stopCluster();
    throw error;
  }
  return {
    port,
    url: urlOf('postgres'),
    connection: { host: '127.0.0.1', port, user: 'cb', database: 'postgres' },
    psql,
    /** A new, empty database with PostGIS; returns its URL. */
    async createDatabase(name = `citybrain_${randomBytes(6).toString('hex')}`) {
      await psql(`CREATE DATABASE ${name} TEMPLATE citybrain_template`);
      return urlOf(name);
    },
    async stop() {
      await stopCluster();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh database with PostGIS on the cluster of `adminUrl` (a copy of the cluster's PostGIS
 * template), for a test's own sandbox when `CITYBRAIN_TEST_POSTGRES_URL` names a running cluster.
 */
export async function createDatabaseOn(adminUrl) {
  const { default: pg } = await import('pg');
  const name = `citybrain_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE citybrain_template`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops a database made by `createDatabaseOn` on the cluster of `adminUrl`, so a long test run does
 * not pile them up. Connections still open on it (a pool closing late) are ended with it (FORCE).
 */
export async function dropDatabaseOn(adminUrl, databaseUrl) {
  const { default: pg } = await import('pg');
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!/^citybrain_[0-9a-f]{12}$/.test(name)) throw new Error(`refusing to drop ${name}: not a database made by createDatabaseOn`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

// `node scripts/postgres-cluster.mjs`: a cluster for running tests by hand, e.g.
//   CITYBRAIN_TEST_POSTGRES_URL=<printed url> node --conditions=citybrain-source --import tsx --test packages/sandbox/test/approvals.test.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  const cluster = await startPostgresCluster();
  console.log(cluster.url);
  const stop = () => cluster.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}

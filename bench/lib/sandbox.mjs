/**
 * The sandbox for benchmarks: a real server in a child process on a free loopback port (like
 * scripts/sandbox-process.mjs), optionally with a chosen number of parcels (see sandbox-sizes.mjs)
 * and a database file under bench/.cache so a big seed is made once.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cacheRoot, repoRoot } from './build.mjs';

const preload = fileURLToPath(new URL('./sandbox-sizes.mjs', import.meta.url));

/**
 * @param {{ parcels?: number, db?: string, env?: Record<string, string> }} [options]
 *   db: a file name under bench/.cache, or ':memory:' (default)
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export function startBenchSandbox({ parcels, db = ':memory:', env = {} } = {}) {
  if (db !== ':memory:') mkdirSync(cacheRoot, { recursive: true });
  const child = spawn(
    process.execPath,
    ['--conditions=citybrain-source', '--import', 'tsx', '--import', preload, 'packages/sandbox/src/cli.ts'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CITYBRAIN_REPO_ROOT: repoRoot,
        CITYBRAIN_HOST: '127.0.0.1',
        CITYBRAIN_PORT: '0',
        CITYBRAIN_DB: db === ':memory:' ? db : `${cacheRoot}${db}`,
        CITYBRAIN_SEED_SIZE: 'small',
        CITYBRAIN_SIMULATE: 'off',
        CITYBRAIN_CONTRACT_CHECK: 'off',
        CITYBRAIN_LOG_LEVEL: 'warn',
        ...(parcels ? { CITYBRAIN_BENCH_PARCELS: String(parcels) } : {}),
        ...env,
      },
    },
  );
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  process.once('exit', () => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 600 s:\n${output}`)), 600_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /running on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], stop });
      }
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** An access token of the district data officer (sees internal layers). */
export async function districtToken(url) {
  const res = await fetch(`${url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=demo-district&client_secret=demo-district-secret',
  });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  return (await res.json()).access_token;
}

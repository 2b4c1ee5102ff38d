/**
 * Runs the sandbox in a child process for browser tests, end-to-end tests and benchmarks
 * (bench/lib/sandbox.mjs): a real server on a free loopback port, small seed and in-memory database
 * unless told otherwise — or, when `CITYBRAIN_TEST_POSTGRES_URL` names a cluster (`npm test`'s
 * PostgreSQL stage), a fresh database on it, as the sandbox's own test harness does.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDatabaseOn, dropDatabaseOn } from './postgres-cluster.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * @param {Record<string, string>} [env] extra CITYBRAIN_* settings
 * @param {{ preload?: string[], readyTimeoutMs?: number, echoStderr?: boolean }} [options]
 *   preload: modules imported before the server (`--import`); readyTimeoutMs: how long a (big) seed
 *   may take; echoStderr: pass the server's stderr through (else it only appears if the start fails)
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startSandboxProcess(env = {}, { preload = [], readyTimeoutMs = 120_000, echoStderr = true } = {}) {
  const cluster = process.env.CITYBRAIN_TEST_POSTGRES_URL;
  const store = cluster && !env.CITYBRAIN_DATABASE_URL && !env.CITYBRAIN_DB ? { CITYBRAIN_DATABASE_URL: await createDatabaseOn(cluster) } : {};
  const child = spawn(
    process.execPath,
    ['--conditions=citybrain-source', '--import', 'tsx', ...preload.flatMap((module) => ['--import', module]), 'packages/sandbox/src/cli.ts'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CITYBRAIN_REPO_ROOT: root,
        CITYBRAIN_HOST: '127.0.0.1',
        CITYBRAIN_PORT: '0',
        CITYBRAIN_DB: ':memory:',
        CITYBRAIN_SEED_SIZE: 'small',
        CITYBRAIN_SIMULATE: 'off',
        CITYBRAIN_CONTRACT_CHECK: 'on',
        CITYBRAIN_LOG_LEVEL: 'warn',
        ...store,
        ...env,
      },
    },
  );
  const exited = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  // The database made here for the child goes with it, as the sandbox test harness's does.
  const stop = () => exited().then(() => store.CITYBRAIN_DATABASE_URL && dropDatabaseOn(cluster, store.CITYBRAIN_DATABASE_URL));
  process.once('exit', () => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in ${readyTimeoutMs / 1000} s:\n${output}`)), readyTimeoutMs);
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
      if (echoStderr) process.stderr.write(chunk);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/**
 * The sandbox for benchmarks: scripts/sandbox-process.mjs's child process, optionally with a chosen
 * number of parcels (see sandbox-sizes.mjs) and a database file under bench/.cache so a big seed is
 * made once. The contract check is off: it would measure the response validator, not the server.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSandboxProcess } from '../../scripts/sandbox-process.mjs';
import { cacheRoot } from './build.mjs';

const preload = fileURLToPath(new URL('./sandbox-sizes.mjs', import.meta.url));

/**
 * @param {{ parcels?: number, db?: string, env?: Record<string, string> }} [options]
 *   db: a file name under bench/.cache, or ':memory:' (default)
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export function startBenchSandbox({ parcels, db = ':memory:', env = {} } = {}) {
  if (db !== ':memory:') mkdirSync(cacheRoot, { recursive: true });
  return startSandboxProcess(
    {
      CITYBRAIN_DB: db === ':memory:' ? db : `${cacheRoot}${db}`,
      CITYBRAIN_CONTRACT_CHECK: 'off',
      ...(parcels ? { CITYBRAIN_BENCH_PARCELS: String(parcels) } : {}),
      ...env,
    },
    { preload: parcels ? [preload] : [], readyTimeoutMs: 600_000, echoStderr: false },
  );
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

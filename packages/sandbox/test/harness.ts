import { createDatabaseOn, dropDatabaseOn } from '../../../scripts/postgres-cluster.mjs';
import { startSandbox, type RunningSandbox } from '../src/server.js';
import type { SandboxConfig } from '../src/config.js';

export interface TestSandbox extends RunningSandbox {
  /** A bearer token for one of the demo clients (docs/sandbox-conventions.md). */
  token(clientId: string): Promise<string>;
  /** `fetch` against the sandbox's API: `api('/regions')` → `${url}/api/v1/regions`. */
  api(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  /** Calls a test hook (`/__sandbox/<hook>`) as the district administrator; see `callTestHook`. */
  hook<T = unknown>(hook: TestHook, body?: object): Promise<T>;
}

/**
 * A fresh database with PostGIS on the cluster of `CITYBRAIN_TEST_POSTGRES_URL` (a private cluster
 * from scripts/postgres-cluster.mjs, which `npm test` starts for its PostgreSQL stage).
 */
export const createTestDatabase = createDatabaseOn;

/** Drops a database made by `createTestDatabase` (the harness drops those it makes itself). */
export const dropTestDatabase = dropDatabaseOn;

/**
 * A real sandbox on loopback for tests: small seed, throwaway in-memory database unless a path is
 * given (or a fresh PostgreSQL database when `CITYBRAIN_TEST_POSTGRES_URL` names a cluster, dropped
 * again by `close`), quiet logs, the contract check on (any response that violates openapi/ becomes a 500) and the test hooks
 * on (clock, fault and effect counters; district administrator only).
 */
export async function startTestSandbox(overrides: Partial<SandboxConfig> = {}): Promise<TestSandbox> {
  const postgres = process.env.CITYBRAIN_TEST_POSTGRES_URL;
  const ownDatabase = overrides.databaseUrl !== undefined || !postgres || overrides.dbPath ? null : await createTestDatabase(postgres);
  const databaseUrl = ownDatabase ?? overrides.databaseUrl ?? null;
  // The database made here goes when the sandbox stops (or fails to start); one a test passes in is the test's.
  const dropOwnDatabase = () => (ownDatabase ? dropTestDatabase(postgres!, ownDatabase) : Promise.resolve());
  const sandbox = await startSandbox(
    { host: '127.0.0.1', port: 0, dbPath: ':memory:', seedSize: 'small', simulate: false, contractCheck: true, testHooks: true, logLevel: 'silent', ...overrides, databaseUrl },
    {},
  ).catch(async (error: unknown) => {
    await dropOwnDatabase();
    throw error;
  });
  const api: TestSandbox['api'] = (path, init = {}) => {
    const { token, headers, ...rest } = init;
    const merged = new Headers(headers);
    if (token) merged.set('authorization', `Bearer ${token}`);
    return fetch(`${sandbox.url}/api/v1${path}`, { ...rest, headers: merged });
  };
  return {
    ...sandbox,
    close: async () => {
      await sandbox.close();
      await dropOwnDatabase();
    },
    api,
    token: (clientId) => tokenFor(sandbox.url, clientId),
    hook: (hook, body) => callTestHook(sandbox.url, hook, body),
  };
}

/** A bearer token for one demo client of the sandbox at `baseUrl` (docs/sandbox-conventions.md). */
export async function tokenFor(baseUrl: string, clientId: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` }),
  });
  if (!res.ok) throw new Error(`token for ${clientId}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export type TestHook = 'stats' | 'reset-stats' | 'clock';

/**
 * A test hook of a sandbox started with `testHooks` (CITYBRAIN_TEST_HOOKS=on): `stats` is a GET, the
 * others POST `body`. Each call takes a fresh district token, so it works whatever the clock says.
 */
export async function callTestHook<T = unknown>(baseUrl: string, hook: TestHook, body?: object): Promise<T> {
  const token = await tokenFor(baseUrl, 'demo-district');
  const post = hook !== 'stats';
  const res = await fetch(`${baseUrl}/__sandbox/${hook}`, {
    method: post ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${token}`, ...(post ? { 'content-type': 'application/json' } : {}) },
    body: post ? JSON.stringify(body ?? {}) : undefined,
  });
  if (!res.ok) throw new Error(`test hook ${hook}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

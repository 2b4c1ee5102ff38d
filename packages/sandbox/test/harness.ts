import { startSandbox, type RunningSandbox } from '../src/server.js';
import type { SandboxConfig } from '../src/config.js';

export interface TestSandbox extends RunningSandbox {
  /** A bearer token for one of the demo clients (docs/sandbox-conventions.md). */
  token(clientId: string): Promise<string>;
  /** `fetch` against the sandbox's API: `api('/regions')` → `${url}/api/v1/regions`. */
  api(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
}

/**
 * A real sandbox on loopback for tests: small seed, throwaway in-memory database unless a path is
 * given, quiet logs, and the contract check on (any response that violates openapi/ becomes a 500).
 */
export async function startTestSandbox(overrides: Partial<SandboxConfig> = {}): Promise<TestSandbox> {
  const sandbox = await startSandbox(
    { host: '127.0.0.1', port: 0, dbPath: ':memory:', seedSize: 'small', simulate: false, contractCheck: true, logLevel: 'silent', ...overrides },
    {},
  );
  const api: TestSandbox['api'] = (path, init = {}) => {
    const { token, headers, ...rest } = init;
    const merged = new Headers(headers);
    if (token) merged.set('authorization', `Bearer ${token}`);
    return fetch(`${sandbox.url}/api/v1${path}`, { ...rest, headers: merged });
  };
  return {
    ...sandbox,
    api,
    async token(clientId) {
      const response = await api('/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` }),
      });
      if (!response.ok) throw new Error(`token for ${clientId}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
  };
}

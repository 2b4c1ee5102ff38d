/**
 * Browser tests run against a real sandbox (started by web-test-runner.config.mjs on loopback,
 * small seed, in-memory database); its URL reaches the page as `window.CITYBRAIN_SANDBOX_URL`.
 */
declare global {
  interface Window {
    CITYBRAIN_SANDBOX_URL?: string;
  }
}

export function sandboxUrl(): string {
  const url = window.CITYBRAIN_SANDBOX_URL;
  if (!url) throw new Error('No sandbox: run the browser tests through `npm run test:browser` (web-test-runner.config.mjs starts one).');
  return url;
}

/** A short-lived bearer token of a demo client (docs/sandbox-conventions.md), as a host page's token service would hand out. */
export async function sandboxToken(clientId: string): Promise<string> {
  const response = await fetch(`${sandboxUrl()}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` }),
  });
  if (!response.ok) throw new Error(`token for ${clientId}: HTTP ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Records the requests the client sends while the real sandbox answers them; `restore()` puts fetch back. */
export function recordFetch(): { requests: Request[]; restore: () => void } {
  const original = window.fetch;
  const requests: Request[] = [];
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    // A clone, so the body stays unread for the real request.
    requests.push(input instanceof Request ? input.clone() : new Request(input, init));
    return original(input, init);
  };
  return { requests, restore: () => (window.fetch = original) };
}

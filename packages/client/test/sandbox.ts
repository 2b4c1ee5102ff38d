/**
 * The real sandbox on loopback for client tests (packages/sandbox/test/harness.ts), plus what the
 * tests observe it with: fault and effect counters, and a fetch that counts what actually left.
 */
import { startTestSandbox, type TestSandbox } from '../../sandbox/test/harness.js';
import { createClient, type CityBrainClient, type ClientOptions } from '../src/index.js';

export interface SandboxStats {
  faults: Record<string, number>;
  effects: Record<string, number>;
  unimplemented: string[];
}

export interface ClientTestSandbox extends TestSandbox {
  /** API root for `createClient({ baseUrl })`. */
  baseUrl: string;
  stats(): Promise<SandboxStats>;
}

export async function startClientSandbox(overrides: Parameters<typeof startTestSandbox>[0] = {}): Promise<ClientTestSandbox> {
  const sandbox = await startTestSandbox(overrides);
  return Object.assign(sandbox, {
    baseUrl: `${sandbox.url}/api/v1`,
    stats: () => sandbox.hook<SandboxStats>('stats'),
  });
}

/** A fetch that records each request it sends (method, URL, headers) before sending it for real. */
export function recordingFetch(): { fetch: typeof fetch; sent: Request[] } {
  const sent: Request[] = [];
  return {
    sent,
    fetch: (input, init) => {
      const request = new Request(input, init);
      sent.push(request.clone());
      return fetch(request);
    },
  };
}

/** A fault directive unique to one test, so keyed `times=N` counters never collide. */
let faultSerial = 0;
export function faultKey(label: string): string {
  faultSerial += 1;
  return `${label}-${process.pid}-${faultSerial}`;
}

/** Short waits keep the suites quick; the retry policy under test is the same at any scale. */
export const FAST_RETRY = { baseDelay: 20, maxDelay: 100 };

/** A client of `sandbox` with fast retries that records every request it sends. */
export function recordingClient(sandbox: ClientTestSandbox, options: Partial<ClientOptions> = {}): { client: CityBrainClient; sent: Request[] } {
  const recorder = recordingFetch();
  const client = createClient({ baseUrl: sandbox.baseUrl, retry: FAST_RETRY, fetch: recorder.fetch, ...options });
  return { client, sent: recorder.sent };
}

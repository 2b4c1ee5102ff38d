/**
 * A closed-loop load generator: `clients` virtual clients, each sending its next request as soon as
 * the previous one is answered, for a fixed time (or until a number of requests), over keep-alive
 * connections (node:http, as wrk or autocannon would: the load generator shares the 2 cores with the
 * servers, and Node's fetch cost ≈ 3× the CPU per request and decoded every gzip tile body that a
 * browser would decode on the reader's phone, not on the server). Requests go round-robin across
 * the instances' base URLs, one instance per client in turn, as a load balancer without affinity
 * would spread them.
 *
 * A workload is `async (target, client) => tag`: it makes one request against `target` (an instance:
 * `{ url, token }`), reads the whole body, throws on a failure, and returns a tag (e.g. `cold`/`warm`)
 * under which its latency is also counted. `client` is the virtual client's own state object.
 */
import { Agent, get as httpGet } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { quantile } from '../lib/stats.mjs';

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** Latency quantiles (ms) and throughput of a set of samples measured over `seconds`. */
export function latencySummary(latencies, seconds) {
  // A loop, not Math.max(...latencies): a cached tile answers ≈ 10,000 times a second, and a spread of
  // that many arguments overflows the stack.
  let max = -Infinity;
  for (const ms of latencies) if (ms > max) max = ms;
  return {
    requests: latencies.length,
    perSecond: seconds > 0 ? latencies.length / seconds : NaN,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    max: latencies.length ? max : NaN,
  };
}

/**
 * @param {(target: { url: string, token?: string }, client: Record<string, unknown>) => Promise<string | void>} workload
 * @param {{ targets: { url: string, token?: string }[], clients?: number, durationMs?: number, requests?: number }} options
 *   stops after durationMs or after `requests` requests in all, whichever comes first
 * @returns {Promise<{ clients: number, seconds: number, ok: number, failed: number, errors: string[], perSecond: number,
 *   p50: number, p95: number, p99: number, max: number, byTag: Record<string, ReturnType<typeof latencySummary>> }>}
 */
export async function runLoad(workload, { targets, clients = 50, durationMs = 10_000, requests = Infinity }) {
  if (!targets.length) throw new Error('runLoad: no targets');
  const latencies = [];
  const tagged = new Map();
  const errors = new Map();
  let started = 0;
  let failed = 0;
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, index) => {
      const client = { index };
      let turn = index;
      while (performance.now() < deadline && started < requests) {
        started++;
        const target = targets[turn++ % targets.length];
        const begun = performance.now();
        try {
          const tag = await workload(target, client);
          const ms = performance.now() - begun;
          latencies.push(ms);
          if (tag) {
            if (!tagged.has(tag)) tagged.set(tag, []);
            tagged.get(tag).push(ms);
          }
        } catch (error) {
          failed++;
          const message = String(error?.message ?? error).slice(0, 200);
          errors.set(message, (errors.get(message) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    clients,
    seconds,
    ok: latencies.length,
    failed,
    errors: [...errors].map(([message, n]) => `${n}× ${message}`),
    ...latencySummary(latencies, seconds),
    byTag: Object.fromEntries([...tagged].map(([tag, values]) => [tag, latencySummary(values, seconds)])),
  };
}

/**
 * GET `path` on a target with its token, accepting gzip as browsers do; the whole body is read (as
 * a client would) but left encoded unless `json` asks for it parsed. Non-2xx throws.
 */
export function get(target, path, { json = false } = {}) {
  const headers = { 'accept-encoding': 'gzip', ...(target.token ? { authorization: `Bearer ${target.token}` } : {}) };
  return new Promise((resolve, reject) => {
    const request = httpGet(`${target.url}${path}`, { agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = () => (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        if (res.statusCode < 200 || res.statusCode > 299) {
          reject(new Error(`HTTP ${res.statusCode} ${path.split('?')[0]}: ${body().slice(0, 120)}`));
          return;
        }
        try {
          resolve(json ? JSON.parse(body()) : raw);
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on('error', reject);
  });
}

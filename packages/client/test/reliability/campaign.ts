/**
 * The client under faults (issue 10): thousands of calls through `createClient()` against the
 * sandbox's fault injection (docs/sandbox-conventions.md, `X-Sandbox-Fault`), mixing latency, 429
 * with Retry-After, 5xx, dropped connections, stalled bodies, HTML gateway pages, truncated JSON,
 * oversized bodies and injected 4xx, transient (fixed after N attempts) and persistent.
 *
 * For every call the campaign knows the one right outcome and checks it: success with the same data
 * as a call without faults, or exactly the typed error the README documents for that fault (class,
 * status, reason, phase, attempts, a request id). It also counts every HTTP request that left the
 * client per fault key and compares it with the sandbox's own count of injected faults. Writes carry
 * an Idempotency-Key; the sandbox's effect counter and the stored records must show at most one
 * effect per key, and exactly one when the call succeeded.
 */
import { createRng, type Rng } from '@citybrain/domain';
import {
  AbortError,
  BadRequestError,
  ConflictError,
  createClient,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  ResponseFormatError,
  ServerError,
  TimeoutError,
  UnprocessableError,
  type CityBrainClient,
  type CityBrainError,
  type WorkOrderCreate,
} from '../../src/index.js';
import { callTestHook } from '../../../sandbox/test/harness.js';
import { workOrderBody } from '../../../sandbox/test/reliability/support.js';

export interface CampaignFigures {
  calls: number;
  reads: number;
  writes: number;
  requestsSent: number;
  faultsInjected: number;
  succeeded: number;
  typedErrors: number;
  retries: number;
  effects: number;
  duplicateEffects: number;
  wrongOutcomes: number;
  byFault: Record<string, number>;
  failures: string[];
}

type ErrorClass = abstract new (...args: never[]) => CityBrainError;

type Expectation =
  | { ok: true; attempts: number; oversize?: number }
  | { error: ErrorClass; attempts: number; status?: number; reason?: string; phase?: string; retryAfterMs?: number };

interface Scenario {
  name: string;
  weight: number;
  /** Directives without the key; `times` is added by the scenario itself. */
  directives: string;
  times: number;
  expect: Expectation;
  timeout?: number;
  totalTimeout?: number;
  /** Writes only: the write runs (and is counted) despite the fault. */
  effect?: 'none' | 'one';
}

const MAX_ATTEMPTS = 3;
/**
 * The per-attempt timeout of the calls whose answer stalls or comes late on purpose, and the stall
 * and latency that overshoot it threefold: wide enough that a healthy retry on a busy 2-core machine
 * (sandbox, client and browsers sharing it) still answers within the timeout.
 */
const ATTEMPT_TIMEOUT = 800;
const STALL = `stall=${ATTEMPT_TIMEOUT * 3}`;
const LATE = `latency=${ATTEMPT_TIMEOUT * 2}`;
const RETRY = { maxAttempts: MAX_ATTEMPTS, baseDelay: 10, maxDelay: 60, maxRetryAfter: 2_000 };

/** The read faults and their one right outcome (README "Errors" and "Retries"). */
function readScenarios(rng: Rng): Scenario[] {
  const statusError = (status: number): ErrorClass =>
    ({ 400: BadRequestError, 403: ForbiddenError, 404: NotFoundError, 409: ConflictError, 422: UnprocessableError, 429: RateLimitedError })[status] ?? ServerError;
  const transient = (name: string, directives: string, weight = 3): Scenario[] => [1, 2].map((times) => ({
    name: `${name} ×${times}`, weight, directives, times, expect: { ok: true, attempts: times + 1 },
  }));
  return [
    { name: 'none', weight: 12, directives: '', times: 0, expect: { ok: true, attempts: 1 } },
    { name: 'latency', weight: 8, directives: `latency=${rng.int(1, 40)}`, times: 99, expect: { ok: true, attempts: 1 } },
    ...transient('429 retry-after=0', 'status=429;retry-after=0'),
    ...transient('503', 'status=503'),
    ...transient('500', 'status=500', 1),
    ...transient('502', 'status=502', 1),
    ...transient('504', 'status=504', 1),
    ...transient('drop', 'drop'),
    ...transient('badjson', 'badjson'),
    ...transient('stall beyond the attempt timeout', STALL, 2).map((s) => ({ ...s, timeout: ATTEMPT_TIMEOUT })),
    { name: 'stall within the timeout', weight: 3, directives: 'stall=30', times: 99, expect: { ok: true, attempts: 1 } },
    { name: 'latency+503', weight: 2, directives: 'latency=15;status=503', times: 1, expect: { ok: true, attempts: 2 } },
    { name: '429 retry-after=1 then ok', weight: 1, directives: 'status=429;retry-after=1', times: 1, expect: { ok: true, attempts: 2 } },
    { name: 'persistent 429', weight: 2, directives: 'status=429;retry-after=0', times: 99, expect: { error: RateLimitedError, attempts: MAX_ATTEMPTS, status: 429, retryAfterMs: 0 } },
    { name: 'persistent 503', weight: 2, directives: 'status=503', times: 99, expect: { error: ServerError, attempts: MAX_ATTEMPTS, status: 503 } },
    { name: 'persistent 503 retry-after=0', weight: 1, directives: 'status=503;retry-after=0', times: 99, expect: { error: ServerError, attempts: MAX_ATTEMPTS, status: 503, retryAfterMs: 0 } },
    { name: 'persistent drop', weight: 2, directives: 'drop', times: 99, expect: { error: NetworkError, attempts: MAX_ATTEMPTS } },
    { name: 'persistent stall', weight: 1, directives: STALL, times: 99, timeout: ATTEMPT_TIMEOUT, expect: { error: TimeoutError, attempts: MAX_ATTEMPTS, phase: 'attempt' } },
    { name: 'persistent badjson', weight: 2, directives: 'badjson', times: 99, expect: { error: ResponseFormatError, attempts: MAX_ATTEMPTS, reason: 'invalid-json' } },
    { name: 'html gateway page', weight: 3, directives: 'html', times: 99, expect: { error: ResponseFormatError, attempts: 1, reason: 'html-page' } },
    { name: 'html once (not retried)', weight: 1, directives: 'html', times: 1, expect: { error: ResponseFormatError, attempts: 1, reason: 'html-page' } },
    { name: 'oversize 1 MB', weight: 2, directives: 'oversize=1048576', times: 99, expect: { ok: true, attempts: 1, oversize: 1_048_576 } },
    { name: 'oversize 4 MB', weight: 1, directives: 'oversize=4194304', times: 99, expect: { ok: true, attempts: 1, oversize: 4_194_304 } },
    { name: 'total budget', weight: 1, directives: 'latency=600', times: 99, totalTimeout: 200, expect: { error: TimeoutError, attempts: 1, phase: 'total' } },
    ...[400, 403, 404, 409, 422].map((status) => ({
      name: `injected ${status}`, weight: 1, directives: `status=${status}`, times: 99, expect: { error: statusError(status), attempts: 1, status },
    })),
    { name: '501 (not retried)', weight: 1, directives: 'status=501', times: 99, expect: { error: ServerError, attempts: 1, status: 501 } },
  ];
}

/** Write faults: where the fault strikes decides whether the write ran; the key makes it run once. */
function writeScenarios(): Scenario[] {
  return [
    { name: 'write none', weight: 6, directives: '', times: 0, expect: { ok: true, attempts: 1 }, effect: 'one' },
    { name: 'write 503 ×1', weight: 4, directives: 'status=503', times: 1, expect: { ok: true, attempts: 2 }, effect: 'one' },
    { name: 'write 429 ×2', weight: 2, directives: 'status=429;retry-after=0', times: 2, expect: { ok: true, attempts: 3 }, effect: 'one' },
    { name: 'write drop ×1', weight: 3, directives: 'drop', times: 1, expect: { ok: true, attempts: 2 }, effect: 'one' },
    { name: 'write badjson ×1', weight: 2, directives: 'badjson', times: 1, expect: { ok: true, attempts: 2 }, effect: 'one' },
    // The write commits, its answer stalls past the attempt timeout: the retry is answered from the key.
    { name: 'write stalled answer ×1', weight: 4, directives: STALL, times: 1, timeout: ATTEMPT_TIMEOUT, expect: { ok: true, attempts: 2 }, effect: 'one' },
    // The attempt times out while the server is still waiting: the retry may overtake the original.
    { name: 'write latency beyond timeout ×1', weight: 3, directives: LATE, times: 1, timeout: ATTEMPT_TIMEOUT, expect: { ok: true, attempts: 2 }, effect: 'one' },
    { name: 'write persistent 503', weight: 2, directives: 'status=503', times: 99, expect: { error: ServerError, attempts: MAX_ATTEMPTS, status: 503 }, effect: 'none' },
    { name: 'write persistent stall', weight: 1, directives: STALL, times: 99, timeout: ATTEMPT_TIMEOUT, expect: { error: TimeoutError, attempts: MAX_ATTEMPTS, phase: 'attempt' }, effect: 'one' },
    { name: 'write html', weight: 1, directives: 'html', times: 99, expect: { error: ResponseFormatError, attempts: 1, reason: 'html-page' }, effect: 'none' },
  ];
}

const READS = [
  { path: '/regions?parent=440605124', auth: false },
  { path: '/gis/layers', auth: false },
  { path: '/data/datasets/village-profiles/rows?limit=20&sort=regionCode', auth: true },
  { path: '/workorders/process-definition', auth: true },
  { path: '/approvals/process-definitions/homestead', auth: true },
];

/** The key in brackets, so that a text search for key 3 does not also find keys 30–39. */
const marker = (key: string) => `〔${key}〕`;

export interface CampaignOptions {
  /** Base URL of the sandbox (no /api/v1). */
  url: string;
  calls: number;
  /** Share of writes among the calls. */
  writeShare?: number;
  concurrency?: number;
  seed?: string;
  token: string;
}

/** Runs the campaign and returns its figures; `failures` lists every call whose outcome was wrong. */
export async function runFaultCampaign(options: CampaignOptions): Promise<CampaignFigures> {
  const rng = createRng(options.seed ?? 'client-faults');
  const run = `cf${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const sentByKey = new Map<string, number>();
  const retryDelays = new Map<string, number[]>();
  let requestsSent = 0;
  const keyOf = (headers: Headers) => /key=([^;]+)/.exec(headers.get('x-sandbox-fault') ?? '')?.[1];
  const client: CityBrainClient = createClient({
    baseUrl: `${options.url}/api/v1`,
    auth: options.token,
    retry: RETRY,
    timeout: 5_000,
    totalTimeout: 30_000,
    fetch: (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      requestsSent += 1;
      const key = keyOf(request.headers);
      if (key) sentByKey.set(key, (sentByKey.get(key) ?? 0) + 1);
      return fetch(input, init);
    },
    hooks: {
      beforeRetry({ request, delayMs }) {
        const key = keyOf(request.headers);
        if (key) retryDelays.set(key, [...(retryDelays.get(key) ?? []), delayMs]);
      },
    },
  });

  const figures: CampaignFigures = {
    calls: 0, reads: 0, writes: 0, requestsSent: 0, faultsInjected: 0, succeeded: 0, typedErrors: 0, retries: 0,
    effects: 0, duplicateEffects: 0, wrongOutcomes: 0, byFault: {}, failures: [],
  };
  const fail = (message: string) => {
    figures.wrongOutcomes += 1;
    if (figures.failures.length < 40) figures.failures.push(message);
  };

  // What the reads return without faults: a faulted call that succeeds must return exactly this.
  const baseline = new Map<string, string>();
  for (const read of READS) baseline.set(read.path, JSON.stringify((await client.raw('GET', read.path, read.auth ? {} : {})).data));

  const reads = readScenarios(rng);
  const writes = writeScenarios();
  const pick = (list: Scenario[]) => rng.weighted(list.map((s) => [s, s.weight] as [Scenario, number]));
  const plan = Array.from({ length: options.calls }, (_v, i) => {
    const write = rng.chance(options.writeShare ?? 0.2);
    return { i, write, scenario: pick(write ? writes : reads), read: rng.pick(READS) };
  });
  const writesDone: { key: string; scenario: Scenario; ok: boolean; id?: string }[] = [];

  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const { i, write, scenario, read } = plan[next++]!;
      const key = `${run}-${i}`;
      const directives = scenario.directives ? `${scenario.directives};key=${key};times=${scenario.times}` : '';
      const callOptions = {
        headers: directives ? { 'x-sandbox-fault': directives } : {},
        ...(scenario.timeout ? { timeout: scenario.timeout } : {}),
        ...(scenario.totalTimeout ? { totalTimeout: scenario.totalTimeout } : {}),
      };
      figures.calls += 1;
      figures.byFault[scenario.name] = (figures.byFault[scenario.name] ?? 0) + 1;
      let data: unknown;
      let error: unknown;
      try {
        if (write) {
          figures.writes += 1;
          const body = { ...(workOrderBody() as unknown as WorkOrderCreate), content: `夜间施工噪音扰民，请核查处理 ${marker(key)}` };
          data = await client.workorders.create(body, { ...callOptions, idempotencyKey: `idem-${key}` });
        } else {
          figures.reads += 1;
          data = (await client.raw('GET', read.path, callOptions)).data;
        }
      } catch (e) {
        error = e;
      }
      // No key was sent for a call without faults; count its one request from the total instead.
      const sent = directives ? (sentByKey.get(key) ?? 0) : 1;
      const label = `${write ? 'write' : `GET ${read.path}`} [${scenario.name}]`;
      const expect = scenario.expect;
      if ('ok' in expect) {
        if (error) fail(`${label}: expected success, got ${(error as Error).name}: ${(error as Error).message}`);
        else {
          figures.succeeded += 1;
          if (expect.oversize !== undefined) {
            const padding = (data as { padding?: string }).padding;
            if (typeof padding !== 'string' || padding.length !== expect.oversize - 20) fail(`${label}: the oversized body arrived cut (${padding?.length})`);
          } else if (!write && JSON.stringify(data) !== baseline.get(read.path)) fail(`${label}: the data differs from the call without faults`);
          if (sent !== expect.attempts) fail(`${label}: ${sent} requests sent, expected ${expect.attempts}`);
        }
      } else if (!error) {
        fail(`${label}: expected ${expect.error.name}, got success`);
      } else {
        const e = error as CityBrainError & { reason?: string; phase?: string; retryAfter?: number };
        figures.typedErrors += 1;
        const isExpectedClass = e instanceof expect.error;
        const wrong = [
          !isExpectedClass && `class ${(error as Error).name}, expected ${expect.error.name}`,
          expect.status !== undefined && e.status !== expect.status && `status ${e.status}`,
          expect.reason !== undefined && e.reason !== expect.reason && `reason ${e.reason}`,
          expect.phase !== undefined && e.phase !== expect.phase && `phase ${e.phase}`,
          expect.retryAfterMs !== undefined && e.retryAfter !== expect.retryAfterMs && `retryAfter ${e.retryAfter}`,
          e.attempts !== expect.attempts && `attempts ${e.attempts}, expected ${expect.attempts}`,
          sent !== expect.attempts && `${sent} requests sent, expected ${expect.attempts}`,
          !e.requestId && 'no request id',
          e instanceof AbortError && 'aborted',
        ].filter(Boolean);
        if (wrong.length) fail(`${label}: ${wrong.join(', ')} (${e.message})`);
      }
      if (scenario.directives === 'status=429;retry-after=1') {
        const delays = retryDelays.get(key) ?? [];
        if (delays[0] !== 1000) fail(`${label}: waited ${delays[0]} ms, not the Retry-After of 1 s`);
      }
      figures.retries += Math.max(0, sent - 1);
      if (write) writesDone.push({ key, scenario, ok: !error, id: (data as { id?: string } | undefined)?.id });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 24 }, worker));

  // The sandbox's side: faults it injected per key, effects per idempotency key, records per key.
  const stats = await callTestHook<{ faults: Record<string, number>; effects: Record<string, number> }>(options.url, 'stats');
  for (const { i, scenario } of plan) {
    const key = `${run}-${i}`;
    if (!scenario.directives) continue;
    const injected = stats.faults[key] ?? 0;
    figures.faultsInjected += injected;
    const expected = Math.min(scenario.times, sentByKey.get(key) ?? 0);
    if (injected !== expected) fail(`[${scenario.name}] ${key}: the sandbox injected ${injected} faults, the client sent ${sentByKey.get(key)} requests`);
  }
  for (const write of writesDone) {
    const effects = stats.effects[`idem-${write.key}`] ?? 0;
    figures.effects += effects;
    if (effects > 1) figures.duplicateEffects += effects - 1;
    const expected = write.scenario.effect === 'none' ? 0 : 1;
    if (effects > 1 || (write.ok && effects !== 1) || effects !== expected) fail(`write [${write.scenario.name}] ${write.key}: ${effects} effects, expected ${expected}`);
  }
  // And in the database: one work order per acknowledged key, none for a key that never ran.
  const token = options.token;
  const counted = await Promise.all(writesDone.map(async (write) => {
    const res = await fetch(`${options.url}/api/v1/workorders?q=${encodeURIComponent(marker(write.key))}&limit=5`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { items: { id: string }[] };
    return { write, ids: body.items.map((item) => item.id) };
  }));
  for (const { write, ids } of counted) {
    if (ids.length > 1) {
      figures.duplicateEffects += ids.length - 1;
      fail(`write ${write.key}: ${ids.length} work orders stored`);
    }
    if (write.ok && ids[0] !== write.id) fail(`write ${write.key}: acknowledged ${write.id}, stored ${ids.join(',') || 'nothing'}`);
  }
  figures.requestsSent = requestsSent;
  return figures;
}

/** `client faults: calls 600, requests sent 1,034, …` on one line. */
export function figuresLine(label: string, f: CampaignFigures): string {
  const n = (v: number) => v.toLocaleString('en');
  return `${label}: calls ${n(f.calls)} (${n(f.reads)} reads, ${n(f.writes)} writes), requests sent ${n(f.requestsSent)}, faults injected ${n(f.faultsInjected)}, ` +
    `succeeded ${n(f.succeeded)}, typed errors ${n(f.typedErrors)}, retries ${n(f.retries)}, write effects ${n(f.effects)}, duplicate effects ${n(f.duplicateEffects)}, wrong outcomes ${n(f.wrongOutcomes)}`;
}

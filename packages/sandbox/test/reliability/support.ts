/**
 * Shared pieces of the sandbox's reliability campaigns (issue 10): valid request bodies to mutate,
 * JSON path helpers, a tally of figures, and small HTTP helpers. The campaigns themselves
 * (hostile.ts, fuzz.ts, access.ts, crash.ts) take their size as a parameter: the `*.test.ts` files
 * run a fast deterministic sample in `npm test`, `npm run soak` runs them in full.
 */
import { request as httpRequest } from 'node:http';
import { labelPointOf } from '@citybrain/domain';
import { callTestHook, tokenFor } from '../harness.js';

export { tokenFor };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type PathKey = string | number;

export const TANGBIAN = '440605124201';
export const DENGHU = '440605011020';
/** A Monday in the seed's year: ages in the bodies below agree with their ID numbers on this date. */
export const PINNED_NOW = '2026-11-02T09:00:00+08:00';

/** 陈志强's household (ID numbers pass GB 11643 and agree with the ages in November 2026). */
export function applicationBody(): JsonObject {
  return {
    villageCode: TANGBIAN,
    groupName: '唐边第三村民小组',
    location: labelPointOf(TANGBIAN) as unknown as Json,
    jcxx: { xm: '陈志强', xb: '男', nl: 44, lxdh: '13926081234', sfzh: '440605198203151312', hksz: '广东省佛山市南海区狮山镇唐边村第三村民小组' },
    jtcy: [{ xm: '李美玲', nl: 41, yhzgx: '配偶', sfzh: '440605198508212622', hkszd: '广东省佛山市南海区狮山镇唐边村' }],
    xzjxqk: { zjdmj: 0, jzmj: 0, qszsh: '无', xzjdclqk: '其他' },
    nzjdqk: {
      zjdmj: 80, fjzdmj: 72, dz: '狮山镇唐边村第三村民小组新村二巷西侧', szdz: '村道', sznz: '陈国华宅基地', szxz: '空地', szbz: '二巷',
      dl: '建设用地', jflx: '异址新建', zfjzmj: 216, jzcs: 3, jzgd: 10.5, sfzqxlqlryj: true,
    },
    qt: { sqly: '家庭人口增加，现无宅基地，申请异址新建住房', sqr: '陈志强', sqrrq: '2026-09-01' },
    attachments: [
      { kind: 'ID_CARD', name: '身份证.pdf', mediaType: 'application/pdf', sizeBytes: 200_000, url: 'https://docs.nanhai.example/a/1.pdf' },
      { kind: 'HOUSEHOLD_REGISTER', name: '户口本.pdf', mediaType: 'application/pdf', sizeBytes: 150_000 },
    ],
  };
}

/** A 12345 complaint about night-time building noise in 灯湖 (桂城). */
export function workOrderBody(): JsonObject {
  return {
    channel: 'TOWN_PLATFORM',
    type: 'COMPLAINT',
    category: { levelOne: '城乡建设', levelTwo: '市容环境', levelThree: '噪音扰民', levelFour: '夜间施工噪音' },
    title: '桂城街道灯湖东路工地夜间施工噪音扰民',
    content: '市民反映灯湖东路12号附近工地连续多晚施工至凌晨一点，噪音很大影响休息，要求相关部门核查处理。',
    regionCode: DENGHU,
    address: '佛山市南海区桂城街道灯湖东路12号附近',
    reporter: { name: '黄丽华', phone: '13760286620', anonymous: false, wantsReply: true },
    emergencyLevel: 'normal',
    externalNo: 'EXT-0001',
  };
}

/** Paths of every string leaf of a JSON value (`['jcxx', 'xm']`, `['attachments', 0, 'name']`). */
export function stringLeaves(value: Json, prefix: PathKey[] = []): PathKey[][] {
  if (typeof value === 'string') return [prefix];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, [...prefix, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...prefix, k]));
  return [];
}

export function getAt(value: unknown, path: readonly PathKey[]): unknown {
  let node = value as Record<PathKey, unknown> | undefined;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[key] as Record<PathKey, unknown> | undefined;
  }
  return node;
}

/** A deep copy of `value` with `path` set to `leaf` (the leaf itself is not copied). */
export function withAt<T>(value: T, path: readonly PathKey[], leaf: unknown): T {
  const copy = structuredClone(value) as Record<PathKey, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<PathKey, unknown>;
  node[path.at(-1)!] = leaf;
  return copy as T;
}

/** Counts what a campaign did, for the figures it prints and the report of issue 10. */
export class Tally {
  readonly counts = new Map<string, number>();
  readonly failures: string[] = [];

  add(name: string, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** Records a violation (kept to the first 50 for the assertion message). */
  fail(message: string): void {
    this.add('violations');
    if (this.failures.length < (Number(process.env.RELIABILITY_MAX_FAILURES) || 50)) this.failures.push(message);
  }

  /** `label: a 1,234, b 0, …` on one line, then any known issues that were counted. */
  line(label: string, names: readonly string[]): string {
    const known = [...this.counts.keys()].filter((n) => n.startsWith('known: ') && !names.includes(n));
    return `${label}: ${[...names, ...known].map((n) => `${n} ${this.get(n).toLocaleString('en')}`).join(', ')}`;
  }
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
  /** The request could not be sent (fetch refused it: an illegal header value, say). */
  unsendable?: string;
}

/**
 * One request; never throws for HTTP statuses. A connection failure is reported as status 0.
 * `headersOnly` reads the status and headers and cancels the body (event streams never end).
 *
 * Requests whose URL and headers exceed 8 KB, or whose body exceeds 1 MB, go over a connection of
 * their own: the server answers them 431/413 and closes the connection, and undici's pool would
 * fail an unrelated request queued on that connection with "other side closed" — a client-side
 * artefact that would be miscounted as a server failure.
 */
export async function http(url: string, init: RequestInit = {}, options: { headersOnly?: boolean } = {}): Promise<HttpResult> {
  const headers = new Headers(init.headers);
  let headerBytes = url.length;
  headers.forEach((value, name) => (headerBytes += name.length + value.length + 4));
  const bodySize = typeof init.body === 'string' ? init.body.length : 0;
  if (headerBytes > 8_000 || bodySize > 1_000_000) {
    return isolatedRequest(url, init.method ?? 'GET', headers, typeof init.body === 'string' ? init.body : init.body?.toString(), options.headersOnly);
  }
  let response: Response;
  const controller = new AbortController();
  const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
  try {
    response = await fetch(url, { ...init, signal, redirect: 'manual' });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    // fetch refuses some requests locally (a header value with a newline, say): not the server's doing.
    if (error instanceof TypeError && !cause?.message?.match(/ECONN|socket|closed|terminated/i)) {
      return { status: -1, headers: new Headers(), text: '', body: null, unsendable: String(error.message) };
    }
    return { status: 0, headers: new Headers(), text: String(cause?.message ?? error), body: null };
  }
  if (options.headersOnly && response.ok) {
    controller.abort();
    return { status: response.status, headers: response.headers, text: '', body: null };
  }
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: parseJsonBody(response.headers, text) };
}

function parseJsonBody(headers: Headers, text: string): unknown {
  if (!/json/.test(headers.get('content-type') ?? '')) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isolatedRequest(url: string, method: string, headers: Headers, body: string | undefined, headersOnly = false): Promise<HttpResult> {
  return new Promise((resolve) => {
    const outgoing: Record<string, string> = {};
    headers.forEach((value, name) => (outgoing[name] = value));
    let answered: HttpResult | undefined;
    const req = httpRequest(url, { method, agent: false, headers: outgoing, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      const finish = () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        const text = Buffer.concat(chunks).toString('utf8');
        answered = { status: res.statusCode ?? 0, headers: responseHeaders, text, body: parseJsonBody(responseHeaders, text) };
        resolve(answered);
      };
      if (headersOnly && (res.statusCode ?? 0) < 300) {
        finish();
        req.destroy();
        return;
      }
      res.on('end', finish);
      // The server may answer (413/431) and close before the whole request is written: what arrived is its answer.
      res.on('close', finish);
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 60 s')));
    req.on('error', (error) => {
      if (!answered) resolve({ status: 0, headers: new Headers(), text: error.message, body: null });
    });
    req.on('close', () => {
      if (!answered) resolve({ status: 0, headers: new Headers(), text: 'connection closed without an answer', body: null });
    });
    req.end(body);
  });
}

/** POST /__sandbox/clock: pins the sandbox's clock (null returns to real time). */
export async function pinClock(baseUrl: string, iso: string | null = PINNED_NOW): Promise<void> {
  await callTestHook(baseUrl, 'clock', { now: iso });
}


/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Whether a 4xx carries an RFC 9457 problem whose status agrees with the response. */
export function isProblem(result: HttpResult): boolean {
  const body = result.body as { status?: unknown; type?: unknown; title?: unknown } | null;
  return (
    (result.headers.get('content-type') ?? '').startsWith('application/problem+json') &&
    !!body && body.status === result.status && typeof body.type === 'string' && typeof body.title === 'string'
  );
}

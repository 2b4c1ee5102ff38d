/**
 * Hostile data against the sandbox (issue 10): every payload of reliability/hostile-payloads.ts as
 * string fields of every write, as query and path parameters of every read, and as the free text of
 * actions. The rules:
 *
 * - never a 5xx or a dropped connection;
 * - a value of the wrong shape (a number, an object, deep nesting where a string belongs) is a 4xx
 *   problem, never stored;
 * - a string the server accepts comes back verbatim when read (action remarks are trimmed by the
 *   process engine, a documented normalisation; everything else must be byte-for-byte the same).
 *
 * `sample` sends each payload once per write and once as a parameter, rotating over fields and
 * operations (a deterministic ~2,000-request pass for `npm test`); `full` sends every payload into
 * every field of every write and every query parameter of every read (`npm run soak`).
 */
import { HOSTILE_PAYLOADS, describePayload, type HostilePayload } from '../../../../reliability/hostile-payloads.js';
import { loadSpecs, type Operation } from '../../src/openapi.js';
import {
  applicationBody,
  http,
  isProblem,
  mapLimit,
  stringLeaves,
  Tally,
  tokenFor,
  withAt,
  workOrderBody,
  type HttpResult,
  type JsonObject,
  type PathKey,
} from './support.js';

export interface HostileOptions {
  mode: 'sample' | 'full';
  payloads?: readonly HostilePayload[];
  concurrency?: number;
}

/** Figures: requests, payloads, accepted (stored), verbatim, rejected (4xx), 5xx, violations. */
export const HOSTILE_FIGURES = ['payloads', 'requests', 'stored', 'verbatim', 'rejected-4xx', '5xx', 'violations'] as const;

interface Write {
  name: string;
  client: string;
  path: string | (() => Promise<string>);
  base: () => JsonObject;
  /** String leaves that receive payloads. */
  fields: PathKey[][];
  /** Where the stored value can be read back, given the 2xx answer. */
  readBack?: (answer: JsonObject) => string;
  /** Expected stored form of an accepted string in `field` (action remarks, work-order title and content are trimmed). */
  stored?: (value: string, field: PathKey[]) => string | null;
  /** Read the stored value from the last event of a timeline instead of searching the record. */
  fromLastEvent?: boolean;
}

/** Whether `needle` occurs as a whole string value anywhere in `haystack`. */
function containsString(haystack: unknown, needle: string): boolean {
  if (typeof haystack === 'string') return haystack === needle;
  if (Array.isArray(haystack)) return haystack.some((item) => containsString(item, needle));
  if (haystack && typeof haystack === 'object') return Object.values(haystack).some((item) => containsString(item, needle));
  return false;
}

/** The process engine keeps action text with `String.prototype.trim()`; blank text falls back to a default remark. */
const trimmed = (value: string) => (value.trim() ? value.trim() : null);

export async function runHostileCampaign(baseUrl: string, options: HostileOptions): Promise<Tally> {
  const payloads = options.payloads ?? HOSTILE_PAYLOADS;
  const full = options.mode === 'full';
  const concurrency = options.concurrency ?? 8;
  const tally = new Tally();
  tally.add('payloads', payloads.length);
  const api = `${baseUrl}/api/v1`;
  const district = await tokenFor(baseUrl, 'demo-district');
  const guicheng = await tokenFor(baseUrl, 'demo-town-guicheng');
  const tokens: Record<string, string> = { 'demo-district': district, 'demo-town-guicheng': guicheng };

  const send = async (
    label: string,
    payload: HostilePayload,
    url: string,
    init: RequestInit & { token?: string; headersOnly?: boolean } = {},
  ): Promise<HttpResult> => {
    const { token, headersOnly, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const result = await http(url, { ...rest, headers }, { headersOnly });
    if (result.unsendable) {
      tally.add('unsendable');
      return result;
    }
    tally.add('requests');
    if (result.status >= 500 || result.status === 0) {
      tally.add('5xx');
      tally.fail(`${label} ${describePayload(payload)} → ${result.status} ${result.text.slice(0, 200)}`);
    } else if (result.status >= 400) {
      tally.add('rejected-4xx');
      // The Node HTTP parser answers an oversized URL or header itself (414/431), before Fastify.
      if (!isProblem(result) && result.status !== 414 && result.status !== 431) {
        tally.fail(`${label} ${describePayload(payload)} → ${result.status} is not a problem+json: ${result.text.slice(0, 120)}`);
      }
    }
    return result;
  };

  // --- writes --------------------------------------------------------------------------------
  const dispatched = await http(`${api}/workorders?status=DISPATCHED&limit=1`, { headers: { authorization: `Bearer ${district}` } });
  const orderId = ((dispatched.body as { items: { id: string }[] }).items[0] ?? { id: '' }).id;
  if (!orderId) throw new Error('no dispatched work order in the seed to act on');
  const actionApplication = await createCleanApplication(api, district);

  const writes: Write[] = [
    {
      name: 'createApplication',
      client: 'demo-district',
      path: '/approvals/applications',
      base: applicationBody,
      fields: stringLeaves(applicationBody()),
      readBack: (answer) => `/approvals/applications/${answer.id as string}`,
    },
    {
      name: 'createWorkOrder',
      client: 'demo-town-guicheng',
      path: '/workorders',
      base: workOrderBody,
      fields: stringLeaves(workOrderBody()),
      readBack: (answer) => `/workorders/${answer.id as string}`,
      // The work-order engine trims the title and the content (a blank title falls back to the content).
      stored: (value, field) => (field[0] === 'title' || field[0] === 'content' ? value.trim() || null : value),
    },
    {
      name: 'actOnWorkOrder urge',
      client: 'demo-district',
      path: `/workorders/${orderId}/actions`,
      base: () => ({ action: 'urge', remark: '请尽快处理' }),
      fields: [['remark']],
      readBack: () => `/workorders/${orderId}/timeline`,
      stored: trimmed,
      fromLastEvent: true,
    },
    {
      name: 'actOnWorkOrder supervise',
      client: 'demo-district',
      path: `/workorders/${orderId}/actions`,
      base: () => ({ action: 'supervise', reason: '群众反映强烈，列为督办件' }),
      fields: [['reason'], ['expectedStatus']],
      readBack: () => `/workorders/${orderId}/timeline`,
      stored: trimmed,
      fromLastEvent: true,
    },
  ];

  const payloadOrder = payloads.map((payload, index) => ({ payload, index }));
  for (const write of writes) {
    const cases = full
      ? write.fields.flatMap((field) => payloadOrder.map(({ payload }) => ({ payload, field })))
      : payloadOrder.map(({ payload, index }) => ({ payload, field: write.fields[index % write.fields.length]! }));
    // Actions on one record run one at a time, so "the last event" is the one this request made.
    const limit = write.name.startsWith('act') ? 1 : concurrency;
    await mapLimit(cases, limit, async ({ payload, field }) => {
      const label = `${write.name} ${field.join('.')}`;
      const body = withAt(write.base(), field, payload.value);
      const path = typeof write.path === 'string' ? write.path : await write.path();
      const result = await send(label, payload, `${api}${path}`, {
        method: 'POST',
        token: tokens[write.client],
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (result.status < 200 || result.status >= 300) return;
      if (typeof payload.value !== 'string') {
        if (payload.value !== null) tally.fail(`${label} ${describePayload(payload)} accepted a value of the wrong shape (${result.status})`);
        return;
      }
      tally.add('stored');
      if (!write.readBack || field[0] === 'expectedStatus') return;
      const expected = write.stored ? write.stored(payload.value, field) : payload.value;
      if (expected === null) return tally.add('verbatim');
      const read = await http(`${api}${write.readBack(result.body as JsonObject)}`, { headers: { authorization: `Bearer ${district}` } });
      tally.add('requests');
      if (read.status !== 200) return tally.fail(`${label} ${describePayload(payload)}: reading it back → ${read.status}`);
      const lastRemark = write.fromLastEvent ? ((read.body as { events: { remark: string | null }[] }).events.at(-1)?.remark ?? null) : undefined;
      const found = write.fromLastEvent ? lastRemark === expected : containsString(read.body, expected);
      if (found) tally.add('verbatim');
      else tally.fail(`${label} ${describePayload(payload)} was stored (${result.status}) but does not read back verbatim`);
    });
  }

  // Actions on a homestead application: suspend (reason) and resume (remark) in turn.
  const appActions = full ? payloadOrder : payloadOrder.filter(({ index }) => index % 2 === 0);
  for (const { payload } of appActions) {
    for (const [action, field] of [['suspend', 'reason'], ['resume', 'remark']] as const) {
      const label = `actOnApplication ${action}.${field}`;
      const result = await send(label, payload, `${api}/approvals/applications/${actionApplication}/actions`, {
        method: 'POST',
        token: district,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action, [field]: payload.value }),
      });
      if (result.status >= 200 && result.status < 300) {
        if (typeof payload.value !== 'string' && payload.value !== null) tally.fail(`${label} ${describePayload(payload)} accepted a value of the wrong shape`);
        if (typeof payload.value === 'string') {
          tally.add('stored');
          const expected = trimmed(payload.value);
          const timeline = await http(`${api}/approvals/applications/${actionApplication}/timeline`, { headers: { authorization: `Bearer ${district}` } });
          tally.add('requests');
          const remark = (timeline.body as { events: { remark: string | null }[] }).events.at(-1)?.remark;
          if (expected === null || remark === expected) tally.add('verbatim');
          else tally.fail(`${label} ${describePayload(payload)} was stored but reads back as ${JSON.stringify(remark?.slice(0, 80))}`);
        }
      } else if (action === 'suspend') {
        // Rejected: it is still running, so skip the resume of this round.
        break;
      } else {
        // The resume was rejected: resume with a clean body so the next round starts from a running application.
        await http(`${api}/approvals/applications/${actionApplication}/actions`, {
          method: 'POST', headers: { authorization: `Bearer ${district}`, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'resume' }),
        });
      }
    }
  }

  // The public lookup and the token endpoint.
  const lookupFields = [['trackingNo'], ['verificationCode']];
  await mapLimit(payloadOrder, concurrency, async ({ payload, index }) => {
    const fields = full ? lookupFields : [lookupFields[index % 2]!];
    for (const field of fields) {
      const body = withAt({ trackingNo: 'ZJD-440605124-2026-000001', verificationCode: '000000' } as JsonObject, field, payload.value);
      await send(`lookupApplication ${field[0]}`, payload, `${api}/approvals/lookup`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
    }
    const tokenFields = ['client_id', 'client_secret', 'grant_type', 'scope'];
    for (const name of full ? tokenFields : [tokenFields[index % tokenFields.length]!]) {
      const form: Record<string, string> = { grant_type: 'client_credentials', client_id: 'demo-town-shishan', client_secret: 'wrong' };
      form[name] = typeof payload.value === 'string' ? payload.value : JSON.stringify(payload.value) ?? '';
      await send(`issueToken ${name}`, payload, `${api}/auth/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form),
      });
      // As JSON too: the token endpoint only documents the form, so a JSON body must be a 4xx.
      await send(`issueToken json ${name}`, payload, `${api}/auth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...form, [name]: payload.value }),
      });
    }
  });

  // --- parameters of every read ----------------------------------------------------------------
  const specs = loadSpecs();
  const reads = specs.operations.filter((op) => op.method === 'GET');
  const slots: { op: Operation; where: 'query' | 'path'; name: string }[] = reads.flatMap((op) =>
    op.parameters.filter((p) => p.in === 'query' || p.in === 'path').map((p) => ({ op, where: p.in as 'query' | 'path', name: p.name })),
  );
  const paramCases = full
    ? slots.flatMap((slot) => payloadOrder.map(({ payload }) => ({ slot, payload })))
    : payloadOrder.flatMap(({ payload, index }) => [slots[index % slots.length]!, slots[(index * 7 + 3) % slots.length]!].map((slot) => ({ slot, payload })));
  await mapLimit(paramCases, concurrency, async ({ slot, payload }) => {
    const url = urlWith(api, slot.op, slot.where, slot.name, payload.value);
    const stream = slot.op.responses['200']?.['text/event-stream'] !== undefined;
    // An event stream that opens never ends: its status and headers are the answer.
    await send(`${slot.op.operationId} ${slot.where}:${slot.name}`, payload, url, { token: district, headersOnly: stream });
  });
  // A hostile X-Region-Code (headers carry only Latin-1: the others are refused by fetch itself).
  await mapLimit(payloadOrder, concurrency, async ({ payload }) => {
    if (typeof payload.value !== 'string') return;
    await send('listApplications header:X-Region-Code', payload, `${api}/approvals/applications?limit=1`, {
      token: district,
      // As a raw client would send it: the UTF-8 bytes, with the characters HTTP forbids in a header removed.
      headers: { 'x-region-code': Buffer.from(payload.value.slice(0, 4000), 'utf8').toString('latin1').replace(/[\0\r\n]/g, '') },
    });
  });
  return tally;
}

/** A URL for `op` with valid defaults and `value` as the one hostile parameter. */
function urlWith(api: string, op: Operation, where: 'query' | 'path', name: string, value: unknown): string {
  const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, param: string) => encodeSegment(where === 'path' && param === name ? asText(value) : DEFAULT_PATH[param] ?? 'x'));
  const query = new URLSearchParams();
  for (const p of op.parameters) {
    if (p.in !== 'query') continue;
    if (where === 'query' && p.name === name) {
      if (Array.isArray(value)) for (const item of value) query.append(p.name, asText(item));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) query.append(`${p.name}[${k}]`, asText(v));
      else query.append(p.name, asText(value));
    } else if (p.required) {
      query.append(p.name, DEFAULT_QUERY[p.name] ?? '1');
    }
  }
  const search = query.toString();
  return `${api}${path}${search ? `?${search}` : ''}`;
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) becomes the bytes WTF-8 would
 * give it: percent-encoded invalid UTF-8, exactly what a hostile client can put in a URL.
 */
export function encodeSegment(text: string): string {
  return text.replace(/[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]|[^\ud800-\udfff]+/g, (part) => {
    if (part.length > 1 || !/[\ud800-\udfff]/.test(part)) return encodeURIComponent(part);
    const code = part.charCodeAt(0);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  });
}

const DEFAULT_PATH: Record<string, string> = {
  key: 'homestead',
  id: 'ZJD-440605124-2026-000001',
  code: '440605124',
  datasetId: 'market-enterprises',
  layerId: 'homestead-parcels',
  featureId: '1',
  z: '12',
  x: '3346',
  y: '1786',
};

const DEFAULT_QUERY: Record<string, string> = { lon: '113.07', lat: '23.19', q: '唐边' };

/** A submitted application that suspend/resume rounds can act on. */
async function createCleanApplication(api: string, token: string): Promise<string> {
  const result = await http(`${api}/approvals/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(applicationBody()),
  });
  if (result.status !== 201) throw new Error(`creating the application to act on: ${result.status} ${result.text}`);
  return (result.body as { id: string }).id;
}

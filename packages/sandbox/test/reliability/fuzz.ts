/**
 * Fuzzing from the contracts (issue 10): walks every operation of openapi/ and derives malformed
 * requests from its parameters and request body — wrong types, missing required values,
 * out-of-range numbers, bad enums, broken patterns and formats, oversized values, malformed JSON,
 * wrong content types, hostile headers and unsupported methods. The sandbox must answer each one
 * with a status below 500 (a 4xx as an RFC 9457 problem) and stay up.
 *
 * `systematicCases()` enumerates the single-mutation cases in a fixed order (what `npm test` runs);
 * `randomCases()` draws combinations of several mutations from a seeded generator (the soak).
 */
import { createRng, type Rng } from '@citybrain/domain';
import { loadSpecs, requestSchemas, type Operation, type OperationParameter } from '../../src/openapi.js';
import { applicationBody, http, isProblem, mapLimit, Tally, tokenFor, workOrderBody, type JsonObject } from './support.js';

type Schema = { [key: string]: unknown };
export type FuzzAuth = 'district' | 'public' | 'garbage';

export interface FuzzCase {
  /** `operationId mutation`, for reports. */
  name: string;
  operationId: string;
  method: string;
  path: string;
  query: [string, string][];
  /** Raw query text appended as is (percent-encoding garbage). */
  rawQuery?: string;
  headers: Record<string, string>;
  body?: string;
  auth: FuzzAuth;
}

export const FUZZ_FIGURES = ['cases', 'requests', '2xx', '4xx', '5xx', 'stack traces', 'answers over 64 KB', 'largest 4xx bytes', 'violations'] as const;

/** A bad request is answered briefly: no answer to one may exceed this. */
const MAX_BAD_REQUEST_ANSWER = 64 * 1024;
/** A V8 stack frame (`at fn (file.ts:12:5)`) leaking into an answer. */
const STACK_FRAME = /\bat [^\s()]+ \([^)]*:\d+:\d+\)|node:internal\//;

/** Ids in the seeded database that make a request valid apart from its one mutation. */
export interface FuzzContext {
  applicationId: string;
  workOrderId: string;
  featureId: string;
}

const TILE = { z: '12', x: '3346', y: '1786' };

function defaultPath(op: Operation, name: string, ctx: FuzzContext): string {
  switch (name) {
    case 'key':
      return 'homestead';
    case 'id':
      return op.path.startsWith('/workorders') ? ctx.workOrderId : ctx.applicationId;
    case 'code':
      return '440605124';
    case 'datasetId':
      return 'market-enterprises';
    case 'layerId':
      return 'homestead-parcels';
    case 'featureId':
      return ctx.featureId;
    default:
      return TILE[name as keyof typeof TILE] ?? 'x';
  }
}

const REQUIRED_QUERY: Record<string, string> = { lon: '113.07', lat: '23.19', q: '唐边' };

/** A valid body for each write, to mutate one property at a time. */
function validBody(op: Operation): JsonObject | null {
  switch (op.operationId) {
    case 'createApplication':
      return applicationBody();
    case 'createWorkOrder':
      return workOrderBody();
    case 'actOnApplication':
      return { action: 'suspend', reasonCode: 'OTHER', reason: '权属争议待核实' };
    case 'actOnWorkOrder':
      return { action: 'urge', remark: '请尽快处理' };
    case 'lookupApplication':
      return { trackingNo: 'ZJD-440605124-2026-000001', verificationCode: '123456' };
    case 'issueToken':
      return { grant_type: 'client_credentials', client_id: 'demo-district', client_secret: 'demo-district-secret' };
    default:
      return null;
  }
}

function baseCase(op: Operation, ctx: FuzzContext, name: string): FuzzCase {
  const params = op.parameters.filter((p) => p.in === 'path');
  let path = op.path;
  for (const p of params) path = path.replace(`{${p.name}}`, encodeURIComponent(defaultPath(op, p.name, ctx)));
  const query = op.parameters.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, REQUIRED_QUERY[p.name] ?? '1'] as [string, string]);
  const body = validBody(op);
  const form = op.operationId === 'issueToken';
  return {
    name: `${op.operationId} ${name}`,
    operationId: op.operationId,
    method: op.method,
    path,
    query,
    headers: body ? { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' } : {},
    body: body ? (form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body)) : undefined,
    auth: 'district',
  };
}

/** Wrong values for a parameter or property, derived from its schema. */
function wrongValues(schema: Schema): [string, unknown][] {
  const out: [string, unknown][] = [];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'integer':
    case 'number':
      out.push(['not-a-number', 'abc'], ['empty', ''], ['huge', '1e999'], ['nan', 'NaN'], ['hex', '0x10'], ['spaces', ' 1 ']);
      if (type === 'integer') out.push(['fraction', '1.5']);
      if (typeof schema.minimum === 'number') out.push(['below-minimum', String(schema.minimum - 1)]);
      if (typeof schema.exclusiveMinimum === 'number') out.push(['at-exclusive-minimum', String(schema.exclusiveMinimum)]);
      if (typeof schema.maximum === 'number') out.push(['above-maximum', String(schema.maximum + 1)]);
      out.push(['negative-huge', '-99999999999999999999']);
      break;
    case 'boolean':
      out.push(['not-a-boolean', 'maybe'], ['number-2', '2'], ['empty', '']);
      break;
    case 'array': {
      const items = (schema.items ?? {}) as Schema;
      out.push(['too-many-items', Array.from({ length: (Number(schema.maxItems) || 100) + 1 }, (_v, i) => (Array.isArray(items.enum) ? String(items.enum[0]) : `v${i}`))]);
      for (const [label, value] of wrongValues(items).slice(0, 4)) out.push([`item-${label}`, [value]]);
      break;
    }
    case 'object':
      out.push(['not-an-object', 'x']);
      break;
    default:
      if (Array.isArray(schema.enum)) out.push(['bad-enum', 'NOT_IN_ENUM'], ['enum-case', String(schema.enum.find((v) => typeof v === 'string') ?? 'x').toUpperCase() + 'x']);
      if (typeof schema.pattern === 'string') out.push(['pattern', '!!'], ['pattern-newline', 'a\nb']);
      if (typeof schema.maxLength === 'number') out.push(['too-long', 'a'.repeat(schema.maxLength + 1)]);
      if (typeof schema.minLength === 'number' && schema.minLength > 0) out.push(['too-short', '']);
      if (schema.format === 'date') out.push(['bad-date', '2026-13-45'], ['date-text', 'yesterday']);
      if (schema.format === 'date-time') out.push(['bad-date-time', '2026-02-30T25:61:00Z']);
      if (schema.format === 'uri') out.push(['bad-uri', 'not a uri']);
      out.push(['oversized', 'x'.repeat(20_000)]);
  }
  return out;
}

const PERCENT_GARBAGE = ['%', '%zz', '%00', '%C0%AF', '%ED%A0%80', '%FF%FE', '%E4%B8'];

function parameterCases(op: Operation, ctx: FuzzContext): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const p of op.parameters) {
    const schema = (p.schema ?? {}) as Schema;
    const label = `${p.in}:${p.name}`;
    if (p.required && p.in !== 'path') {
      const c = baseCase(op, ctx, `${label} missing`);
      c.query = c.query.filter(([n]) => n !== p.name);
      cases.push(c);
    }
    for (const [mutation, value] of wrongValues(schema)) cases.push(withParameter(baseCase(op, ctx, `${label} ${mutation}`), op, p, value, ctx));
    if (p.in === 'query') {
      // A scalar given twice, and percent-encoding garbage.
      if (schema.type !== 'array') cases.push(withParameter(baseCase(op, ctx, `${label} repeated`), op, p, ['1', '2'], ctx));
      for (const garbage of PERCENT_GARBAGE) {
        const c = baseCase(op, ctx, `${label} percent ${garbage}`);
        c.rawQuery = `${encodeURIComponent(p.name)}=${garbage}`;
        cases.push(c);
      }
      cases.push(withParameter(baseCase(op, ctx, `${label} deep-object`), op, { ...p, name: `${p.name}[a][b]` }, 'x', ctx));
      cases.push(withParameter(baseCase(op, ctx, `${label} proto-key`), op, { ...p, name: `${p.name}[__proto__]` }, 'x', ctx));
    }
    if (p.in === 'path') {
      for (const garbage of ['%', '%zz', '%00', '%ED%A0%80', '..', '%2e%2e%2f%2e%2e', 'a'.repeat(5_000)]) {
        const c = baseCase(op, ctx, `${label} raw ${garbage.slice(0, 12)}`);
        c.path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => (name === p.name ? garbage : encodeURIComponent(defaultPath(op, name, ctx))));
        cases.push(c);
      }
    }
  }
  return cases;
}

function withParameter(c: FuzzCase, op: Operation, p: OperationParameter, value: unknown, ctx: FuzzContext): FuzzCase {
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  if (p.in === 'query') {
    c.query = c.query.filter(([n]) => n !== p.name);
    for (const v of Array.isArray(value) ? value : [value]) c.query.push([p.name, text(v)]);
  } else if (p.in === 'path') {
    c.path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(name === p.name ? text(value) : defaultPath(op, name, ctx)));
  } else if (p.in === 'header') {
    // Header values carry Latin-1 only; a newline cannot be sent at all.
    c.headers[p.name.toLowerCase()] = text(Array.isArray(value) ? value.join(',') : value).replace(/[\r\n]/g, ' ').replace(/[^\x20-\xff]/g, '?');
  }
  return c;
}

/** Every property path of a JSON value, with its sub-schema looked up on the way. */
function propertyPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, i) => propertyPaths(item, [...prefix, i]))];
  if (value && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => propertyPaths(v, [...prefix, k]))];
  return [prefix];
}

function schemaAt(schema: Schema, path: (string | number)[]): Schema {
  let node: Schema | undefined = schema;
  for (const key of path) {
    if (!node) return {};
    if (typeof key === 'number') node = node.items as Schema | undefined;
    else node = (node.properties as Record<string, Schema> | undefined)?.[key];
  }
  return node ?? {};
}

function mutate(body: JsonObject, path: (string | number)[], change: (parent: Record<string | number, unknown>, key: string | number) => void): string {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  change(parent, path.at(-1)!);
  return JSON.stringify(copy);
}

const MALFORMED_JSON = [
  ['empty', ''],
  ['truncated', '{"villageCode":"4406'],
  ['trailing-comma', '{"a":1,}'],
  ['single-quotes', "{'a':1}"],
  ['nan', '{"a":NaN}'],
  ['comment', '/* x */{}'],
  ['bom', '\ufeff{}'],
  ['garbage-after', '{}garbage'],
  ['two-documents', '{}{}'],
  ['bare-string', '"text"'],
  ['bare-number', '123'],
  ['null', 'null'],
  ['array', '[]'],
  ['true', 'true'],
  ['duplicate-keys', '{"action":"urge","action":"urge","remark":"x"}'],
  ['lone-surrogate-escape', '{"a":"\\ud800"}'],
  ['invalid-escape', '{"a":"\\x41"}'],
  ['control-character', '{"a":"\u0001"}'],
  ['deep-array-bomb', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['deep-object-bomb', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`],
  ['proto', '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}'],
  ['huge-number', '{"a":1e999999}'],
  ['utf16', '\u0000{\u0000}'],
] as const;

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=latin1',
  'application/json-patch+json',
  'APPLICATION/JSON',
  'application/x-www-form-urlencoded',
  'application/json, text/plain',
  ';;;',
];

function bodyCases(op: Operation, ctx: FuzzContext): FuzzCase[] {
  const valid = validBody(op);
  if (!valid) return [];
  const cases: FuzzCase[] = [];
  const form = op.operationId === 'issueToken';
  const schema = (requestSchemas(op).body ?? {}) as Schema;
  const jsonCase = (name: string, body: string, contentType = 'application/json') => {
    const c = baseCase(op, ctx, name);
    c.headers['content-type'] = contentType;
    c.body = body;
    return c;
  };
  for (const [name, text] of MALFORMED_JSON) cases.push(jsonCase(`body malformed ${name}`, text));
  for (const type of CONTENT_TYPES) cases.push(jsonCase(`body content-type ${type}`, form ? new URLSearchParams(valid as Record<string, string>).toString() : JSON.stringify(valid), type));
  const noType = baseCase(op, ctx, 'body without content-type');
  delete noType.headers['content-type'];
  cases.push(noType);
  cases.push(jsonCase('body oversized 3 MB', JSON.stringify({ ...valid, padding: 'x'.repeat(3 * 1024 * 1024) })));
  const missing = baseCase(op, ctx, 'body missing');
  delete missing.body;
  cases.push(missing);

  // One mutation per property: removed, wrong types, out of range, bad enum, unknown sibling.
  const variants = Array.isArray(schema.oneOf) ? (schema.oneOf as Schema[]) : [schema];
  const effective = variants.length > 1 ? mergeAllOf(variants.find((v) => JSON.stringify(v).includes(`"const":"${valid.action as string}"`)) ?? variants[0]!) : schema;
  for (const path of propertyPaths(valid)) {
    if (!path.length) continue;
    const name = path.join('.');
    const sub = schemaAt(effective, path);
    const encode = (body: string) => (form ? new URLSearchParams(JSON.parse(body) as Record<string, string>).toString() : body);
    cases.push({ ...baseCase(op, ctx, `body ${name} removed`), body: encode(mutate(valid, path, (parent, key) => (Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key]))) });
    const wrong: [string, unknown][] = [
      ['null', null],
      ['number', 12345],
      ['string', 'x'],
      ['boolean', true],
      ['array', ['x']],
      ['object', { x: 1 }],
    ];
    for (const [label, value] of wrong) cases.push({ ...baseCase(op, ctx, `body ${name} as ${label}`), body: encode(mutate(valid, path, (parent, key) => (parent[key] = value))) });
    for (const [label, value] of wrongValues(sub).filter(([l]) => !['empty', 'spaces', 'hex', 'nan'].includes(l))) {
      const asNumber = (sub.type === 'number' || sub.type === 'integer') && typeof value === 'string' && !Number.isNaN(Number(value)) ? Number(value) : value;
      cases.push({ ...baseCase(op, ctx, `body ${name} ${label}`), body: encode(mutate(valid, path, (parent, key) => (parent[key] = asNumber))) });
    }
  }
  if (!form) {
    cases.push({ ...baseCase(op, ctx, 'body unknown property'), body: JSON.stringify({ ...valid, unknownProperty: 1 }) });
    if (valid.action) {
      for (const action of ['', 'drop-table', 'URGE', 'approve-all', '__proto__']) cases.push({ ...baseCase(op, ctx, `body action ${action || 'empty'}`), body: JSON.stringify({ ...valid, action }) });
    }
  }
  return cases;
}

function mergeAllOf(schema: Schema): Schema {
  if (!Array.isArray(schema.allOf)) return schema;
  const properties: Record<string, Schema> = {};
  for (const part of schema.allOf as Schema[]) Object.assign(properties, part.properties ?? {});
  return { type: 'object', properties };
}

const HEADER_CASES: [string, Record<string, string>, FuzzAuth?][] = [
  ['authorization empty bearer', { authorization: 'Bearer' }, 'public'],
  ['authorization bearer spaces', { authorization: 'Bearer    ' }, 'public'],
  ['authorization huge token', { authorization: `Bearer ${'a'.repeat(12_000)}` }, 'public'],
  ['authorization forged token', { authorization: 'Bearer eyJzdWIiOiJkZW1vLWRpc3RyaWN0IiwiZXhwIjo5OTk5OTk5OTk5fQ.forged' }, 'public'],
  ['authorization three parts', { authorization: 'Bearer a.b.c' }, 'public'],
  ['authorization basic', { authorization: 'Basic ZGVtbzpkZW1v' }, 'public'],
  ['authorization unknown scheme', { authorization: 'Digest username="x"' }, 'public'],
  ['authorization non-base64', { authorization: 'Bearer !!!.???' }, 'public'],
  ['x-region-code letters', { 'x-region-code': 'abcdef' }],
  ['x-region-code foreign district', { 'x-region-code': '440604' }],
  ['x-region-code too long', { 'x-region-code': '4406051242010000' }],
  ['x-region-code list', { 'x-region-code': '440605124, 440605011' }],
  ['accept xml', { accept: 'application/xml' }],
  ['accept garbage', { accept: ';;;,,,' }],
  ['x-request-id hostile', { 'x-request-id': '<script>x</script>' }],
  ['x-request-id huge', { 'x-request-id': 'r'.repeat(8_000) }],
];

function headerCases(op: Operation, ctx: FuzzContext): FuzzCase[] {
  return HEADER_CASES.map(([name, headers, auth]) => {
    const c = baseCase(op, ctx, `header ${name}`);
    Object.assign(c.headers, headers);
    if (auth) c.auth = auth;
    return c;
  });
}

function methodCases(op: Operation, ctx: FuzzContext, specs: Operation[]): FuzzCase[] {
  const taken = new Set(specs.filter((o) => o.path === op.path).map((o) => o.method));
  return ['PUT', 'DELETE', 'PATCH', 'POST'].filter((m) => !taken.has(m)).map((method) => ({ ...baseCase(op, ctx, `method ${method}`), method }));
}

/** The single-mutation cases of every operation, in a fixed order. */
export function systematicCases(ctx: FuzzContext): FuzzCase[] {
  const { operations } = loadSpecs();
  const seenPaths = new Set<string>();
  const cases: FuzzCase[] = [];
  for (const op of operations) {
    cases.push(...parameterCases(op, ctx), ...bodyCases(op, ctx), ...headerCases(op, ctx));
    // An undocumented parameter with broken percent-encoding: ignored, but never echoed as an invalid link.
    cases.push({ ...baseCase(op, ctx, 'query unknown parameter %zz'), rawQuery: 'unknownParameter=%zz%' });
    if (!seenPaths.has(op.path)) {
      seenPaths.add(op.path);
      cases.push(...methodCases(op, ctx, operations));
    }
  }
  return cases;
}

/** `count` cases of two to four mutations each (parameters, body and headers of one operation together). */
export function randomCases(ctx: FuzzContext, count: number, seed = 'fuzz'): FuzzCase[] {
  const rng: Rng = createRng(seed);
  const { operations } = loadSpecs();
  const byOp = new Map<string, FuzzCase[]>();
  for (const c of systematicCases(ctx)) byOp.set(c.operationId, [...(byOp.get(c.operationId) ?? []), c]);
  const ops = operations.map((o) => o.operationId).filter((id) => byOp.has(id));
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i += 1) {
    const pool = byOp.get(rng.pick(ops))!;
    const picked = Array.from({ length: rng.int(2, 4) }, () => rng.pick(pool));
    const combined: FuzzCase = structuredClone(picked[0]!);
    combined.name = `${combined.operationId} combo ${picked.map((p) => p.name.slice(combined.operationId.length + 1)).join(' + ')}`;
    for (const other of picked.slice(1)) {
      const base = baseCase(operations.find((o) => o.operationId === other.operationId)!, ctx, '');
      if (other.path !== base.path) combined.path = other.path;
      if (other.body !== base.body) combined.body = other.body;
      if (other.rawQuery) combined.rawQuery = other.rawQuery;
      for (const pair of other.query) if (!base.query.some(([n, v]) => n === pair[0] && v === pair[1])) combined.query.push(pair);
      Object.assign(combined.headers, other.headers);
      if (other.auth !== 'district') combined.auth = other.auth;
    }
    cases.push(combined);
  }
  return cases;
}

export async function fuzzContext(baseUrl: string): Promise<FuzzContext> {
  const token = await tokenFor(baseUrl, 'demo-district');
  const get = async (path: string) => (await http(`${baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })).body as Record<string, unknown>;
  const apps = (await get('/approvals/applications?limit=1')).items as { id: string }[];
  const orders = (await get('/workorders?limit=1')).items as { id: string }[];
  const features = (await get('/gis/collections/homestead-parcels/items?limit=1')).features as { id: string | number }[];
  return { applicationId: apps[0]!.id, workOrderId: orders[0]!.id, featureId: String(features[0]!.id) };
}

/** Sends every case; counts statuses and records every 5xx, dropped connection or 4xx that is not a problem. */
export async function runFuzz(baseUrl: string, cases: readonly FuzzCase[], options: { concurrency?: number } = {}): Promise<Tally> {
  const tally = new Tally();
  tally.add('cases', cases.length);
  const token = await tokenFor(baseUrl, 'demo-district');
  const { operations } = loadSpecs();
  const streams = new Set(operations.filter((o) => o.responses['200']?.['text/event-stream'] !== undefined).map((o) => o.operationId));
  await mapLimit(cases, options.concurrency ?? 8, async (c) => {
    const search = new URLSearchParams(c.query).toString();
    const query = [search, c.rawQuery].filter(Boolean).join('&');
    const url = `${baseUrl}/api/v1${c.path}${query ? `?${query}` : ''}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(c.headers)) headers.set(name, value);
    if (c.auth === 'district' && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    if (c.auth === 'garbage') headers.set('authorization', 'Bearer garbage');
    const result = await http(url, { method: c.method, headers, body: c.method === 'GET' || c.method === 'HEAD' ? undefined : c.body }, { headersOnly: streams.has(c.operationId) });
    if (result.unsendable) return tally.add('unsendable');
    tally.add('requests');
    if (STACK_FRAME.test(result.text)) {
      tally.add('stack traces');
      tally.fail(`${c.name} → ${result.status} carries a stack trace: ${result.text.slice(0, 240)}`);
    }
    if (result.status === 0 || result.status >= 500) {
      tally.add('5xx');
      tally.fail(`${c.name} → ${result.status} ${result.text.slice(0, 240)}`);
    } else if (result.status >= 400) {
      tally.add('4xx');
      const bytes = Buffer.byteLength(result.text);
      if (bytes > tally.get('largest 4xx bytes')) tally.add('largest 4xx bytes', bytes - tally.get('largest 4xx bytes'));
      if (bytes > MAX_BAD_REQUEST_ANSWER) {
        tally.add('answers over 64 KB');
        tally.fail(`${c.name} → ${result.status} answered with ${bytes} bytes`);
      }
      // A HEAD answer has no body: its problem shows in the media type alone.
      const problem = c.method === 'HEAD' ? (result.headers.get('content-type') ?? '').startsWith('application/problem+json') : isProblem(result);
      if (!problem && result.status !== 414 && result.status !== 431) tally.fail(`${c.name} → ${result.status} is not a problem+json: ${result.text.slice(0, 160)}`);
    } else tally.add('2xx');
  });
  // Still up and still right: a plain read after the storm.
  const health = await http(`${baseUrl}/api/v1/regions/440605`);
  if (health.status !== 200) tally.fail(`the sandbox no longer answers after fuzzing: ${health.status}`);
  return tally;
}

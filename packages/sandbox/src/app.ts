import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyError } from 'fastify';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createRng } from '@citybrain/domain';
import { NonceLedger, PUBLIC_PRINCIPAL, TokenService, bodyDigestCheck, verifyGatewaySignature } from './auth.js';
import { Clock } from './clock.js';
import type { SandboxConfig } from './config.js';
import { EffectCounter, type SandboxService, type ServiceContext } from './context.js';
import { checkpoint, coreMigrations, getMeta, openStore, setMeta, withoutStatementTimeout, type Db } from './db.js';
import { concurrentReads } from './storage/reads.js';
import { applyMigrations } from './storage/migrations.js';
import { holdsSimulationLock } from './storage/locks.js';
import { PostgresError, isCancelledStatement } from './storage/postgres.js';
import { StreamLeases } from './throttles.js';
import { LocalEventBus, PostgresEventBus, type EventBus } from './events.js';
import { FaultInjector } from './faults.js';
import { prepareReplayStore } from './idempotency.js';
import { loadSpecs, requestSchemas, toFastifyPath, withoutAnnotations, type Operation, type Specs } from './openapi.js';
import { ProblemError, badRequest, notFound, type FieldError } from './problems.js';
import { MALFORMED_PARAMETERS, parseQueryString, type ParsedQuery } from './querystring.js';
import { createServices } from './services/index.js';
import { storedBusEvent } from './services/process-runtime.js';
import { normaliseRequestTarget } from './request-target.js';
import { registerStaticPages } from './static-pages.js';
import { registerApiReference } from './api-reference.js';
import { registerTestHooks } from './test-hooks.js';
import { readHolidayCalendar, SHIPPED_CALENDAR, WorkdayCalendar, type CalendarYear } from './workdays.js';
import { CALENDAR_TOPIC, storedCalendarEvent, storedCalendarYears } from './services/common/index.js';
import { escapeLoneSurrogates, findIllFormedString, findNulString } from './well-formed.js';

export const API_PREFIX = '/api/v1';

export interface Sandbox {
  app: FastifyInstance;
  ctx: ServiceContext;
  specs: Specs;
  tokens: TokenService;
  faults: FaultInjector;
  /** operationIds in the contracts that no service implements (must be empty). */
  unimplemented: string[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    operationId?: string;
  }
}

function ajvFor(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: coerce ? 'array' : false, useDefaults: true, logger: false });
  addFormats.default(ajv);
  return ajv;
}

/**
 * The largest request body each operation accepts, so a hostile body costs little before it is refused
 * (413): the public lookup needs a few hundred bytes, a token request a few, an action a remark.
 */
const BODY_LIMITS: Record<string, number> = {
  lookupApplication: 1024,
  issueToken: 4 * 1024,
  actOnApplication: 16 * 1024,
  actOnWorkOrder: 16 * 1024,
};
/** Creating an application or a work order, and anything else that takes a body. */
const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Field errors listed in one problem; the detail gives the total. */
export const MAX_FIELD_ERRORS = 20;

/** `body/jcxx/sfzh`, `query/limit`: where each validation error sits, as the problem's `errors[].name`. */
function fieldErrors(errors: ErrorObject[], part: string): FieldError[] {
  const location = part === 'querystring' ? 'query' : part === 'params' ? 'path' : part === 'headers' ? 'header' : part;
  return errors.map((e) => {
    const path = e.instancePath.split('/').filter(Boolean);
    if (e.keyword === 'required') path.push(String((e.params as { missingProperty: string }).missingProperty));
    if (e.keyword === 'additionalProperties') path.push(String((e.params as { additionalProperty: string }).additionalProperty));
    const reason = e.keyword === 'enum'
      ? `${e.message}: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`
      : (e.message ?? e.keyword);
    return { name: [location, ...path].join('/'), reason };
  });
}

/** Parameters (of the query or a form body) whose text is not valid percent-encoded UTF-8. */
function encodingProblem(location: 'query' | 'body', names: string[]): ProblemError {
  const shown = names.slice(0, MAX_FIELD_ERRORS);
  return badRequest(
    `参数编码无效（应为 UTF-8 百分号编码）：${shown.join(', ')}${names.length > shown.length ? ` 等 ${names.length} 个` : ''}`,
    shown.map((name) => ({ name: `${location}/${name}`, reason: 'invalid percent-encoding or UTF-8' })),
  );
}

/**
 * The problem type and title of each status Fastify or its plugins raise themselves (unparsable body,
 * wrong media type, a static file refused or out of range…): the type names the status, so a client
 * that dispatches on `type` never reads a 403 as a malformed request.
 */
const FRAMEWORK_PROBLEMS: Record<number, [kind: string, title: string]> = {
  400: ['bad-request', '请求无法解析'],
  403: ['forbidden', '无权访问'],
  404: ['not-found', '资源不存在'],
  405: ['method-not-allowed', '不支持该请求方法'],
  406: ['not-acceptable', '无法提供所要求的媒体类型'],
  412: ['precondition-failed', '前提条件不满足'],
  413: ['payload-too-large', '请求体过大'],
  415: ['unsupported-media-type', '不支持的请求体媒体类型'],
  416: ['range-not-satisfiable', '请求的范围无法满足'],
};

/** A 4xx raised by Fastify itself as one of our problems; a status not in the table gets its HTTP reason as the type. */
function frameworkProblem(error: FastifyError, status: number): ProblemError {
  const reason = STATUS_CODES[status] ?? 'Client Error';
  const [kind, title] = FRAMEWORK_PROBLEMS[status] ?? [reason.toLowerCase().replace(/[^a-z0-9]+/g, '-'), '请求无法处理'];
  return new ProblemError(status, kind, title, error.message);
}

/**
 * For a path the contracts define under other methods, those methods (with HEAD beside GET, as
 * Fastify serves it): the `Allow` of a 405. Empty for a path no operation has.
 */
function methodsByPath(operations: readonly Operation[]): (path: string) => string[] {
  const escape = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  const patterns = operations.map((op) => ({
    method: op.method.toUpperCase(),
    pattern: new RegExp(`^${escape(API_PREFIX)}${op.path.split(/\{[^}]+\}/).map(escape).join('[^/]+')}/?$`),
  }));
  return (path) => {
    const methods = new Set(patterns.filter((p) => p.pattern.test(path)).map((p) => p.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

/**
 * Answers a request Node's HTTP parser refused (a header section over the limit, a malformed
 * header line or chunk, a stalled request) straight on the socket: such requests never reach
 * Fastify's routing, hooks or error handler, yet get a problem like every other bad request.
 */
function writeParserProblem(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new ProblemError(408, 'request-timeout', '请求超时', 'The request was not received in time.')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new ProblemError(431, 'header-too-large', '请求头过大', 'The request headers exceed the size the server accepts.')
        : new ProblemError(400, 'bad-request', '请求无法解析', 'The request is not well-formed HTTP.');
  const requestId = randomUUID();
  const body = JSON.stringify(problem.toBody('/', requestId));
  // The answer to a HEAD has no body (RFC 9110 §9.3.2): its client would read one as garbage after the response.
  const head = (error as NodeJS.ErrnoException & { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
  }
  socket.destroy(error);
}

/** Response headers a cross-origin page may read. */
const EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After', 'Link', 'Idempotent-Replayed', 'Content-Disposition', 'X-Total-Count', 'X-Masked-Columns',
  // A tus client in a page reads where its upload is and how far it got.
  'Location', 'Tus-Resumable', 'Tus-Version', 'Upload-Offset', 'Upload-Length', 'Upload-Metadata', 'Upload-Expires'];

/**
 * The CORS headers @fastify/cors would add, for answers that skip its hook (framework errors):
 * without them a page of an allowed origin sees a network error instead of the problem.
 */
function corsHeaders(origin: string | undefined, allowed: (string | RegExp)[]): Record<string, string> {
  const granted = origin !== undefined && allowed.some((rule) => (typeof rule === 'string' ? rule === origin : rule.test(origin)));
  return granted ? { vary: 'Origin', 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED_HEADERS.join(', ') } : { vary: 'Origin' };
}

function sendProblem(req: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send(problem.toBody(req.url.split('?')[0], String(req.id)));
}

/** Any number, the same in every instance: the key of the lock that lets one instance at a time migrate and seed. */
const SCHEMA_LOCK = 7_514_202_601;

/**
 * Brings the schema up to date, then seeds each service once, in its own transaction. The mark is
 * per service, so a database made by an older sandbox gets the tables of services added since,
 * without touching the data it has. On PostgreSQL, instances starting together take turns.
 */
function prepareDatabase(db: Db, services: SandboxService[], log: (m: string) => void, seed: () => void) {
  // Index builds, a full seed and the wait for another instance's turn take longer than a request may.
  withoutStatementTimeout(db, () => {
    if (db.dialect === 'postgres') db.exec(`SELECT pg_advisory_lock(${SCHEMA_LOCK})`);
    try {
      const applied = applyMigrations(db, [...coreMigrations, ...services.flatMap((service) => service.migrations)]);
      if (applied.length) log(`applied migrations ${applied.join(', ')}`);
      seed();
    } finally {
      if (db.dialect === 'postgres') db.exec(`SELECT pg_advisory_unlock(${SCHEMA_LOCK})`);
    }
  });
}

function seedMissing(db: Db, services: SandboxService[], config: SandboxConfig, clock: Clock, workdays: WorkdayCalendar, log: (m: string) => void) {
  for (const service of services) {
    const mark = `seeded:${service.name}`;
    if (getMeta(db, mark)) continue;
    const started = Date.now();
    db.transaction(() => {
      service.seed(db, {
        seed: config.seed,
        size: config.seedSize,
        rng: createRng(`${config.seed}:${service.name}`),
        clock,
        workdays,
        log,
      });
      setMeta(db, mark, clock.now().toISOString());
    })();
    log(`seeded ${service.name} (${config.seedSize}) in ${Date.now() - started} ms`);
  }
  setMeta(db, 'seed', config.seed);
  setMeta(db, 'seed_size', config.seedSize);
  // Seeding a full database writes about a gigabyte through the WAL; fold it back at once.
  checkpoint(db);
}

/** The server's secret for signing tokens, made by the first instance on a database and read by the others. */
function tokenSecret(db: Db): string {
  let secret = getMeta(db, 'token_secret');
  if (!secret) setMeta(db, 'token_secret', (secret = randomBytes(32).toString('hex')));
  return secret;
}

/**
 * Runs the services' background work (the simulation) on one instance of a database: on PostgreSQL
 * the holder of the simulation lock; the others try again at every tick and take over once the
 * holder's connection is gone. On SQLite the one instance runs it.
 */
function runSimulation(ctx: ServiceContext, services: SandboxService[]): { state: () => 'running' | 'standby' | 'off'; stop: () => void } {
  if (!ctx.config.simulate) return { state: () => 'off', stop: () => {} };
  let stops: (() => void)[] | null = null;
  const tryToLead = () => {
    if (stops || !holdsSimulationLock(ctx.db)) return;
    clearInterval(waiting);
    stops = services.flatMap((service) => (service.start ? [service.start(ctx)] : []));
  };
  const waiting = setInterval(tryToLead, ctx.config.simulationIntervalMs);
  waiting.unref();
  tryToLead();
  return {
    state: () => (stops ? 'running' : 'standby'),
    stop: () => {
      clearInterval(waiting);
      for (const stop of stops ?? []) stop();
    },
  };
}

/** Where a refused request-target is routed: no route answers it; the first hook answers the refusal. */
const REFUSED_TARGET_PATH = '/__refused-request-target';

export async function buildSandbox(config: SandboxConfig): Promise<Sandbox> {
  const opened: Array<() => unknown> = [];
  try {
    return await assembleSandbox(config, opened);
  } catch (error) {
    // A start that fails part way (a broken calendar file, a port in use) closes what it opened: a
    // PostgreSQL connection left open would outlive the failure and hold its database.
    for (const close of opened.reverse()) await close();
    throw error;
  }
}

/** The sandbox, pushing onto `opened` how to close each resource it opens, in case the start fails. */
async function assembleSandbox(config: SandboxConfig, opened: Array<() => unknown>): Promise<Sandbox> {
  const refusedTargets = new WeakMap<IncomingMessage, string>();
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: config.trustProxy ?? false,
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseQueryString },
    // Before routing, so the router, authentication, signing and static files see one path.
    rewriteUrl: (req) => {
      const verdict = normaliseRequestTarget(req.url ?? '/');
      if ('url' in verdict) return verdict.url;
      refusedTargets.set(req, verdict.refused);
      return REFUSED_TARGET_PATH;
    },
    clientErrorHandler: writeParserProblem,
    // Errors Fastify meets before routing (a URL with broken percent-encoding such as `/%zz`,
    // FST_ERR_BAD_URL) skip the error handler and the hooks; answer them as problems all the same.
    frameworkErrors: (error, req, reply) => {
      reply.header('x-request-id', String(req.id));
      reply.header('x-content-type-options', 'nosniff');
      reply.headers(corsHeaders(req.headers.origin, config.corsOrigins));
      const status = error.statusCode ?? 400;
      if (status >= 400 && status < 500) return sendProblem(req, reply, frameworkProblem(error, status));
      req.log.error({ err: error }, 'framework error');
      return sendProblem(req, reply, new ProblemError(500, 'internal', '服务器内部错误', '服务器内部错误，请携带 requestId 联系管理员'));
    },
  });

  const specs = loadSpecs();
  const db = openStore(config);
  opened.push(() => db.close());
  // Resolved on the config itself, which the services read (as `publicBaseUrl` once the server listens).
  const temporaryUploads = !config.uploadsDir && config.dbPath === ':memory:';
  config.uploadsDir ??= temporaryUploads ? mkdtempSync(join(tmpdir(), 'citybrain-uploads-')) : `${config.dbPath.replace(/\.db$/, '')}-uploads`;
  if (temporaryUploads) opened.push(() => rmSync(config.uploadsDir!, { recursive: true, force: true }));
  const clock = new Clock();
  const services = createServices();
  const log = (message: string) => app.log.info(message);
  let workdays!: WorkdayCalendar;
  let secret!: string;
  let nonces!: NonceLedger;
  // Secrets and the platform's own tables too: instances starting together must agree on one secret.
  prepareDatabase(db, services, log, () => {
    workdays = new WorkdayCalendar({
      ...readHolidayCalendar(SHIPPED_CALENDAR).years,
      ...(config.holidayCalendarFile ? readHolidayCalendar(config.holidayCalendarFile).years : {}),
      ...storedCalendarYears(db),
    });
    seedMissing(db, services, config, clock, workdays, log);
    secret = tokenSecret(db);
    nonces = new NonceLedger(db);
    prepareReplayStore(db);
  });
  const effects = new EffectCounter(db, config.testHooks);
  const storedEvent = (store: Db, topic: string, id: string) => (topic === CALENDAR_TOPIC ? storedCalendarEvent(store, id) : storedBusEvent(store, topic, id));
  const events: EventBus = db.dialect === 'postgres' ? await PostgresEventBus.connect(config.databaseUrl!, db, storedEvent, log) : new LocalEventBus();
  opened.push(() => events.close());
  // A year stored through the API on another instance: deadlines counted here must use it too.
  events.subscribe(CALENDAR_TOPIC, (event) => workdays.setYear(Number(event.id), event.data as CalendarYear));
  const tokens = new TokenService(secret, config.tokenTtlSeconds, () => clock.now());

  const ctx: ServiceContext = {
    db,
    reads: concurrentReads(db, config.databaseUrl, config.databaseReadConnections, config.databaseStatementTimeoutMs),
    config,
    events,
    streams: new StreamLeases(db),
    clock,
    workdays,
    effects,
    tokens,
    audit(req, action, target, fields, purpose) {
      db.prepare(
        'INSERT INTO audit_log (at, client_id, role, region_code, action, target, fields, purpose, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(clock.now().toISOString(), req.principal.clientId, req.principal.role, req.principal.regionCode, action, target,
        fields.join(','), purpose ?? null, String(req.id));
    },
  };

  // --- request plumbing -------------------------------------------------------------------
  const coercing = ajvFor(true);
  const strictBody = ajvFor(false);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strictBody : coercing).compile(schema));
  app.setSchemaErrorFormatter((errors, dataVar) => {
    const fields = fieldErrors((errors as ErrorObject[]).slice(0, MAX_FIELD_ERRORS), dataVar);
    const more = errors.length > MAX_FIELD_ERRORS ? `; 共 ${errors.length} 处错误，仅列出前 ${MAX_FIELD_ERRORS} 处` : '';
    return badRequest(fields.map((f) => `${f.name} ${f.reason}`).join('; ') + more, fields);
  });
  // Bodies are decoded as strict UTF-8: a byte sequence that is not UTF-8 is refused, never stored as U+FFFD.
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const decodeBody = (body: Buffer): string | ProblemError => {
    try {
      return utf8.decode(body);
    } catch {
      return badRequest('请求体不是有效的 UTF-8 文本', [{ name: 'body', reason: 'invalid UTF-8 byte sequence' }]);
    }
  };
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_req, body, done) => {
    const text = decodeBody(body as Buffer);
    if (text instanceof ProblemError) return done(text, undefined);
    const form = parseQueryString(text);
    const malformed = form[MALFORMED_PARAMETERS];
    if (malformed) return done(encodingProblem('body', malformed), undefined);
    done(null, form);
  });
  // Fastify's own JSON parser (proto and constructor poisoning refused), then a lone UTF-16 surrogate
  // (`"\ud800"` escaped in the JSON) anywhere in a key or a string is refused: it has no UTF-8 form,
  // SQLite would store it altered and consumers would choke on it.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const text = decodeBody(body as Buffer);
    if (text instanceof ProblemError) return done(text, undefined);
    parseJson(req, text, (error, value) => {
      if (error) return done(error, undefined);
      const path = findIllFormedString(value);
      if (!path) {
        // Checked once no lone surrogate can reach the problem through the path.
        const nulPath = findNulString(value);
        if (!nulPath) return done(null, value);
        const name = ['body', ...nulPath].join('/').replaceAll('\u0000', '\\u0000').slice(0, 200);
        return done(badRequest(`${name} 含有空字符 U+0000，无法存储`, [{ name, reason: 'U+0000 (NUL) character' }]), undefined);
      }
      // Escaped, so the problem does not hand the defect back; shortened, as the path may be thousands of levels deep.
      const full = escapeLoneSurrogates(['body', ...path].join('/'));
      const name = full.length > 200 ? `${full.slice(0, /[\uD800-\uDBFF]/.test(full[199]!) ? 199 : 200)}…` : full;
      done(badRequest(`${name} 含有不成对的 UTF-16 代理项，不是有效的 Unicode 字符串`, [{ name, reason: 'lone UTF-16 surrogate' }]), undefined);
    });
  });

  // The bytes of a tus PATCH stay unread in the request stream for the upload store: buffering them
  // would cap an upload at the body limit and hold megabytes in memory.
  app.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null, undefined));

  app.setErrorHandler((error: FastifyError | ProblemError, req, reply) => {
    if (error instanceof ProblemError) return sendProblem(req, reply, error);
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) return sendProblem(req, reply, frameworkProblem(error, status));
    if (isCancelledStatement(error)) {
      // The statement outran the statement timeout (or an operator cancelled it): this request fails, the instance goes on.
      req.log.warn({ err: error, statement: error instanceof PostgresError ? error.statement : undefined }, 'statement cancelled');
      return sendProblem(req, reply, new ProblemError(503, 'unavailable', '服务暂不可用', '数据库查询超时，已取消，请稍后重试', { headers: { 'retry-after': '5' } }));
    }
    req.log.error({ err: error }, 'unhandled error');
    return sendProblem(req, reply, new ProblemError(500, 'internal', '服务器内部错误', '服务器内部错误，请携带 requestId 联系管理员'));
  });
  const allowedMethodsAt = methodsByPath(specs.operations);
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const allowed = allowedMethodsAt(path);
    if (!allowed.length) return sendProblem(req, reply, notFound(`${req.method} ${path} 不存在`));
    return sendProblem(req, reply, new ProblemError(405, 'method-not-allowed', '不支持该请求方法', `${path} 不支持 ${req.method}，可用：${allowed.join(', ')}`, {
      headers: { allow: allowed.join(', ') },
    }));
  });

  app.addHook('onRequest', async (req) => {
    const refused = refusedTargets.get(req.raw);
    if (refused) throw new ProblemError(400, 'bad-request', '请求目标无效', `Request-target refused: ${refused}.`);
    const malformed = (req.query as ParsedQuery | undefined)?.[MALFORMED_PARAMETERS];
    if (malformed) throw encodingProblem('query', malformed);
    // OPTIONS is only a CORS preflight here; @fastify/cors would refuse an incomplete one in plain text.
    if (req.method === 'OPTIONS' && (!req.headers.origin || !req.headers['access-control-request-method'])) {
      throw new ProblemError(400, 'bad-request', '预检请求无效', 'An OPTIONS request is a CORS preflight: Origin and Access-Control-Request-Method are required.');
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', String(req.id));
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  await app.register(cors, {
    origin: config.corsOrigins,
    // @fastify/cors grants GET, HEAD and POST only: a page on another origin could not send a tus
    // upload's chunks (PATCH) or cancel it (DELETE).
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    exposedHeaders: EXPOSED_HEADERS,
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Idempotency-Key', 'X-Region-Code', 'X-Request-Id',
      'Last-Event-ID', 'X-Sandbox-Fault', 'X-Ca-Key', 'X-Ca-Signature', 'X-Ca-Timestamp', 'X-Ca-Nonce',
      'X-Ca-Signature-Method', 'X-Ca-Signature-Headers', 'Tus-Resumable', 'Upload-Length', 'Upload-Metadata', 'Upload-Offset'],
    maxAge: 600,
  });

  const faults = new FaultInjector(db, config.faults);
  faults.register(app, API_PREFIX);

  // Who is calling: a bearer token (bad or expired → 401 so clients refresh), or the public.
  app.addHook('onRequest', async (req) => {
    req.principal = PUBLIC_PRINCIPAL;
    if (!req.url.startsWith(API_PREFIX)) return;
    if (config.gatewaySignature) verifyGatewaySignature(req, clock.now(), nonces);
    const authorization = req.headers.authorization;
    if (!authorization) return;
    const [scheme, token] = authorization.split(' ');
    // client_secret_basic on the token endpoint is a client credential, not a bearer token.
    if (scheme?.toLowerCase() === 'basic' && req.url.startsWith(`${API_PREFIX}/auth/token`)) return;
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new ProblemError(401, 'unauthorized', '未认证或令牌已过期', '仅支持 Bearer 令牌');
    req.principal = tokens.verify(token);
  });

  if (config.gatewaySignature) {
    app.addHook('preParsing', async (req, _reply, payload) => (req.url.startsWith(API_PREFIX) ? bodyDigestCheck(req, payload) : payload));
  }

  // --- the contracts ----------------------------------------------------------------------
  // Each handler is typed by its own operation; Fastify calls it only with a request that passed
  // that operation's validation (requestSchemas), which is what makes this one widening sound.
  type RoutedHandler = (req: FastifyRequest, reply: FastifyReply, ctx: ServiceContext) => unknown;
  const handlers = new Map<string, { service: SandboxService; handler: RoutedHandler }>();
  for (const service of services) {
    for (const [operationId, handler] of Object.entries(service.handlers)) handlers.set(operationId, { service, handler: handler as RoutedHandler });
  }
  const unimplemented: string[] = [];
  const responseValidators = new Map<string, ValidateFunction | null>();
  const operationsById = new Map(specs.operations.map((op) => [op.operationId, op]));

  // A path whose HEAD is an operation of its own (tus's offset query) does not get Fastify's HEAD beside its GET.
  const ownHead = new Set(specs.operations.filter((op) => op.method === 'HEAD').map((op) => op.path));
  for (const op of specs.operations) {
    const bound = handlers.get(op.operationId);
    if (!bound) unimplemented.push(op.operationId);
    app.route({
      method: op.method as 'GET',
      url: API_PREFIX + toFastifyPath(op.path),
      schema: requestSchemas(op),
      bodyLimit: BODY_LIMITS[op.operationId] ?? DEFAULT_BODY_LIMIT,
      exposeHeadRoute: !ownHead.has(op.path),
      config: { operationId: op.operationId },
      handler: async (req, reply) => {
        if (!bound) throw new ProblemError(501, 'not-implemented', '尚未实现', `${op.operationId} 尚未在沙箱中实现`);
        const result = await bound.handler(req, reply, ctx);
        if (reply.sent || result === reply) return reply;
        return result;
      },
    });
  }

  if (config.contractCheck) {
    app.addHook('onSend', async (req, reply, payload) => {
      const op = operationsById.get(req.routeOptions.config.operationId ?? '');
      if (!op || typeof payload !== 'string' || req.faultPlan) return payload;
      const violation = contractViolation(op, reply.statusCode, String(reply.getHeader('content-type') ?? ''), payload, responseValidators, specs.schemas.Problem);
      if (!violation) return payload;
      req.log.error({ operationId: op.operationId, violation }, 'response violates the contract');
      reply.code(500).type('application/problem+json');
      return JSON.stringify({
        type: 'https://citybrain.nanhai.gov.cn/problems/contract-violation',
        title: '响应不符合接口契约',
        status: 500,
        detail: `${op.operationId} ${violation}`,
        requestId: String(req.id),
      });
    });
  }

  opened.push(() => ctx.streams.close(), () => ctx.reads.close());
  const simulation = runSimulation(ctx, services);
  opened.push(() => simulation.stop());
  if (config.testHooks) registerTestHooks(app, { tokens, clock, faults, effects, unimplemented, simulation: simulation.state });

  await registerStaticPages(app, config);
  await registerApiReference(app, config);
  for (const [prefix, root] of Object.entries(config.staticRoots)) {
    if (!existsSync(root)) continue;
    // Dotfiles (.env, .git) are never part of a published folder: refused (403), not served.
    await app.register(fastifyStatic, { root, prefix, decorateReply: false, index: ['index.html'], redirect: true, dotfiles: 'deny' });
  }

  // Before the server waits for its connections to end: open event streams would never end by themselves.
  app.addHook('preClose', async () => ctx.events.shutdown());
  app.addHook('onClose', async () => {
    simulation.stop();
    await events.close();
    ctx.streams.close();
    await ctx.reads.close();
    db.close();
    if (temporaryUploads) rmSync(config.uploadsDir!, { recursive: true, force: true });
  });

  return { app, ctx, specs, tokens, faults, unimplemented };
}

function contractViolation(
  op: Operation,
  status: number,
  contentType: string,
  payload: string,
  cache: Map<string, ValidateFunction | null>,
  problemSchema: object | undefined,
): string | null {
  const mediaType = contentType.split(';')[0].trim();
  // Authentication, rate limits and server failures can answer any operation; they must still be proper problems.
  if (mediaType === 'application/problem+json' && UNIVERSAL_STATUSES.has(status)) {
    return validateWith(cache, 'Problem', problemSchema, payload);
  }
  const responses = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
  if (!responses) return `status ${status} is not documented`;
  if (!mediaType || !(mediaType in responses)) {
    return Object.keys(responses).length ? `content type ${mediaType || '(none)'} is not documented for ${status}` : null;
  }
  if (!/json/.test(mediaType)) return null;
  return validateWith(cache, `${op.operationId} ${status} ${mediaType}`, responses[mediaType], payload);
}

const UNIVERSAL_STATUSES = new Set([401, 406, 413, 415, 429, 500, 501, 502, 503, 504]);

function validateWith(cache: Map<string, ValidateFunction | null>, key: string, schema: object | undefined, payload: string): string | null {
  if (!cache.has(key)) cache.set(key, schema ? contractAjv.compile(withoutAnnotations(schema as never)) : null);
  const validate = cache.get(key);
  if (!validate) return null;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return 'body is not valid JSON';
  }
  if (validate(body)) return null;
  return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}

const contractAjv = ajvFor(false);

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SeedSize } from '@citybrain/domain';

export interface SandboxConfig {
  host: string;
  port: number;
  /** SQLite file, or ':memory:' for throwaway test servers; unused when `databaseUrl` is set. */
  dbPath: string;
  /** `postgres://…` (CITYBRAIN_DATABASE_URL): run on PostgreSQL + PostGIS instead of SQLite. */
  databaseUrl: string | null;
  /**
   * Connections (CITYBRAIN_DATABASE_READ_CONNECTIONS, default 8) on which an instance on PostgreSQL
   * answers hot reads side by side — row pages, tiles, identify — beside the one that runs its writes.
   */
  databaseReadConnections: number;
  /**
   * PostgreSQL's `statement_timeout` on an instance's statement connection (CITYBRAIN_DATABASE_STATEMENT_TIMEOUT_MS,
   * default 30 s; 0: none). The instance runs one statement at a time, so a runaway one would hold every
   * request behind it: it is cancelled and its request answered 503. Migrations and seeding are exempt.
   */
  databaseStatementTimeoutMs: number;
  /**
   * Where uploaded materials are kept, outside the database: unfinished uploads and the complete files
   * by content hash. Default: beside the database file (`<db>-uploads/`); for an in-memory database a
   * temporary directory that goes with the server.
   */
  uploadsDir: string | null;
  /**
   * How long a complete upload that no application has taken is kept (on the sandbox clock); then it is
   * deleted with its file, as an unfinished upload is a day after it started. Without a limit any client
   * that may apply could fill the uploads directory.
   */
  uploadRetentionSeconds: number;
  /**
   * Bytes of uploads not (yet) part of an application that one client may hold at once (declared
   * lengths, unfinished uploads included); a new upload beyond it is refused (413 `upload-quota-exceeded`).
   * It bounds the disk one client can take before its uploads expire.
   */
  pendingUploadBytesPerClient: number;
  seed: string;
  seedSize: SeedSize;
  /** Advance applications and work orders on a timer (on for `npm start`). */
  simulate: boolean;
  simulationIntervalMs: number;
  tokenTtlSeconds: number;
  /** How long an Idempotency-Key and its stored answer live; after that the same key is a new request. */
  idempotencyKeyTtlSeconds: number;
  /** Event streams one client (token subject) may hold open at once; one more is 429. */
  streamsPerClient: number;
  /** Longest life of one event stream; then it ends with a `reconnect` event and the client resumes. */
  streamLifetimeSeconds: number;
  corsOrigins: (string | RegExp)[];
  /**
   * Addresses of the reverse proxies in front of the server (`loopback`, `10.0.0.0/8`, comma-separated;
   * CITYBRAIN_TRUST_PROXY), whose X-Forwarded-For names the client: behind nginx every request would
   * otherwise come from the proxy, and the per-address throttles would count all clients as one.
   */
  trustProxy: string | null;
  /** Require gateway HMAC signatures on /api/v1 (X-Ca-* headers). */
  gatewaySignature: boolean;
  /** Directive string applied to a random fraction of requests, e.g. `rate=0.2;status=503`. */
  faults: string | null;
  /** Answer 500 when a response does not match its OpenAPI schema (tests). */
  contractCheck: boolean;
  /**
   * Register the test hooks under /__sandbox (clock, fault and effect counters), for the district
   * administrator's token only. Off unless a test harness turns it on: they move time and list keys.
   */
  testHooks: boolean;
  /**
   * Origin (and optional path) that links in responses start with — TileJSON tiles, `next` links —
   * e.g. `https://maps.example.gov.cn/citybrain`. Never taken from the request's Host header, which a
   * caller can forge. Default: the address the server listens on (set once it listens).
   */
  publicBaseUrl: string | null;
  /**
   * The WMS endpoint of a district GIS server the example town website adds a layer from
   * (`npm start` sets it to a local MapServer when one is installed); its origin joins the example
   * pages' `connect-src` and `img-src`. Only an http(s) URL is taken.
   */
  exampleGisServer: string | null;
  /** Directories served as static files: URL prefix → absolute path. */
  staticRoots: Record<string, string>;
  repoRoot: string;
  logLevel: string;
  /** An operator's holiday calendar file (same format as `data/holiday-calendar.json`); its years replace the shipped ones. */
  holidayCalendarFile: string | null;
}

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'on', 'yes'].includes(value.toLowerCase());
}

/** The components' version, for the versioned bundle path the README's script tag uses. */
function bundleVersion(repoRoot: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(resolve(repoRoot, 'packages/components/package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** `CITYBRAIN_EXAMPLE_GIS_SERVER`: an http(s) URL, or unset. Anything else stops the start, naming the value. */
function exampleGisServerFrom(value: string | undefined): string | null {
  if (!value) return null;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`CITYBRAIN_EXAMPLE_GIS_SERVER must be an http(s) URL of a WMS endpoint, got ${JSON.stringify(value)}`);
  }
  return url.toString();
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<SandboxConfig> = {}): SandboxConfig {
  const repoRoot = overrides.repoRoot ?? resolve(env.CITYBRAIN_REPO_ROOT ?? process.cwd());
  const version = bundleVersion(repoRoot);
  const seedSize = (env.CITYBRAIN_SEED_SIZE === 'small' ? 'small' : 'full') as SeedSize;
  const origins = env.CITYBRAIN_CORS_ORIGINS?.split(',').map((o) => o.trim()).filter(Boolean);
  const config: SandboxConfig = {
    host: env.CITYBRAIN_HOST ?? 'localhost',
    port: Number(env.CITYBRAIN_PORT ?? env.PORT ?? 8080),
    dbPath: env.CITYBRAIN_DB ?? resolve(repoRoot, '.data', `citybrain-${overrides.seedSize ?? seedSize}.db`),
    databaseUrl: env.CITYBRAIN_DATABASE_URL || null,
    databaseReadConnections: Number(env.CITYBRAIN_DATABASE_READ_CONNECTIONS ?? 8),
    databaseStatementTimeoutMs: Number(env.CITYBRAIN_DATABASE_STATEMENT_TIMEOUT_MS ?? 30_000),
    uploadsDir: env.CITYBRAIN_UPLOADS_DIR ? resolve(env.CITYBRAIN_UPLOADS_DIR) : null,
    uploadRetentionSeconds: Number(env.CITYBRAIN_UPLOAD_RETENTION ?? 86_400),
    pendingUploadBytesPerClient: Number(env.CITYBRAIN_PENDING_UPLOAD_BYTES ?? 512 * 1024 * 1024),
    seed: env.CITYBRAIN_SEED ?? 'nanhai-2026',
    seedSize,
    simulate: flag(env.CITYBRAIN_SIMULATE, false),
    simulationIntervalMs: Number(env.CITYBRAIN_SIMULATION_INTERVAL_MS ?? 15000),
    tokenTtlSeconds: Number(env.CITYBRAIN_TOKEN_TTL ?? 900),
    idempotencyKeyTtlSeconds: Number(env.CITYBRAIN_IDEMPOTENCY_TTL ?? 86_400),
    streamsPerClient: Number(env.CITYBRAIN_STREAMS_PER_CLIENT ?? 16),
    streamLifetimeSeconds: Number(env.CITYBRAIN_STREAM_LIFETIME ?? 3_600),
    corsOrigins: origins?.length ? origins : [LOCAL_ORIGIN],
    trustProxy: env.CITYBRAIN_TRUST_PROXY || null,
    gatewaySignature: flag(env.CITYBRAIN_GATEWAY_SIGNATURE, false),
    faults: env.CITYBRAIN_FAULTS || null,
    contractCheck: flag(env.CITYBRAIN_CONTRACT_CHECK, false),
    testHooks: flag(env.CITYBRAIN_TEST_HOOKS, false),
    publicBaseUrl: env.CITYBRAIN_PUBLIC_BASE_URL?.replace(/\/+$/, '') || null,
    exampleGisServer: exampleGisServerFrom(env.CITYBRAIN_EXAMPLE_GIS_SERVER),
    staticRoots: {
      '/examples/': resolve(repoRoot, 'examples'),
      '/dist/': resolve(repoRoot, 'packages/components/dist/browser'),
      // The same files where the README's script tag points: /embed/<version>/citybrain.js.
      ...(version ? { [`/embed/${version}/`]: resolve(repoRoot, 'packages/components/dist/browser') } : {}),
    },
    repoRoot,
    logLevel: env.CITYBRAIN_LOG_LEVEL ?? 'info',
    holidayCalendarFile: env.CITYBRAIN_HOLIDAY_CALENDAR ? resolve(env.CITYBRAIN_HOLIDAY_CALENDAR) : null,
  };
  return { ...config, ...overrides };
}

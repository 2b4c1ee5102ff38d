import type { FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import type { JsonReplyOf, OperationId, Operations, PathParamsOf, QueryOf, QueryParametersWithDefaults, RequestBodyOf } from '@citybrain/contract';
import type { SeedSize, Rng } from '@citybrain/domain';
import type { Clock } from './clock.js';
import type { SandboxConfig } from './config.js';
import type { Db } from './db.js';
import type { Migration } from './storage/migrations.js';
import type { ConcurrentReads } from './storage/reads.js';
import type { EventBus } from './events.js';
import type { TokenService } from './auth.js';
import type { StreamLeases } from './throttles.js';
import type { WorkdayCalendar } from './workdays.js';

/**
 * Counts the effects of writes per idempotency key, so tests can prove "exactly once" — in the
 * database (`write_effects`), inside the write's own transaction, so the count is that of committed
 * effects and holds across every instance on the database. Only a server with the test hooks on
 * counts: elsewhere nobody reads the counts, and the table would grow with every write.
 */
export class EffectCounter {
  constructor(
    private readonly db: Db,
    private readonly counting: boolean,
  ) {}

  record(key: string): void {
    if (this.counting) this.db.prepare('INSERT INTO write_effects (key, effects) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET effects = write_effects.effects + 1').run(key);
  }

  counts(): Record<string, number> {
    const rows = this.db.prepare('SELECT key, effects FROM write_effects').all() as { key: string; effects: number }[];
    return Object.fromEntries(rows.map((row) => [row.key, row.effects]));
  }

  reset(): void {
    this.db.prepare('DELETE FROM write_effects').run();
  }
}

export interface ServiceContext {
  db: Db;
  /** Hot reads of committed data that may run side by side (a pool on PostgreSQL, `db` on SQLite). */
  reads: ConcurrentReads;
  config: SandboxConfig;
  /** Live events: in-process on SQLite, across instances on PostgreSQL. */
  events: EventBus;
  /** Open event streams per client, counted across instances. */
  streams: StreamLeases;
  clock: Clock;
  workdays: WorkdayCalendar;
  effects: EffectCounter;
  tokens: TokenService;
  /** Records who read unmasked personal data or exported data, and why. */
  audit(req: FastifyRequest, action: string, target: string, fields: readonly string[], purpose?: string): void;
}

export interface SeedContext {
  seed: string;
  size: SeedSize;
  rng: Rng;
  clock: Clock;
  workdays: WorkdayCalendar;
  log: (message: string) => void;
}

/**
 * The query of operation `Id` as its handler sees it: validated against the spec, with the spec's
 * defaults filled in (Ajv's `useDefaults`), so `limit` is there even when the caller left it out.
 */
type ValidatedQueryOf<Id extends OperationId> = Id extends keyof QueryParametersWithDefaults
  ? QueryOf<Operations[Id]> & Required<Pick<QueryOf<Operations[Id]>, QueryParametersWithDefaults[Id] & keyof QueryOf<Operations[Id]>>>
  : QueryOf<Operations[Id]>;

/**
 * Fastify's route generics of operation `Id` of the contract: what the request's query, path
 * parameters and body are once the spec's validation passed, and what the operation answers.
 */
export interface RouteOf<Id extends OperationId> extends RouteGenericInterface {
  Querystring: ValidatedQueryOf<Id>;
  Params: PathParamsOf<Operations[Id]>;
  Body: RequestBodyOf<Operations[Id]>;
  Reply: JsonReplyOf<Operations[Id]>;
}

/** The request of operation `Id`, typed by the contract. */
export type RequestOf<Id extends OperationId> = FastifyRequest<RouteOf<Id>>;

/**
 * The handler of operation `Id`: returns the JSON success body, or answers through `reply` itself
 * (streams, SSE, tiles, CSV, writes through `withIdempotency`) and returns it or nothing.
 */
export type OperationHandler<Id extends OperationId> = (
  req: RequestOf<Id>,
  reply: FastifyReply,
  ctx: ServiceContext,
) => JsonReplyOf<Operations[Id]> | FastifyReply | void | Promise<JsonReplyOf<Operations[Id]> | FastifyReply | void>;

/** One handler per operation of a service's spec (`keyof GisOperations`, …), keyed by operationId. */
export type OperationHandlers<Ids extends OperationId> = { [Id in Ids]: OperationHandler<Id> };

/**
 * A service of the sandbox; `Ids` are the operations it implements. The router holds services of no
 * particular spec (`SandboxService` with `any`) and hands each handler requests its spec validated.
 */
export interface SandboxService<Ids extends OperationId = any> {
  name: string;
  /** The service's tables, in order; those a database lacks are applied at start (`storage/migrations.ts`). */
  migrations: Migration[];
  /** Fills an empty database; runs once, inside a transaction. */
  seed(db: Db, ctx: SeedContext): void;
  /** operationId → handler; path, method and validation come from openapi/. */
  handlers: OperationHandlers<Ids>;
  /** Background work (the simulation); returns a stop function. */
  start?(ctx: ServiceContext): () => void;
}

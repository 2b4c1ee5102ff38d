import type { FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import type { JsonReplyOf, OperationId, Operations, PathParamsOf, QueryOf, QueryParametersWithDefaults, RequestBodyOf } from '@citybrain/contract';
import type { SeedSize, Rng } from '@citybrain/domain';
import type { Clock } from './clock.js';
import type { SandboxConfig } from './config.js';
import type { Db } from './db.js';
import type { Migration } from './storage/migrations.js';
import type { EventBus } from './events.js';
import type { TokenService } from './auth.js';
import type { WorkdayCalendar } from './workdays.js';

/** Counts the effects of writes per idempotency key, so tests can prove "exactly once". */
export class EffectCounter {
  readonly counts = new Map<string, number>();

  record(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

export interface ServiceContext {
  db: Db;
  config: SandboxConfig;
  events: EventBus;
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

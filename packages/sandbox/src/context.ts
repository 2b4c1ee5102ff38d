import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SeedSize, Rng } from '@citybrain/fixtures';
import type { Clock } from './clock.js';
import type { SandboxConfig } from './config.js';
import type { Db } from './db.js';
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

export type OperationHandler = (req: FastifyRequest, reply: FastifyReply, ctx: ServiceContext) => unknown | Promise<unknown>;

export interface SandboxService {
  name: string;
  /** CREATE TABLE IF NOT EXISTS …; runs on every start. */
  migrate(db: Db): void;
  /** Fills an empty database; runs once, inside a transaction. */
  seed(db: Db, ctx: SeedContext): void;
  /** operationId → handler; path, method and validation come from openapi/. */
  handlers: Record<string, OperationHandler>;
  /** Background work (the simulation); returns a stop function. */
  start?(ctx: ServiceContext): () => void;
}

/**
 * The PostgreSQL (+ PostGIS) store: the services' synchronous statement API (`SqlDatabase`) over one
 * connection held by a worker thread. Each statement waits for its answer, as better-sqlite3's do, so
 * the services, their transactions and their order of effects are the same code on both stores; an
 * instance runs one statement at a time, and a district scales out by running several instances on
 * one database. Hot reads run beside each other
 * on a pool (`reads.ts`).
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import pg from 'pg';
import type { ArgumentTypes, SqlDatabase, SqlStatement } from './sql.js';
import { toPositionalParameters } from './sql.js';

type WorkerRequest =
  | { op: 'open'; url: string; applicationName: string; statementTimeoutMs: number }
  | { op: 'query'; connection: number; text: string; params: unknown[] }
  | { op: 'exec'; connection: number; text: string }
  | { op: 'cursor-open'; connection: number; text: string; params: unknown[] }
  | { op: 'cursor-read'; cursor: number; count: number }
  | { op: 'cursor-close'; cursor: number }
  | { op: 'close'; connection: number };

type WorkerAnswer =
  | { failed?: false; rows?: Record<string, unknown>[]; rowCount?: number; id?: number }
  | { failed: true; message: string; code?: string; detail?: string; constraint?: string };

const workerFile = new URL('./postgres-worker.js', import.meta.url);
/** A statement that takes longer than this is a hung connection, not a slow query. */
const STATEMENT_WAIT_MS = 120_000;
let callWorker: ((request: WorkerRequest, waitMs: number) => WorkerAnswer) | null = null;

/**
 * One worker thread for every PostgreSQL connection of the process: the caller posts a request and
 * blocks on a shared flag until the worker has posted the answer, then takes it off the port.
 */
function worker(): (request: WorkerRequest, waitMs: number) => WorkerAnswer {
  if (callWorker) return callWorker;
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  // No preloads or loaders: the worker is plain JavaScript, and a loader of the main thread's flags
  // may wait on the main thread, which is blocked waiting for the worker (seen with a bench preload).
  const thread = new Worker(workerFile, { execArgv: [], workerData: { port: port2, signal }, transferList: [port2] });
  // The thread waits on its connections' sockets; it must not keep a finished process alive.
  thread.unref();
  port1.unref();
  let sequence = 0;
  callWorker = (request, waitMs) => {
    const seq = ++sequence;
    port1.postMessage({ seq, request });
    const deadline = Date.now() + waitMs;
    for (;;) {
      // Reset before looking, so an answer posted after the look still wakes the wait below.
      Atomics.store(flag, 0, 0);
      let message = receiveMessageOnPort(port1)?.message as { seq: number; answer: WorkerAnswer } | undefined;
      // An answer to a statement that already timed out may still arrive: it is no answer to this one.
      while (message && message.seq !== seq) message = receiveMessageOnPort(port1)?.message;
      if (message) return message.answer;
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(flag, 0, 0, left) === 'timed-out') throw new Error(`PostgreSQL gave no answer within ${waitMs / 1000} s`);
    }
  };
  return callWorker;
}

/** A failed statement, with PostgreSQL's SQLSTATE (`23505` unique violation, …) as `code`. */
export class PostgresError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly detail: string | undefined,
    readonly constraint: string | undefined,
    readonly statement: string,
  ) {
    super(message);
    this.name = 'PostgresError';
  }
}

/** PostgreSQL's SQLSTATE for a statement cancelled, by its `statement_timeout` among others. */
const QUERY_CANCELED = '57014';

/**
 * Whether `error` is a statement PostgreSQL cancelled: from the store's connection (PostgresError)
 * or from the read pool (pg's DatabaseError).
 */
export function isCancelledStatement(error: unknown): error is PostgresError | pg.DatabaseError {
  return (error instanceof PostgresError || error instanceof pg.DatabaseError) && error.code === QUERY_CANCELED;
}

function answer(request: WorkerRequest, statement: string, waitMs = STATEMENT_WAIT_MS): Exclude<WorkerAnswer, { failed: true }> {
  const result = worker()(request, waitMs);
  if (result.failed) throw new PostgresError(result.message, result.code, result.detail, result.constraint, statement);
  return result;
}

/** Rows cross the thread as structured clones: bytea arrives as a Uint8Array and becomes a Buffer again. */
function reviveRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return row;
}

const CURSOR_BATCH = 1000;

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  private readonly connection: number;
  private readonly statements = new Map<string, ReturnType<typeof toPositionalParameters>>();
  private depth = 0;
  private closed = false;

  private readonly waitMs: number;
  private readonly statementTimeoutMs: number;

  /**
   * `statementWaitMs`: how long a statement may go unanswered before the connection counts as hung.
   * `statementTimeoutMs`: PostgreSQL's `statement_timeout` on the connection (0, the default: none):
   * the server cancels a statement that runs longer — SQLSTATE 57014, a `PostgresError` like any other —
   * well before the wait gives up, so a runaway query fails alone instead of holding the instance.
   */
  constructor(readonly url: string, { applicationName = 'citybrain-sandbox', statementWaitMs = STATEMENT_WAIT_MS, statementTimeoutMs = 0 } = {}) {
    this.waitMs = statementWaitMs;
    this.statementTimeoutMs = statementTimeoutMs;
    try {
      this.connection = answer({ op: 'open', url, applicationName, statementTimeoutMs }, 'connect').id!;
    } catch (error) {
      throw new Error(`Cannot open the PostgreSQL database ${withoutPassword(url)}: ${(error as Error).message}`, { cause: error });
    }
  }

  prepare(sql: string): SqlStatement {
    let translated = this.statements.get(sql);
    if (!translated) {
      translated = toPositionalParameters(sql);
      this.statements.set(sql, translated);
    }
    const { text, bind } = translated;
    const query = (args: unknown[]) => answer({ op: 'query', connection: this.connection, text, params: bind(args) }, text, this.waitMs);
    return {
      get: (...args) => {
        const row = query(args).rows![0];
        return row && reviveRow(row);
      },
      all: (...args) => query(args).rows!.map(reviveRow),
      run: (...args) => ({ changes: query(args).rowCount ?? 0 }),
      iterate: (...args) => this.iterate(text, bind(args)),
    };
  }

  private *iterate(text: string, params: unknown[]): IterableIterator<unknown> {
    const cursor = answer({ op: 'cursor-open', connection: this.connection, text, params }, text).id!;
    try {
      for (;;) {
        const rows = answer({ op: 'cursor-read', cursor, count: CURSOR_BATCH }, text).rows!;
        for (const row of rows) yield reviveRow(row);
        if (rows.length < CURSOR_BATCH) return;
      }
    } finally {
      answer({ op: 'cursor-close', cursor }, text);
    }
  }

  exec(sql: string): void {
    answer({ op: 'exec', connection: this.connection, text: sql }, sql, this.waitMs);
  }

  transaction<F extends (...args: any[]) => any>(fn: F): (...args: ArgumentTypes<F>) => ReturnType<F> {
    return (...args) => {
      const savepoint = this.depth > 0 ? `citybrain_${this.depth}` : null;
      this.exec(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN');
      this.depth++;
      try {
        const result = fn(...args);
        this.depth--;
        this.exec(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
        return result;
      } catch (error) {
        this.depth--;
        this.exec(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}` : 'ROLLBACK');
        throw error;
      }
    };
  }

  /**
   * Runs `fn` without the statement timeout: the work of starting an instance (migrations, index
   * builds, seeding) may run long statements by design. The client-side wait still applies.
   */
  withoutStatementTimeout<T>(fn: () => T): T {
    if (!this.statementTimeoutMs) return fn();
    this.exec('SET statement_timeout = 0');
    try {
      return fn();
    } finally {
      this.exec(`SET statement_timeout = ${Math.floor(this.statementTimeoutMs)}`);
    }
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    answer({ op: 'close', connection: this.connection }, 'close');
  }
}

/** A database URL fit for a terminal or a log: its password is nobody's business there. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a URL that does not parse)';
  }
}

pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/**
 * The storage interface every service of the sandbox writes to: the synchronous statement API of
 * better-sqlite3 (prepare → get/all/run/iterate, exec, transaction), which the embedded SQLite store
 * is, and which the PostgreSQL store (`postgres.ts`) implements over one connection per instance.
 * SQL is written once for both where the two agree (ANSI SQL, `ON CONFLICT`, `RETURNING`); where
 * they differ the code asks `db.dialect` (schemas, JSON access, geometry).
 */
export type Dialect = 'sqlite' | 'postgres';

export interface RunResult {
  changes: number;
}

export interface SqlStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): RunResult;
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

export type ArgumentTypes<F> = F extends (...args: infer A) => unknown ? A : never;

export interface SqlDatabase {
  readonly dialect: Dialect;
  prepare(sql: string): SqlStatement;
  /** Runs one or more statements without parameters (schemas). */
  exec(sql: string): void;
  /**
   * Wraps `fn` so that each call runs in a transaction, nested calls in a savepoint: committed when
   * `fn` returns, rolled back when it throws (better-sqlite3's semantics, kept by both stores).
   */
  transaction<F extends (...args: any[]) => any>(fn: F): (...args: ArgumentTypes<F>) => ReturnType<F>;
  close(): void;
}

/**
 * Rewrites SQLite-style parameters for PostgreSQL: `?` becomes `$1, $2, …` and `@name` takes its value
 * from a named-parameter object (better-sqlite3's `.run({ name })`), skipping quoted text (also
 * dollar-quoted), quoted identifiers and comments. Returns the statement and a function that orders a call's arguments.
 */
export function toPositionalParameters(sql: string): { text: string; bind: (args: unknown[]) => unknown[] } {
  let text = '';
  const slots: (number | string)[] = [];
  let positional = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      text += sql.slice(i, end + 1);
      i = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '$' && dollarTagAt(sql, i)) {
      // A dollar-quoted string ($$…$$, $tag$…$tag$: function bodies, DO blocks) runs to the same tag.
      const tag = dollarTagAt(sql, i)!;
      const end = sql.indexOf(tag, i + tag.length);
      const stop = end === -1 ? sql.length : end + tag.length;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '?') {
      slots.push(positional++);
      text += `$${slots.length}`;
    } else if (ch === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      const existing = slots.indexOf(name);
      if (existing === -1) slots.push(name);
      text += `$${existing === -1 ? slots.length : existing + 1}`;
      i += name.length;
    } else {
      text += ch;
    }
  }
  return {
    text,
    bind(args) {
      const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
      const named = flat.length === 1 && isNamedParameters(flat[0]) ? (flat[0] as Record<string, unknown>) : null;
      return slots.map((slot) => normaliseParameter(typeof slot === 'number' ? flat[slot] : named?.[slot]));
    },
  };
}

/** The `$$` or `$tag$` that opens a dollar-quoted string at `start`, or null (`$1`, or a `$` inside an identifier such as `a$b`). */
function dollarTagAt(sql: string, start: number): string | null {
  if (/[A-Za-z0-9_$]/.test(sql[start - 1] ?? '')) return null;
  return /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start, start + 64))?.[0] ?? null;
}

function closingQuote(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i++;
      else return i;
    }
  }
  return sql.length - 1;
}

function isNamedParameters(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Uint8Array);
}

/** What better-sqlite3 accepts and node-postgres would read otherwise: `undefined` is NULL. */
function normaliseParameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

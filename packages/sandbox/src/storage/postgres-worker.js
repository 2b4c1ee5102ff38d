/**
 * The PostgreSQL store's connections, in a worker thread: `postgres.ts` posts one request at a time
 * and blocks until the answer is posted back, so the services keep their synchronous statement API
 * and a transaction is every statement between BEGIN and COMMIT on one connection. Plain JavaScript:
 * a worker's entry is loaded without the TypeScript loader of the thread that starts it.
 *
 * Requests (see `WorkerRequest` in postgres.ts): open, query, exec, cursor-open/read/close, close.
 */
import { workerData } from 'node:worker_threads';
import pg from 'pg';

// Counts and ids are int8 and sums numeric in PostgreSQL; the services read them as numbers, as SQLite gives them.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** @type {Map<number, { url: string, statementTimeoutMs: number, client: pg.Client }>} */
const connections = new Map();
/** @type {Map<number, pg.Client>} */
const cursors = new Map();
let nextId = 1;

/** `statementTimeoutMs`: the server cancels a statement that runs longer (0: never). */
async function connect(url, applicationName, statementTimeoutMs) {
  const client = new pg.Client({ connectionString: url, application_name: applicationName, statement_timeout: statementTimeoutMs || undefined });
  // A connection the server ends while idle (a restart, DROP DATABASE … FORCE, pg_terminate_backend)
  // emits its error outside any query; unheard, it would end this thread and every store of the process
  // with it. Its next statement fails instead ("not queryable"), as a statement on a lost connection should.
  client.on('error', () => {});
  await client.connect();
  return client;
}

function connectionOf(id) {
  const connection = connections.get(id);
  if (!connection) throw new Error(`PostgreSQL connection ${id} is closed`);
  return connection;
}

async function handle(request) {
  switch (request.op) {
    case 'open': {
      const id = nextId++;
      const { url, applicationName, statementTimeoutMs } = request;
      connections.set(id, { url, statementTimeoutMs, client: await connect(url, applicationName, statementTimeoutMs) });
      return { id };
    }
    case 'query': {
      const result = await connectionOf(request.connection).client.query({ text: request.text, values: request.params });
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    }
    case 'exec':
      await connectionOf(request.connection).client.query(request.text);
      return {};
    case 'cursor-open': {
      // A cursor gets its own connection and snapshot, so statements on the main connection may run while it is read.
      const { url, statementTimeoutMs } = connectionOf(request.connection);
      const client = await connect(url, 'citybrain-sandbox cursor', statementTimeoutMs);
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query({ text: `DECLARE rows NO SCROLL CURSOR FOR ${request.text}`, values: request.params });
      const id = nextId++;
      cursors.set(id, client);
      return { id };
    }
    case 'cursor-read': {
      const result = await cursors.get(request.cursor).query(`FETCH FORWARD ${Math.max(1, Math.floor(request.count))} FROM rows`);
      return { rows: result.rows };
    }
    case 'cursor-close': {
      const client = cursors.get(request.cursor);
      cursors.delete(request.cursor);
      await client?.end();
      return {};
    }
    case 'close': {
      const connection = connections.get(request.connection);
      connections.delete(request.connection);
      await connection?.client.end();
      return {};
    }
    default:
      throw new Error(`unknown request ${request.op}`);
  }
}

const { port, signal } = workerData;
const flag = new Int32Array(signal);

port.on('message', async ({ seq, request }) => {
  let answer;
  try {
    answer = await handle(request);
  } catch (error) {
    answer = { failed: true, message: error.message, code: error.code, detail: error.detail, constraint: error.constraint };
  }
  port.postMessage({ seq, answer });
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});

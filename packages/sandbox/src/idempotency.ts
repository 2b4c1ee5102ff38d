import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from './context.js';
import { badRequest, unprocessable } from './problems.js';

/**
 * JSON with object keys sorted at every level: two bodies that differ only in key order or
 * insignificant whitespace are the same request for an Idempotency-Key.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) =>
    node !== null && typeof node === 'object' && !Array.isArray(node)
      ? Object.fromEntries(Object.keys(node).sort().map((key) => [key, (node as Record<string, unknown>)[key]]))
      : node,
  );
}

export interface WriteResult {
  status: number;
  body: unknown;
  /** The created resource; a replay answers with the same `Location`. */
  location?: string;
}

/**
 * Runs a non-idempotent write at most once per `Idempotency-Key` (IETF draft): the first request's
 * response is stored in the same transaction as the write, so a retry after a lost response replays
 * it (`Idempotent-Replayed: true`) instead of writing twice. The same key with another payload is a
 * client bug (422). `write` must be synchronous so the record and its effect commit together.
 */
export function withIdempotency(
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: ServiceContext,
  scope: string,
  write: () => WriteResult,
  options: { required?: boolean } = {},
): FastifyReply {
  const header = req.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (!key) {
    if (options.required) {
      throw badRequest('缺少 Idempotency-Key 请求头', [{ name: 'header/idempotency-key', reason: 'required' }]);
    }
    const result = ctx.db.transaction(write)();
    if (result.location) reply.header('location', result.location);
    return reply.code(result.status).send(result.body);
  }
  const clientKey = `${req.principal.clientId ?? 'public'}:${scope}:${key}`;
  const requestHash = createHash('sha256')
    .update(`${req.method} ${req.url.split('?')[0]}\n${canonicalJson(req.body ?? null)}`)
    .digest('hex');
  const run = ctx.db.transaction(() => {
    const stored = ctx.db
      .prepare('SELECT request_hash, status_code, response_body, location FROM idempotency_keys WHERE client_key = ?')
      .get(clientKey) as { request_hash: string; status_code: number; response_body: string; location: string | null } | undefined;
    if (stored) {
      if (stored.request_hash !== requestHash) {
        throw unprocessable('该 Idempotency-Key 已用于内容不同的请求', 'idempotency-key-reused');
      }
      const replay: WriteResult = { status: stored.status_code, body: JSON.parse(stored.response_body), location: stored.location ?? undefined };
      return { replayed: true, result: replay };
    }
    const result = write();
    ctx.effects.record(key);
    ctx.db
      .prepare('INSERT INTO idempotency_keys (client_key, scope, request_hash, status_code, response_body, created_at, location) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(clientKey, scope, requestHash, result.status, JSON.stringify(result.body), ctx.clock.now().toISOString(), result.location ?? null);
    return { replayed: false, result };
  });
  const { replayed, result } = run();
  if (replayed) reply.header('idempotent-replayed', 'true');
  if (result.location) reply.header('location', result.location);
  return reply.code(result.status).send(result.body);
}

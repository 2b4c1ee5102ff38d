import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from './context.js';
import { getMeta, setMeta, type Db } from './db.js';
import { badRequest, unprocessable } from './problems.js';
import { LockSpace, lockUntilCommit } from './storage/locks.js';

/** Marks a stored answer as sealed (AES-256-GCM); the version lets a later format sit beside it. */
const SEALED = 'sealed.v1.';
const replaySecrets = new WeakMap<Db, Buffer>();

/**
 * Makes the replay store ready once per database: the server's replay secret, kept in the database
 * like the token secret. A database from before answers were sealed has none; its stored answers
 * are plaintext (a citizen's verification code among them) and are dropped rather than kept.
 */
export function prepareReplayStore(db: Db): Buffer {
  const cached = replaySecrets.get(db);
  if (cached) return cached;
  let secret = getMeta(db, 'idempotency_secret');
  if (!secret) {
    secret = randomBytes(32).toString('hex');
    db.transaction(() => {
      db.prepare(`DELETE FROM idempotency_keys WHERE response_body NOT LIKE '${SEALED}%'`).run();
      setMeta(db, 'idempotency_secret', secret!);
    })();
  }
  const key = Buffer.from(secret, 'hex');
  replaySecrets.set(db, key);
  return key;
}

/**
 * Where a key's answer is filed: an HMAC of `client:scope:key` under the server secret, so the store
 * does not list the clients' keys, and the answer is sealed under a key derived from the secret and
 * the Idempotency-Key itself: reading it back takes both the server and the client's key. The
 * request's fingerprint is an HMAC too: a plain hash of a body full of personal data could be
 * confirmed by hashing a guess.
 */
function replayCrypto(db: Db, clientKey: string) {
  const secret = prepareReplayStore(db);
  const id = createHmac('sha256', secret).update(clientKey).digest('hex');
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.from(clientKey), 'citybrain idempotency replay', 32));
  return {
    id,
    fingerprint: (request: string) => createHmac('sha256', secret).update(request).digest('hex'),
    seal(plain: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(id));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return SEALED + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    open(stored: string): string {
      const bytes = Buffer.from(stored.slice(SEALED.length), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12)).setAAD(Buffer.from(id));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

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
 * client bug (422). A key lives `idempotencyKeyTtlSeconds` (24 h by default); after that the same
 * key is a new request. The stored answer is sealed (see `replayCrypto`): it may carry a secret,
 * such as the verification code of a new application. `write` must be synchronous so the record and
 * its effect commit together.
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
  const replay = replayCrypto(ctx.db, clientKey);
  const requestHash = replay.fingerprint(`${req.method} ${req.url.split('?')[0]}\n${canonicalJson(req.body ?? null)}`);
  const now = ctx.clock.now();
  const expiredBefore = new Date(now.getTime() - ctx.config.idempotencyKeyTtlSeconds * 1000).toISOString();
  const run = ctx.db.transaction(() => {
    // Another instance handling the same key at this moment finishes first; this one then finds its answer.
    lockUntilCommit(ctx.db, LockSpace.idempotencyKey, replay.id);
    // Expired keys go first, so an expired one is a new request and the store stays bounded.
    ctx.db.prepare('DELETE FROM idempotency_keys WHERE created_at <= ?').run(expiredBefore);
    const stored = ctx.db
      .prepare('SELECT request_hash, status_code, response_body, location FROM idempotency_keys WHERE client_key = ?')
      .get(replay.id) as { request_hash: string; status_code: number; response_body: string; location: string | null } | undefined;
    if (stored) {
      if (stored.request_hash !== requestHash) {
        throw unprocessable('该 Idempotency-Key 已用于内容不同的请求', 'idempotency-key-reused');
      }
      const answer: WriteResult = { status: stored.status_code, body: JSON.parse(replay.open(stored.response_body)), location: stored.location ?? undefined };
      return { replayed: true, result: answer };
    }
    const result = write();
    ctx.effects.record(key);
    ctx.db
      .prepare('INSERT INTO idempotency_keys (client_key, scope, request_hash, status_code, response_body, created_at, location) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(replay.id, scope, requestHash, result.status, replay.seal(JSON.stringify(result.body)), now.toISOString(), result.location ?? null);
    return { replayed: false, result };
  });
  const { replayed, result } = run();
  if (replayed) reply.header('idempotent-replayed', 'true');
  if (result.location) reply.header('location', result.location);
  return reply.code(result.status).send(result.body);
}

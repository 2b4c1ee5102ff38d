import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BusEvent } from './events.js';
import type { ServiceContext } from './context.js';
import { ProblemError, unauthorized } from './problems.js';

const HEARTBEAT_MS = 15_000;
/** The longest delay setTimeout keeps (about 24.8 days); a later moment is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function frame(event: BusEvent): string {
  const data = JSON.stringify(event.data).split('\n').join('\ndata: ');
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${data}\n\n`;
}

/** The last message of a stream: no `id:`, so a client resuming with Last-Event-ID misses no event. */
function closingFrame(type: 'auth-expired' | 'reconnect', data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** When the caller's bearer token expires; an anonymous stream has no token to outlive. */
function tokenExpiry(req: FastifyRequest, ctx: ServiceContext): number {
  const [scheme, token] = (req.headers.authorization ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? ctx.tokens.expiresAt(token).getTime() : Number.POSITIVE_INFINITY;
}

/**
 * Serves a Server-Sent Events stream for one topic: replays what the client missed since its
 * `Last-Event-ID` (from the service's durable store), then forwards live events, each as `present`
 * shows it to this listener (masked by role), until the client goes away. Comments keep idle proxies
 * from closing the connection. A stream lives no longer than the token that opened it (it ends with
 * `event: auth-expired` carrying a 401 problem) nor than `streamLifetimeSeconds` (`event: reconnect`;
 * the client resumes with Last-Event-ID), both on the sandbox clock; one client holds at most
 * `streamsPerClient` streams across every instance on the database (429 beyond). Live events come
 * from this instance or, on PostgreSQL, from the others (`PostgresEventBus`).
 */
export function openEventStream(
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: ServiceContext,
  topic: string,
  missedSince: (lastEventId: string | null) => BusEvent[],
  present: (event: BusEvent) => BusEvent,
): FastifyReply {
  const lastHeader = req.headers['last-event-id'];
  const lastEventId = (Array.isArray(lastHeader) ? lastHeader[0] : lastHeader) ?? null;
  const { streamsPerClient, streamLifetimeSeconds } = ctx.config;
  const client = req.principal.clientId ?? `public:${req.ip}`;
  const lease = ctx.streams.claim(client, streamsPerClient);
  if (!lease) {
    throw new ProblemError(429, 'too-many-streams', '事件流过多', `每个客户端最多同时打开 ${streamsPerClient} 个事件流，请先关闭不再使用的事件流`, {
      code: 'too-many-streams',
    });
  }
  const expiresAt = tokenExpiry(req, ctx);
  const endsAt = ctx.clock.now().getTime() + streamLifetimeSeconds * 1000;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(req.id),
    ...corsHeaders(reply),
  });
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let unsubscribe = () => {};
  let stopWatchingClock = () => {};
  let forgetOnEnd = () => {};
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(timer);
    unsubscribe();
    stopWatchingClock();
    forgetOnEnd();
    ctx.streams.release(lease);
  };
  req.raw.on('close', close);
  res.on('error', close);

  const finish = (message: string) => {
    res.end(message);
    close();
  };
  /** Ends the stream if its token or its lifetime ran out, else waits (on a timer) for the nearer of the two; true while open. */
  const stillOpen = (): boolean => {
    if (closed) return false;
    const now = ctx.clock.now().getTime();
    if (now >= expiresAt) {
      finish(closingFrame('auth-expired', unauthorized('令牌已过期，请换新令牌后重新连接').toBody(req.url.split('?')[0]!, String(req.id))));
      return false;
    }
    if (now >= endsAt) {
      finish(closingFrame('reconnect', { reason: 'max-lifetime', maxLifetimeSeconds: streamLifetimeSeconds }));
      return false;
    }
    clearTimeout(timer);
    timer = setTimeout(stillOpen, Math.min(Math.min(expiresAt, endsAt) - now, MAX_TIMER_MS));
    return true;
  };

  res.write('retry: 2000\n\n');
  const replayed = new Set<string>();
  for (const event of missedSince(lastEventId)) {
    replayed.add(event.id);
    res.write(frame(present(event)));
  }
  // An event committed just before the replay read it may still be announced by another instance after it.
  unsubscribe = ctx.events.subscribe(topic, (event) => {
    if (!replayed.has(event.id) && stillOpen()) res.write(frame(present(event)));
  });
  heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  // Moving the sandbox clock (tests) moves these deadlines too: look again at once.
  stopWatchingClock = ctx.clock.onChange(stillOpen);
  forgetOnEnd = ctx.events.onEnd((reason) => finish(closingFrame('reconnect', { reason })));
  stillOpen();
  return reply;
}

/** Hijacked replies bypass Fastify's hooks, so CORS headers already decided for this request are copied over. */
function corsHeaders(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['access-control-allow-origin', 'access-control-expose-headers', 'vary']) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}

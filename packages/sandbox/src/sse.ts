import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BusEvent } from './events.js';
import type { ServiceContext } from './context.js';

const HEARTBEAT_MS = 15_000;

function frame(event: BusEvent): string {
  const data = JSON.stringify(event.data).split('\n').join('\ndata: ');
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${data}\n\n`;
}

/**
 * Serves a Server-Sent Events stream for one topic: replays what the client missed since its
 * `Last-Event-ID` (from the service's durable store), then forwards live events, each as `present`
 * shows it to this listener (masked by role), until the client goes away. Comments keep idle proxies
 * from closing the connection.
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
  res.write('retry: 2000\n\n');
  for (const event of missedSince(lastEventId)) res.write(frame(present(event)));
  const unsubscribe = ctx.events.subscribe(topic, (event) => res.write(frame(present(event))));
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const close = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.raw.on('close', close);
  res.on('error', close);
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

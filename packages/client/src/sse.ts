/**
 * Live events over Server-Sent Events with fetch + eventsource-parser rather than `EventSource`:
 * it runs in Node and browsers alike, sends the client's Authorization and signature headers
 * (EventSource cannot), and resumes after a dropped connection with `Last-Event-ID`.
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { AbortError, CityBrainError, ReconnectLimitError, ResponseFormatError } from './errors.js';
import { backoffDelay } from './retry.js';
import { snippet } from './format.js';
import { checkNonNegative } from './check.js';
import { abortableSleep } from './signals.js';

/** One event of a live stream. */
export interface ServerEvent<Type extends string = string, Data = unknown> {
  /** The SSE id; pass it as `lastEventId` to resume later from this point. */
  id: string | undefined;
  /** The SSE event name (`message` when the server named none). */
  type: Type;
  /** The parsed JSON payload. */
  data: Data;
}

export interface WatchOptions {
  /** Stops watching: the iteration rejects with `AbortError`. Use `AbortSignal.timeout(ms)` for a time limit. */
  signal?: AbortSignal;
  /** Resume after this event id (events since then are replayed by the server). */
  lastEventId?: string;
  /**
   * Reconnections allowed in a row without receiving an event; then the iteration rejects with
   * {@link ReconnectLimitError}. Default 10 (`Infinity` never gives up).
   */
  maxReconnects?: number;
  /** Backoff cap between reconnections in ms, whatever the server's `retry:` asks. Default 30 000. */
  maxReconnectDelay?: number;
  /** Silence in ms after which the connection counts as dropped (the server sends a comment every 15 s). Default 45 000. */
  idleTimeout?: number;
}

export interface StreamOpener {
  /** Opens the event stream, resuming after `lastEventId` if given; rejects with a typed error. */
  (lastEventId: string | undefined, signal: AbortSignal | undefined): Promise<{ body: ReadableStream<Uint8Array>; url: string }>;
}

const DEFAULT_RECONNECT_MS = 1000;
/**
 * The shortest wait before reconnecting, whatever the server's `retry:` says: `retry: 0` from a
 * broken or hostile server would otherwise reconnect hundreds of times a second.
 */
export const MIN_RECONNECT_MS = 250;
const DEFAULT_MAX_RECONNECTS = 10;

/** `ms` within [MIN_RECONNECT_MS, max]; the minimum wins over a smaller max. */
function clampReconnect(ms: number, max: number): number {
  return Math.max(MIN_RECONNECT_MS, Math.min(ms, max));
}

/**
 * Failures after which reconnecting cannot help: the server refused us (4xx other than 408/429),
 * answered something that is not an event stream, sent an event that is not JSON (resuming after
 * it would silently skip it), or a hook or supplier threw a foreign error.
 */
function isFinal(error: unknown): boolean {
  return !(error instanceof CityBrainError) || !error.retryable || error instanceof ResponseFormatError;
}

/**
 * Yields the events of a stream, reconnecting after drops and idle silences with `Last-Event-ID`
 * and exponential backoff from the server's `retry:` interval (jittered, but never below half of
 * that interval, which the server asked for), always within [{@link MIN_RECONNECT_MS},
 * `maxReconnectDelay`], until the signal aborts, a reconnection fails for good (see
 * {@link isFinal}) or `maxReconnects` reconnections in a row brought no event.
 */
export async function* watchEvents<Event extends ServerEvent>(
  open: StreamOpener,
  describe: { method: string; url: string },
  options: WatchOptions = {},
): AsyncGenerator<Event, void, undefined> {
  const { signal, maxReconnects = DEFAULT_MAX_RECONNECTS, maxReconnectDelay = 30_000 } = options;
  // A NaN delay would reconnect in a tight loop; a NaN count would never give up.
  checkNonNegative('maxReconnects', maxReconnects);
  checkNonNegative('maxReconnectDelay', maxReconnectDelay);
  let lastEventId = options.lastEventId;
  let reconnectBase = DEFAULT_RECONNECT_MS;
  let failuresInARow = 0;
  let lastFailure: unknown;
  const aborted = () => new AbortError({ ...describe, cause: signal?.reason });
  // Imported on first watch: a page that never watches a stream (most embeds) never downloads the parser.
  const { createParser } = await import('eventsource-parser');

  for (;;) {
    lastFailure = undefined;
    const pending: EventSourceMessage[] = [];
    const parser = createParser({
      onEvent: (message) => pending.push(message),
      onRetry: (ms) => (reconnectBase = clampReconnect(ms, maxReconnectDelay)),
    });
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    try {
      const { body, url } = await open(lastEventId, signal);
      reader = body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        parser.feed(decoder.decode(chunk.value, { stream: true }));
        while (pending.length) {
          const message = pending.shift()!;
          if (message.id !== undefined) lastEventId = message.id;
          failuresInARow = 0;
          let data: unknown;
          try {
            data = JSON.parse(message.data);
          } catch (cause) {
            throw new ResponseFormatError({
              ...describe,
              url,
              status: 200,
              reason: 'invalid-json',
              contentType: 'text/event-stream',
              bodySnippet: snippet(message.data),
              cause,
            });
          }
          yield { id: message.id, type: message.event ?? 'message', data } as Event;
        }
      }
      // The server ended the stream; EventSource semantics say reconnect.
    } catch (error) {
      if (signal?.aborted) throw aborted();
      if (isFinal(error)) throw error;
      lastFailure = error;
    } finally {
      reader?.cancel().catch(() => undefined);
    }
    failuresInARow += 1;
    if (failuresInARow > maxReconnects) {
      throw new ReconnectLimitError({ ...describe, reconnects: maxReconnects, cause: lastFailure });
    }
    const backoff = backoffDelay(failuresInARow, { baseDelay: reconnectBase, maxDelay: maxReconnectDelay });
    await abortableSleep(clampReconnect(Math.max(reconnectBase / 2, backoff), maxReconnectDelay), signal, aborted);
  }
}

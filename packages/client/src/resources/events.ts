/** Opening an event stream of a resource with the client's auth, region scope and retries. */
import type { CoreClient } from '../types.js';
import { ResponseFormatError } from '../errors.js';
import { mediaTypeOf } from '../format.js';
import { watchEvents, type ServerEvent, type WatchOptions } from '../sse.js';
import { headersWith } from '../headers.js';
import type { HelperOptions } from './common.js';

/** Options of `watch()`: reconnection settings plus the usual call options for each (re)connection. */
export type WatchCallOptions = WatchOptions & Omit<HelperOptions, 'signal' | 'idempotencyKey'>;

/** The server sends a comment every 15 s; three missed ones mean the connection is gone. */
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;

/** Live events of the SSE endpoint at `path` (under the client's baseUrl), resuming with Last-Event-ID. */
export function watchPath<Event extends ServerEvent>(client: CoreClient, path: string, options: WatchCallOptions = {}): AsyncGenerator<Event, void, undefined> {
  const { lastEventId: _firstLastEventId, maxReconnects: _maxReconnects, maxReconnectDelay: _maxReconnectDelay, idleTimeout, ...callOptions } = options;
  const url = `${client.baseUrl}${path}`;
  return watchEvents<Event>(
    async (lastEventId, signal) => {
      const { data, response, requestId } = await client.raw<ReadableStream<Uint8Array>>('GET', path, {
        ...callOptions,
        signal,
        parseAs: 'stream',
        idleTimeout: idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
        headers: headersWith(callOptions.headers, { accept: 'text/event-stream', 'cache-control': 'no-cache', 'last-event-id': lastEventId }),
      });
      const mediaType = mediaTypeOf(response.headers);
      if (mediaType !== 'text/event-stream') {
        await data.cancel().catch(() => undefined);
        throw new ResponseFormatError({
          method: 'GET',
          url,
          status: response.status,
          requestId,
          reason: 'content-type',
          contentType: mediaType,
          bodySnippet: '',
        });
      }
      return { body: data, url };
    },
    { method: 'GET', url },
    options,
  );
}

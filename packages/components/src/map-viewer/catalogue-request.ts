/**
 * One catalogue request per platform and token, shared by whoever asks within a minute — the
 * element's preview, then its map (each with a client of its own), and other maps on the page — so
 * that the map does not ask again for what the preview has just fetched. Keyed by the token because
 * what the catalogue lists depends on who asks.
 */
import type { CityBrainClient, LayerCatalogue } from '@citybrain/client';

const SHARED_FOR_MS = 60_000;

interface SharedRequest {
  startedAt: number;
  catalogue: Promise<LayerCatalogue>;
}

const recent = new Map<string, SharedRequest>();

/** The layer catalogue grouped by category; `signal` lets this caller go without cancelling the others' request. */
export async function layerCatalogue(client: CityBrainClient, signal: AbortSignal): Promise<LayerCatalogue> {
  const key = `${client.baseUrl} ${(await client.bearerToken()) ?? ''}`;
  const now = Date.now();
  for (const [otherKey, other] of recent) if (now - other.startedAt > SHARED_FOR_MS) recent.delete(otherKey);
  let request = recent.get(key);
  if (!request) {
    const started: SharedRequest = { startedAt: now, catalogue: client.gis.layers({ groupBy: 'category' }) };
    // A failure is not shared with later callers: they ask again.
    started.catalogue.catch(() => {
      if (recent.get(key) === started) recent.delete(key);
    });
    recent.set(key, started);
    request = started;
  }
  return untilAborted(request.catalogue, signal);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

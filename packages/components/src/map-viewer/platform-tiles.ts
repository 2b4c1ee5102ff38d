/**
 * Tiles of the platform's own (internal) layers fetched by maplibre's worker like any other tile,
 * carrying the headers the element's client would send (token, region scope), so that no tile passes
 * through the main thread. Only when the client can hand its requests over (no own `fetch`, hooks or
 * signer); otherwise tiles keep going through the client. The headers are a snapshot, so they are
 * renewed in the background while the map lives, well within the client's early token renewal.
 */
import type { CityBrainClient } from '@citybrain/client';

const RENEW_EVERY_MS = 10_000;

export interface PlatformTiles {
  /** Whether a tile URL is the platform's, so the worker may fetch it with the handed-over headers. */
  covers(url: string): boolean;
  /** maplibre's `transformRequest` for the platform's URLs; undefined for anyone else's. */
  transform(url: string): { url: string; headers: Record<string, string> } | undefined;
  stop(): void;
}

/** The handover for `client`, or undefined when its requests must stay in the client. */
export async function handOverTiles(client: CityBrainClient): Promise<PlatformTiles | undefined> {
  // A failing token supplier: the client path reports that failure per request, as before.
  let headers = await client.handoverHeaders().catch(() => undefined);
  if (!headers) return undefined;
  const prefix = `${client.baseUrl}/`;
  const covers = (url: string) => url.startsWith(prefix);
  const timer = setInterval(() => {
    client.handoverHeaders().then(
      (renewed) => (headers = renewed ?? headers),
      () => undefined,
    );
  }, RENEW_EVERY_MS);
  return {
    covers,
    transform: (url) => (covers(url) ? { url, headers: headers! } : undefined),
    stop: () => clearInterval(timer),
  };
}

/**
 * Tiles of the platform's own (internal) layers fetched by maplibre's worker like any other tile,
 * carrying the headers the element's client would send (token, region scope), so that no tile passes
 * through the main thread. Only when the client can hand its requests over (no own `fetch`, hooks or
 * signer); otherwise tiles keep going through the client. The headers are a snapshot, so they are
 * renewed in the background while the map lives, well within the client's early token renewal.
 */
import type { CityBrainClient } from '@citybrain/client';

const RENEW_EVERY_MS = 10_000;

export interface TileRequest {
  url: string;
  headers?: Record<string, string>;
}

export class PlatformTiles {
  /** The handover for `client`, or undefined when its requests must stay in the client. */
  static async of(client: CityBrainClient): Promise<PlatformTiles | undefined> {
    // A failing token supplier: the client path reports that failure per request, as before.
    const headers = await client.handoverHeaders().catch(() => undefined);
    return headers && new PlatformTiles(client, headers);
  }

  private readonly prefix: string;
  private readonly timer: ReturnType<typeof setInterval>;

  private constructor(
    private readonly client: CityBrainClient,
    private headers: Record<string, string>,
  ) {
    this.prefix = `${client.baseUrl}/`;
    this.timer = setInterval(() => this.renew(), RENEW_EVERY_MS);
  }

  /** Whether a tile URL is the platform's, so the worker may fetch it with the handed-over headers. */
  covers(url: string): boolean {
    return url.startsWith(this.prefix);
  }

  /** maplibre's `transformRequest` for the platform's URLs; undefined for anyone else's. */
  transform(url: string): TileRequest | undefined {
    return this.covers(url) ? { url, headers: this.headers } : undefined;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private renew(): void {
    this.client.handoverHeaders().then(
      (headers) => {
        if (headers) this.headers = headers;
      },
      () => undefined,
    );
  }
}

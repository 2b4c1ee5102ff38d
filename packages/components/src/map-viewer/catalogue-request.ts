/**
 * Requests shared per platform and token by whoever asks within a minute — the element's preview,
 * then its map (each with a client of its own), and other maps on the page — so that the map does
 * not ask again for what was just fetched: the layer catalogue, and the TileJSON and style of the
 * layers a map draws. Keyed by the token because what the platform answers depends on who asks.
 *
 * This module is part of the element's shell, so a map's layers are requested beside the catalogue,
 * while the map engine and the viewer's code are still downloading.
 */
import type { CityBrainClient, GisComponents, LayerCatalogue, TileJson } from '@citybrain/client';

const SHARED_FOR_MS = 60_000;

const recent = new Map<string, Promise<unknown>>();

/** The request `what` of `client`'s platform and token: the one in flight or made within a minute, else a new one. */
async function shared<T>(client: CityBrainClient, what: string, request: () => Promise<T>): Promise<T> {
  const key = `${client.baseUrl} ${(await client.bearerToken()) ?? ''} ${what}`;
  let started = recent.get(key) as Promise<T> | undefined;
  if (!started) {
    const made = (started = request());
    const forget = () => recent.get(key) === made && recent.delete(key);
    recent.set(key, made);
    setTimeout(forget, SHARED_FOR_MS);
    // A failure is not shared with later callers: they ask again.
    made.catch(forget);
  }
  return started;
}

/** The layer catalogue grouped by category; `signal` lets this caller go without cancelling the others' request. */
export function layerCatalogue(client: CityBrainClient, signal: AbortSignal): Promise<LayerCatalogue> {
  return untilAborted(
    shared(client, 'catalogue', () => client.gis.layers({ groupBy: 'category' })),
    signal,
  );
}

/**
 * A layer's TileJSON, asked for by id (the platform serves it for every layer it lists) so that it can
 * be requested beside the catalogue rather than after it; a layer the catalogue does not list is not drawn.
 */
export function layerTileJson(client: CityBrainClient, layerId: string): Promise<TileJson> {
  return shared(client, `tilejson ${layerId}`, () => client.gis.tilejson(layerId));
}

/** A layer's style fragment, by id as its TileJSON; used only for layers the catalogue lists with a `stylesheet` link. */
export function layerStyle(client: CityBrainClient, layerId: string): Promise<GisComponents['schemas']['MapLibreStyle'] | undefined> {
  return shared(client, `style ${layerId}`, async () => (await client.GET('/gis/layers/{layerId}/style', { params: { path: { layerId } } })).data);
}

/** Starts the TileJSON and style requests of the layers `ids` (failures surface where a layer is drawn). */
export function requestLayerInputs(client: CityBrainClient, ids: Iterable<string>): void {
  for (const id of ids) {
    layerTileJson(client, id).catch(() => undefined);
    layerStyle(client, id).catch(() => undefined);
  }
}

/** `promise` for this caller, rejected when its `signal` aborts (the shared request goes on for the others). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

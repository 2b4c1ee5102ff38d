/**
 * Where maplibre-gl's worker script lives. By default maplibre loads `maplibre-gl-worker.mjs`
 * next to its own code (the bundles ship it there, so a page can run it under
 * `worker-src 'self'`); a page that hosts the file elsewhere says so here, before or after
 * the first map is created.
 */
let workerUrl: string | undefined;
const listeners = new Set<(url: string) => void>();

/**
 * Points every `<cb-map-viewer>` at maplibre-gl's worker script, e.g.
 * `setMapWorkerUrl('/static/maplibre-gl-worker.mjs')`. Relative URLs resolve against the page.
 */
export function setMapWorkerUrl(url: string): void {
  workerUrl = new URL(url, document.baseURI).href;
  for (const listener of listeners) listener(workerUrl);
}

/** @internal the engine applies the URL once maplibre is loaded, and on later changes. */
export function onMapWorkerUrl(listener: (url: string) => void): void {
  listeners.add(listener);
  if (workerUrl !== undefined) listener(workerUrl);
}

/**
 * Where maplibre-gl's worker script lives. By default maplibre loads `maplibre-gl-worker.mjs`
 * next to its own code (the bundles ship it there, so a page can run it under
 * `worker-src 'self'`); a page that hosts the file elsewhere says so here, before its first map
 * starts loading: maplibre's workers start with maplibre-gl and keep the script they started with.
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

let workersStarted = false;

/**
 * @internal Once maplibre-gl is loaded: applies the page's worker URL (and later changes of it) and
 * starts maplibre's workers at once, so that their script loads while the element still sets up its
 * map; maplibre itself would start them only with the first map, and tiles wait for them.
 */
export function startMapWorkers(maplibre: Pick<typeof import('maplibre-gl'), 'setWorkerUrl' | 'prewarm'>): void {
  if (workersStarted) return;
  workersStarted = true;
  const apply = (url: string) => maplibre.setWorkerUrl(url);
  listeners.add(apply);
  if (workerUrl !== undefined) apply(workerUrl);
  maplibre.prewarm();
}

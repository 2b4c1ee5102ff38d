/**
 * The district GIS server of the external-layer tests: Debian's MapServer 8, started by
 * web-test-runner.config.mjs (scripts/gis-servers/mapserver.mjs) and reached as `window.CITYBRAIN_MAPSERVER_URL`.
 */
declare global {
  interface Window {
    CITYBRAIN_MAPSERVER_URL?: string;
  }
}

export function mapServerUrl(): string {
  const url = window.CITYBRAIN_MAPSERVER_URL;
  if (!url) throw new Error('No MapServer: run the browser tests through web-test-runner.config.mjs, which starts one (apt-get install mapserver-bin gdal-bin).');
  return url;
}

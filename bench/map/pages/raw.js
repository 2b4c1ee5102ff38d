// Raw maplibre-gl with the catalogue's own style for the parcels layer, no basemap: either on the
// sandbox's vector tiles (token added by transformRequest) or with all parcels as one GeoJSON source.
import { Map as MapLibre, setWorkerUrl } from 'maplibre-gl';
import { install } from './harness.js';

setWorkerUrl('/nm/maplibre-gl/dist/maplibre-gl-worker.mjs');

export function installRaw(name, sourceFor) {
  install({
    name,
    create(host, cfg) {
      const container = document.createElement('div');
      container.style.cssText = `width:100%;height:${host.clientHeight}px`;
      host.append(container);
      const [sourceId] = Object.keys(cfg.style.sources);
      const geojson = name === 'raw-geojson';
      const map = new MapLibre({
        container,
        center: cfg.center,
        zoom: cfg.zoom,
        attributionControl: false,
        style: {
          version: 8,
          sources: { [sourceId]: sourceFor(cfg, sourceId) },
          layers: [
            { id: 'background', type: 'background', paint: { 'background-color': '#f5f6f7' } },
            ...cfg.style.layers.map((l) => {
              if (!geojson) return l;
              const { 'source-layer': _, ...rest } = l;
              return rest;
            }),
          ],
        },
        transformRequest: (url) => (url.startsWith(cfg.sandbox) ? { url, headers: { Authorization: `Bearer ${cfg.token}` } } : { url }),
      });
      const ready = new Promise((resolve, reject) => {
        map.once('idle', resolve);
        map.once('error', (e) => reject(e.error ?? new Error('map error')));
      });
      return { ready, map: () => map };
    },
  });
}

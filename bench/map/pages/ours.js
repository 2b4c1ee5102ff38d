// <cb-map-viewer> with the parcels layer from the catalogue, no basemap. maplibre-gl is imported
// up front, as in the raw pages, so the timed part does not include downloading it (the element
// would otherwise load it lazily when it connects); its own engine chunk still loads lazily.
import 'maplibre-gl';
import { setMapWorkerUrl } from '@citybrain/components';
import { install } from './harness.js';

setMapWorkerUrl('/nm/maplibre-gl/dist/maplibre-gl-worker.mjs');

install({
  name: 'ours',
  create(host, cfg) {
    const el = document.createElement('cb-map-viewer');
    el.setAttribute('base-url', `${cfg.sandbox}/api/v1`);
    el.token = cfg.token;
    el.setAttribute('layers', cfg.layerId);
    el.setAttribute('basemap', 'none');
    el.setAttribute('center', cfg.center.join(','));
    el.setAttribute('zoom', String(cfg.zoom));
    el.style.setProperty('--cb-map-height', `${host.clientHeight}px`);
    el.style.display = 'block';
    const ready = new Promise((resolve, reject) => {
      el.addEventListener('cb-ready', resolve, { once: true });
      el.addEventListener('cb-error', (e) => reject(new Error(`cb-error: ${e.detail?.message}`)), { once: true });
    });
    host.append(el);
    return { ready, map: () => el.getMap() };
  },
});

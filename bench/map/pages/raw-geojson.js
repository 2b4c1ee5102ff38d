import { installRaw } from './raw.js';

installRaw('raw-geojson', (cfg) => ({ type: 'geojson', data: cfg.geojsonUrl }));

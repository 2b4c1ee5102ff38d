import { installRaw } from './raw.js';

installRaw('raw-tiles', (cfg, id) => cfg.style.sources[id]);

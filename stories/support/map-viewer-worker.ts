/**
 * maplibre-gl's worker for Storybook. Vite cannot see the worker (maplibre builds its URL at run
 * time), so it is imported as an asset URL here, which makes Vite emit it, and handed to every
 * <cb-map-viewer> through the library's own setMapWorkerUrl (no static import of maplibre-gl).
 * Without this: "Worker failed to load" and the map never loads (toolchain §11).
 */
/// <reference types="vite/client" />
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { setMapWorkerUrl } from '@citybrain/components';

setMapWorkerUrl(maplibreWorkerUrl);

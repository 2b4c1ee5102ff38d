export { Map } from 'maplibre-gl';

import { defineElement } from '../shared/define-element.js';
import { CbMapLayer } from './map-layer.js';

defineElement('cb-map-layer', CbMapLayer);

export { CbMapLayer };

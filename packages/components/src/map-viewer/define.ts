import { defineElement } from '../shared/define-element.js';
import { CbMapViewer } from './map-viewer.js';

defineElement('cb-map-viewer', CbMapViewer);

export { CbMapViewer };

import { defineElement } from '../shared/define-element.js';
import { CbProvider } from './provider.js';

defineElement('cb-provider', CbProvider);

export { CbProvider };

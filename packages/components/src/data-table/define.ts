import { defineElement } from '../shared/define-element.js';
import { CbDataTable } from './data-table.js';

defineElement('cb-data-table', CbDataTable);

export { CbDataTable };

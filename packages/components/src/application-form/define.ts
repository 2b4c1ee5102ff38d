import { defineElement } from '../shared/define-element.js';
import { CbApplicationForm } from './application-form.js';

defineElement('cb-application-form', CbApplicationForm);

export { CbApplicationForm };

import { defineElement } from '../shared/define-element.js';
import { CbApprovalStatus } from './approval-status.js';

defineElement('cb-approval-status', CbApprovalStatus);

export { CbApprovalStatus };

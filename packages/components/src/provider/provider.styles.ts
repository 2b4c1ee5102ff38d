import { css } from 'lit';
import { elderlyModeStyles } from '../shared/theme.js';

/**
 * The provider has no box of its own (`display: contents`) and sets no typography,
 * so wrapping a page section changes neither its layout nor its look. It only sets
 * the inheritable elderly-mode variables for the `cb-*` elements inside.
 */
export const providerStyles = css`
  :host {
    display: contents;
  }
  ${elderlyModeStyles}
`;

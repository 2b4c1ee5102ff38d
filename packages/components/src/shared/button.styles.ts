import { css } from 'lit';

/**
 * The library's text buttons, one look in every element (part of `baseStyles`):
 * `.button-primary`, filled with the primary colour, for the one action a state offers (retry,
 * look up); `.button-link`, a button that reads as a link (show every event, a region of the
 * breadcrumb). Elements add only their placement (margins, alignment).
 */
export const buttonStyles = css`
  .button-primary {
    min-block-size: var(--_cb-target-size);
    min-inline-size: var(--_cb-target-size);
    padding: 0 var(--_cb-space-l);
    border: 1px solid var(--_cb-color-primary);
    border-radius: var(--_cb-radius);
    background: var(--_cb-color-primary);
    color: var(--_cb-color-on-primary);
    font: inherit;
    cursor: pointer;
    transition: background-color var(--_cb-transition-duration);
  }
  .button-primary:hover:not(:disabled) {
    background: var(--_cb-color-text);
    border-color: var(--_cb-color-text);
  }
  .button-primary:disabled {
    border-color: var(--_cb-color-border);
    background: var(--_cb-color-surface-muted);
    color: var(--_cb-color-text-muted);
    cursor: not-allowed;
  }
  .button-link {
    padding: 0;
    border: 0;
    background: none;
    color: var(--_cb-color-primary);
    font: inherit;
    text-decoration: underline;
    cursor: pointer;
  }
`;

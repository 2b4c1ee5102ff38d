import { css } from 'lit';
import { baseStyles } from '../shared/theme.js';

/**
 * Styles of `<cb-application-form>`. Sizes come from the resolved `--_cb-*` tokens, so elderly
 * mode (larger text and targets, stronger contrast), page themes and forced colours apply; an
 * error is said in words and marked by a thick border, never by colour alone.
 */
export const applicationFormStyles = [
  baseStyles,
  css`
    :host {
      display: block;
      max-inline-size: var(--cb-form-max-inline-size, 40rem);
    }
    p {
      margin: 0;
    }
    .form,
    .confirmation {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-l);
    }
    .heading {
      font-weight: 600;
      font-size: var(--_cb-font-size-xl);
      line-height: 1.35;
    }
    .note,
    .hint {
      color: var(--_cb-color-text-muted);
    }
    .section,
    .row {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-m);
      min-inline-size: 0;
      margin: 0;
      padding: var(--_cb-space-m) var(--_cb-space-l) var(--_cb-space-l);
      border: 1px solid var(--_cb-color-divider);
      border-radius: var(--_cb-radius);
    }
    .row {
      border-inline-start: 4px solid var(--_cb-color-divider);
    }
    .section__title,
    .row__title {
      padding: 0 var(--_cb-space-xs);
      font-weight: 600;
      font-size: var(--_cb-font-size-l);
    }
    .row__title {
      font-size: var(--_cb-font-size-m);
    }
    .field {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-xs);
      min-inline-size: 0;
      margin: 0;
      padding: 0;
      border: 0;
    }
    .field--error {
      padding-inline-start: var(--_cb-space-m);
      border-inline-start: 4px solid var(--_cb-color-danger);
    }
    .field__label {
      padding: 0;
      font-weight: 600;
    }
    .optional {
      font-weight: normal;
      color: var(--_cb-color-text-muted);
    }
    input:not([type='radio']),
    select,
    textarea {
      inline-size: 100%;
      min-block-size: calc(var(--_cb-target-size) + 4px);
      padding: var(--_cb-space-xs) var(--_cb-space-s);
      border: 1px solid var(--_cb-color-border);
      border-radius: var(--_cb-radius);
      background: var(--_cb-color-surface);
      color: var(--_cb-color-text);
      font: inherit;
    }
    .input--short {
      max-inline-size: 10em;
    }
    .input--code {
      max-inline-size: 16em;
      letter-spacing: 0.05em;
    }
    [aria-invalid='true'] {
      border-color: var(--_cb-color-danger);
      border-width: 2px;
    }
    .radios {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_cb-space-xs) var(--_cb-space-l);
    }
    .radio {
      display: inline-flex;
      align-items: center;
      gap: var(--_cb-space-s);
      min-block-size: var(--_cb-target-size);
      cursor: pointer;
    }
    .radio input {
      inline-size: calc(var(--_cb-font-size-m) * 1.4);
      block-size: calc(var(--_cb-font-size-m) * 1.4);
      margin: 0;
    }
    .field__error {
      color: var(--_cb-color-danger);
      font-weight: 600;
    }
    .error-summary {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-s);
      padding: var(--_cb-space-l);
      border: 4px solid var(--_cb-color-danger);
      border-radius: var(--_cb-radius);
    }
    .error-summary ul {
      margin: 0;
      padding-inline-start: 1.2em;
    }
    .error-summary a {
      color: var(--_cb-color-danger);
      font-weight: 600;
    }
    .button-secondary {
      align-self: flex-start;
      min-block-size: var(--_cb-target-size);
      padding: 0 var(--_cb-space-l);
      border: 1px solid var(--_cb-color-border);
      border-radius: var(--_cb-radius);
      background: var(--_cb-color-surface-muted);
      color: var(--_cb-color-text);
      font: inherit;
      cursor: pointer;
    }
    .actions .button-primary {
      min-block-size: calc(var(--_cb-target-size) + 8px);
      min-inline-size: 8em;
      font-weight: 600;
    }
    .button-primary[aria-disabled='true'] {
      cursor: progress;
    }
    .confirmation {
      padding: var(--_cb-space-xl);
      border: 4px solid var(--_cb-color-success);
      border-radius: var(--_cb-radius);
    }
    .receipt {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_cb-space-l) var(--_cb-space-xl);
      margin: 0;
    }
    .receipt dd {
      margin: 0;
      font-size: var(--_cb-font-size-xl);
      font-weight: 600;
      letter-spacing: 0.05em;
      overflow-wrap: anywhere;
    }
    input[type='file'] {
      padding: var(--_cb-space-s);
    }
    .files {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-s);
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .file {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_cb-space-xs) var(--_cb-space-m);
      padding: var(--_cb-space-s) var(--_cb-space-m);
      border: 1px solid var(--_cb-color-divider);
      border-radius: var(--_cb-radius);
    }
    .file__name {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .file__actions {
      display: flex;
      flex: 1 1 100%;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_cb-space-s) var(--_cb-space-m);
    }
    .file progress {
      flex: 1 1 10em;
      block-size: calc(var(--_cb-font-size-m) * 0.8);
    }
    .file__state--done {
      color: var(--_cb-color-success);
      font-weight: 600;
    }
    .file--failed {
      border-color: var(--_cb-color-danger);
    }
    .config-error {
      color: var(--_cb-color-danger);
    }
  `,
];

import { css } from 'lit';
import { baseStyles } from '../shared/theme.js';
import { loadStatusStyles } from '../shared/status.js';

/**
 * Styles of `<cb-approval-status>`. Colours come from the resolved `--_cb-*` tokens, so
 * page themes, elderly mode, `prefers-contrast` and forced colours all apply; state is
 * always said in words too, never by colour alone.
 */
export const approvalStatusStyles = [
  baseStyles,
  loadStatusStyles,
  css`
    :host {
      display: block;
      max-inline-size: var(--cb-approval-max-inline-size, none);
      /* In font-size units of the host, so it means the same on the marker and on the lines. */
      --_marker: var(--cb-approval-marker-size, calc(var(--_cb-font-size-m) * 1.75));
      --_tone: var(--_cb-color-primary);
      container-type: inline-size;
    }

    p {
      margin: 0;
    }

    .view {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-l);
      padding: var(--_cb-space-l);
      border: 1px solid var(--_cb-color-divider);
      border-radius: var(--_cb-radius);
      background: var(--_cb-color-surface);
    }

    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      justify-content: space-between;
      gap: var(--_cb-space-s) var(--_cb-space-l);
    }
    .head__main {
      min-inline-size: 0;
    }
    .eyebrow {
      color: var(--_cb-color-text-muted);
      font-size: var(--_cb-font-size-s);
    }
    .heading {
      font-weight: 600;
      font-size: var(--_cb-font-size-l);
      line-height: 1.35;
    }
    [part~='title'] {
      font-size: var(--_cb-font-size-xl);
      overflow-wrap: anywhere;
    }
    .description {
      font-size: var(--_cb-font-size-l);
    }
    .note {
      color: var(--_cb-color-text-muted);
      font-size: var(--_cb-font-size-s);
    }
    .mono {
      font-variant-numeric: tabular-nums;
      letter-spacing: 0.02em;
      overflow-wrap: anywhere;
    }

    /* Badges: text in the tone colour on the surface (≥ 4.5:1), outlined. */
    .badges {
      display: inline-flex;
      flex-wrap: wrap;
      gap: var(--_cb-space-xs);
    }
    .badge {
      --_tone: var(--_cb-color-primary);
      display: inline-flex;
      align-items: center;
      min-block-size: calc(var(--_cb-font-size-m) * 1.8);
      padding: 0 var(--_cb-space-s);
      border: 1px solid var(--_tone);
      border-radius: 999px;
      color: var(--_tone);
      background: var(--_cb-color-surface);
      font-weight: 600;
      white-space: nowrap;
    }
    .badge--success {
      --_tone: var(--_cb-color-success);
    }
    .badge--warning {
      --_tone: var(--_cb-color-warning);
    }
    .badge--danger {
      --_tone: var(--_cb-color-danger);
    }
    .badge--neutral {
      --_tone: var(--_cb-color-text-muted);
    }
    .flag {
      font-weight: 600;
    }
    .flag--danger,
    .is-overdue {
      color: var(--_cb-color-danger);
    }

    /* Facts: label / value pairs. */
    .facts {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(min(100%, 14rem), 1fr));
      gap: var(--_cb-space-s) var(--_cb-space-l);
      margin: 0;
    }
    .facts--compact {
      grid-template-columns: repeat(auto-fill, minmax(min(100%, 16rem), 1fr));
    }
    .fact {
      min-inline-size: 0;
    }
    .fact dt {
      color: var(--_cb-color-text-muted);
      font-size: var(--_cb-font-size-s);
    }
    .fact dd {
      display: flex;
      flex-wrap: wrap;
      gap: 0 var(--_cb-space-s);
      margin: 0;
      overflow-wrap: anywhere;
    }

    /* Notices: rejection, return, side states, completion. */
    .notice {
      --_tone: var(--_cb-color-primary);
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-xs);
      padding: var(--_cb-space-m) var(--_cb-space-l);
      border: 1px solid var(--_cb-color-divider);
      border-inline-start: 4px solid var(--_tone);
      border-radius: var(--_cb-radius);
      background: var(--_cb-color-surface-muted);
      overflow-wrap: anywhere;
    }
    .notice .heading {
      color: var(--_tone);
    }
    .notice--danger {
      --_tone: var(--_cb-color-danger);
    }
    .notice--warning {
      --_tone: var(--_cb-color-warning);
    }
    .notice--success {
      --_tone: var(--_cb-color-success);
    }
    .notice--neutral {
      --_tone: var(--_cb-color-text-muted);
    }
    .notice--neutral .heading {
      color: var(--_cb-color-text);
    }
    .notice__lead {
      font-weight: 600;
    }
    .notice__action {
      font-weight: 600;
    }
    .notice .note {
      display: flex;
      flex-wrap: wrap;
      gap: 0 var(--_cb-space-l);
    }
    .materials {
      margin: 0;
      padding-inline-start: 1.5em;
    }

    .next {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: var(--_cb-space-xs) var(--_cb-space-s);
      padding: var(--_cb-space-s) var(--_cb-space-m);
      border-radius: var(--_cb-radius);
      background: var(--_cb-color-surface-muted);
    }
    .next__label {
      font-weight: 600;
    }
    .next--applicant {
      border: 1px solid var(--_cb-color-primary);
    }
    .next--applicant .next__label {
      color: var(--_cb-color-primary);
    }

    /* Deadlines. */
    .deadlines__list {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_cb-space-s) var(--_cb-space-xl);
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .deadline {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: var(--_cb-space-xs) var(--_cb-space-s);
    }
    .deadline__title {
      color: var(--_cb-color-text-muted);
    }
    .deadline__remaining {
      font-size: var(--_cb-font-size-l);
    }

    /* Stepper. */
    .progress,
    .history {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-s);
    }
    .position {
      color: var(--_cb-color-text-muted);
    }
    .stepper {
      display: flex;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .step {
      --_tone: var(--_cb-color-border);
      position: relative;
      min-inline-size: 0;
    }
    .step__marker {
      display: inline-flex;
      flex: none;
      align-items: center;
      justify-content: center;
      inline-size: var(--_marker);
      block-size: var(--_marker);
      border: 2px solid var(--_tone);
      border-radius: 50%;
      background: var(--_cb-color-surface);
      color: var(--_cb-color-text-muted);
      font-size: var(--_cb-font-size-s);
      font-weight: 600;
      line-height: 1;
      position: relative;
      z-index: 1;
    }
    .step--done {
      --_tone: var(--_cb-color-success);
    }
    .step--active {
      --_tone: var(--_cb-color-primary);
    }
    .step--returned {
      --_tone: var(--_cb-color-warning);
    }
    .step--rejected {
      --_tone: var(--_cb-color-danger);
    }
    .step--done .step__marker,
    .step--active .step__marker,
    .step--returned .step__marker,
    .step--rejected .step__marker {
      background: var(--_tone);
      color: var(--_cb-color-on-primary);
    }
    .step--skipped .step__marker {
      border-style: dashed;
    }
    .step--current .step__marker {
      outline: 2px solid var(--_tone);
      outline-offset: 2px;
    }
    .step__body {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-xs);
      min-inline-size: 0;
    }
    .step__name {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .step--pending .step__name,
    .step--skipped .step__name {
      font-weight: 400;
      color: var(--_cb-color-text-muted);
    }
    .step__state {
      color: var(--_cb-color-text-muted);
      font-size: var(--_cb-font-size-s);
    }

    /* Horizontal: a row of markers joined by lines, names under them. */
    .stepper--horizontal {
      flex-direction: row;
      align-items: flex-start;
    }
    .stepper--horizontal .step {
      display: flex;
      flex: 1 1 0;
      flex-direction: column;
      align-items: center;
      gap: var(--_cb-space-xs);
      padding-inline: 2px;
      text-align: center;
    }
    .stepper--horizontal .step:not(:first-child)::before {
      content: '';
      position: absolute;
      inset-block-start: calc(var(--_marker) / 2 - 1px);
      inset-inline-end: calc(50% + var(--_marker) / 2);
      inline-size: calc(100% - var(--_marker));
      border-block-start: 2px solid var(--_cb-color-divider);
    }
    .stepper--horizontal .step--done:not(:first-child)::before,
    .stepper--horizontal .step--active:not(:first-child)::before,
    .stepper--horizontal .step--returned:not(:first-child)::before,
    .stepper--horizontal .step--rejected:not(:first-child)::before {
      border-block-start-color: var(--_cb-color-success);
    }
    .stepper--horizontal .step__name {
      font-size: var(--_cb-font-size-s);
      overflow-wrap: break-word;
      hyphens: auto;
    }

    /* Vertical: markers in a column joined by a line, details beside them. */
    .stepper--vertical {
      flex-direction: column;
    }
    .stepper--vertical .step {
      display: grid;
      grid-template-columns: var(--_marker) minmax(0, 1fr);
      gap: var(--_cb-space-m);
      padding-block-end: var(--_cb-space-l);
    }
    .stepper--vertical .step:not(:last-child)::before {
      content: '';
      position: absolute;
      inset-block: var(--_marker) 0;
      inset-inline-start: calc(var(--_marker) / 2 - 1px);
      border-inline-start: 2px solid var(--_cb-color-divider);
    }
    .stepper--vertical .step--done:not(:last-child)::before {
      border-inline-start-color: var(--_cb-color-success);
    }
    .stepper--vertical .step__body {
      padding-block-start: calc((var(--_marker) - 1.5em) / 2);
    }

    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0 var(--_cb-space-m);
      color: var(--_cb-color-text-muted);
      font-size: var(--_cb-font-size-s);
    }
    .opinion {
      overflow-wrap: anywhere;
    }

    .current {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-xs);
      margin-block-start: var(--_cb-space-s);
      padding: var(--_cb-space-m);
      border-radius: var(--_cb-radius);
      background: var(--_cb-color-surface-muted);
    }
    .current__title {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: var(--_cb-space-s);
      font-weight: 600;
    }

    /* Parallel department reviews. */
    .substeps {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));
      gap: var(--_cb-space-s);
      margin: var(--_cb-space-xs) 0 0;
      padding: 0;
      list-style: none;
      text-align: start;
    }
    .substep {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-xs);
      padding: var(--_cb-space-s) var(--_cb-space-m);
      border: 1px solid var(--_cb-color-divider);
      border-radius: var(--_cb-radius);
      background: var(--_cb-color-surface);
    }
    .substep__head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_cb-space-xs) var(--_cb-space-s);
    }
    .substep__name {
      font-weight: 600;
    }
    .substep__state {
      font-size: var(--_cb-font-size-s);
      color: var(--_cb-color-text-muted);
    }
    .dot {
      --_tone: var(--_cb-color-border);
      inline-size: 0.75em;
      block-size: 0.75em;
      border: 2px solid var(--_tone);
      border-radius: 50%;
    }
    .dot--done {
      --_tone: var(--_cb-color-success);
      background: var(--_tone);
    }
    .dot--active {
      --_tone: var(--_cb-color-primary);
      background: var(--_tone);
    }
    .dot--returned {
      --_tone: var(--_cb-color-warning);
      background: var(--_tone);
    }
    .dot--rejected {
      --_tone: var(--_cb-color-danger);
      background: var(--_tone);
    }
    .dot--skipped {
      border-style: dashed;
    }
    .substep--rejected .substep__state {
      color: var(--_cb-color-danger);
      font-weight: 600;
    }

    /* Event history. */
    .events {
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .event {
      display: grid;
      grid-template-columns: 11em minmax(0, 1fr);
      gap: 0 var(--_cb-space-m);
      padding-block: var(--_cb-space-s);
      border-block-start: 1px solid var(--_cb-color-divider);
    }
    .event__time {
      color: var(--_cb-color-text-muted);
      font-size: var(--_cb-font-size-s);
      font-variant-numeric: tabular-nums;
      padding-block-start: 0.15em;
    }
    .event__what {
      display: flex;
      flex-wrap: wrap;
      gap: 0 var(--_cb-space-s);
    }
    .event__action {
      font-weight: 600;
    }
    .event__actor {
      color: var(--_cb-color-text-muted);
    }
    .event__remark {
      grid-column: 2;
      overflow-wrap: anywhere;
      white-space: pre-line;
    }
    @container (max-width: 420px) {
      .event {
        grid-template-columns: minmax(0, 1fr);
      }
      .event__remark {
        grid-column: 1;
      }
    }

    .link-button {
      align-self: flex-start;
      min-block-size: var(--_cb-target-size);
      padding: 0 var(--_cb-space-s);
    }

    /* Compact badge row. */
    .compact {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_cb-space-xs) var(--_cb-space-s);
    }
    .compact__ref {
      font-variant-numeric: tabular-nums;
      overflow-wrap: anywhere;
    }
    .compact__meta {
      color: var(--_cb-color-text-muted);
      font-size: var(--_cb-font-size-s);
    }
    .compact__meta.is-overdue {
      color: var(--_cb-color-danger);
      font-weight: 600;
    }

    /* Citizen lookup form. */
    .lookup {
      display: flex;
      flex-direction: column;
      gap: var(--_cb-space-s);
      margin-block-end: var(--_cb-space-l);
      padding: var(--_cb-space-l);
      border: 1px solid var(--_cb-color-divider);
      border-radius: var(--_cb-radius);
      background: var(--_cb-color-surface);
    }
    .lookup__fields {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: var(--_cb-space-m);
    }
    .field {
      display: flex;
      flex: 1 1 16rem;
      flex-direction: column;
      gap: var(--_cb-space-xs);
      min-inline-size: 0;
    }
    .field--code {
      flex: 0 1 10rem;
    }
    .field label {
      font-weight: 600;
    }
    .field input {
      min-block-size: calc(var(--_cb-target-size) + 4px);
      padding: 0 var(--_cb-space-s);
      border: 1px solid var(--_cb-color-border);
      border-radius: var(--_cb-radius);
      background: var(--_cb-color-surface);
      color: var(--_cb-color-text);
      font: inherit;
      letter-spacing: 0.02em;
    }
    .field input[aria-invalid='true'] {
      border-color: var(--_cb-color-danger);
      border-width: 2px;
    }
    /* No box (and no gap in the form) unless the page slots something in. */
    [part='help'] {
      display: contents;
    }
    .field__error {
      color: var(--_cb-color-danger);
      font-size: var(--_cb-font-size-s);
    }
    .primary-button {
      align-self: flex-start;
      min-block-size: calc(var(--_cb-target-size) + 4px);
      min-inline-size: 6em;
      margin-block-start: calc(var(--_cb-font-size-m) * var(--_cb-line-height) + var(--_cb-space-xs));
      font-weight: 600;
    }
    .primary-button[aria-disabled='true'] {
      cursor: progress;
    }

    @media (forced-colors: active) {
      .step__marker,
      .badge,
      .dot {
        forced-color-adjust: none;
        border-color: CanvasText;
        color: CanvasText;
        background: Canvas;
      }
      .step--current .step__marker {
        outline-color: Highlight;
      }
    }
  `,
];

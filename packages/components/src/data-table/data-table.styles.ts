import { css } from 'lit';

export const dataTableStyles = css`
  :host {
    --_rh: calc(var(--cb-data-table-row-height, 40px) * var(--_cb-scale));
    --_hbg: var(--cb-data-table-header-background, var(--_cb-color-surface-muted));
    --_sel: var(--cb-data-table-selected-background, #e8f0fb);
    --_hover: var(--cb-data-table-hover-background, var(--_cb-color-surface-muted));
    display: flex;
    flex-direction: column;
    block-size: var(--cb-data-table-height, 480px);
    min-block-size: 12rem;
    border: 1px solid var(--cb-data-table-border-color, var(--_cb-color-divider));
    border-radius: var(--_cb-radius);
    background: var(--_cb-color-surface);
    overflow: hidden;
    position: relative;
  }
  /*
   * The layout lives on this frame, not on the host: a page's display on the host (a reset's
   * block, inline, grid…) must not let the grid grow to all its rows. The frame fills a
   * host of definite height; where the host has none, the element gives the frame one (.bounded).
   */
  .frame {
    display: flex;
    flex-direction: column;
    flex: 1 1 auto;
    block-size: 100%;
    min-block-size: 0;
    min-inline-size: 0;
  }
  .frame.bounded {
    block-size: var(--cb-data-table-height, 480px);
    flex: none;
  }
  :host([density='compact']) {
    --_rh: calc(var(--cb-data-table-row-height-compact, 32px) * var(--_cb-scale));
  }
  :host([elderly]) {
    --_sel: var(--cb-data-table-selected-background, #cfe0f7);
  }
  button,
  input,
  select {
    font: inherit;
    color: inherit;
  }
  button {
    min-block-size: var(--_cb-target-size);
    padding: 0 var(--_cb-space-m);
    border: 1px solid var(--_cb-color-border);
    border-radius: var(--_cb-radius);
    background: var(--_cb-color-surface);
    cursor: pointer;
  }
  button:hover {
    background: var(--_cb-color-surface-muted);
  }
  button[aria-pressed='true'],
  button[aria-expanded='true'] {
    border-color: var(--_cb-color-primary);
    color: var(--_cb-color-primary);
  }
  button:disabled {
    cursor: default;
    opacity: 0.6;
  }
  .bar,
  .panel,
  .exp,
  .pager,
  .state {
    flex: none;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_cb-space-s);
    padding: var(--_cb-space-s) var(--_cb-space-m);
    border-block-end: 1px solid var(--_cb-color-divider);
  }
  .cap {
    font-weight: 600;
    font-size: var(--_cb-font-size-l);
  }
  .meta {
    color: var(--_cb-color-text-muted);
    font-size: var(--_cb-font-size-s);
  }
  .grow {
    flex: 1;
  }
  .panel {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_cb-space-s) var(--_cb-space-l);
    align-items: flex-end;
    padding: var(--_cb-space-s) var(--_cb-space-m);
    border-block-end: 1px solid var(--_cb-color-divider);
    max-block-size: 40%;
    overflow: auto;
    margin: 0;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: var(--_cb-space-xs) var(--_cb-space-s);
    align-items: center;
    min-inline-size: 0;
  }
  legend,
  .panel label.f {
    font-size: var(--_cb-font-size-s);
    color: var(--_cb-color-text-muted);
    padding: 0;
  }
  .panel label.f {
    display: flex;
    flex-direction: column;
  }
  input:not([type='checkbox']),
  select {
    min-block-size: var(--_cb-target-size);
    padding: 0 var(--_cb-space-s);
    border: 1px solid var(--_cb-color-border);
    border-radius: var(--_cb-radius);
    background: var(--_cb-color-surface);
    max-inline-size: 14em;
  }
  input[type='number'] {
    inline-size: 7em;
  }
  .opt {
    display: inline-flex;
    align-items: center;
    gap: var(--_cb-space-xs);
    white-space: nowrap;
  }
  input[type='checkbox'] {
    inline-size: calc(16px * var(--_cb-scale));
    block-size: calc(16px * var(--_cb-scale));
    margin: 0;
  }
  .cols {
    list-style: none;
    flex-direction: column;
    align-items: stretch;
    flex-wrap: nowrap;
  }
  .cols li {
    display: flex;
    align-items: center;
    gap: var(--_cb-space-xs);
  }
  .cols li label {
    flex: 1;
  }
  .cols button,
  .pager button,
  .menu button {
    padding: 0 var(--_cb-space-s);
  }
  .grid {
    flex: 1 1 auto;
    min-block-size: 0;
    overflow: auto;
    position: relative;
    outline: none;
    overscroll-behavior: contain;
  }
  .grid.short {
    flex: 0 0 auto;
    overflow-y: hidden;
  }
  .grid:focus-visible {
    box-shadow: inset 0 0 0 var(--_cb-focus-ring-width) var(--_cb-focus-ring-color);
  }
  .head {
    position: sticky;
    inset-block-start: 0;
    z-index: 2;
  }
  .body {
    position: relative;
  }
  .block {
    position: absolute;
    inset-block-start: 0;
    inset-inline-start: 0;
    min-inline-size: 100%;
  }
  .row {
    display: grid;
    grid-template-columns: var(--_cols);
    inline-size: max-content;
    min-inline-size: 100%;
    block-size: var(--_rh);
    background: var(--_cb-color-surface);
    border-block-end: 1px solid var(--_cb-color-divider);
    cursor: default;
  }
  .row:hover {
    background: var(--_hover);
  }
  .row[aria-selected='true'] {
    background: var(--_sel);
    box-shadow: inset 3px 0 0 var(--_cb-color-primary);
  }
  .hrow {
    background: var(--_hbg);
    block-size: auto;
    min-block-size: var(--_rh);
    border-block-end: 1px solid var(--_cb-color-border);
    font-weight: 600;
  }
  .hrow:hover {
    background: var(--_hbg);
  }
  /* Body cells are plain blocks (no flex): cheaper to lay out on every scroll frame. */
  .c {
    min-inline-size: 0;
    padding: 0 var(--_cb-space-s);
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    line-height: calc(var(--_rh) - 1px);
  }
  :host([density='compact']) .c {
    padding: 0 var(--_cb-space-xs);
  }
  .c:first-child {
    background: inherit;
    border-inline-end: 1px solid var(--_cb-color-divider);
  }
  /* Held in place only while scrolled sideways (see WindowingController.scrolledInline). */
  .grid.x .c:first-child {
    position: sticky;
    inset-inline-start: 0;
    z-index: 1;
  }
  .num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .masked {
    color: var(--_cb-color-text-muted);
  }
  .act {
    outline: var(--_cb-focus-ring-width) solid transparent;
  }
  .grid:focus-visible .act {
    outline-color: var(--_cb-focus-ring-color);
    outline-offset: calc(-1 * var(--_cb-focus-ring-width));
  }
  .h {
    display: flex;
    line-height: 1.25;
    align-items: center;
    gap: var(--_cb-space-xs);
    position: relative;
    padding-inline-end: calc(var(--_cb-space-l) + var(--_cb-space-s));
    cursor: pointer;
    user-select: none;
    white-space: normal;
  }
  .h.ns {
    cursor: default;
  }
  .h.drop {
    box-shadow: inset 3px 0 0 var(--_cb-color-primary);
  }
  .si {
    color: var(--_cb-color-primary);
    font-size: var(--_cb-font-size-s);
    white-space: nowrap;
  }
  .mb {
    position: absolute;
    inset-inline-end: 6px;
    inset-block: 0;
    margin: auto 0;
    min-block-size: 0;
    block-size: 1.6em;
    inline-size: 1.2em;
    padding: 0;
    border: 0;
    background: transparent;
    color: var(--_cb-color-text-muted);
  }
  .rz {
    position: absolute;
    inset-inline-end: 0;
    inset-block: 0;
    inline-size: 6px;
    cursor: col-resize;
    touch-action: none;
  }
  .rz:hover {
    background: var(--_cb-color-primary);
  }
  .lock {
    inline-size: 0.9em;
    block-size: 0.9em;
    flex: none;
    fill: currentColor;
    vertical-align: -0.1em;
  }
  .sk {
    display: inline-block;
    vertical-align: middle;
    inline-size: 70%;
    block-size: 0.8em;
    border-radius: var(--_cb-radius);
    background: linear-gradient(90deg, var(--_cb-color-surface-muted), var(--_cb-color-divider), var(--_cb-color-surface-muted));
    background-size: 200% 100%;
    animation: cb-shimmer 1.2s linear infinite;
  }
  @keyframes cb-shimmer {
    to {
      background-position: -200% 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .sk {
      animation: none;
    }
  }
  .probe {
    position: absolute;
    visibility: hidden;
    block-size: var(--_rh);
    inline-size: 1px;
  }
  .state {
    padding: var(--_cb-space-xl) var(--_cb-space-l);
    text-align: center;
    color: var(--_cb-color-text-muted);
  }
  .state p {
    margin: 0 0 var(--_cb-space-s);
  }
  .denied p:first-child {
    color: var(--_cb-color-danger);
    font-size: var(--_cb-font-size-l);
  }
  .menu {
    position: absolute;
    z-index: 5;
    display: flex;
    flex-direction: column;
    min-inline-size: 9em;
    padding: var(--_cb-space-xs);
    border: 1px solid var(--_cb-color-border);
    border-radius: var(--_cb-radius);
    background: var(--_cb-color-surface);
    box-shadow: 0 4px 12px rgb(0 0 0 / 0.15);
  }
  .menu button {
    border: 0;
    text-align: start;
  }
  .menu button:focus-visible {
    outline-offset: -2px;
  }
  .pager,
  .exp {
    display: flex;
    align-items: center;
    gap: var(--_cb-space-s);
    padding: var(--_cb-space-s) var(--_cb-space-m);
    border-block-start: 1px solid var(--_cb-color-divider);
  }
  .exp {
    border-block: 0 solid var(--_cb-color-divider);
    border-block-end-width: 1px;
  }
  progress {
    flex: 1;
    max-inline-size: 16em;
  }
  .err {
    color: var(--_cb-color-danger);
  }
  @media (forced-colors: active) {
    .row[aria-selected='true'] {
      outline: 2px solid Highlight;
      outline-offset: -2px;
    }
  }
`;

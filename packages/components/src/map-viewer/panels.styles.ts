import { css } from 'lit';

/** Styles of the layer list, the legend and the place search, adopted when the panels load (panels.ts). */
export const panelStyles = css`
  /* ---- panels: layer list and legend ---- */
  .panel {
    inline-size: var(--cb-map-panel-width, 240px);
    max-inline-size: calc(100vw - 2 * var(--_cb-space-l));
    max-block-size: 100%;
    overflow: auto;
    background: var(--_cb-color-surface);
    border: 1px solid var(--_cb-color-border);
    border-radius: var(--_cb-radius);
    box-shadow: 0 1px 4px rgb(0 0 0 / 0.15);
    font-size: var(--_cb-font-size-s);
  }
  .panel__title {
    margin: 0;
    font-size: var(--_cb-font-size-m);
  }
  .panel__toggle {
    display: flex;
    align-items: center;
    justify-content: space-between;
    inline-size: 100%;
    min-block-size: var(--_cb-target-size);
    padding: 0 var(--_cb-space-m);
    border: 0;
    background: var(--_cb-color-surface-muted);
    color: var(--_cb-color-text);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  .panel__toggle::after {
    content: '';
    inline-size: 0.5em;
    block-size: 0.5em;
    border-inline-end: 2px solid currentColor;
    border-block-end: 2px solid currentColor;
    transform: rotate(45deg);
    transition: transform var(--_cb-transition-duration);
  }
  .panel__toggle[aria-expanded='false']::after {
    transform: rotate(-45deg);
  }
  .panel__body {
    padding: var(--_cb-space-xs) var(--_cb-space-m) var(--_cb-space-s);
  }
  .category {
    border-block-end: 1px solid var(--_cb-color-divider);
  }
  .category:last-child {
    border-block-end: 0;
  }
  .category summary {
    display: flex;
    align-items: center;
    gap: var(--_cb-space-xs);
    min-block-size: calc(var(--_cb-target-size) * 0.85);
    font-weight: 600;
    cursor: pointer;
  }
  .category__count {
    margin-inline-start: auto;
    color: var(--_cb-color-text-muted);
    font-weight: normal;
  }
  .category__empty {
    margin: 0 0 var(--_cb-space-s);
    color: var(--_cb-color-text-muted);
  }
  .layers,
  .legend__items {
    margin: 0 0 var(--_cb-space-s);
    padding: 0;
    list-style: none;
  }
  .legend__image {
    display: block;
    max-inline-size: 100%;
    margin: 0 0 var(--_cb-space-s);
  }
  .layer {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_cb-space-xs);
    min-block-size: calc(var(--_cb-target-size) * 0.85);
  }
  /*
   * The label is the checkbox's target (WCAG 2.5.8): a full row at least 24px tall with the 16px box
   * centred in it, also when a state line ("加载中", "放大后显示") wraps below or a host sets a
   * smaller --cb-target-size, so no other target comes within 12px of the box's centre.
   */
  .layer__label {
    display: flex;
    flex: 1 1 auto;
    align-items: center;
    gap: var(--_cb-space-xs);
    min-inline-size: 0;
    min-block-size: max(24px, calc(var(--_cb-target-size) * 0.85));
    cursor: pointer;
  }
  .layer__label input {
    inline-size: calc(16px * var(--_cb-scale));
    block-size: calc(16px * var(--_cb-scale));
    margin: 0;
    accent-color: var(--_cb-color-primary);
  }
  .layer__title {
    overflow-wrap: anywhere;
  }
  .layer__state {
    flex-basis: 100%;
    padding-inline-start: calc(16px * var(--_cb-scale) + var(--_cb-space-xs));
    color: var(--_cb-color-text-muted);
  }
  .layer__state--error {
    color: var(--_cb-color-danger);
  }
  .badge {
    flex: none;
    padding: 0 var(--_cb-space-xs);
    border: 1px solid currentColor;
    border-radius: var(--_cb-radius);
    font-size: var(--_cb-font-size-s);
    line-height: 1.4;
  }
  .badge--public {
    color: var(--_cb-color-success);
  }
  .badge--internal {
    color: var(--_cb-color-warning);
  }
  .badge--masked {
    margin-inline-start: var(--_cb-space-xs);
    color: var(--_cb-color-text-muted);
  }
  .legend__layer + .legend__layer {
    margin-block-start: var(--_cb-space-s);
  }
  .legend__title {
    margin: var(--_cb-space-xs) 0;
    font-size: var(--_cb-font-size-s);
  }
  .legend__items li {
    display: flex;
    align-items: center;
    gap: var(--_cb-space-xs);
    margin-block: 2px;
  }

  /* ---- search ---- */
  .search {
    position: relative;
    inline-size: calc(280px * var(--_cb-scale));
    max-inline-size: 100%;
    margin: 0;
  }
  .search__input {
    inline-size: 100%;
    min-block-size: var(--_cb-target-size);
    padding: 0 var(--_cb-space-m);
    border: 1px solid var(--_cb-color-border);
    border-radius: var(--_cb-radius);
    background: var(--_cb-color-surface);
    color: var(--_cb-color-text);
    font: inherit;
    box-shadow: 0 1px 4px rgb(0 0 0 / 0.15);
  }
  .search__input::placeholder {
    color: var(--_cb-color-text-muted);
    opacity: 1;
  }
  .search__results {
    position: absolute;
    inset-inline: 0;
    inset-block-start: calc(100% + 2px);
    z-index: 3;
    max-block-size: 18em;
    margin: 0;
    padding: var(--_cb-space-xs) 0;
    overflow: auto;
    list-style: none;
    background: var(--_cb-color-surface);
    border: 1px solid var(--_cb-color-border);
    border-radius: var(--_cb-radius);
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
  }
  .search__results[hidden] {
    display: none;
  }
  .search__option {
    display: flex;
    flex-direction: column;
    padding: var(--_cb-space-xs) var(--_cb-space-m);
    cursor: pointer;
  }
  .search__option:hover,
  .search__option--active {
    background: var(--_cb-color-surface-muted);
    box-shadow: inset 3px 0 0 var(--_cb-color-primary);
  }
  .search__context {
    color: var(--_cb-color-text-muted);
    font-size: var(--_cb-font-size-s);
  }
`;

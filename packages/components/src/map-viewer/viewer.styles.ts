import { css } from 'lit';

/**
 * Styles of `<cb-map-viewer>`'s controls and popups, adopted with the implementation (viewer.ts).
 * maplibre's own stylesheet (map, canvas, popup frame) is adopted when maplibre loads (maplibre-css.ts).
 */
export const mapViewerStyles = css`
  .map {
    position: absolute;
    inset: 0;
    /* Lets popups size themselves to the map (cqh) rather than the window. */
    container-type: size;
  }
  .map .maplibregl-canvas:focus-visible {
    outline: var(--_cb-focus-ring-width) solid var(--_cb-focus-ring-color);
    outline-offset: calc(-1 * var(--_cb-focus-ring-width) - 2px);
  }
  .mode--zone-check .maplibregl-canvas-container.maplibregl-interactive {
    cursor: crosshair;
  }

  /* ---- overlay layout ---- */
  .ui {
    position: absolute;
    z-index: 2;
    display: flex;
    flex-direction: column;
    gap: var(--_cb-space-s);
    pointer-events: none;
  }
  .ui > * {
    pointer-events: auto;
  }
  .ui--top-left {
    inset-block-start: var(--_cb-space-s);
    inset-inline-start: var(--_cb-space-s);
    align-items: flex-start;
    max-inline-size: min(340px, calc(100% - var(--_cb-target-size) - 4 * var(--_cb-space-s)));
  }
  .ui--top-right {
    inset-block-start: var(--_cb-space-s);
    inset-inline-end: calc(var(--_cb-target-size) + 2 * var(--_cb-space-s));
    align-items: flex-end;
    max-block-size: calc(100% - 5 * var(--_cb-space-l));
  }
  .ui--right {
    inset-block-start: var(--_cb-space-s);
    inset-inline-end: var(--_cb-space-s);
  }
  .ui--bottom-left {
    inset-block-end: 0;
    inset-inline-start: 0;
    align-items: flex-start;
    gap: var(--_cb-space-xs);
    max-inline-size: 100%;
  }

  .surface {
    background: var(--_cb-color-surface);
    color: var(--_cb-color-text);
    border: 1px solid var(--_cb-color-border);
    border-radius: var(--_cb-radius);
  }

  /* ---- controls ---- */
  .controls {
    display: flex;
    flex-direction: column;
    border: 1px solid var(--_cb-color-border);
    border-radius: var(--_cb-radius);
    background: var(--_cb-color-surface);
    box-shadow: 0 1px 4px rgb(0 0 0 / 0.15);
  }
  .control {
    display: grid;
    place-items: center;
    inline-size: var(--_cb-target-size);
    block-size: var(--_cb-target-size);
    padding: 0;
    border: 0;
    border-block-end: 1px solid var(--_cb-color-divider);
    background: transparent;
    color: var(--_cb-color-text);
    font: inherit;
    cursor: pointer;
  }
  .control:last-child {
    border-block-end: 0;
  }
  .control:hover:not(:disabled) {
    background: var(--_cb-color-surface-muted);
  }
  .control:disabled {
    color: var(--_cb-color-text-muted);
    cursor: default;
  }
  .icon {
    inline-size: calc(18px * var(--_cb-scale));
    block-size: calc(18px * var(--_cb-scale));
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

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
  .swatch {
    flex: none;
    inline-size: 1em;
    block-size: 1em;
  }
  .swatch rect {
    stroke: rgb(0 0 0 / 0.35);
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

  /* ---- notices, breadcrumb, mode hint ---- */
  .notice,
  .mode-hint,
  .breadcrumb {
    margin: 0;
    padding: var(--_cb-space-xs) var(--_cb-space-s);
    background: var(--_cb-color-surface);
    border: 1px solid var(--_cb-color-border);
    border-radius: var(--_cb-radius);
    font-size: var(--_cb-font-size-s);
  }
  .notice {
    color: var(--_cb-color-danger);
    border-color: currentColor;
  }
  .mode-hint {
    font-weight: 600;
  }
  .breadcrumb ol {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .breadcrumb li + li::before {
    content: '›';
    padding-inline: var(--_cb-space-xs);
    color: var(--_cb-color-text-muted);
  }
  .link {
    padding: 0;
    border: 0;
    background: none;
    color: var(--_cb-color-primary);
    font: inherit;
    text-decoration: underline;
    cursor: pointer;
  }

  /* ---- scale and attribution (bottom-left, where the 审图号 belongs) ---- */
  .scale {
    display: flex;
    align-items: flex-end;
    gap: var(--_cb-space-xs);
    margin-inline-start: var(--_cb-space-s);
    padding: 0 var(--_cb-space-xs);
    background: rgb(255 255 255 / 0.85);
    color: #1f2329;
    font-size: var(--_cb-font-size-s);
  }
  .scale__bar {
    display: inline-block;
    block-size: 6px;
    border: 2px solid currentColor;
    border-block-start: 0;
  }
  .attribution {
    display: flex;
    flex-wrap: wrap;
    gap: 0 var(--_cb-space-s);
    margin: 0;
    padding: 2px var(--_cb-space-s);
    background: rgb(255 255 255 / 0.9);
    color: #1f2329;
    font-size: var(--_cb-font-size-s);
    line-height: 1.4;
  }
  .attribution__review,
  .attribution__internal {
    font-weight: 600;
  }
  .attribution__internal {
    color: var(--_cb-color-danger);
  }

  /* ---- popups (inside maplibre's popup frame) ---- */
  .maplibregl-popup {
    z-index: 3;
  }
  .maplibregl-popup-content {
    padding: var(--_cb-space-m) var(--_cb-space-l) var(--_cb-space-s);
    background: var(--_cb-color-surface);
    color: var(--_cb-color-text);
    border-radius: var(--_cb-radius);
    box-shadow: 0 2px 10px rgb(0 0 0 / 0.25);
    font-family: var(--_cb-font-family);
    font-size: var(--_cb-font-size-s);
    line-height: var(--_cb-line-height);
    max-block-size: min(50vh, 40cqh);
    overflow: auto;
  }
  .maplibregl-popup-close-button {
    inline-size: 28px;
    block-size: 28px;
    border: 0;
    background: transparent;
    color: var(--_cb-color-text);
    font-size: 20px;
    line-height: 1;
    cursor: pointer;
  }
  .maplibregl-popup-close-button:hover {
    background: var(--_cb-color-surface-muted);
  }
  .popup__title {
    display: flex;
    align-items: center;
    gap: var(--_cb-space-xs);
    margin: 0 var(--_cb-space-l) var(--_cb-space-xs) 0;
    font-size: var(--_cb-font-size-m);
  }
  .popup__layer {
    margin: var(--_cb-space-s) 0 var(--_cb-space-xs);
    font-size: var(--_cb-font-size-s);
    color: var(--_cb-color-text-muted);
  }
  .popup__fields {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 2px var(--_cb-space-s);
    margin: 0;
  }
  .popup__row {
    display: contents;
  }
  .popup__row dt {
    color: var(--_cb-color-text-muted);
  }
  .popup__row dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .popup__text,
  .popup__note,
  .popup__more {
    margin: var(--_cb-space-xs) 0;
  }
  .popup__note {
    color: var(--_cb-color-text-muted);
  }
  .zone-result {
    font-weight: 700;
  }
`;

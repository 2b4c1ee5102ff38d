import { css } from 'lit';

/**
 * Styles of `<cb-map-viewer>`'s frame and controls, adopted with the implementation (viewer.ts);
 * the panels (panels.styles.ts) and the popups (popup.styles.ts) bring their own when they load.
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
  /* ---- legend colours: the panels and the popups draw them ---- */
  .swatch {
    flex: none;
    inline-size: 1em;
    block-size: 1em;
  }
  .swatch rect {
    stroke: rgb(0 0 0 / 0.35);
  }
`;

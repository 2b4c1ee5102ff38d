import { css } from 'lit';

/** The element's box and its loading and error states: all a page without a map downloads. */
export const shellStyles = css`
  :host {
    display: block;
    position: relative;
    inline-size: 100%;
    block-size: var(--cb-map-height, 480px);
    min-block-size: 240px;
  }
  :host(:fullscreen) {
    inline-size: 100vw;
    block-size: 100vh;
  }
  .frame {
    position: relative;
    inline-size: 100%;
    block-size: 100%;
    overflow: hidden;
    background: var(--_cb-color-surface-muted);
    border-radius: var(--_cb-radius);
  }
  :host(:fullscreen) .frame,
  .frame--pseudo-fullscreen {
    border-radius: 0;
  }
  .frame--pseudo-fullscreen {
    position: fixed;
    inset: 0;
    z-index: 2147483000;
  }
  /* ---- loading and error states over the map ---- */
  .load-state {
    position: absolute;
    z-index: 4;
    display: flex;
    justify-content: center;
    pointer-events: none;
  }
  .load-state--loading {
    inset-inline: 0;
    inset-block-start: 40%;
  }
  /*
   * While the map sets up, the notice over it says so in words only. A spinning ring would be redrawn
   * every frame, and with software WebGL (SwiftShader, some phones and virtual desktops) that is the
   * same thread the map's context, shaders and first frames wait for (in the map benchmark the ring made
   * creating the context and drawing the first tiles several times slower).
   */
  .map ~ .load-state .spinner {
    display: none;
  }
  .load-state--loading .status {
    padding: var(--_cb-space-s) var(--_cb-space-l);
    background: var(--_cb-color-surface);
    border-radius: var(--_cb-radius);
    box-shadow: 0 1px 4px rgb(0 0 0 / 0.2);
  }
  .load-state--error {
    inset: 0;
    align-items: center;
    background: var(--_cb-color-surface);
    pointer-events: auto;
  }
  .load-state--ready,
  .load-state--idle,
  .load-state--empty {
    inset-block-start: 0;
  }

`;

/** The preview shown until the map engine loads: same box as the map, so nothing moves when it takes over. */
export const facadeStyles = css`
  .facade {
    display: grid;
    place-items: center;
  }
  .facade__preview {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
  }
  .facade__outline {
    fill: var(--cb-map-preview-fill, color-mix(in srgb, var(--_cb-color-primary) 12%, transparent));
    stroke: var(--_cb-color-primary);
    stroke-width: 2px;
  }
  .facade__start {
    position: relative;
    z-index: 3;
  }
  .facade__legend {
    position: absolute;
    inset-block-end: var(--_cb-space-l);
    inset-inline-end: var(--_cb-space-s);
    z-index: 2;
    max-inline-size: var(--cb-map-panel-width, 240px);
    padding: var(--_cb-space-s);
    background: var(--_cb-color-surface);
    border-radius: var(--_cb-radius);
    font-size: var(--_cb-font-size-s);
  }
  .facade__legend ul {
    margin: 0 0 var(--_cb-space-s);
    padding: 0;
    list-style: none;
  }
  .facade__legend li {
    display: flex;
    align-items: center;
    gap: var(--_cb-space-s);
  }
  .facade__legend-title {
    margin: 0;
    font-weight: 600;
  }
  .facade__attribution {
    position: absolute;
    inset-block-end: 0;
    inset-inline-start: 0;
    z-index: 2;
    margin: 0;
    padding: 0 var(--_cb-space-s);
    background: var(--_cb-color-surface);
    font-size: var(--_cb-font-size-s);
  }
  .swatch {
    inline-size: 12px;
    block-size: 12px;
    flex: none;
  }
`;

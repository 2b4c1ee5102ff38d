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

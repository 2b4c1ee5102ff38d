import { css } from 'lit';

/** Styles of the popups' contents (inside maplibre's popup frame), adopted with the first popup (popup.ts). */
export const popupStyles = css`
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

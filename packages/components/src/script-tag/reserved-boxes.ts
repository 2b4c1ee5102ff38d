/**
 * The boxes of `cb-*` elements before they are defined, as they will be once they are.
 *
 * `citybrain.js` defines its elements after the page's first paint, and the table's code arrives
 * later still, from its chunk. Until then an element is an unknown one: an empty inline box that
 * grows to the map's or the table's height when it is defined, pushing the page below it down, a
 * layout shift (CLS) in the reader's view. These rules give the map and the table their defined
 * size and the provider its `display: contents` from the start, from the same custom properties.
 * Inside `:where()` they weigh nothing, so a page's own rule for the element (`cb-map-viewer {
 * height: 60vh }`), which wins over the elements' `:host` styles, wins over these too. The
 * approval timeline and the application form are as tall as their content: no box to reserve.
 *
 * A constructed stylesheet, adopted by the document: a CSP with `style-src 'self'` allows it, where
 * it would refuse a `<style>` element. Browsers without constructable stylesheets (Safari before
 * 16.4) keep the unknown elements' boxes.
 */
/** Exported for the test that holds these sizes to the elements' own `:host` rules. */
export const RESERVED_BOXES = `
:where(cb-map-viewer:not(:defined)) {
  display: block;
  inline-size: 100%;
  block-size: var(--cb-map-height, 480px);
  min-block-size: 240px;
}
:where(cb-data-table:not(:defined)) {
  display: block;
  block-size: var(--cb-data-table-height, 480px);
  min-block-size: 12rem;
}
:where(cb-provider:not(:defined)) {
  display: contents;
}`;

/** Adopts the rules above into `root`; does nothing where constructable stylesheets are missing. Never throws. */
export function reserveElementBoxes(root: Document = document): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(RESERVED_BOXES);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    // No constructable stylesheets: the elements size themselves when defined, as they always did.
  }
}

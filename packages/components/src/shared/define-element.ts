import { warnOnce } from './warn-once.js';

/**
 * Registers a custom element, tolerating a second copy of the library on the page.
 *
 * Town websites often paste the script tag twice (a CMS template plus a page
 * snippet), or load the ESM build beside the script-tag bundle. A plain
 * `customElements.define` would throw `NotSupportedError` on the second copy and
 * break the whole script, so:
 * - the same constructor registered again is ignored silently;
 * - a different constructor under an existing name keeps the first definition and
 *   warns once, because the elements on the page will come from the other copy;
 * - any other registration failure is reported as a warning, never thrown.
 *
 * Returns the constructor that is actually registered under `tagName`.
 */
export function defineElement(
  tagName: string,
  constructor: CustomElementConstructor,
): CustomElementConstructor | undefined {
  const registry = globalThis.customElements;
  if (registry === undefined) return undefined; // non-browser import (SSR, Node tests)
  const existing = registry.get(tagName);
  if (existing === constructor) return existing;
  if (existing !== undefined) {
    warnOnce(
      `define:${tagName}`,
      `<${tagName}> is already defined by another copy of @citybrain/components; ` +
        'keeping the first definition. Load the library only once per page.',
    );
    return existing;
  }
  try {
    registry.define(tagName, constructor);
    return constructor;
  } catch (error) {
    warnOnce(`define:${tagName}`, `<${tagName}> could not be defined: ${String(error)}`);
    return registry.get(tagName);
  }
}

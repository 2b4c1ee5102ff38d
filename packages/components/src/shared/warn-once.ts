/**
 * Console warnings for page authors that never repeat.
 *
 * Elements must never throw on bad attributes or data (a page may be assembled by
 * people who cannot debug it), so they warn instead. A warning printed on every
 * render would flood the console, so each (owner, key) pair warns only once.
 */

const warnedKeysByOwner = new WeakMap<object, Set<string>>();

/** The owner of warnings that do not belong to one element class (module-level helpers). */
const moduleOwner = {};

/**
 * Prints `message` with `console.warn` the first time `key` is reported for `owner`.
 * `owner` is usually an element's constructor, so every instance of a class shares
 * the same "already warned" memory. Returns whether the warning was printed.
 */
export function warnOnceFor(owner: object, key: string, message: string): boolean {
  let warnedKeys = warnedKeysByOwner.get(owner);
  if (warnedKeys === undefined) {
    warnedKeys = new Set();
    warnedKeysByOwner.set(owner, warnedKeys);
  }
  if (warnedKeys.has(key)) return false;
  warnedKeys.add(key);
  console.warn(`[@citybrain/components] ${message}`);
  return true;
}

/** {@link warnOnceFor} for helpers that are not tied to an element class. */
export function warnOnce(key: string, message: string): boolean {
  return warnOnceFor(moduleOwner, key, message);
}

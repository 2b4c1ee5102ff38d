/**
 * The text of a property that page authors are told is a string, whatever a page script
 * actually set it to. Properties bypass attribute conversion, so a region code from JSON
 * arrives as a number and a base URL as a `URL` object; calling string methods on those
 * would throw inside an update and break the element. Never throws: values without a
 * usable `toString` give their `[object …]` tag, which then fails validation visibly.
 * `null` and `undefined` stay undefined (the setting is absent).
 */
export function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

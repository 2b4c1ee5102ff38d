/**
 * Checks of what a caller passes in. A wrong option fails at once with a TypeError or RangeError that
 * names it, instead of an obscure failure deep in a call, a silently disabled timeout or a retry
 * loop that never ends (`NaN` compares false with every limit).
 */

/** A duration or count in `name`: a number ≥ 0 (`Infinity` allowed), or undefined for the default. */
export function checkNonNegative(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  if (Number.isNaN(value) || value < 0) throw new RangeError(`${name} must be a number ≥ 0, got ${value}`);
}

/** A function in `name`, or undefined. */
export function checkFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${name} must be a function, got ${describe(value)}`);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}

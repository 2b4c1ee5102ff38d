type QueryValue = string | string[] | { [key: string]: QueryValue };

const MAX_PARAMS = 200;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses a query string the way OpenAPI describes parameters: repeated keys become arrays
 * (`style: form, explode: true`) and `filter[status]=eq:APPROVED` becomes nested objects
 * (`style: deepObject`), so both can be validated against the spec's schemas.
 */
export function parseQueryString(query: string): Record<string, QueryValue> {
  const result: Record<string, QueryValue> = Object.create(null);
  let count = 0;
  for (const [rawKey, value] of new URLSearchParams(query)) {
    if (++count > MAX_PARAMS) break;
    const match = /^([^[\]]+)\[([^[\]]*)\]$/.exec(rawKey);
    if (match) {
      const [, outer, inner] = match;
      if (FORBIDDEN_KEYS.has(outer)) continue;
      const existing = result[outer];
      const group = existing && typeof existing === 'object' && !Array.isArray(existing) ? existing : (result[outer] = Object.create(null) as { [key: string]: QueryValue });
      addValue(group as Record<string, QueryValue>, inner, value);
    } else {
      addValue(result, rawKey, value);
    }
  }
  return result;
}

function addValue(target: Record<string, QueryValue>, key: string, value: string): void {
  if (FORBIDDEN_KEYS.has(key)) return;
  const existing = target[key];
  if (existing === undefined) target[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else if (typeof existing === 'string') target[key] = [existing, value];
}

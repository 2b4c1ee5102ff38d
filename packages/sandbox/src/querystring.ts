type QueryValue = string | string[] | { [key: string]: QueryValue };

const MAX_PARAMS = 200;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Longest parameter name echoed back in a problem. */
const MAX_ECHOED_NAME = 64;

/** Names of the parameters whose text was not valid percent-encoded UTF-8, on a parsed query. */
export const MALFORMED_PARAMETERS = Symbol('malformed parameters');

export type ParsedQuery = Record<string, QueryValue> & { [MALFORMED_PARAMETERS]?: string[] };

/**
 * One `application/x-www-form-urlencoded` component, strictly: `+` is a space, every `%` starts two
 * hex digits, the bytes are UTF-8, and neither raw non-ASCII nor control characters appear. `null`
 * for anything else — `URLSearchParams` would have passed `%zz` literally and turned `%E4%B8` into
 * U+FFFD, silently changing what the caller asked for.
 */
function decodeComponent(text: string): string | null {
  const spaced = text.replace(/\+/g, ' ');
  if (/%(?![0-9A-Fa-f]{2})/.test(spaced) || /[^\x20-\x7e]/.test(spaced)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(spaced);
  } catch {
    return null;
  }
  return /[\x00-\x1f\x7f]/.test(decoded) ? null : decoded;
}

/** A name fit to appear in a problem: printable ASCII, shortened. */
function echoable(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > MAX_ECHOED_NAME ? `${printable.slice(0, MAX_ECHOED_NAME)}…` : printable;
}

/**
 * Parses a query string the way OpenAPI describes parameters: repeated keys become arrays
 * (`style: form, explode: true`) and `filter[status]=eq:APPROVED` becomes nested objects
 * (`style: deepObject`), so both can be validated against the spec's schemas. Parameters whose
 * text is malformed are left out and listed under `MALFORMED_PARAMETERS`, for a 400 naming them
 * (a parser that Fastify calls cannot answer the request itself).
 */
export function parseQueryString(query: string): ParsedQuery {
  const result: ParsedQuery = Object.create(null);
  const malformed: string[] = [];
  let count = 0;
  for (const pair of query.split('&')) {
    if (!pair) continue;
    if (++count > MAX_PARAMS) break;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const key = decodeComponent(rawKey);
    const value = decodeComponent(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === null || value === null) {
      malformed.push(echoable(key ?? rawKey));
      continue;
    }
    const match = /^([^[\]]+)\[([^[\]]*)\]$/.exec(key);
    if (match) {
      const [, outer, inner] = match;
      if (FORBIDDEN_KEYS.has(outer)) continue;
      const existing = result[outer];
      const group = existing && typeof existing === 'object' && !Array.isArray(existing) ? existing : (result[outer] = Object.create(null) as { [key: string]: QueryValue });
      addValue(group as Record<string, QueryValue>, inner, value);
    } else {
      addValue(result, key, value);
    }
  }
  if (malformed.length) Object.defineProperty(result, MALFORMED_PARAMETERS, { value: malformed, enumerable: false });
  return result;
}

function addValue(target: Record<string, QueryValue>, key: string, value: string): void {
  if (FORBIDDEN_KEYS.has(key)) return;
  const existing = target[key];
  if (existing === undefined) target[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else if (typeof existing === 'string') target[key] = [existing, value];
}

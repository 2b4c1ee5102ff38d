/**
 * URLs of path-level calls: path templates filled in, query parameters serialized as the specs say
 * (repeated `filter=a&filter=b` by default, comma-separated `bbox=1,2,3,4` where the spec says
 * `explode: false`; see generated/query-styles.ts).
 */
import { commaSeparatedQueryParams } from './generated/query-styles.js';
import { describe } from './check.js';

/** `/regions/{code}` + `{ code: '440605124' }` → `/regions/440605124` (values percent-encoded). */
export function expandPath(template: string, values: Record<string, unknown> = {}): string {
  return template.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(`Missing path parameter "${name}" for ${template}`);
    }
    return encodeURIComponent(String(value));
  });
}

function encodeValue(value: unknown): string {
  return encodeURIComponent(value instanceof Date ? value.toISOString() : String(value));
}

/** The parameters operation `operationKey` (`GET /gis/layers`) sends comma-separated. */
export function commaSeparatedParamsOf(operationKey: string): readonly string[] {
  return commaSeparatedQueryParams[operationKey] ?? [];
}

/**
 * Serializes query parameters. Arrays repeat the name (`form`, `explode: true`, the OpenAPI
 * default) unless listed in `commaSeparated`; undefined, null and empty arrays are left out;
 * objects use the `deepObject` style (`name[key]=value`).
 */
export function serializeQuery(query: Record<string, unknown> | undefined, commaSeparated: readonly string[] = []): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const key = encodeURIComponent(name);
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      if (commaSeparated.includes(name)) parts.push(`${key}=${value.map(encodeValue).join(',')}`);
      else for (const item of value) parts.push(`${key}=${encodeValue(item)}`);
    } else if (typeof value === 'object' && !(value instanceof Date)) {
      for (const [field, inner] of Object.entries(value)) {
        if (inner !== undefined && inner !== null) parts.push(`${key}%5B${encodeURIComponent(field)}%5D=${encodeValue(inner)}`);
      }
    } else {
      parts.push(`${key}=${encodeValue(value)}`);
    }
  }
  return parts.join('&');
}

/**
 * The API root: the given URL without a trailing slash, with `/api/v1` added when it has no path
 * (so both `http://localhost:8080` and `http://localhost:8080/api/v1` work). In a browser a relative
 * URL (`/api/v1`) is resolved against the page.
 */
export function normalizeBaseUrl(baseUrl: string): string {
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') {
    throw new TypeError(`baseUrl must be the platform's URL, e.g. "http://localhost:8080/api/v1", got ${describe(baseUrl)}`);
  }
  const page = (globalThis as { location?: { href: string } }).location?.href;
  let url: URL;
  try {
    url = new URL(baseUrl, page);
  } catch {
    throw new TypeError(`baseUrl ${describe(baseUrl)} is not a URL${page ? '' : ' (outside a browser it must be absolute, e.g. "http://localhost:8080/api/v1")'}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`baseUrl must be an http or https URL, got ${describe(baseUrl)}`);
  // fetch refuses such URLs on every call; credentials belong in `auth`.
  if (url.username || url.password) throw new TypeError('baseUrl must not contain a user name or password: pass credentials as `auth`');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/api/v1';
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/**
 * What counts as a usable response body: content types the API sends, and the envelopes Chinese
 * government gateways wrap around (or instead of) an API's answer.
 */

/** The media type of a response, lower-cased, without parameters (`application/problem+json`). */
export function mediaTypeOf(headers: Headers): string | null {
  const value = headers.get('content-type');
  if (!value) return null;
  return value.split(';')[0]!.trim().toLowerCase();
}

/** `application/json` and every `+json` suffix type (problem+json, geo+json, vnd.maplibre.style+json). */
export function isJsonMediaType(mediaType: string | null): boolean {
  return mediaType !== null && (mediaType === 'application/json' || mediaType.endsWith('+json'));
}

/** An HTML page where the API would answer data: the signature of a gateway or WAF login page. */
export function isHtmlMediaType(mediaType: string | null): boolean {
  return mediaType === 'text/html' || mediaType === 'application/xhtml+xml';
}

/** At most `length` characters of a body for an error message, collapsed to one line. */
export function snippet(text: string, length = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

/** A gateway's verdict read from an envelope: success (with the payload to use) or failure. */
export type GatewayVerdict =
  | { ok: true; payload: unknown }
  | { ok: false; code: string | number; message: string };

// Keys a `{code, msg, data}` envelope may have. An API object with any other key (a region has
// `code` *and* `name`) is data, not an envelope.
const ENVELOPE_KEYS = new Set(['code', 'msg', 'message', 'data', 'success', 'requestId', 'request_id', 'traceId', 'timestamp']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumericCode(value: unknown): value is number | string {
  return typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value));
}

/**
 * Reads a gateway envelope, or returns undefined when `body` is not one.
 * - `{code, msg|message, data}` (粤政易/若依-style gateways): `code` 0 or 200 (or `success: true`) is
 *   success and `data` is the payload; any other code is a failure.
 * - `{errcode, errmsg, …}` (WeChat Work-style, used by 粤政易 SSO): `errcode` 0 is success and the
 *   object itself is the payload; any other errcode is a failure.
 */
export function readGatewayEnvelope(body: unknown): GatewayVerdict | undefined {
  if (!isPlainObject(body)) return undefined;
  if (isNumericCode(body.errcode) && typeof body.errmsg === 'string') {
    return Number(body.errcode) === 0 ? { ok: true, payload: body } : { ok: false, code: body.errcode, message: body.errmsg };
  }
  const message = typeof body.msg === 'string' ? body.msg : typeof body.message === 'string' ? body.message : undefined;
  if (!isNumericCode(body.code) || message === undefined) return undefined;
  if (!Object.keys(body).every((key) => ENVELOPE_KEYS.has(key))) return undefined;
  const code = Number(body.code);
  if (body.success === true || code === 0 || code === 200) return { ok: true, payload: body.data };
  return { ok: false, code: body.code, message };
}

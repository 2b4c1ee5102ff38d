/**
 * The request-target of every request, normalised or refused before routing (RFC 9112 §3.2), so that
 * the router, authentication, gateway signing and static files all see one and the same path.
 *
 * - origin-form (`/api/v1/…?…`) passes unchanged;
 * - absolute-form (`http://host/api/v1/…`), which a server must accept, becomes its origin-form;
 * - asterisk-form (`*`), authority-form (`host:port`) and anything else that is not a path, a path
 *   with dot segments (`/./`, `/../`, also percent-encoded), empty segments (`//`), backslashes or a
 *   fragment are refused: no route of the sandbox needs them, and each is a way of making two
 *   components disagree about which resource is meant.
 */

const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

export type TargetVerdict = { url: string } | { refused: string };

export function normaliseRequestTarget(target: string): TargetVerdict {
  let url = target;
  const absolute = ABSOLUTE_FORM.exec(url);
  if (absolute) {
    url = url.slice(absolute[0].length);
    if (!url.startsWith('/')) url = `/${url}`;
  }
  if (!url.startsWith('/')) {
    return { refused: url === '*' ? 'asterisk-form request-target' : 'request-target is not a path (authority-form or relative)' };
  }
  if (url.includes('#')) return { refused: 'request-target carries a fragment' };
  const path = url.split('?', 1)[0]!;
  if (path.includes('\\')) return { refused: 'path contains a backslash' };
  const segments = path.split('/').slice(1);
  for (const [index, segment] of segments.entries()) {
    if (DOT_SEGMENT.test(segment)) return { refused: 'path contains a dot segment (. or ..)' };
    // A trailing slash leaves one empty last segment, which the router accepts; `//` anywhere else is refused.
    if (segment === '' && index < segments.length - 1) return { refused: 'path contains an empty segment (//)' };
  }
  return { url };
}

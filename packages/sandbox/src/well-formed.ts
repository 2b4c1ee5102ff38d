/**
 * Unicode well-formedness of parsed JSON bodies.
 *
 * JSON text may spell a lone UTF-16 surrogate as an escape (`"\ud800"`). Such a string has no UTF-8
 * form: SQLite TEXT columns store it altered (U+FFFD) and consumers that encode it choke, so the
 * sandbox refuses it at the door instead of storing it. (`String.prototype.isWellFormed` is ES2024;
 * the sandbox compiles against ES2022, hence the regular expression.)
 */

/** An unpaired high surrogate or an unpaired low surrogate. No `g` flag: `test` keeps no state. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** `text` with each lone surrogate spelled `\uD800`, so it can be echoed back without passing the defect on. */
export function escapeLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATES, (unit) => `\\u${unit.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A container waiting to be visited; `parent` and `key` rebuild its path only when it is needed. */
interface Pending {
  value: object;
  key: string | number | null;
  parent: Pending | null;
}

function pathOf(entry: Pending | null, last?: string | number): (string | number)[] {
  const path: (string | number)[] = last === undefined ? [] : [last];
  for (let at = entry; at && at.key !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * The path (object keys and array indexes) of a string, or object key, that holds a lone surrogate
 * in a parsed JSON value; `null` when every string and key is well formed. For a bad key the path
 * ends with that key.
 *
 * Iterative with an explicit stack, never recursive: request bodies may nest thousands of levels
 * deep (JSON.parse copes with that), and a recursive walk overflowed the call stack on them. Only
 * containers go on the stack; strings are checked as they are met.
 */
export function findIllFormedString(root: unknown): (string | number)[] | null {
  return findString(root, hasLoneSurrogate);
}

/**
 * The path of a string or key holding U+0000. It is well formed, but PostgreSQL's text cannot hold
 * it: refused on either store, so that a body one store keeps is never one the other cannot.
 */
export function findNulString(root: unknown): (string | number)[] | null {
  return findString(root, (text) => text.includes('\u0000'));
}

/** The path of the first string or object key in a parsed JSON value that `matches`. */
function findString(root: unknown, matches: (text: string) => boolean): (string | number)[] | null {
  if (typeof root === 'string') return matches(root) ? [] : null;
  if (root === null || typeof root !== 'object') return null;
  const stack: Pending[] = [{ value: root, key: null, parent: null }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (Array.isArray(entry.value)) {
      const items: unknown[] = entry.value;
      for (let index = 0; index < items.length; index++) {
        const item = items[index];
        if (typeof item === 'string') {
          if (matches(item)) return pathOf(entry, index);
        } else if (item !== null && typeof item === 'object') {
          stack.push({ value: item, key: index, parent: entry });
        }
      }
    } else {
      const record = entry.value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (matches(key)) return pathOf(entry, key);
        const item = record[key];
        if (typeof item === 'string') {
          if (matches(item)) return pathOf(entry, key);
        } else if (item !== null && typeof item === 'object') {
          stack.push({ value: item, key, parent: entry });
        }
      }
    }
  }
  return null;
}

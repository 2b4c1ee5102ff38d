/** Call headers arrive as a `Headers` object or a record; helpers that add their own need one shape. */
import type { CallOptions } from './types.js';

/** The call's headers as a record (`undefined` entries are kept: they mean "not sent"). */
export function headerRecord(headers: CallOptions['headers']): Record<string, string | undefined> {
  return headers instanceof Headers ? Object.fromEntries(headers) : { ...headers };
}

/** The call's own headers plus `extra`, which wins. */
export function headersWith(headers: CallOptions['headers'], extra: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...headerRecord(headers), ...extra };
}

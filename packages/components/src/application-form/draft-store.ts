/**
 * Drafts of `<cb-application-form>` in the page's `localStorage`, keyed by process and form id, so
 * a villager whose phone reloads the page (or who comes back tomorrow) finds what was typed. The
 * draft also keeps the submission's idempotency key: a retry after a lost answer, even from a
 * reloaded page, is the same application. Removed once the application is accepted.
 *
 * Storage may be missing, full or refused (private mode, a sandboxed iframe): every operation
 * then quietly does nothing, and the form works without drafts.
 */
import type { FormValues } from './model.js';
import type { SavedMaterial } from './materials.js';

export interface Draft extends FormValues {
  /** Sent as `Idempotency-Key` with the submission; one per application. */
  submissionKey: string;
  /** When the draft was last saved (ms since the epoch). */
  savedAt: number;
  /** The finished uploads of the materials. */
  materials: SavedMaterial[];
}

const PREFIX = 'cb-application-form';

export function draftKey(process: string, formId: string): string {
  return `${PREFIX}:${process}:${formId}`;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // a sandboxed iframe throws on access
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((item) => typeof item === 'string');
}

function isCountRecord(value: unknown): value is Record<string, number> {
  return typeof value === 'object' && value !== null && Object.values(value).every((item) => Number.isInteger(item) && (item as number) >= 0);
}

function isSavedMaterial(value: unknown): value is SavedMaterial {
  const item = value as Partial<SavedMaterial> | null;
  return (
    typeof item === 'object' &&
    item !== null &&
    typeof item.kind === 'string' &&
    typeof item.name === 'string' &&
    typeof item.uploadId === 'string' &&
    typeof item.sizeBytes === 'number'
  );
}

/** The saved draft, or undefined when there is none or it is not one (another script's data, an old format). */
export function loadDraft(key: string): Draft | undefined {
  let parsed: unknown;
  try {
    const text = storage()?.getItem(key);
    if (!text) return undefined;
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const draft = parsed as Partial<Draft> | null;
  if (
    typeof draft !== 'object' ||
    draft === null ||
    typeof draft.submissionKey !== 'string' ||
    !isStringRecord(draft.values) ||
    !isCountRecord(draft.rows)
  ) {
    return undefined;
  }
  const materials = Array.isArray(draft.materials) ? draft.materials.filter(isSavedMaterial) : [];
  return { values: draft.values, rows: draft.rows, submissionKey: draft.submissionKey, savedAt: Number(draft.savedAt) || 0, materials };
}

export function saveDraft(key: string, draft: Draft): void {
  try {
    storage()?.setItem(key, JSON.stringify(draft));
  } catch {
    // Quota exceeded or storage refused: the form keeps working, without a draft.
  }
}

export function removeDraft(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // As above.
  }
}

export function newSubmissionKey(): string {
  // randomUUID exists in secure contexts only; a town site may still be served over plain http.
  if (typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID();
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

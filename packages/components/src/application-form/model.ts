/**
 * What the applicant has typed, as the form keeps it (and the draft stores it): the raw text of
 * every field by instance path, and how many rows each list has. Turned into the request body
 * only when submitting, so half-typed values survive a reload exactly as they were.
 */
import { instanceOf, type FieldNode, type FormNode, type GroupNode, type ListNode } from './fields.js';

export interface FormValues {
  /** Raw text by instance path (`jcxx.sfzh`, `jtcy.0.xm`); booleans as `'true'`/`'false'`. */
  values: Record<string, string>;
  /** Row count by list path (`jtcy`). */
  rows: Record<string, number>;
}

export function emptyValues(): FormValues {
  return { values: {}, rows: {} };
}

/** One field as shown: its node, its instance path, and the row of its list (when in one). */
export interface FieldInstance {
  field: FieldNode;
  path: string;
  row?: number;
}

export function rowsOf(state: FormValues, list: ListNode): number {
  const count = state.rows[list.path];
  return typeof count === 'number' && Number.isInteger(count) && count >= 0
    ? Math.min(count, list.maxItems)
    : list.minItems;
}

function instantiate(node: FormNode, row: number): FormNode {
  const path = instanceOf(node.path, row);
  switch (node.kind) {
    case 'field':
      return { ...node, path };
    case 'group':
      return { ...node, path, children: node.children.map((child) => instantiate(child, row)) };
    case 'list':
      return node;
  }
}

/** The group of row `row` of a list, with instance paths. */
export function rowOf(list: ListNode, row: number): GroupNode {
  return instantiate(list.item, row) as GroupNode;
}

/** Every field instance of the form, in the order they are shown. */
export function instancesOf(node: FormNode, state: FormValues, row?: number): FieldInstance[] {
  switch (node.kind) {
    case 'field':
      return [{ field: node, path: node.path, row }];
    case 'group':
      return node.children.flatMap((child) => instancesOf(child, state, row));
    case 'list':
      return Array.from({ length: rowsOf(state, node) }, (_, index) => instancesOf(rowOf(node, index), state, index)).flat();
  }
}

/** Full-width digits and signs (Chinese IMEs) become ASCII; surrounding spaces go. */
export function normalizeText(value: string): string {
  return value
    .replace(/[０-９．－＋]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim();
}

/** The value of a field as the request body carries it; undefined when empty (left out). */
export function valueOf(field: FieldNode, raw: string | undefined): unknown {
  const text = normalizeText(raw ?? '');
  if (text === '') return undefined;
  switch (field.control) {
    case 'number':
    case 'integer':
      return Number(text);
    case 'boolean':
      return text === 'true';
    default:
      return field.name === 'sfzh' ? text.toUpperCase() : text;
  }
}

/** The request body: what the applicant filled in, nested as the schema nests it. */
export function bodyOf(node: FormNode, state: FormValues): unknown {
  switch (node.kind) {
    case 'field':
      return valueOf(node, state.values[node.path]);
    case 'group': {
      const tuple = node.children.every((child) => /^\d+$/.test(child.name));
      if (tuple && node.children.length > 0) return node.children.map((child) => bodyOf(child, state));
      const out: Record<string, unknown> = {};
      for (const child of node.children) {
        const value = bodyOf(child, state);
        if (value !== undefined) out[child.name] = value;
      }
      return out;
    }
    case 'list':
      return Array.from({ length: rowsOf(state, node) }, (_, index) => bodyOf(rowOf(node, index), state));
  }
}

/** Appends a row to a list (up to its `maxItems`). */
export function addRow(state: FormValues, list: ListNode): FormValues {
  const count = rowsOf(state, list);
  if (count >= list.maxItems) return state;
  return { values: state.values, rows: { ...state.rows, [list.path]: count + 1 } };
}

/** Removes row `row` of a list; the rows after it move up, values and all. */
export function removeRow(state: FormValues, list: ListNode, row: number): FormValues {
  const count = rowsOf(state, list);
  if (row < 0 || row >= count || count <= list.minItems) return state;
  const prefix = `${list.path}.`;
  const values: Record<string, string> = {};
  for (const [path, value] of Object.entries(state.values)) {
    if (!path.startsWith(prefix)) {
      values[path] = value;
      continue;
    }
    const [index, ...rest] = path.slice(prefix.length).split('.');
    const current = Number(index);
    if (current === row) continue;
    values[`${prefix}${current > row ? current - 1 : current}.${rest.join('.')}`] = value;
  }
  return { values, rows: { ...state.rows, [list.path]: count - 1 } };
}

/** `body/jtcy/1/sfzh` (a problem's field name) → `jtcy.1.sfzh`; undefined for names outside the body. */
export function pathOfProblemField(name: string): string | undefined {
  const match = /^body\/(.+)$/.exec(name);
  return match ? match[1]!.split('/').join('.') : undefined;
}

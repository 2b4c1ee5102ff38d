/**
 * The fields of `<cb-application-form>`, derived at run time from the contract's request schema
 * (`src/generated/request-schemas.ts`, generated from `openapi/approvals.yaml` and kept current by
 * the drift check of `npm run generate`). Nothing here knows a field by hand except what the
 * applicant does not fill in (`OMITTED_PATHS`) and the one field shown only on a condition.
 *
 * Paths name fields as the request body nests them, joined by dots: `jcxx.sfzh`, `location.0`;
 * a field of the n-th row of a list is `jtcy.2.xm`, and its *template* path (what labels and rules
 * are keyed by) is `jtcy.#.xm`.
 */
import { requestSchemas } from '../generated/request-schemas.js';

/** The subset of JSON Schema the generated module carries. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly required?: readonly string[];
  readonly enum?: readonly (string | number | boolean | null)[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
}

export type FieldControl = 'text' | 'textarea' | 'number' | 'integer' | 'date' | 'choice' | 'boolean';

export interface FieldNode {
  kind: 'field';
  /** The property name (`sfzh`), or the index of a fixed tuple item (`0`). */
  name: string;
  /** Path: `jcxx.sfzh`; in a row of a list, the instance path `jtcy.2.sfzh`. */
  path: string;
  /** What labels and rules are keyed by: the path with `#` for a row, `jtcy.#.sfzh`. */
  template: string;
  control: FieldControl;
  required: boolean;
  /** `enum` without `null`, for `choice`. */
  choices: readonly string[];
  schema: JsonSchema;
}

export interface GroupNode {
  kind: 'group';
  name: string;
  path: string;
  template: string;
  children: FormNode[];
}

export interface ListNode {
  kind: 'list';
  name: string;
  path: string;
  /** One row: its children's paths hold `#` for the row index. */
  item: GroupNode;
  minItems: number;
  maxItems: number;
}

export type FormNode = FieldNode | GroupNode | ListNode;

/** The forms this element can show: `process` attribute → the operation whose request body it builds. */
export const FORM_OPERATIONS = { homestead: 'createApplication' } as const;
export type FormProcess = keyof typeof FORM_OPERATIONS;

/**
 * Properties of the request body the applicant does not fill in: `draft` (the element always
 * submits), `attachments` (the materials' own section) and the village group's and committee's
 * opinions, which their actions record later (`qt.cm*`, see `OtherInfo` in the spec).
 */
export const OMITTED_PATHS: readonly string[] = [
  'draft',
  'attachments',
  'qt.cmxzyj',
  'qt.cmxzfzr',
  'qt.cmxzrq',
  'qt.cmwyhyj',
  'qt.cmwyhfzr',
  'qt.cmwyhrq',
];

/** Strings at least this long are paragraphs (申请理由), not one-line answers. */
const TEXTAREA_MIN_LENGTH = 500;
/** More choices than this are a drop-down; fewer are radios, which show every option at once (GOV.UK). */
const MAX_RADIO_CHOICES = 4;

function typesOf(schema: JsonSchema): readonly string[] {
  return typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
}

function controlOf(schema: JsonSchema): FieldControl {
  const types = typesOf(schema);
  if (schema.enum) return 'choice';
  if (types.includes('boolean')) return 'boolean';
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'number';
  if (schema.format === 'date') return 'date';
  if ((schema.maxLength ?? 0) >= TEXTAREA_MIN_LENGTH) return 'textarea';
  return 'text';
}

/** Whether a choice field shows as radios (few options) or a drop-down. */
export function usesRadios(field: FieldNode): boolean {
  return field.control === 'boolean' || field.choices.length <= MAX_RADIO_CHOICES;
}

function join(base: string, name: string): string {
  return base ? `${base}.${name}` : name;
}

function nodeOf(name: string, path: string, schema: JsonSchema, required: boolean): FormNode | undefined {
  if (OMITTED_PATHS.includes(path)) return undefined;
  const types = typesOf(schema);
  if (schema.properties) {
    const requiredNames = schema.required ?? [];
    const children = Object.entries(schema.properties)
      .map(([child, childSchema]) => nodeOf(child, join(path, child), childSchema, requiredNames.includes(child)))
      .filter((node): node is FormNode => node !== undefined);
    return { kind: 'group', name, path, template: path, children };
  }
  if (types.includes('array') && schema.items) {
    if (schema.items.properties) {
      const item = nodeOf('#', join(path, '#'), schema.items, true) as GroupNode;
      return { kind: 'list', name, path, item, minItems: schema.minItems ?? 0, maxItems: schema.maxItems ?? Infinity };
    }
    // A fixed tuple of values (a position: longitude, latitude): one field per required item.
    const count = schema.minItems ?? 1;
    const children = Array.from({ length: count }, (_, index) =>
      nodeOf(String(index), join(path, String(index)), schema.items!, required),
    ).filter((node): node is FormNode => node !== undefined);
    return { kind: 'group', name, path, template: path, children };
  }
  return {
    kind: 'field',
    name,
    path,
    template: path,
    control: controlOf(schema),
    required,
    choices: (schema.enum ?? []).filter((value): value is string => typeof value === 'string'),
    schema,
  };
}

/** The form of a process: the request body's top-level properties as nodes, in the spec's order. */
export function formOf(process: FormProcess): GroupNode {
  const schema: JsonSchema = requestSchemas[FORM_OPERATIONS[process]];
  return nodeOf('', '', schema, true) as GroupNode;
}

/** Every field of a tree, rows of lists included once (template paths). */
export function fieldsOf(node: FormNode): FieldNode[] {
  switch (node.kind) {
    case 'field':
      return [node];
    case 'group':
      return node.children.flatMap(fieldsOf);
    case 'list':
      return fieldsOf(node.item);
  }
}

/** Every group and list of a tree (template paths), the root excluded. */
export function sectionsOf(node: FormNode): (GroupNode | ListNode)[] {
  switch (node.kind) {
    case 'field':
      return [];
    case 'group':
      return [...(node.path ? [node] : []), ...node.children.flatMap(sectionsOf)];
    case 'list':
      return [node, ...node.item.children.flatMap(sectionsOf)];
  }
}

/** `jtcy.#.xm` in row 2 → `jtcy.2.xm` (lists do not nest in these forms: one `#`). */
export function instanceOf(template: string, row: number): string {
  return template.replace('#', String(row));
}

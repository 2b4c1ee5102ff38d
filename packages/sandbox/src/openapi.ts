import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname, basename } from 'node:path';
import { parse } from 'yaml';

/**
 * The contracts in openapi/ drive the sandbox: every operation becomes a route whose path,
 * method and request validation come from the spec, so the server cannot drift from it.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface OperationParameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
  style?: string;
  explode?: boolean;
}

export interface Operation {
  operationId: string;
  method: string;
  /** OpenAPI path template relative to the server URL, e.g. `/approvals/applications/{id}`. */
  path: string;
  specFile: string;
  parameters: OperationParameter[];
  requestBody?: { required: boolean; content: Record<string, JsonObject> };
  /** Status code (or `default`) → media type → schema. */
  responses: Record<string, Record<string, JsonObject | undefined>>;
  security: Record<string, string[]>[];
  tags: string[];
}

export interface Specs {
  files: string[];
  operations: Operation[];
  /** Resolved schemas of common.yaml's components, by name. */
  schemas: Record<string, JsonObject>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Resolves `$ref`s (local and across files in the same folder) into one self-contained tree. */
class RefResolver {
  private readonly documents = new Map<string, JsonObject>();

  constructor(private readonly dir: string) {}

  document(file: string): JsonObject {
    let doc = this.documents.get(file);
    if (!doc) {
      doc = parse(readFileSync(join(this.dir, file), 'utf8')) as JsonObject;
      this.documents.set(file, doc);
    }
    return doc;
  }

  private pointer(file: string, pointer: string): Json {
    let node: Json = this.document(file);
    for (const raw of pointer.split('/').slice(1)) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !(key in node)) {
        throw new Error(`Unresolvable $ref ${file}#${pointer}`);
      }
      node = (node as JsonObject)[key] ?? null;
    }
    return node;
  }

  /** Deep-resolves `node` found in `file`; `seen` breaks recursive schemas. */
  resolve(node: Json, file: string, seen: string[] = []): Json {
    if (Array.isArray(node)) return node.map((item) => this.resolve(item, file, seen));
    if (node === null || typeof node !== 'object') return node;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      const [target, pointer = ''] = ref.split('#');
      const targetFile = target ? basename(target) : file;
      const key = `${targetFile}#${pointer}`;
      if (seen.includes(key)) return {};
      const resolved = this.resolve(this.pointer(targetFile, pointer), targetFile, [...seen, key]);
      const { $ref: _ignored, ...siblings } = node;
      return Object.keys(siblings).length && resolved && typeof resolved === 'object' && !Array.isArray(resolved)
        ? { ...resolved, ...(this.resolve(siblings, file, seen) as JsonObject) }
        : resolved;
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) out[key] = this.resolve(value, file, seen);
    return out;
  }
}

export function defaultSpecDir(): string {
  // src/ and dist/esm/ both sit below the package; the specs sit at the repository root.
  const here = dirname(new URL(import.meta.url).pathname);
  for (const candidate of [resolve(here, '../../../openapi'), resolve(here, '../../../../openapi')]) {
    try {
      if (readdirSync(candidate).some((f) => f.endsWith('.yaml'))) return candidate;
    } catch {
      // try the next layout
    }
  }
  throw new Error('openapi/ folder not found next to the sandbox package');
}

export function loadSpecs(dir = defaultSpecDir()): Specs {
  const resolver = new RefResolver(dir);
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const operations: Operation[] = [];
  for (const file of files) {
    const doc = resolver.document(file);
    const globalSecurity = (doc.security ?? []) as Record<string, string[]>[];
    const paths = (doc.paths ?? {}) as JsonObject;
    for (const [path, rawItem] of Object.entries(paths)) {
      const item = resolver.resolve(rawItem, file) as JsonObject;
      const shared = (item.parameters ?? []) as unknown as OperationParameter[];
      for (const method of METHODS) {
        const op = item[method] as JsonObject | undefined;
        if (!op) continue;
        const own = (op.parameters ?? []) as unknown as OperationParameter[];
        const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
        const responses: Operation['responses'] = {};
        for (const [status, response] of Object.entries((op.responses ?? {}) as JsonObject)) {
          const content = ((response as JsonObject).content ?? {}) as JsonObject;
          responses[status] = Object.fromEntries(
            Object.entries(content).map(([type, media]) => [type, (media as JsonObject).schema as JsonObject | undefined]),
          );
        }
        const body = op.requestBody as JsonObject | undefined;
        operations.push({
          operationId: String(op.operationId),
          method: method.toUpperCase(),
          path,
          specFile: file,
          parameters,
          requestBody: body
            ? {
                required: Boolean(body.required),
                content: Object.fromEntries(
                  Object.entries((body.content ?? {}) as JsonObject).map(([type, media]) => [
                    type,
                    ((media as JsonObject).schema ?? {}) as JsonObject,
                  ]),
                ),
              }
            : undefined,
          responses,
          security: (op.security as Record<string, string[]>[] | undefined) ?? globalSecurity,
          tags: (op.tags as string[] | undefined) ?? [],
        });
      }
    }
  }
  const commonSchemas = (resolver.document('common.yaml').components as JsonObject | undefined)?.schemas as JsonObject | undefined;
  const schemas = resolver.resolve(commonSchemas ?? {}, 'common.yaml') as Record<string, JsonObject>;
  return { files, operations, schemas };
}

/** `/approvals/applications/{id}` → `/approvals/applications/:id` */
export function toFastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** JSON schemas for Fastify's validator, one per request part. */
export function requestSchemas(op: Operation): Record<string, JsonObject> {
  const parts: Record<string, JsonObject> = {};
  const group = (location: OperationParameter['in'], lowerCase: boolean) => {
    const params = op.parameters.filter((p) => p.in === location);
    if (!params.length && location !== 'query') return undefined;
    const properties: JsonObject = {};
    const required: string[] = [];
    for (const p of params) {
      const name = lowerCase ? p.name.toLowerCase() : p.name;
      properties[name] = withoutAnnotations(p.schema ?? {});
      if (p.required) required.push(name);
    }
    // A query parameter the operation does not define is refused by name: silently ignoring
    // `/workorders/stats?regionCode=…` would answer a different question than the one asked.
    return { type: 'object', properties, required, additionalProperties: location !== 'query' } as JsonObject;
  };
  const query = group('query', false);
  const params = group('path', false);
  const headers = group('header', true);
  if (query) parts.querystring = query;
  if (params) parts.params = params;
  if (headers) parts.headers = headers;
  const content = op.requestBody?.content;
  if (content) {
    // JSON and form bodies are validated here; a binary one (the bytes of a tus PATCH) streams on to its handler unread.
    const schema = content['application/json'] ?? content['application/x-www-form-urlencoded'];
    if (schema) parts.body = withoutReadOnly(withoutAnnotations(schema));
  }
  return parts;
}

const ANNOTATIONS = new Set(['example', 'examples', 'xml', 'externalDocs', 'discriminator']);

/** Drops OpenAPI-only keywords that a JSON Schema validator would reject in strict mode. */
export function withoutAnnotations(schema: Json): JsonObject {
  const strip = (node: Json, inProperties: boolean): Json => {
    if (Array.isArray(node)) return node.map((n) => strip(n, false));
    if (node === null || typeof node !== 'object') return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (!inProperties && (ANNOTATIONS.has(key) || key.startsWith('x-'))) continue;
      out[key] = strip(value, key === 'properties' || key === 'patternProperties' || key === '$defs');
    }
    return out;
  };
  return strip(schema, false) as JsonObject;
}

/** Request bodies never carry server-assigned (`readOnly`) properties, so they cannot be required there. */
function withoutReadOnly(schema: JsonObject): JsonObject {
  const visit = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) out[key] = visit(value);
    const properties = out.properties as JsonObject | undefined;
    if (properties && Array.isArray(out.required)) {
      const readOnly = Object.entries(properties)
        .filter(([, p]) => p && typeof p === 'object' && (p as JsonObject).readOnly === true)
        .map(([name]) => name);
      out.required = (out.required as string[]).filter((name) => !readOnly.includes(name));
      for (const name of readOnly) delete properties[name];
    }
    return out;
  };
  return visit(schema) as JsonObject;
}

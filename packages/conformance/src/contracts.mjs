/**
 * The operations of the bundled contracts and what a response to each may be: a documented status,
 * a documented media type and, for JSON, a body valid against the operation's schema (JSON Schema
 * 2020-12, as OpenAPI 3.1 uses).
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Statuses any operation may answer (authentication, content negotiation, limits): always as a problem. */
const UNIVERSAL_STATUSES = new Set([401, 406, 413, 415, 429, 503]);

const escapePointer = (segment) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');

function pointerGet(document, pointer) {
  let node = document;
  for (const raw of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = node?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** Follows a chain of local `$ref`s; returns the node and the JSON pointer it lives at. */
function deref(document, node, pointer) {
  while (node && typeof node.$ref === 'string') {
    pointer = node.$ref;
    node = pointerGet(document, node.$ref);
  }
  return { node, pointer };
}

/**
 * @typedef {{ name: string, in: string, required?: boolean, schema?: any, example?: any, examples?: any }} Parameter
 * @typedef {{ service: string, operationId: string, method: string, path: string, parameters: Parameter[],
 *   responses: Record<string, Record<string, string | null>>, problemSchema: string }} Operation
 *   `responses`: status (or `default`, `4XX`) → media type → the id of its schema for Ajv (null: no schema)
 */

export class Contracts {
  /** @param {Record<string, any>} specs service name → bundled OpenAPI document */
  constructor(specs) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats.default(this.ajv);
    /** @type {Map<string, Operation>} */
    this.operations = new Map();
    /** The path of the spec's server URL (`/api/v1`), for a base URL given without one. */
    this.serverPath = '';
    for (const [service, document] of Object.entries(specs)) {
      const id = `https://conformance.citybrain.invalid/${service}.json`;
      this.ajv.addSchema(document, id);
      this.serverPath ||= new URL(document.servers?.[0]?.url ?? 'http://x/', 'http://x/').pathname.replace(/\/$/, '');
      for (const [path, item] of Object.entries(document.paths ?? {})) {
        for (const method of METHODS) {
          const op = item[method];
          if (!op?.operationId || this.operations.has(op.operationId)) continue;
          const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(document, p, '').node);
          const responses = {};
          for (const [status, raw] of Object.entries(op.responses ?? {})) {
            const start = `#/paths/${escapePointer(path)}/${method}/responses/${escapePointer(status)}`;
            const { node, pointer } = deref(document, raw, start);
            responses[status] = {};
            for (const [mediaType, content] of Object.entries(node?.content ?? {})) {
              responses[status][mediaType] = content.schema ? `${id}${pointer}/content/${escapePointer(mediaType)}/schema` : null;
            }
          }
          const withSchemas = parameters.map((p) => ({ ...p, schema: p.schema && deref(document, p.schema, '').node }));
          this.operations.set(op.operationId, {
            service, operationId: op.operationId, method: method.toUpperCase(), path, parameters: withSchemas, responses,
            problemSchema: `${id}#/components/schemas/Problem`,
          });
        }
      }
    }
  }

  /** The value the contract gives as an example of a parameter (its own, its schema's, a default, an enum's first, an integer's minimum). */
  static exampleOf(parameter) {
    const { schema = {} } = parameter;
    const named = parameter.examples && Object.values(parameter.examples)[0]?.value;
    const given = parameter.example ?? named ?? schema.example ?? schema.examples?.[0] ?? schema.default ?? schema.enum?.[0];
    // An integer with none (a tile's z/x/y, a year) still has a smallest valid value.
    return given ?? (schema.type === 'integer' ? schema.minimum ?? 0 : undefined);
  }

  /** Whether an operation answers with a stream of events (the suite does not hold streams open). */
  static isStream(op) {
    return Object.values(op.responses).some((content) => 'text/event-stream' in content);
  }

  /** @returns {Operation} */
  operation(operationId) {
    const op = this.operations.get(operationId);
    if (!op) throw new Error(`the contracts have no operation ${operationId}`);
    return op;
  }

  /**
   * Why a response breaks the contract of `op`, or null when it keeps it.
   * @param {Operation} op
   * @param {{ status: number, contentType: string, text: string }} response
   */
  violation(op, { status, contentType, text }) {
    if (status >= 500 && status !== 503) return `answered ${status}`;
    const mediaType = contentType.split(';')[0].trim().toLowerCase();
    const documented = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
    let schemaId;
    if (documented) {
      if (!(mediaType in documented)) {
        return Object.keys(documented).length ? `content type ${mediaType || '(none)'} is not documented for ${status}` : null;
      }
      schemaId = documented[mediaType];
    } else if (UNIVERSAL_STATUSES.has(status)) {
      if (mediaType !== 'application/problem+json') return `${status} is not application/problem+json`;
      schemaId = op.problemSchema;
    } else {
      return `status ${status} is not documented`;
    }
    if (!schemaId || !/json/.test(mediaType)) return null;
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return 'body is not valid JSON';
    }
    const validate = this.ajv.getSchema(schemaId) ?? this.ajv.compile({ $id: `${schemaId}#wrapper`, $ref: schemaId });
    if (validate(body)) return null;
    return (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
  }
}

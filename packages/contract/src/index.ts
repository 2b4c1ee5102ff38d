/**
 * The contracts of openapi/ as types, in one place: the client's calls and the sandbox's handlers are
 * both typed from these, so a change of the spec is a type error wherever a side no longer matches.
 * `generated/<service>.ts` come from scripts/generate-types.mjs; a schema one spec takes from another
 * (`Problem` from common.yaml) is declared once, in its own spec's module, and aliased elsewhere.
 */
import type { paths as CommonPaths, operations as CommonOperations } from './generated/common.js';
import type { paths as GisPaths, operations as GisOperations } from './generated/gis.js';
import type { paths as ApprovalsPaths, operations as ApprovalsOperations } from './generated/approvals.js';
import type { paths as WorkOrdersPaths, operations as WorkOrdersOperations } from './generated/workorders.js';
import type { paths as DataPaths, operations as DataOperations } from './generated/data.js';
import type { components as CommonComponents } from './generated/common.js';

export type { CommonPaths, GisPaths, ApprovalsPaths, WorkOrdersPaths, DataPaths };
export type { CommonOperations, GisOperations, ApprovalsOperations, WorkOrdersOperations, DataOperations };
export type { CommonComponents };
export type { components as GisComponents } from './generated/gis.js';
export type { components as ApprovalsComponents } from './generated/approvals.js';
export type { components as WorkOrdersComponents } from './generated/workorders.js';
export type { components as DataComponents } from './generated/data.js';
export type { QueryParametersWithDefaults } from './generated/query-defaults.js';

/**
 * Every operation of the platform by path. Service paths never overlap (`/gis/*`, `/approvals/*`, …),
 * so the intersection is exactly their union of keys.
 */
export type Paths = CommonPaths & GisPaths & ApprovalsPaths & WorkOrdersPaths & DataPaths;

/** Every operation of the platform by operationId (unique across the specs). */
export type Operations = CommonOperations & GisOperations & ApprovalsOperations & WorkOrdersOperations & DataOperations;

export type OperationId = keyof Operations;

/** RFC 9457 problem details, as every failure is reported. */
export type Problem = CommonComponents['schemas']['Problem'];
/** One invalid field named by a problem's `errors` (`body/jcxx/sfzh`, `query/limit`). */
export type FieldError = CommonComponents['schemas']['FieldError'];

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The operation object of `Path` for `Method`. */
export type OperationOf<P, Path extends keyof P, Method extends HttpMethod> = P[Path][Method & keyof P[Path]];

/** The query parameters of operation `Op` (empty when it has none). */
export type QueryOf<Op> = Op extends { parameters: { query?: infer Query } } ? NonNullable<Query> : Record<string, never>;

/** The path parameters of operation `Op` (empty when it has none). */
export type PathParamsOf<Op> = Op extends { parameters: { path?: infer Params } } ? NonNullable<Params> : Record<string, never>;

/** The JSON request body of operation `Op` (`never` when it takes none). */
export type JsonBodyOf<Op> = Op extends { requestBody?: infer RequestBody }
  ? RequestBody extends { content: { 'application/json': infer Body } }
    ? Body
    : never
  : never;

/** The request body of operation `Op` in whichever media type it takes (JSON or a form), `never` when none. */
export type RequestBodyOf<Op> = Op extends { requestBody?: infer RequestBody }
  ? RequestBody extends { content: infer Content }
    ? Content[keyof Content]
    : never
  : never;

type SuccessStatus = 200 | 201 | 202 | 203;

/** The JSON body of operation `Op`'s success responses (`never` when none is JSON). */
export type JsonReplyOf<Op> = Op extends { responses: infer Responses }
  ? {
      [Status in keyof Responses]: Status extends SuccessStatus
        ? Responses[Status] extends { content: infer Content }
          ? Content extends Record<string, unknown>
            ? { [Type in keyof Content]: Type extends `application/${string}json` ? Content[Type] : never }[keyof Content]
            : never
          : never
        : never;
    }[keyof Responses]
  : never;

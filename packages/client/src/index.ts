/**
 * `@citybrain/client`: the typed SDK of the Nanhai City Brain platform, for browsers and Node.
 * Node-only helpers that hold secrets (client credentials, gateway signers) live in
 * `@citybrain/client/node`, which this entry never imports.
 */
export { createClient } from './client.js';
export type { ClientOptions, CityBrainClient } from './client.js';
export type { CoreClient, RawCallOptions } from './types.js';

export {
  CityBrainError,
  ApiError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  RequestTimeoutError,
  ConflictError,
  UnprocessableError,
  RateLimitedError,
  ServerError,
  NetworkError,
  TimeoutError,
  AbortError,
  ReconnectLimitError,
  PaginationError,
  ResponseFormatError,
  GatewayError,
  isCityBrainError,
} from './errors.js';
export type { Problem, FieldError, CityBrainErrorInit, TimeoutPhase, ResponseFormatReason, PaginationStopReason } from './errors.js';

export type { AuthOption, TokenSupplier, TokenGrant, TokenRequestContext } from './auth.js';
export { DEFAULT_RETRY, parseRetryAfter, backoffDelay } from './retry.js';
export type { RetryOptions, RetrySetting, RetryPolicy } from './retry.js';
export type { Hooks, AttemptInfo, RequestSigner, ParseAs } from './transport.js';
export { redactHeaders, redactUrl, REDACTED } from './logging.js';
export type { Logger, LogFields, LogLevel } from './logging.js';
export { paginate, paginateCursor } from './pagination.js';
export type { Paginated, CursorPage, OgcLink, PageLimitOptions } from './pagination.js';
export type { ServerEvent, WatchOptions } from './sse.js';
export { createExternalService } from './external-service.js';
export type { ExternalService, ExternalServiceOptions, ExternalGetOptions } from './external-service.js';
export { createOgcFeaturesClient } from './ogc-features.js';
export type { OgcFeaturesClient, OgcFeaturesOptions, OgcFeature, OgcFeatureCollection, OgcGeometry, OgcCollection, OgcLandingPage, OgcItemsQuery, OgcItemsPage } from './ogc-features.js';

export type { Paths } from '@citybrain/contract';
export type { ApiResponse, CallOptions, CallInit, PathsWithMethod, ResponseData, QueryOf, JsonBodyOf, HttpMethod } from './types.js';

export type { AuthResource, RegionsResource, ClientCredentials, HelperOptions, ListOptions, Principal, TokenResponse, Region, RegionDetail } from './resources/common.js';
export type { GisResource, Layer, LayerCatalogue, TileJson, Feature, FeatureCollection, IdentifyResult, SearchResult, LayerQuery, FeatureQuery, IdentifyQuery, PlaceQuery } from './resources/gis.js';
export type {
  ApprovalsResource,
  ApplicationSummary,
  ApplicationPage,
  HomesteadApplication,
  ApplicationCreate,
  ApplicationCreated,
  ApplicationAction,
  ApplicationActionResult,
  ApplicationQuery,
  ApplicationEvent,
  ProcessTimeline,
  TimelineEvent,
  LookupRequest,
  ZoneCheckResult,
  ZoneStats,
  ProcessDefinition,
} from './resources/approvals.js';
export { MemoryUploadStore } from './resources/uploads.js';
export type { UploadMaterialOptions, UploadedMaterial, UploadStore, PreviousUpload, MaterialKind, MaterialRequirement } from './resources/uploads.js';
export type {
  WorkOrdersResource,
  WorkOrder,
  WorkOrderSummary,
  WorkOrderPage,
  WorkOrderCreate,
  WorkOrderCreated,
  WorkOrderAction,
  WorkOrderActionResult,
  WorkOrderStats,
  WorkOrderTimeline,
  WorkOrderQuery,
  WorkOrderEvent,
} from './resources/workorders.js';
export type { DataResource, Dataset, DatasetColumn, DatasetSummary, DatasetCataloguePage, DatasetRow, DatasetRowsPage, DatasetCount, DatasetQuery, RowsQuery, RowsOptions, CountQuery, ExportQuery, CsvExport } from './resources/data.js';
export type { WatchCallOptions } from './resources/events.js';
/**
 * The data platform's filter syntax (`column:operator:value`; `in`/`nin` lists with `\,` escapes), to
 * build and read the `filter` parameters of `data.rows()`, `count()` and `export()` as the server reads them.
 */
export { formatFilterExpression, joinFilterList, parseFilterExpression, splitFilterList, type FilterExpression } from '@citybrain/validators';

export type { CommonComponents, GisComponents, ApprovalsComponents, WorkOrdersComponents, DataComponents } from '@citybrain/contract';

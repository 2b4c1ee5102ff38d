/**
 * @citybrain/components: importing this module registers every element
 * (`defineElement` tolerates a second copy of the library on the page).
 */
import './provider/define.js';
import './approval-status/define.js';
import './application-form/define.js';
import './data-table/define.js';
import './map-viewer/define.js';
import './map-layer/define.js';

export { CbProvider } from './provider/provider.js';
export { CbDataTable } from './data-table/data-table.js';
export type { DataTableColumn, DataTableQuery, ColumnState, DataRow } from './data-table/model.js';
export type { DataTableRowClickDetail, DataTableQueryChangeDetail, DataTableSelectionDetail, DataTableLoadDetail, DataTableExportDetail } from './data-table/events.js';
export { CbApplicationForm, type ApplicationSubmittedDetail } from './application-form/application-form.js';
export { CbApprovalStatus, AUTO_LAYOUT_BREAKPOINTS, type ApprovalStatusChangeDetail, type ApprovalLookupDetail, type ApprovalStatusLayout, type ApprovalStatusMode, type ApprovalStatusLive } from './approval-status/approval-status.js';
export {
  clientContext,
  clientOptionsFrom,
  clientFrom,
  resolveClient,
  providedClient,
  standaloneClient,
  ClientController,
  type ClientOptions,
  type ClientSettings,
  type ClientSettingsResult,
  type ClientResult,
  type ProvidedClient,
  type TokenSupplier,
} from './provider/client-context.js';

export { CbMapViewer } from './map-viewer/map-viewer.js';
export { CbMapLayer } from './map-layer/map-layer.js';
export type { ExternalLayerSpec, ExternalLayerType } from './map-layer/spec.js';
export { setMapWorkerUrl } from './map-viewer/worker-url.js';
export type { LngLatTuple, BBoxTuple, BasemapCrs, CoordSys, MapMode, MapView, IdentifiedFeature, MapReadyDetail, MapViewChangeDetail, MapFeatureClickDetail, MapZoneCheckDetail } from './map-viewer/types.js';
export { CityBrainElement, type EmitOptions } from './shared/city-brain-element.js';
export { defineElement } from './shared/define-element.js';
export { warnOnce, warnOnceFor } from './shared/warn-once.js';
export type { CityBrainErrorDetail, CityBrainEventName, CityBrainEventDetail } from './shared/events.js';
export {
  baseStyles,
  themeStyles,
  elderlyModeStyles,
  focusRingStyles,
  themeTokens,
  type ThemeToken,
} from './shared/theme.js';
export {
  LoadController,
  ConfigurationError,
  describeError,
  renderLoadStatus,
  loadStatusStyles,
  type LoadStatus,
  type LoadTask,
  type LoadControllerOptions,
  type LoadStatusTexts,
} from './shared/status.js';
export {
  getLocale,
  setLocale,
  matchLocale,
  sourceLocale,
  targetLocales,
  supportedLocales,
  type SupportedLocale,
} from './shared/localization.js';
export {
  formatDate,
  formatDateTime,
  formatNumber,
  formatArea,
  toShanghaiDate,
  squareMetresToMu,
  muToSquareMetres,
  SHANGHAI_TIME_ZONE,
  SQUARE_METRES_PER_MU,
  EMPTY_VALUE,
  type AreaFormatOptions,
  type AreaUnit,
  type DateInput,
} from './shared/format.js';

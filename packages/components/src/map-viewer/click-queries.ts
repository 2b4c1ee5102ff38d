/**
 * What a click on the map asks the platform: the features under it (identify) or, in zone-check
 * mode, the homestead control zone there. Loaded with the first click, together with the popups'
 * templates and field formatting, so a map nobody clicks never downloads them.
 */
import { msg } from '@lit/localize';
import { render, type TemplateResult } from 'lit';
import type { CityBrainClient, IdentifyResult } from '@citybrain/client';
import { describeError } from '../shared/status.js';
import { MAX_IDENTIFY_LAYERS, safeColor } from './config.js';
import type { MapEngine } from './engine.js';
import { identifyPopup, identifySummary, messagePopup, zoneCheckPopup, zoneCheckSummary, type IdentifyPopupContext } from './popup.js';
import { metresPerPixel } from './scale.js';
import type { CatalogueLayer, IdentifiedFeature, LngLatTuple, MapViewerHost } from './types.js';
import { isRegionCode } from '../shared/region-code.js';

export { popupStyles } from './popup.styles.js';

const ZONE_COLORS: Record<string, string> = { buildable: '#40c057', restricted: '#fab005', prohibited: '#fa5252' };

/** One click, as the viewer hands it over. */
export interface ClickContext {
  readonly host: MapViewerHost;
  /** Prefix of element ids, unique per map on the page. */
  readonly uid: string;
  readonly engine: MapEngine;
  readonly client: CityBrainClient;
  readonly layersById: ReadonlyMap<string, CatalogueLayer>;
  /** Aborted when a later click supersedes this one. */
  readonly signal: AbortSignal;
  /** The map is in zone-check mode (its marker goes with the popup). */
  readonly zoneCheck: boolean;
  /** The click came from the Enter key: focus moves into the popup and back to the map after. */
  readonly fromKeyboard: boolean;
  /** Whether the map this click was made on is still the element's map (not rebuilt). */
  sameMap(): boolean;
  /** Whether this click still owns the map (not superseded, the map not rebuilt). */
  current(): boolean;
  fieldDescriptions(layerId: string): Record<string, string> | undefined;
  /** Says `text` in the map's polite live region. */
  announce(text: string): void;
  /** Whether a layer comes from a district GIS server rather than the platform's catalogue. */
  isExternal(layerId: string): boolean;
  /** What the click finds in the visible external layers (GetFeatureInfo, loaded features). */
  identifyExternal(lngLat: LngLatTuple, visibleIds: string[]): Promise<IdentifiedFeature[]>;
}

/** Identifies the features under a click and shows them in a popup (unless a listener cancels `cb-feature-click`). */
export async function identifyAt(context: ClickContext, lngLat: LngLatTuple): Promise<void> {
  const { engine, client, layersById, host } = context;
  const drawn = engine.visibleOverlayIds().reverse();
  const externalIds = drawn.filter((id) => context.isExternal(id));
  const ids = identifyLayerIds(drawn.filter((id) => !context.isExternal(id)), layersById, externalIds.length > 0);
  if (ids.length === 0 && externalIds.length === 0) return;
  context.announce(msg('正在查询…', { id: 'map.identify.loading' }));
  try {
    // The district's own servers are asked beside the platform; their features come first (they draw on top).
    const [external, result] = await Promise.all([
      context.identifyExternal(lngLat, externalIds),
      ids.length > 0
        ? client.gis.identify(
            { lon: round6(lngLat[0]), lat: round6(lngLat[1]), layers: ids.join(','), tolerance: identifyTolerance(engine) },
            { signal: context.signal },
          )
        : nothingIdentified(lngLat),
    ]);
    if (!context.current()) return;
    const features = [...external, ...orderIdentified(result, ids)];
    const popupContext: IdentifyPopupContext = {
      features,
      masking: result.masking,
      layers: layersById,
      fieldDescriptions: context.fieldDescriptions,
    };
    context.announce(identifySummary(popupContext));
    const [top] = features;
    if (!top) {
      engine.select([]);
      engine.closePopup();
      return;
    }
    engine.select(firstPerLayer(features));
    const proceed = host.emit(
      'cb-feature-click',
      {
        layerId: top.layerId,
        featureId: top.featureId,
        properties: top.properties,
        regionCode: regionCodeOf(top, layersById.get(top.layerId)),
        lngLat,
        features,
        masking: result.masking,
      },
      { cancelable: true },
    );
    if (proceed) openPopup(context, lngLat, identifyPopup(popupContext, `${context.uid}-popup-title`));
  } catch (error) {
    if (!context.current() || (error as { name?: string }).name === 'AbortError') return;
    const message = describeError(error);
    showMessage(context, lngLat, message);
    host.emit('cb-error', { error, message });
  }
}

/** Asks which homestead control zone a point lies in and shows the answer in a popup. */
export async function zoneCheckAt(context: ClickContext, lngLat: LngLatTuple): Promise<void> {
const { engine, client, host } = context;
engine.setMarker(lngLat);
context.announce(msg('正在查询管控分区…', { id: 'map.zone.loading' }));
  try {
    const check = await client.approvals.zoneCheck({ lon: round6(lngLat[0]), lat: round6(lngLat[1]) }, { signal: context.signal });
    if (!context.current()) return;
    host.emit('cb-zone-check', { lngLat, result: check.result, check });
    context.announce(zoneCheckSummary(check));
    openPopup(context, lngLat, zoneCheckPopup(check, zoneColor(check.result, context.layersById), `${context.uid}-popup-title`));
  } catch (error) {
    if (!context.current() || (error as { name?: string }).name === 'AbortError') return;
    const outside = (error as { status?: number }).status === 422;
    const message = outside
      ? msg('该位置不在本区范围内，无法判断管控分区。', { id: 'map.zone.outside' })
      : describeError(error);
    showMessage(context, lngLat, message);
    if (!outside) host.emit('cb-error', { error, message });
  }
}

/** The platform's answer when only external layers are drawn: nothing found, nothing masked. */
function nothingIdentified(lngLat: LngLatTuple): IdentifyResult {
  return { location: lngLat, tolerance: 0, results: [], masking: { masked: false, fields: [] } };
}

/** Catalogue layers to identify: the drawn ones, topmost first; the boundaries when nothing at all is drawn. */
function identifyLayerIds(drawn: string[], layersById: ReadonlyMap<string, CatalogueLayer>, externalDrawn: boolean): string[] {
  if (drawn.length > 0) return drawn.slice(0, MAX_IDENTIFY_LAYERS);
  if (externalDrawn) return [];
  return [...layersById.values()].filter((layer) => layer.category === 'boundaries').map((layer) => layer.id).reverse();
}

/** Six pixels around the click, in metres (the identify operation allows 0–500). */
function identifyTolerance(engine: MapEngine): number {
  const view = engine.view();
  return Math.min(500, Math.max(1, Math.round(metresPerPixel(view.center[1], view.zoom) * 6)));
}

/** Renders `template` into a detached element that maplibre places (`setDOMContent`, never HTML strings). */
function openPopup(context: ClickContext, lngLat: LngLatTuple, template: TemplateResult): void {
  const { engine, host, fromKeyboard } = context;
  const content = document.createElement('div');
  content.className = 'popup-content';
  content.setAttribute('part', 'popup');
  render(template, content);
  engine.showPopup(
    lngLat,
    content,
    () => {
      if (!context.sameMap()) return;
      engine.select([]);
      if (context.zoneCheck || fromKeyboard) engine.setMarker(undefined);
      // Back to the map for keyboard users, whose focus was in the popup (now removed).
      const active = host.shadowRoot?.activeElement ?? null;
      if (fromKeyboard && (active === null || content.contains(active))) engine.map.getCanvas().focus();
    },
    fromKeyboard,
  );
}

function showMessage(context: ClickContext, lngLat: LngLatTuple, message: string): void {
  context.announce(message);
  openPopup(context, lngLat, messagePopup(message, `${context.uid}-popup-title`));
}

function zoneColor(result: string, layersById: ReadonlyMap<string, CatalogueLayer>): string {
  const zones = [...layersById.values()].find((layer) => layer.legend.property === 'zoneType');
  const item = zones?.legend.items.find((candidate) => candidate.value === result);
  return safeColor(item?.color, ZONE_COLORS[result] ?? '#868e96');
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Identified features, topmost drawn layer first, nearest first within a layer. */
function orderIdentified(result: IdentifyResult, layerOrder: string[]): IdentifiedFeature[] {
  const rank = (layerId: string) => {
    const index = layerOrder.indexOf(layerId);
    return index === -1 ? layerOrder.length : index;
  };
  return [...result.results]
    .sort((a, b) => rank(a.layerId) - rank(b.layerId))
    .flatMap((layerResult) =>
      layerResult.features.map((feature) => ({
        layerId: layerResult.layerId,
        layerTitle: layerResult.layerTitle,
        featureId: feature.id,
        properties: (feature.properties ?? {}) as Record<string, unknown>,
        distanceM: feature.distanceM,
      })),
    );
}

function firstPerLayer(features: IdentifiedFeature[]): IdentifiedFeature[] {
  const seen = new Set<string>();
  return features.filter((feature) => !seen.has(feature.layerId) && seen.add(feature.layerId));
}

/** The most specific region a feature belongs to: a boundary's own code, else its village, else its town. */
function regionCodeOf(feature: IdentifiedFeature, layer: CatalogueLayer | undefined): string | undefined {
  const { villageCode, townCode, regionCode, code } = feature.properties;
  const candidates = [villageCode, townCode, regionCode];
  if (layer?.category === 'boundaries') candidates.push(feature.featureId, code);
  return candidates
    .map((candidate) => (typeof candidate === 'number' ? String(candidate) : candidate))
    .filter((candidate): candidate is string => isRegionCode(candidate as string))
    .sort((a, b) => b.length - a.length)[0];
}

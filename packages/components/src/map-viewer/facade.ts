/**
 * The facade of `<cb-map-viewer>` (the pattern web.dev recommends for heavy embeds): until the map
 * engine is wanted, the element shows a light preview of the same view — the region's outline and the
 * legend of its layers drawn as SVG from data the platform already serves, the 审图号 line and a button
 * that starts the map — and downloads maplibre-gl by its `loading` policy: at once (`eager`), when the
 * element is near the viewport and the page is idle (`lazy`, the default), or on the first interaction.
 * The preview fills the same box as the map, so nothing moves when the engine takes over.
 */
import { html, nothing, svg, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type { CityBrainClient, Layer } from '@citybrain/client';
import { ConfigurationError } from '../shared/status.js';
import { getLocale } from '../shared/localization.js';
import { layerTitle, swatch } from './layer-labels.js';
import { isRegionCode } from '../shared/region-code.js';
import { layerCatalogue } from './catalogue-request.js';

export type LoadingPolicy = 'eager' | 'lazy' | 'interaction';
const POLICIES: readonly LoadingPolicy[] = ['eager', 'lazy', 'interaction'];

/** What the facade needs of its element: its settings, its client and a way to warn. */
export interface FacadeHost extends ReactiveControllerHost, HTMLElement {
  loading?: string;
  region?: string;
  layers?: string;
  legend: boolean;
  reviewNo?: string;
  label?: string;
  readonly clients: { readonly client: CityBrainClient | ConfigurationError };
  warnOnce(key: string, message: string): void;
}

interface Preview {
  /** SVG path of the region's outline in a Web Mercator frame, and that frame. */
  outline: { path: string; viewBox: string; name: string } | null;
  legend: Layer[];
  reviewNos: string[];
}

type Position = number[];
type Geometry = { type: string; coordinates?: unknown };

const EMPTY: Preview = { outline: null, legend: [], reviewNos: [] };
/** Load this far ahead of the viewport, so a scrolling reader finds the map ready. */
const VIEWPORT_MARGIN = '200px 0px';
/** The longest a `lazy` map waits for an idle moment once visible. */
const IDLE_TIMEOUT_MS = 2000;

const mercatorY = (lat: number) => (-Math.log(Math.tan(Math.PI / 4 + (Math.max(-85, Math.min(85, lat)) * Math.PI) / 360)) * 180) / Math.PI;

function rings(geometry: Geometry): Position[][] {
  if (geometry.type === 'Polygon') return geometry.coordinates as Position[][];
  if (geometry.type === 'MultiPolygon') return (geometry.coordinates as Position[][][]).flat();
  return [];
}

/**
 * The outline as one SVG path in projected degrees, thinned to about a thousandth of its extent
 * (a district boundary has thousands of vertices; the preview needs a few hundred).
 */
export function outlinePath(geometry: Geometry): { path: string; viewBox: string } | null {
  const projected = rings(geometry)
    .map((ring) => ring.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])).map((p) => [p[0]!, mercatorY(p[1]!)]))
    .filter((ring) => ring.length >= 3);
  const all = projected.flat();
  if (all.length === 0) return null;
  const xs = all.map((p) => p[0]!);
  const ys = all.map((p) => p[1]!);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const extent = Math.max(maxX - minX, maxY - minY, 1e-9);
  const tolerance = extent / 1000;
  const round = (value: number) => Number(value.toFixed(5));
  const path = projected
    .map((ring) => {
      let last = ring[0]!;
      const kept = [last];
      for (const point of ring.slice(1)) {
        if (Math.abs(point[0]! - last[0]!) + Math.abs(point[1]! - last[1]!) < tolerance) continue;
        kept.push(point);
        last = point;
      }
      return `M${kept.map((p) => `${round(p[0]!)} ${round(p[1]!)}`).join('L')}Z`;
    })
    .join('');
  const pad = extent * 0.06;
  return { path, viewBox: [minX - pad, minY - pad, maxX - minX + 2 * pad, maxY - minY + 2 * pad].map(round).join(' ') };
}

/** What the facade calls on its element: start the map, or only fetch the element's own code for it. */
export interface FacadeActions {
  start(): void;
  /**
   * The map will likely start soon (near the viewport before an idle moment, or a pointer or focus on
   * the preview before a press): fetch the viewer's own code now (small, unlike maplibre-gl), so that
   * the start does not wait for it.
   */
  prefetch(): void;
}

export class MapFacade implements ReactiveController {
  private readonly host: FacadeHost;
  private readonly actions: FacadeActions;
  private started = false;
  private preview: Preview = EMPTY;
  private previewKey: string | undefined;
  private previewAbort: AbortController | undefined;
  private observer: IntersectionObserver | undefined;
  private idleHandle: (() => void) | undefined;

  constructor(host: FacadeHost, actions: FacadeActions) {
    this.host = host;
    this.actions = actions;
    host.addController(this);
  }

  /** The policy in force: the attribute's, or `lazy` (an unknown value warns once). */
  get policy(): LoadingPolicy {
    const value = this.host.loading?.trim().toLowerCase();
    if (!value) return 'lazy';
    if ((POLICIES as readonly string[]).includes(value)) return value as LoadingPolicy;
    this.host.warnOnce(`loading:${value}`, `loading="${this.host.loading}" is not eager, lazy or interaction; loading the map lazily.`);
    return 'lazy';
  }

  hostConnected(): void {
    if (this.started) return;
    const policy = this.policy;
    if (policy === 'eager') this.engage();
    else if (policy === 'lazy') this.whenNearAndIdle();
  }

  hostDisconnected(): void {
    this.stopWatching();
    this.previewAbort?.abort();
    this.previewKey = undefined;
  }

  hostUpdate(): void {
    if (this.started) return;
    const client = this.host.clients.client;
    const key = client instanceof ConfigurationError ? '' : `${client.baseUrl}|${this.host.region ?? ''}|${this.host.layers ?? ''}|${this.host.legend}|${this.host.reviewNo ?? ''}`;
    if (key === this.previewKey) return;
    this.previewKey = key;
    this.previewAbort?.abort();
    this.preview = EMPTY;
    if (client instanceof ConfigurationError) return;
    const abort = (this.previewAbort = new AbortController());
    void this.loadPreview(client, abort.signal).then((preview) => {
      if (abort.signal.aborted) return;
      this.preview = preview;
      this.host.requestUpdate();
    });
  }

  /** Starts the map now, whatever the policy (a button press, a method call, `load()`). */
  engage(): void {
    if (this.started) return;
    this.started = true;
    this.stopWatching();
    this.previewAbort?.abort();
    this.actions.start();
  }

  private whenNearAndIdle(): void {
    const idle = () => {
      if (typeof requestIdleCallback === 'function') {
        const handle = requestIdleCallback(() => this.engage(), { timeout: IDLE_TIMEOUT_MS });
        this.idleHandle = () => cancelIdleCallback(handle);
      } else {
        const handle = setTimeout(() => this.engage(), 1);
        this.idleHandle = () => clearTimeout(handle);
      }
    };
    if (typeof IntersectionObserver !== 'function') return idle();
    this.observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.observer?.disconnect();
        this.observer = undefined;
        this.actions.prefetch();
        idle();
      },
      { rootMargin: VIEWPORT_MARGIN },
    );
    this.observer.observe(this.host);
  }

  private stopWatching(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.idleHandle?.();
    this.idleHandle = undefined;
  }

  /** The outline, legend and 审图号 from the platform; whatever fails is simply left out of the preview. */
  private async loadPreview(client: CityBrainClient, signal: AbortSignal): Promise<Preview> {
    const region = this.host.region?.trim();
    const ids = (this.host.layers ?? '').split(',').map((id) => id.trim()).filter(Boolean);
    const [detail, catalogue] = await Promise.all([
      isRegionCode(region) ? client.regions.get(region, { signal }).catch(() => undefined) : undefined,
      ids.length ? layerCatalogue(client, signal).catch(() => undefined) : undefined,
    ]);
    const drawn = (catalogue?.layers ?? []).filter((layer) => ids.includes(layer.id));
    const outline = detail?.geometry ? outlinePath(detail.geometry as Geometry) : null;
    return {
      outline: outline && detail ? { ...outline, name: detail.name } : null,
      legend: this.host.legend ? drawn : [],
      reviewNos: [...new Set([this.host.reviewNo?.trim(), ...drawn.map((layer) => layer.reviewNo ?? undefined)].filter((n): n is string => Boolean(n)))],
    };
  }

  render(loadStatus: TemplateResult | typeof nothing): TemplateResult {
    const { outline, legend, reviewNos } = this.preview;
    const en = getLocale() === 'en';
    const name = outline?.name ?? this.host.label ?? msg('地图', { id: 'map.label' });
    const waitsForInteraction = this.policy === 'interaction' && !this.started;
    // A pointer over the preview or focus inside it announces the press: the viewer's code comes first.
    const prefetch = waitsForInteraction ? () => this.actions.prefetch() : undefined;
    return html`<div part="frame facade" class="frame facade"
      @pointerdown=${waitsForInteraction ? () => this.engage() : nothing}
      @pointerenter=${prefetch ?? nothing}
      @focusin=${prefetch ?? nothing}>
      ${outline
        ? html`<svg part="preview" class="facade__preview" viewBox=${outline.viewBox} preserveAspectRatio="xMidYMid meet" role="img"
            aria-label=${msg(str`${name}地图预览`, { id: 'map.facade.preview' })}>
            ${svg`<path part="preview-outline" class="facade__outline" d=${outline.path} vector-effect="non-scaling-stroke"></path>`}
          </svg>`
        : nothing}
      ${legend.length
        ? html`<div part="legend facade-legend" class="facade__legend">
            ${legend.map(
              (layer) => html`<p class="facade__legend-title">${layerTitle(layer, layer.id)}</p>
                <ul>
                  ${layer.legend.items.map((item) => html`<li>${swatch(item.color)}<span>${en && item.labelEn ? item.labelEn : item.label}</span></li>`)}
                </ul>`,
            )}
          </div>`
        : nothing}
      ${this.started
        ? nothing
        : html`<button part="start-button" class="retry facade__start" type="button" @click=${() => this.engage()}>
            ${msg('加载交互地图', { id: 'map.facade.start' })}
          </button>`}
      ${reviewNos.length
        ? html`<p part="attribution" class="facade__attribution">${msg(str`审图号：${reviewNos.join('、')}`, { id: 'map.review-no' })}</p>`
        : nothing}
      ${loadStatus}
    </div>`;
  }
}

import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, waitFor } from 'storybook/test';
import type { CbMapViewer, MapFeatureClickDetail } from '@citybrain/components';
import './support/map-viewer-worker.js';
import { catalogueUnavailableHandlers, mapViewerHandlers, sampleParcelPoint } from './support/map-viewer-gis.js';
import { BUREAU, bureauHandlers } from './support/bureau-gis.js';

interface Args {
  layers?: string;
  center?: string;
  zoom?: number;
  region?: string;
  basemap?: string;
  'basemap-crs'?: string;
  'tianditu-key'?: string;
  'review-no'?: string;
  mode?: string;
  legend?: boolean;
  'layer-list'?: boolean;
  search?: boolean;
  'cooperative-gestures'?: boolean;
}

const render = (args: Args) => html`
  <cb-map-viewer
    base-url="/api/v1"
    layers=${ifDefined(args.layers)}
    center=${ifDefined(args.center)}
    zoom=${ifDefined(args.zoom)}
    region=${ifDefined(args.region)}
    basemap=${ifDefined(args.basemap)}
    basemap-crs=${ifDefined(args['basemap-crs'])}
    tianditu-key=${ifDefined(args['tianditu-key'])}
    review-no=${ifDefined(args['review-no'])}
    mode=${ifDefined(args.mode)}
    ?legend=${args.legend ?? false}
    ?layer-list=${args['layer-list'] ?? false}
    ?search=${args.search ?? false}
    ?cooperative-gestures=${args['cooperative-gestures'] ?? false}
  ></cb-map-viewer>
`;

const meta: Meta<Args> = {
  title: 'Components/cb-map-viewer',
  component: 'cb-map-viewer',
  render,
  args: { layers: 'zones,villages', legend: true, 'layer-list': true, search: true },
  argTypes: {
    basemap: { control: 'select', options: ['offline', 'tianditu-vec', 'tianditu-img', 'none'] },
    mode: { control: 'select', options: ['identify', 'zone-check', 'none'] },
    'basemap-crs': { control: 'select', options: ['wgs84', 'gcj02'] },
  },
  parameters: {
    msw: mapViewerHandlers(),
    docs: {
      description: {
        component:
          'The district "one map" (一张图) on maplibre-gl, which is downloaded only when the element connects. Stories run on the GIS service of @citybrain/domain served through MSW: the catalogue in the platform’s ten categories, vector tiles cut in the browser, identify, search, regions and the homestead zone check. The district’s synthetic boundaries are generated on the first request (a few seconds).',
      },
    },
  },
};
export default meta;

type Story = StoryObj<Args>;

function viewer(canvas: HTMLElement): CbMapViewer {
  return canvas.querySelector('cb-map-viewer')!;
}

/** Waits until the map has drawn its basemap and the catalogue's layers. */
async function mapReady(canvas: HTMLElement): Promise<CbMapViewer> {
  const element = viewer(canvas);
  await waitFor(() => expect(element.getMap()?.loaded()).toBe(true), { timeout: 20000 });
  return element;
}

/** The homestead one-map of Nanhai: zones and village boundaries, layer list, legend and search. */
export const OneMap: Story = {
  play: async ({ canvasElement }) => {
    const element = await mapReady(canvasElement);
    await waitFor(() => expect(element.shadowRoot!.querySelectorAll('.category')).toHaveLength(10), { timeout: 20000 });
  },
};

/** The platform's own offline basemap (no glyph server: labels use local CJK fonts). */
export const OfflineBasemap: Story = {
  args: { basemap: 'offline', layers: 'towns', region: '440605124' },
};

/**
 * 天地图 vector (`vec_w` + `cva_w`) with this site's own key: there is no built-in key. Put your
 * key in Controls; this offline Storybook cannot reach 天地图, so only the overlays draw here.
 */
export const TiandituVector: Story = {
  args: { basemap: 'tianditu-vec', 'tianditu-key': '0123456789abcdef0123456789abcdef', 'review-no': 'GS(XXXX)XXXX号', layers: 'zones' },
};

/** 天地图 imagery (`img_w` + `cia_w`). */
export const TiandituImagery: Story = {
  args: { basemap: 'tianditu-img', 'tianditu-key': '0123456789abcdef0123456789abcdef', 'review-no': 'GS(XXXX)XXXX号', layers: 'zones' },
};

/**
 * The platform's own 遥感影像 (`basemap="imagery"`): synthetic imagery painted from the district's
 * water and land cover, its attribution and 审图号 bottom-left, with the 城市管理网格 over it.
 */
export const PlatformImagery: Story = {
  args: { basemap: 'imagery', layers: 'grid-cells', center: '113.1,23.05', zoom: 12 },
};

/** 天地图 without a key: the element explains what is missing instead of sending keyless requests. */
export const TiandituWithoutKey: Story = {
  args: { basemap: 'tianditu-vec', layers: 'zones' },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(viewer(canvasElement).shadowRoot!.querySelector('[part="error"]')).not.toBeNull());
  },
};

/**
 * Any MapLibre style URL. This one stands in for an AMap-style basemap drawn in GCJ-02
 * (`basemap-crs="gcj02"`): the CGCS2000 overlays are converted with gcoord, loaded per view as
 * GeoJSON, so zones and boundaries sit on the shifted basemap where they belong.
 */
export const GcjStyleUrl: Story = {
  args: { basemap: '/api/v1/gis/basemap-gcj02/style.json', 'basemap-crs': 'gcj02', 'review-no': 'GS(2025)0000号（演示）', layers: 'zones,villages', region: '440605124201' },
};

/** Zone check: click a place to learn whether a homestead may be built there, and under which rule. */
export const ZoneCheck: Story = {
  args: { mode: 'zone-check', layers: 'zones', region: '440605124201', search: false },
  play: async ({ canvasElement }) => {
    const element = await mapReady(canvasElement);
    const map = element.getMap()!;
    await waitFor(() => expect(element.shadowRoot!.querySelector('[part="breadcrumb"]')).not.toBeNull(), { timeout: 20000 });
    const centre = map.getCenter();
    map.fire('click', { lngLat: centre, point: map.project(centre) });
    await waitFor(() => expect(element.shadowRoot!.querySelector('.maplibregl-popup')).not.toBeNull(), { timeout: 10000 });
  },
};

/**
 * Region drill-down: the district's towns; click a town or village to go down one level (the page
 * listens to cb-feature-click and sets `region`); the breadcrumb goes back up.
 */
export const RegionDrillDown: Story = {
  args: { region: '440605', layers: 'towns,villages', legend: false },
  render: (args) => html`
    <cb-map-viewer
      base-url="/api/v1"
      layers=${ifDefined(args.layers)}
      region=${ifDefined(args.region)}
      ?layer-list=${args['layer-list'] ?? false}
      ?search=${args.search ?? false}
      @cb-feature-click=${(event: CustomEvent<MapFeatureClickDetail>) => {
        const target = event.currentTarget as CbMapViewer;
        const next = event.detail.features.map((feature) => String(feature.featureId)).find((code) => code.length > (target.region ?? '').length);
        if (next && /^\d{9}(\d{3})?$/.test(next)) {
          event.preventDefault();
          target.region = next;
        }
      }}
    ></cb-map-viewer>
  `,
};

/** Identify: a homestead parcel's details in an accessible popup, owners masked per role. */
export const Identify: Story = {
  args: { layers: 'homestead-parcels,zones', zoom: 17, region: '440605124201' },
  render: (args) => html`
    <cb-map-viewer
      base-url="/api/v1"
      layers=${ifDefined(args.layers)}
      center=${sampleParcelPoint().join(',')}
      zoom=${ifDefined(args.zoom)}
      region=${ifDefined(args.region)}
      ?legend=${args.legend ?? false}
      ?layer-list=${args['layer-list'] ?? false}
      ?search=${args.search ?? false}
    ></cb-map-viewer>
  `,
  play: async ({ canvasElement }) => {
    const element = await mapReady(canvasElement);
    const map = element.getMap()!;
    const [lon, lat] = sampleParcelPoint();
    await waitFor(() => expect(element.visibleLayers).toHaveLength(2), { timeout: 20000 });
    await waitFor(() => expect(map.areTilesLoaded()).toBe(true), { timeout: 20000 });
    map.fire('click', { lngLat: { lng: lon, lat }, point: map.project([lon, lat]) });
    await waitFor(() => expect(element.shadowRoot!.querySelector('.popup')?.textContent).toContain('宗地号'), { timeout: 10000 });
  },
};

/** The English interface (toolbar → Locale), with the catalogue's English titles. */
export const English: Story = {
  globals: { locale: 'en' },
  play: async ({ canvasElement }) => {
    const element = await mapReady(canvasElement);
    await waitFor(() => expect(element.shadowRoot!.querySelector('[part="control-button"]')?.getAttribute('aria-label')).toBe('Zoom in'), { timeout: 20000 });
  },
};

/** A scrolling page: the map only zooms with Ctrl/⌘ + wheel and pans with two fingers. */
export const CooperativeGestures: Story = {
  args: { 'cooperative-gestures': true },
};

/** The catalogue is down (503 with problem details): a clear error with the server's detail and a retry. */
export const CatalogueUnreachable: Story = {
  parameters: { msw: catalogueUnavailableHandlers() },
  play: async ({ canvasElement }) => {
    // The client retries a 503 before giving up.
    await waitFor(() => expect(viewer(canvasElement).shadowRoot!.querySelector('[part="error"]')).not.toBeNull(), { timeout: 15000 });
  },
};

/** A bad `layers` value: a console warning once, and an error state that names the problem. */
export const InvalidLayers: Story = {
  args: { layers: 'zones;村界' },
};

/** The map with a layer from the bureau's own WMS beside the catalogue's: its group 外部图层, its legend image, identify by GetFeatureInfo. */
export const WmsLayer: Story = {
  parameters: { msw: [...bureauHandlers(), ...mapViewerHandlers()] },
  render: () => html`<cb-map-viewer base-url="/api/v1" layers="villages" center="113.06,23.03" zoom="13" layer-list legend>
    <cb-map-layer type="wms" url="${BUREAU}/wms" layers="zones" opacity="0.8"></cb-map-layer>
  </cb-map-viewer>`,
  play: async ({ canvasElement }) => {
    const element = await mapReady(canvasElement);
    await waitFor(() => expect(element.shadowRoot!.querySelector('.legend__image')).not.toBeNull(), { timeout: 20000 });
  },
};

/** A provincial WMTS (Web Mercator set `w`, REST tiles) as the picture under the catalogue's village boundaries. */
export const WmtsBasemap: Story = {
  parameters: { msw: [...bureauHandlers(), ...mapViewerHandlers()] },
  render: () => html`<cb-map-viewer base-url="/api/v1" basemap="none" layers="villages" center="113.06,23.03" zoom="12" layer-list>
    <cb-map-layer type="wmts" url="${BUREAU}/wmts" layers="zones"></cb-map-layer>
  </cb-map-viewer>`,
};

/** The bureau's village boundaries from OGC API - Features, drawn per view, at most 50 features (a console warning says when more exist). */
export const OgcFeaturesOverlay: Story = {
  parameters: { msw: [...bureauHandlers(), ...mapViewerHandlers()] },
  render: () => html`<cb-map-viewer base-url="/api/v1" layers="zones" center="113.06,23.03" zoom="12" layer-list legend>
    <cb-map-layer type="ogc-features" url="${BUREAU}/ogcapi" collection="villages" color="#1c7ed6" limit="50"></cb-map-layer>
  </cb-map-viewer>`,
};

/** The bureau's server is down and a layer names a server that is no WMS: both are listed as failed and fire cb-error; the map stays. */
export const ExternalLayerErrors: Story = {
  parameters: { msw: [...bureauHandlers({ broken: true }), ...mapViewerHandlers()] },
  render: () => html`<cb-map-viewer base-url="/api/v1" layers="villages" center="113.06,23.03" zoom="12" layer-list>
    <cb-map-layer type="wms" url="${BUREAU}/wms" layers="zones" title="自然资源局管控分区（服务停止）"></cb-map-layer>
    <cb-map-layer type="wms" url="/api/v1/gis/layers" title="不是 WMS 的地址"></cb-map-layer>
  </cb-map-viewer>`,
  play: async ({ canvasElement }) => {
    const element = await mapReady(canvasElement);
    await waitFor(() => expect(element.shadowRoot!.querySelectorAll('.layer__state--error').length).toBe(2), { timeout: 20000 });
  },
};

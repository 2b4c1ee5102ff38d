import { css, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { CityBrainElement } from '../shared/city-brain-element.js';
import { EXTERNAL_LAYER_TYPES, specFromElement, type ExternalLayerSpec } from './spec.js';

export { EXTERNAL_LAYER_TYPES, type ExternalLayerSpec, type ExternalLayerType } from './spec.js';

/**
 * One layer from the district's own GIS server, drawn by the `<cb-map-viewer>` it sits in: a WMS
 * 1.3.0 layer (legend from GetLegendGraphic, identify through GetFeatureInfo), a WMTS 1.0 layer in a
 * Web Mercator tile matrix set (REST or KVP), vector or raster tiles described by TileJSON 3 (Martin,
 * pg_tileserv, `ST_AsMVT`) or by an OGC API - Tiles tileset on WebMercatorQuad (styled by a colour,
 * classes of a property, or a MapLibre style), or an OGC
 * API - Features collection (GeoJSON per view). Identify: GetFeatureInfo for WMS, the drawn features
 * for vector tiles and features. It renders nothing
 * itself; the map lists it in its own group, in the legend and in identify results.
 *
 * ```html
 * <cb-map-viewer base-url="/api/v1" layer-list legend>
 *   <cb-map-layer type="wms" url="https://gis.example.gov.cn/wms" layers="zones"></cb-map-layer>
 *   <cb-map-layer type="wmts" url="https://t0.tianditu.gov.cn/img_w/wmts" layers="img" key-param="tk" key="…"></cb-map-layer>
 *   <cb-map-layer type="ogc-features" url="https://gis.example.gov.cn/ogcapi" collection="villages" color="#1c7ed6"></cb-map-layer>
 * </cb-map-viewer>
 * ```
 *
 * @summary A WMS or OGC API - Features layer for the map it sits in.
 * @tagname cb-map-layer
 */
export class CbMapLayer extends CityBrainElement {
  static override styles = css`
    :host {
      display: none;
    }
  `;

  /** `wms`, `wmts`, `tilejson`, `ogc-tiles` or `ogc-features`. */
  @property({ reflect: true }) type?: string;
  /** WMS and WMTS: the service endpoint; OGC API - Features: the landing page. */
  @property() url?: string;
  /** WMS: layer names, comma-separated; WMTS: the layer's identifier. */
  @property() layers?: string;
  /** WMTS: the tile matrix set (default: the layer's first Web Mercator set). */
  @property({ attribute: 'tile-matrix-set' }) tileMatrixSet?: string;
  /** WMTS: `rest` or `kvp` (default: REST when offered). */
  @property() encoding?: string;
  /** OGC API - Features: the collection id. */
  @property() collection?: string;
  /** The title in the layer list and legend (default: the server's). */
  @property() override title = '';
  /** 0–1. */
  @property({ type: Number }) opacity?: number;
  /** OGC API - Features and vector TileJSON: the colour features are drawn in. */
  @property() color?: string;
  /** Vector TileJSON: the layer inside the tiles (default: the first of `vector_layers`). */
  @property({ attribute: 'source-layer' }) sourceLayer?: string;
  /** Colours by this property (with `style-classes`). */
  @property({ attribute: 'style-property' }) styleProperty?: string;
  /** `value:#colour:label` classes, comma-separated, for `style-property`; the legend lists them. */
  @property({ attribute: 'style-classes' }) styleClasses?: string;
  /** Vector TileJSON: a MapLibre style whose layers draw the tiles. */
  @property({ attribute: 'style-url' }) styleUrl?: string;
  /** OGC API - Features: the most features drawn per view (default 2000). */
  @property({ type: Number }) limit?: number;
  /** Cookies to the server: `same-origin` (default), `include`, `omit`. */
  @property() credentials?: string;
  /** `platform`: send the map's platform token as `Authorization` (a district server that accepts the same sign-in). */
  @property() auth?: string;
  /** Name of a key parameter sent with every request (e.g. `tk`). */
  @property({ attribute: 'key-param' }) keyParam?: string;
  /** Value of that key parameter (a public, referer-bound key). */
  @property() key?: string;
  /** Headers on every request (a property only: never in markup). */
  @property({ attribute: false }) headers?: Record<string, string>;
  /** Not drawn at start (the layer list can switch it on). */
  @property({ type: Boolean, attribute: 'start-hidden' }) startHidden = false;

  /** What the map reads; undefined (with a warning) when the element is not usable. */
  toSpec(): ExternalLayerSpec | undefined {
    const spec = specFromElement(this);
    if (!spec) {
      this.warnOnce(
        'spec',
        `type="${String(this.type)}" url="${String(this.url)}": a type (${EXTERNAL_LAYER_TYPES.join(', ')}) and a url are needed; the layer is not drawn.`,
      );
    }
    return spec;
  }

  protected override render() {
    return nothing;
  }
}

/**
 * WMS 1.3.0 reading against Debian's MapServer 8 (started by web-test-runner.config.mjs): its real
 * capabilities and GetFeatureInfo answers (GeoJSON and GML), WMS 1.3.0's latitude-first axis order
 * for CGCS2000 / WGS84, the per-tile bbox rewrite for servers without Web Mercator, and documents
 * that are not capabilities.
 */
import { expect } from '@open-wc/testing';
import { mapServerUrl } from '../../test-support/mapserver.js';
import {
  BBOX_CRS_PARAM,
  CapabilitiesError,
  getFeatureInfoUrl,
  getMapTemplate,
  parseFeatureInfo,
  parseWmsCapabilities,
  requestCrs,
  rewriteTileUrl,
  type WmsCapabilities,
} from './wms.js';

const capabilitiesText = async () => (await fetch(`${mapServerUrl()}/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities`)).text();
const expectCapabilitiesError = (text: string, pattern: RegExp) => {
  let error: unknown;
  try {
    parseWmsCapabilities(text);
  } catch (caught) {
    error = caught;
  }
  expect(error).to.be.instanceOf(CapabilitiesError);
  expect(String((error as Error).message)).to.match(pattern);
};

describe('WMS 1.3.0 against MapServer', () => {
  let capabilities: WmsCapabilities;
  before(async () => {
    capabilities = parseWmsCapabilities(await capabilitiesText());
  });

  it('reads the named layers with titles, inherited CRSs, bbox, legend and queryability', () => {
    expect(capabilities.title).to.equal('南海区自然资源局 测试服务');
    const zones = capabilities.layers.find((layer) => layer.name === 'zones')!;
    expect(zones.title).to.equal('建设管控分区（自然资源局）');
    expect(zones.queryable).to.equal(true);
    expect(zones.crs).to.include.members(['EPSG:3857', 'EPSG:4490']);
    expect(zones.bbox![0]).to.be.within(112.8, 113.3);
    expect(zones.legendUrl).to.contain('GetLegendGraphic');
    expect(capabilities.infoFormats).to.include('application/json');
    expect(requestCrs([zones])).to.equal('EPSG:3857');
  });

  it('asks GetMap in Web Mercator with maplibre’s bbox placeholder left literal', () => {
    const template = getMapTemplate(capabilities, capabilities.layers.filter((layer) => layer.name === 'zones'), { tk: 'k' });
    expect(template).to.match(/&BBOX=\{bbox-epsg-3857\}$/);
    expect(template).to.contain('CRS=EPSG%3A3857').and.contain('LAYERS=zones').and.contain('tk=k');
    expect(template).not.to.contain(BBOX_CRS_PARAM);
  });

  it('orders the bbox latitude first for EPSG:4490 and rewrites Mercator tiles for a server without Web Mercator', () => {
    const zones = capabilities.layers.find((layer) => layer.name === 'zones')!;
    const cgcs2000Only = { ...zones, crs: ['EPSG:4490'] };
    const info = new URL(getFeatureInfoUrl(capabilities, [cgcs2000Only], [113.05, 23.1], 2)!);
    expect(info.searchParams.get('CRS')).to.equal('EPSG:4490');
    const [south, west, north, east] = info.searchParams.get('BBOX')!.split(',').map(Number);
    expect(south).to.be.within(23.09, 23.1).and.below(north!);
    expect(west).to.be.within(113.04, 113.05).and.below(east!);

    const template = getMapTemplate(capabilities, [cgcs2000Only]);
    expect(template).to.contain(`${BBOX_CRS_PARAM}=EPSG%3A4490`);
    // What maplibre asks for tile z12 around 113.05, 23.1: that Mercator box, in 4490 lat/lon order.
    const tile = template.replace('{bbox-epsg-3857}', '12584728.4,2641602.7,12594512.3,2651386.6');
    const rewritten = new URL(rewriteTileUrl(tile));
    expect(rewritten.searchParams.has(BBOX_CRS_PARAM)).to.equal(false);
    const [s, w, n, e] = rewritten.searchParams.get('BBOX')!.split(',').map(Number);
    expect(w).to.be.closeTo(113.05, 0.01);
    expect(e! - w!).to.be.closeTo(0.0879, 0.001);
    expect(s).to.be.within(23.0, 23.2).and.below(n!);
  });

  it('reads GetFeatureInfo as GeoJSON and as MapServer GML into plain properties', async () => {
    const zones = capabilities.layers.filter((layer) => layer.name === 'zones');
    const [lon, lat] = zones[0]!.bbox ? [(zones[0]!.bbox[0] + zones[0]!.bbox[2]) / 2, (zones[0]!.bbox[1] + zones[0]!.bbox[3]) / 2] : [113.06, 23.03];
    const url = new URL(getFeatureInfoUrl(capabilities, zones, [lon, lat], 2000)!);
    const json = parseFeatureInfo(await (await fetch(url)).text(), 'application/json');
    url.searchParams.set('INFO_FORMAT', 'application/vnd.ogc.gml');
    const gml = parseFeatureInfo(await (await fetch(url)).text(), 'application/vnd.ogc.gml');
    expect(json.length, 'features near the middle of the district').to.be.above(0);
    expect(gml.map((feature) => feature.properties.id)).to.deep.equal(json.map((feature) => feature.properties.id));
    expect(gml[0]!.layerName).to.equal('zones');
    expect(gml[0]!.properties).to.have.property('zoneType');
  });

  it('refuses what is not WMS 1.3.0 capabilities with a CapabilitiesError saying why', () => {
    expectCapabilitiesError('{"collections":[]}', /not well-formed XML/);
    expectCapabilitiesError('<ServiceExceptionReport><ServiceException>msWMSLoadGetMapParams(): missing</ServiceException></ServiceExceptionReport>', /exception: msWMSLoadGetMapParams/);
    expectCapabilitiesError('<WMT_MS_Capabilities version="1.1.1"/>', /not a WMS 1\.3\.0/);
    expectCapabilitiesError('<WMS_Capabilities version="1.3.0"><Capability><Request/></Capability></WMS_Capabilities>', /no GetMap endpoint/);
  });
});

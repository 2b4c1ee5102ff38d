/**
 * WMTS 1.0 reading against MapCache (Debian's `mapcache-cgi`) in front of MapServer, started by
 * web-test-runner.config.mjs: capabilities, REST and KVP tile URLs that the server answers with
 * tiles, and a geographic CGCS2000 set refused with the set to use instead.
 */
import { expect } from '@open-wc/testing';
import { mapServerUrl } from '../../test-support/mapserver.js';
import { CapabilitiesError } from './wms.js';
import { parseWmtsCapabilities, wmtsTiles, type GeographicWmtsTiles, type WmtsCapabilities, type WmtsTiles } from './wmts.js';
import { redrawTile } from './geographic-tiles.js';

/** Tile z12 over 狮山镇 (113.0°E, 23.1°N). */
const TILE = { z: 12, x: 3333, y: 1780 };
const fill = (template: string) => template.replace('{z}', String(TILE.z)).replace('{x}', String(TILE.x)).replace('{y}', String(TILE.y));

describe('WMTS 1.0 against MapCache', () => {
  let capabilities: WmtsCapabilities;
  before(async () => {
    capabilities = parseWmtsCapabilities(await (await fetch(`${mapServerUrl()}/mapcache/wmts?SERVICE=WMTS&REQUEST=GetCapabilities`)).text());
  });

  it('reads the layer, its formats, style and linked tile matrix sets with their CRSs', () => {
    const zones = capabilities.layers.find((layer) => layer.identifier === 'zones')!;
    expect(zones.title).to.equal('建设管控分区（瓦片）');
    expect(zones.style).to.equal('default');
    expect(zones.tileMatrixSets).to.have.members(['GoogleMapsCompatible', 'CGCS2000Quad']);
    expect(capabilities.tileMatrixSets.find((set) => set.identifier === 'CGCS2000Quad')!.crs).to.equal('EPSG:4490');
    expect(capabilities.tileMatrixSets.find((set) => set.identifier === 'GoogleMapsCompatible')!.crs).to.equal('EPSG:3857');
    expect(capabilities.getTileUrl).to.contain('/mapcache/wmts');
  });

  it('makes REST and KVP tile URLs that the server answers with PNG tiles', async () => {
    const zones = capabilities.layers.find((layer) => layer.identifier === 'zones')!;
    const rest = wmtsTiles(capabilities, zones, { extra: { tk: 'k' } }) as WmtsTiles;
    expect(rest.tileMatrixSet).to.equal('GoogleMapsCompatible');
    expect(rest.template).to.match(/\/GoogleMapsCompatible\/\{z\}\/\{y\}\/\{x\}\.png\?tk=k$/);
    expect([rest.minzoom, rest.tileSize]).to.deep.equal([0, 256]);
    const kvp = wmtsTiles(capabilities, zones, { encoding: 'kvp' }) as WmtsTiles;
    expect(kvp.template).to.contain('REQUEST=GetTile').and.contain('TILEMATRIX={z}&TILEROW={y}&TILECOL={x}');
    for (const template of [rest.template, kvp.template]) {
      const response = await fetch(fill(template));
      expect(response.status, template).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('image/png');
    }
  });

  it('reads a geographic CGCS2000 set (latitude-first corner) and redraws its tiles as a Web Mercator tile', async () => {
    const zones = capabilities.layers.find((layer) => layer.identifier === 'zones')!;
    const geographic = wmtsTiles(capabilities, zones, { tileMatrixSet: 'CGCS2000Quad' }) as GeographicWmtsTiles;
    expect(geographic.template).to.contain('/CGCS2000Quad/{matrix}/{row}/{col}.png');
    const [level0, level12] = [geographic.matrices[0]!, geographic.matrices[12]!];
    expect([level0.west, level0.north]).to.deep.equal([-180, 90]);
    expect(level0.degreesPerPixel).to.be.closeTo(0.703125, 1e-6);
    expect(level12.degreesPerPixel).to.be.closeTo(0.703125 / 2 ** 12, 1e-9);

    const png = await redrawTile(
      { ...geographic, load: async (url) => ((await fetch(url)).ok ? (await fetch(url)).blob() : undefined) },
      TILE.z, TILE.x, TILE.y, new AbortController().signal,
    );
    const image = await createImageBitmap(new Blob([png], { type: 'image/png' }));
    expect([image.width, image.height]).to.deep.equal([256, 256]);
    const canvas = new OffscreenCanvas(256, 256);
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, 256, 256).data;
    let drawn = 0;
    for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) drawn += 1;
    expect(drawn, 'zones drawn into the redrawn tile').to.be.above(256 * 16);
  });

  it('refuses what is not WMTS 1.0 capabilities', () => {
    expect(() => parseWmtsCapabilities('<WMS_Capabilities version="1.3.0"/>')).to.throw(CapabilitiesError, /not a WMTS 1\.0/);
    expect(() => parseWmtsCapabilities('<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1">bad layer</ows:ExceptionReport>')).to.throw(CapabilitiesError, /exception: bad layer/);
  });
});

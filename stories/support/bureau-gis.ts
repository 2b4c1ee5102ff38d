/**
 * MSW handlers standing in for a natural-resources bureau's own GIS server in the `<cb-map-layer>`
 * stories: WMS 1.3.0 (capabilities, GetMap tiles drawn in the browser from @citybrain/domain's zones,
 * GetLegendGraphic, GetFeatureInfo as GeoJSON), WMTS 1.0 (capabilities, REST tiles in
 * GoogleMapsCompatible) and OGC API - Features (collection, items by bbox with next links). The tests
 * run against Debian's real MapServer and MapCache instead (scripts/gis-servers/mapserver.mjs).
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { Feature } from 'geojson';
import { controlZones } from '../../packages/domain/src/gis.js';
import { regionBoundaries } from '../../packages/domain/src/boundaries.js';
import { pointInGeometry, type Bbox } from '../../packages/domain/src/geometry.js';

export const BUREAU = 'https://gis.nanhai.example';

const ZONE_COLOURS: Record<string, string> = { buildable: '#2f9e44', restricted: '#f08c00', prohibited: '#e03131' };
const HALF_WORLD = 20037508.342789244;
const toLon = (x: number) => (x / HALF_WORLD) * 180;
const toLat = (y: number) => (Math.atan(Math.sinh((y / HALF_WORLD) * Math.PI)) * 180) / Math.PI;

const wmsCapabilities = () => `<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" xmlns:xlink="http://www.w3.org/1999/xlink">
  <Service><Name>WMS</Name><Title>南海区自然资源局 一张图服务</Title></Service>
  <Capability>
    <Request>
      <GetMap><Format>image/png</Format><DCPType><HTTP><Get><OnlineResource xlink:href="${BUREAU}/wms?"/></Get></HTTP></DCPType></GetMap>
      <GetFeatureInfo><Format>application/json</Format><DCPType><HTTP><Get><OnlineResource xlink:href="${BUREAU}/wms?"/></Get></HTTP></DCPType></GetFeatureInfo>
    </Request>
    <Layer>
      <Title>南海区</Title><CRS>EPSG:3857</CRS><CRS>EPSG:4490</CRS>
      <Layer queryable="1">
        <Name>zones</Name><Title>建设管控分区（自然资源局）</Title>
        <EX_GeographicBoundingBox><westBoundLongitude>112.85</westBoundLongitude><eastBoundLongitude>113.25</eastBoundLongitude><southBoundLatitude>22.8</southBoundLatitude><northBoundLatitude>23.35</northBoundLatitude></EX_GeographicBoundingBox>
        <Style><Name>default</Name><Title>默认</Title><LegendURL><Format>image/png</Format><OnlineResource xlink:href="${BUREAU}/wms?SERVICE=WMS&amp;REQUEST=GetLegendGraphic&amp;LAYER=zones&amp;FORMAT=image/png"/></LegendURL></Style>
      </Layer>
    </Layer>
  </Capability>
</WMS_Capabilities>`;

const wmtsCapabilities = () => `<?xml version="1.0" encoding="UTF-8"?>
<Capabilities version="1.0.0" xmlns="http://www.opengis.net/wmts/1.0" xmlns:ows="http://www.opengis.net/ows/1.1">
  <ows:ServiceIdentification><ows:Title>广东省 影像瓦片（示例）</ows:Title></ows:ServiceIdentification>
  <Contents>
    <Layer>
      <ows:Title>管控分区瓦片</ows:Title><ows:Identifier>zones</ows:Identifier>
      <Style isDefault="true"><ows:Identifier>default</ows:Identifier></Style>
      <Format>image/png</Format>
      <TileMatrixSetLink><TileMatrixSet>w</TileMatrixSet></TileMatrixSetLink>
      <ResourceURL format="image/png" resourceType="tile" template="${BUREAU}/wmts/zones/{Style}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.png"/>
    </Layer>
    <TileMatrixSet>
      <ows:Identifier>w</ows:Identifier><ows:SupportedCRS>urn:ogc:def:crs:EPSG::3857</ows:SupportedCRS>
      ${Array.from({ length: 19 }, (_, z) => `<TileMatrix><ows:Identifier>${z}</ows:Identifier><ScaleDenominator>${559082264.0287178 / 2 ** z}</ScaleDenominator><TopLeftCorner>-20037508.342789244 20037508.342789244</TopLeftCorner><TileWidth>256</TileWidth><TileHeight>256</TileHeight><MatrixWidth>${2 ** z}</MatrixWidth><MatrixHeight>${2 ** z}</MatrixHeight></TileMatrix>`).join('')}
    </TileMatrixSet>
  </Contents>
</Capabilities>`;

/** A 256-px PNG of the zones inside a Web Mercator box, drawn in the browser. */
async function zonesTile([minX, minY, maxX, maxY]: number[]): Promise<ArrayBuffer> {
  const canvas = new OffscreenCanvas(256, 256);
  const context = canvas.getContext('2d')!;
  const bbox: Bbox = [toLon(minX!), toLat(minY!), toLon(maxX!), toLat(maxY!)];
  const project = ([lon, lat]: number[]) => {
    const y = Math.log(Math.tan(Math.PI / 4 + (lat! * Math.PI) / 360)) * (HALF_WORLD / Math.PI);
    return [((lon! - bbox[0]) / (bbox[2] - bbox[0])) * 256, ((maxY! - y) / (maxY! - minY!)) * 256];
  };
  for (const zone of controlZones()) {
    if (zone.bbox[0] > bbox[2] || zone.bbox[2] < bbox[0] || zone.bbox[1] > bbox[3] || zone.bbox[3] < bbox[1]) continue;
    const polygons = zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates] : zone.geometry.coordinates;
    context.fillStyle = `${ZONE_COLOURS[zone.zoneType]}99`;
    context.strokeStyle = ZONE_COLOURS[zone.zoneType]!;
    for (const rings of polygons) {
      context.beginPath();
      for (const ring of rings) ring.forEach((position, index) => (index === 0 ? context.moveTo : context.lineTo).apply(context, project(position) as [number, number]));
      context.fill('evenodd');
      context.stroke();
    }
  }
  return (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer();
}

async function legendImage(): Promise<ArrayBuffer> {
  const canvas = new OffscreenCanvas(140, 66);
  const context = canvas.getContext('2d')!;
  context.font = '12px sans-serif';
  Object.entries({ buildable: '可建设区', restricted: '限制建设区', prohibited: '禁止建设区' }).forEach(([type, label], row) => {
    context.fillStyle = ZONE_COLOURS[type]!;
    context.fillRect(4, 6 + row * 20, 18, 12);
    context.fillStyle = '#212529';
    context.fillText(label, 30, 16 + row * 20);
  });
  return (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer();
}

/** Web Mercator box of an XYZ tile. */
function tileBox(z: number, x: number, y: number): number[] {
  const size = (2 * HALF_WORLD) / 2 ** z;
  return [-HALF_WORLD + x * size, HALF_WORLD - (y + 1) * size, -HALF_WORLD + (x + 1) * size, HALF_WORLD - y * size];
}

const png = (body: ArrayBuffer) => new HttpResponse(body, { headers: { 'content-type': 'image/png', 'access-control-allow-origin': '*' } });
const xml = (body: string) => new HttpResponse(body, { headers: { 'content-type': 'text/xml; charset=UTF-8', 'access-control-allow-origin': '*' } });

export function bureauHandlers({ broken = false }: { broken?: boolean } = {}): HttpHandler[] {
  return [
    http.get(`${BUREAU}/wms`, async ({ request }) => {
      if (broken) return HttpResponse.text('Service Unavailable', { status: 503 });
      const query = new URL(request.url).searchParams;
      const param = (name: string) => [...query.entries()].find(([key]) => key.toUpperCase() === name)?.[1] ?? '';
      switch (param('REQUEST')) {
        case 'GetCapabilities':
          return xml(wmsCapabilities());
        case 'GetMap':
          return png(await zonesTile(param('BBOX').split(',').map(Number)));
        case 'GetLegendGraphic':
          return png(await legendImage());
        case 'GetFeatureInfo': {
          const [minX, minY, maxX, maxY] = param('BBOX').split(',').map(Number);
          const point: [number, number] = [toLon((minX! + maxX!) / 2), toLat((minY! + maxY!) / 2)];
          const features = controlZones()
            .filter((zone) => pointInGeometry(point, zone.geometry))
            .map(({ geometry: _geometry, bbox: _bbox, ...properties }) => ({ type: 'Feature', id: properties.id, properties, geometry: null }));
          return HttpResponse.json({ type: 'FeatureCollection', features }, { headers: { 'access-control-allow-origin': '*' } });
        }
        default:
          return xml('<ServiceExceptionReport><ServiceException>unknown request</ServiceException></ServiceExceptionReport>');
      }
    }),
    http.get(`${BUREAU}/wmts`, () => xml(wmtsCapabilities())),
    http.get(`${BUREAU}/wmts/zones/:style/:set/:z/:row/:col`, async ({ params }) =>
      png(await zonesTile(tileBox(Number(params.z), Number(String(params.col).replace('.png', '')), Number(params.row))))),
    http.get(`${BUREAU}/ogcapi/collections/villages`, () =>
      HttpResponse.json({ id: 'villages', title: '村（居）界线（自然资源局）', links: [] }, { headers: { 'access-control-allow-origin': '*' } })),
    http.get(`${BUREAU}/ogcapi/collections/villages/items`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const [w, s, e, n] = (query.get('bbox') ?? '-180,-90,180,90').split(',').map(Number);
      const limit = Number(query.get('limit') ?? 100);
      const offset = Number(query.get('offset') ?? 0);
      const inView = regionBoundaries().villages.filter((village) => {
        const ring = (village.geometry.type === 'Polygon' ? village.geometry.coordinates[0] : village.geometry.coordinates[0]![0])!;
        return ring.some(([lon, lat]) => lon! >= w! && lon! <= e! && lat! >= s! && lat! <= n!);
      });
      const features: Feature[] = inView.slice(offset, offset + limit).map((village) => ({ type: 'Feature', id: village.properties.code, properties: { code: village.properties.code, name: village.properties.name }, geometry: village.geometry }));
      const next = offset + limit < inView.length ? [{ rel: 'next', href: `${BUREAU}/ogcapi/collections/villages/items?bbox=${query.get('bbox')}&limit=${limit}&offset=${offset + limit}` }] : [];
      return HttpResponse.json({ type: 'FeatureCollection', features, numberMatched: inView.length, numberReturned: features.length, links: next }, { headers: { 'access-control-allow-origin': '*' } });
    }),
  ];
}

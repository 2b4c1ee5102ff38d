/**
 * Writes the layers a district's own GIS server would publish, from the same seed as the sandbox, as
 * GeoJSON in CGCS2000 (EPSG:4490) for ogr2ogr to turn into shapefiles: the control zones, the village
 * boundaries, and one layer whose title and properties are hostile strings (the elements must show
 * them as text). Field names fit a shapefile's ten characters, as a bureau's delivered data do.
 *
 *   node --conditions=citybrain-source --import tsx scripts/gis-servers/fixture-layers.ts <dir>
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { controlZones, regionBoundaries } from '@citybrain/domain';

const dir = process.argv[2];
if (!dir) throw new Error('usage: fixture-layers.ts <output directory>');

const collection = (features: object[]) => JSON.stringify({ type: 'FeatureCollection', features });

const zones = controlZones().map((zone) => ({
  type: 'Feature',
  properties: {
    id: zone.id,
    zoneType: zone.zoneType,
    townCode: zone.townCode,
    village: zone.villageCode,
    source: zone.sourceLayer,
    dept: zone.sourceDept,
    basis: zone.legalBasis,
    effective: zone.effectiveDate,
    areaSqm: zone.areaSqm,
  },
  geometry: zone.geometry,
}));
const villages = regionBoundaries().villages.map(({ geometry, properties }) => ({
  type: 'Feature',
  properties: { code: properties.code, name: properties.name, townCode: properties.parentCode },
  geometry,
}));
// The first village's outline again, with markup in every text a popup or a legend may show.
const hostile = [villages[0]].map((village) => ({
  type: 'Feature',
  properties: {
    id: 'H-1',
    name: '<img src=x onerror=cbTrap("ogc-feature")>',
    remark: '"><svg onload=cbTrap("ogc-remark")>',
  },
  geometry: village!.geometry,
}));

writeFileSync(join(dir, 'zones.geojson'), collection(zones));
writeFileSync(join(dir, 'villages.geojson'), collection(villages));
writeFileSync(join(dir, 'hostile.geojson'), collection(hostile));

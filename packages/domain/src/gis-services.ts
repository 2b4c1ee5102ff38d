/**
 * The services of the one-map platform, category by category: the Nanhai article counts 33 services
 * in the ten categories but does not name them, so the names here are this project's reading of a
 * district one-map (unverified; keep configurable). Each lists the catalogue layers or imagery that
 * serve it; a service with none is documented only — the sandbox holds no data for it, and a district
 * deployment adds its own layer (a `<cb-map-layer>` from its GIS server, or a catalogue layer).
 */
import type { GisComponents } from '@citybrain/contract';
import type { GisCategoryId } from './gis-catalogue.js';

export type GisServiceEntry = GisComponents['schemas']['GisService'] & { category: GisCategoryId };

const service = (category: GisCategoryId, id: string, title: string, titleEn: string, layerIds: string[]): GisServiceEntry => ({
  id,
  category,
  title,
  titleEn,
  layerIds,
});

/** The 33 services, in category order. */
export const GIS_SERVICES: readonly GisServiceEntry[] = [
  service('basemap', 'vector-map', '电子地图', 'Vector map', ['water', 'roads']),
  service('basemap', 'imagery', '遥感影像', 'Imagery', ['imagery-2025']),
  service('basemap', 'place-names', '地名地址', 'Place names and addresses', []),
  service('basemap', 'hydrography', '水系', 'Hydrography', ['water']),
  service('boundaries', 'town-boundaries', '镇街界线', 'Town boundaries', ['towns']),
  service('boundaries', 'village-boundaries', '村居界线', 'Village boundaries', ['villages']),
  service('boundaries', 'division-codes', '行政区划代码', 'Division codes', []),
  service('planning', 'village-planning', '村庄规划', 'Village planning', ['zones']),
  service('planning', 'construction-control', '建设管控分区', 'Construction control zones', ['zones']),
  service('planning', 'three-zones-three-lines', '三区三线', 'Three zones and three lines', ['farmland']),
  service('planning', 'detailed-planning', '控制性详细规划', 'Regulatory detailed planning', []),
  service('natural-resources', 'basic-farmland', '永久基本农田', 'Permanent basic farmland', ['farmland']),
  service('natural-resources', 'land-use-survey', '土地利用现状（国土调查）', 'Land-use survey', []),
  service('natural-resources', 'land-supply', '土地供应', 'Land supply', []),
  service('natural-resources', 'satellite-enforcement', '卫片执法', 'Satellite change enforcement', ['imagery-2025']),
  service('rural', 'homestead-parcels', '宅基地宗地', 'Homestead parcels', ['homestead-parcels']),
  service('rural', 'collective-assets', '农村集体资产', 'Rural collective assets', []),
  service('rural', 'high-standard-farmland', '高标准农田', 'High-standard farmland', []),
  service('industry', 'village-industrial-parks', '村级工业园改造（村改）项目', 'Village industrial park renovation', ['industrial-parks']),
  service('industry', 'industrial-carriers', '产业载体', 'Industrial floor space', []),
  service('industry', 'enterprises', '企业分布', 'Enterprises', []),
  service('construction', 'highway-control', '公路建筑控制区', 'Highway building control zones', ['road-control']),
  service('construction', 'transport', '交通设施', 'Transport', ['roads']),
  service('construction', 'key-projects', '重点建设项目', 'Key construction projects', []),
  service('ecology', 'river-management', '河道管理范围', 'River management zones', ['river-protection']),
  service('ecology', 'river-chiefs', '河长制河段', 'River chief sections', ['water']),
  service('ecology', 'ecological-redline', '生态保护红线', 'Ecological protection red line', []),
  service('public-services', 'service-centres', '政务与党群服务中心', 'Service centres', ['service-points']),
  service('public-services', 'health', '医疗卫生设施', 'Health facilities', ['service-points']),
  service('public-services', 'education', '教育设施', 'Schools', ['service-points']),
  service('urban-management', 'grid', '城市管理网格', 'Urban management grid', ['grid-cells']),
  service('urban-management', 'hotline-hotspots', '12345 诉求热点', '12345 hotspots', ['workorder-hotspots']),
  service('urban-management', 'city-components', '城市部件', 'City components', []),
];

/** The services of one category, in order. */
export const gisServicesOf = (category: GisCategoryId): GisServiceEntry[] => GIS_SERVICES.filter((entry) => entry.category === category);

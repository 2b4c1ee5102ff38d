/**
 * One access policy for every route to the same data: every GIS layer × every demo role × items,
 * tiles, identify and search. A layer drawn from a dataset shows a role exactly what the data API
 * shows it (same rows, same region, same masking); other layers are public, or internal for roles
 * with `gis:internal`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { Feature } from 'geojson';
import { DEMO_CLIENTS } from '../../src/auth.js';
import { tileAt } from '../../src/services/gis/geo.js';
import { LAYERS, type LayerDef } from '../../src/services/gis/layers.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';

interface Role {
  name: string;
  token: string | undefined;
  regionCode: string;
  internal: boolean;
}

type GeoFeature = Feature & { id: string; properties: Record<string, unknown> };

describe('GIS access matrix: nothing a role cannot read through the data API leaks through the map', () => {
  let sandbox: TestSandbox;
  const roles: Role[] = [];
  /** Every feature of every layer, as the district sees it. */
  const allFeatures = new Map<string, GeoFeature[]>();

  const get = (path: string, token: string | undefined) => sandbox.api(path, { token });

  async function pages<T>(path: string, token: string | undefined, itemsOf: (body: any) => T[], nextOf: (body: any) => string | null): Promise<T[] | number> {
    const out: T[] = [];
    let url: string | null = path;
    while (url) {
      const response = await get(url, token);
      if (response.status !== 200) return response.status;
      const body = await response.json();
      out.push(...itemsOf(body));
      const next = nextOf(body);
      url = next ? next.slice(next.indexOf('/api/v1') + '/api/v1'.length) : null;
    }
    return out;
  }

  const featuresOf = (layerId: string, token: string | undefined) =>
    pages<GeoFeature>(
      `/gis/collections/${layerId}/items?limit=1000`,
      token,
      (body) => body.features,
      (body) => body.links.find((l: { rel: string }) => l.rel === 'next')?.href ?? null,
    );

  before(async () => {
    sandbox = await startTestSandbox();
    roles.push({ name: 'public', token: undefined, regionCode: '440605', internal: false });
    for (const client of DEMO_CLIENTS) {
      roles.push({ name: client.clientId, token: await sandbox.token(client.clientId), regionCode: client.regionCode, internal: true });
    }
    const district = roles.find((r) => r.name === 'demo-district')!.token;
    for (const layer of LAYERS) {
      const features = await featuresOf(layer.id, district);
      assert.ok(Array.isArray(features) && features.length > 0, `${layer.id} has features`);
      allFeatures.set(layer.id, features);
    }
  });
  after(() => sandbox.close());

  /** Whether the data API lets the role read the layer's dataset, and its rows (by primary key) when it does. */
  async function dataApiView(layer: LayerDef, role: Role): Promise<Map<string, Record<string, unknown>> | null> {
    const dataset = layer.dataset!.definition;
    const rows = await pages<Record<string, unknown>>(
      `/data/datasets/${dataset.id}/rows?limit=1000&count=none`,
      role.token,
      (body) => body.items,
      (body) => (body.page.nextCursor ? `/data/datasets/${dataset.id}/rows?limit=1000&count=none&cursor=${body.page.nextCursor}` : null),
    );
    if (typeof rows === 'number') {
      assert.ok([401, 403, 404].includes(rows), `data API refuses ${dataset.id} to ${role.name} with ${rows}`);
      return null;
    }
    return new Map(rows.map((row) => [String(row[dataset.primaryKey[0]!]), row]));
  }

  /** A feature the role should not see when the layer is region-scoped (outside its region), else the first. */
  function sampleFor(layer: LayerDef, role: Role): GeoFeature {
    const features = allFeatures.get(layer.id)!;
    if (!layer.dataset) return features[0]!;
    return features.find((f) => !String(f.properties[layer.dataset!.definition.regionColumn]).startsWith(role.regionCode)) ?? features[0]!;
  }

  function firstVertex(feature: GeoFeature): [number, number] {
    let coordinates: unknown = (feature.geometry as { coordinates: unknown }).coordinates;
    while (Array.isArray(coordinates) && Array.isArray(coordinates[0])) coordinates = coordinates[0];
    return coordinates as [number, number];
  }

  async function tileHas(layer: LayerDef, feature: GeoFeature, token: string | undefined): Promise<boolean | number> {
    const [lon, lat] = firstVertex(feature);
    const z = Math.min(layer.maxzoom, 14);
    const { x, y } = tileAt(lon, lat, z);
    const response = await get(`/gis/tiles/${layer.id}/${z}/${x}/${y}.pbf`, token);
    if (response.status === 204) return false;
    if (response.status !== 200) return response.status;
    const tile = new VectorTile(new PbfReader(new Uint8Array(await response.arrayBuffer())));
    const source = tile.layers[layer.id];
    for (let i = 0; source && i < source.length; i++) if (source.feature(i).properties.id === feature.id) return true;
    return false;
  }

  async function identifyHas(feature: GeoFeature, token: string | undefined): Promise<boolean> {
    const [lon, lat] = firstVertex(feature);
    const response = await get(`/gis/identify?lon=${lon}&lat=${lat}&tolerance=5`, token);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { results: { features: { id: string }[] }[] };
    return body.results.some((r) => r.features.some((f) => f.id === feature.id));
  }

  async function searchHas(layer: LayerDef, feature: GeoFeature, token: string | undefined): Promise<boolean> {
    const q = String(feature.properties.parkName ?? feature.properties.name ?? '');
    const response = await get(`/gis/search?q=${encodeURIComponent(q)}&kinds=${layer.searchKind}&limit=50`, token);
    assert.equal(response.status, 200);
    return ((await response.json()) as { items: { featureId: string }[] }).items.some((p) => p.featureId === feature.id);
  }

  for (const layer of LAYERS) {
    it(`${layer.id}: items, tiles, identify and search agree with ${layer.dataset ? `the data API (${layer.dataset.definition.id})` : `its access (${layer.access})`}`, async () => {
      for (const role of roles) {
        const label = `${layer.id} × ${role.name}`;
        const rows = layer.dataset ? await dataApiView(layer, role) : undefined;
        const readable = layer.dataset ? rows !== null : layer.access === 'public' || role.internal;

        const items = await featuresOf(layer.id, role.token);
        if (!readable) {
          assert.equal(typeof items, 'number', `${label}: items refused`);
          assert.ok([401, 403, 404].includes(items as number), `${label}: items answered ${items}`);
        } else {
          assert.ok(Array.isArray(items), `${label}: items readable, got ${items}`);
          if (rows) {
            // The same rows, the same values, the same masking as the data API.
            assert.deepEqual(new Set(items.map((f) => f.id)), new Set(rows.keys()), `${label}: the rows of the data API`);
            for (const feature of items) assert.deepEqual(feature.properties, rows.get(feature.id), `${label}: ${feature.id}`);
          }
        }

        const sample = sampleFor(layer, role);
        const visible = readable && (!rows || rows.has(sample.id));
        const single = await get(`/gis/collections/${layer.id}/items/${encodeURIComponent(sample.id)}`, role.token);
        assert.equal(single.status === 200, visible, `${label}: single item ${sample.id} answered ${single.status}`);

        const inTile = await tileHas(layer, sample, role.token);
        if (readable) assert.equal(inTile, visible, `${label}: tile shows ${sample.id}`);
        else assert.ok(typeof inTile === 'number' && [401, 403, 404].includes(inTile), `${label}: tile refused, got ${inTile}`);

        assert.equal(await identifyHas(sample, role.token), visible, `${label}: identify finds ${sample.id}`);
        if (layer.searchKind) assert.equal(await searchHas(layer, sample, role.token), visible, `${label}: search finds ${sample.id}`);
      }
    });
  }

  it('the anonymous caller gets the industrial-parks ledger nowhere (the reproducer)', async () => {
    assert.equal((await get('/gis/collections/industrial-parks/items?limit=1', undefined)).status, 404);
    assert.equal((await get('/data/datasets/industrial-park-projects/rows?limit=1', undefined)).status, 404);
    const catalogue = (await (await get('/gis/layers', undefined)).json()) as { layers: { id: string }[] };
    assert.ok(!catalogue.layers.some((l) => l.id === 'industrial-parks'), 'not in the anonymous catalogue');
  });
});

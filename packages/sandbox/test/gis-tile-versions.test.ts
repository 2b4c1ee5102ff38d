import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { importTargetFor } from '../src/import/target.js';
import type { ParcelRow } from '../src/import/rows.js';
import { tileAt } from '../src/services/gis/geo.js';
import { LAYERS_BY_ID } from '../src/services/gis/layers.js';
import { VERSION_TTL_MS } from '../src/services/gis/repository.js';
import { stateOf } from '../src/services/gis/state.js';

/**
 * Rendered tiles are cached by layer version (both stores): a write to a layer — an import adding a
 * parcel, or replacing one — must give a new tile and ETag once the version is read again (each
 * instance trusts a version for VERSION_TTL_MS), never the tile cached before the write. Runs on
 * SQLite, and on PostgreSQL when CITYBRAIN_TEST_POSTGRES_URL names a cluster.
 */

type Json = Record<string, any>;
const ZOOM = 16;
const PARCELS = LAYERS_BY_ID.get('homestead-parcels')!;

describe('tile cache follows writes to a layer', () => {
  let sandbox: TestSandbox;
  let district: string;
  /** A seeded parcel, and the z16 tile at its first vertex. */
  let seeded: Json;
  let tilePath: string;
  /** A square parcel at the tile's first vertex: the one the test imports, then moves out of the tile. */
  let added: ParcelRow;

  before(async () => {
    sandbox = await startTestSandbox();
    district = await sandbox.token('demo-district');
    const page = (await (await sandbox.api('/gis/collections/homestead-parcels/items?limit=1', { token: district })).json()) as Json;
    seeded = page.features[0];
    const [lon, lat] = seeded.geometry.coordinates[0][0] as [number, number];
    const { x, y } = tileAt(lon, lat, ZOOM);
    tilePath = `/gis/tiles/homestead-parcels/${ZOOM}/${x}/${y}.pbf`;
    added = square(seeded.properties, `${seeded.properties.villageCode}ZZ99999`, lon, lat);
  });
  after(() => sandbox?.close());

  function square(like: Json, parcelNo: string, lon: number, lat: number): ParcelRow {
    const side = 0.0001;
    const ring: [number, number][] = [[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side], [lon, lat]];
    return {
      id: `test-${parcelNo}`, parcelNo, villageCode: like.villageCode, townCode: like.townCode, ownerName: null, ownerIdNumber: null,
      ownerPhone: null, areaSqm: 100, landUse: 'vacant', status: 'pending', approvalNo: null, approvedOn: null, certificateNo: null,
      registeredOn: null, floors: null, bbox: [lon, lat, lon + side, lat + side], geometry: { type: 'Polygon', coordinates: [ring] },
    };
  }

  /** The tile's ETag and the parcel numbers in it. */
  async function tile(): Promise<{ etag: string; parcelNumbers: Set<unknown> }> {
    const res = await sandbox.api(tilePath, { token: district });
    assert.equal(res.status, 200, tilePath);
    const layer = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer()))).layers['homestead-parcels']!;
    const parcelNumbers = new Set<unknown>();
    for (let i = 0; i < layer.length; i++) parcelNumbers.add(layer.feature(i).properties.parcelNo);
    return { etag: res.headers.get('etag')!, parcelNumbers };
  }

  /** How far the test has moved the version checks ahead of the clock. */
  let ahead = 0;
  /** Reads the layer's version now as it would be read once the trusted one has expired. */
  async function afterVersionExpires(): Promise<void> {
    ahead += VERSION_TTL_MS;
    await stateOf(sandbox.ctx).repo.layerStats(PARCELS, Date.now() + ahead);
  }

  it('an imported parcel appears in the tile, and a repeat is the cached tile', async () => {
    const before = await tile();
    assert.ok(before.parcelNumbers.has(seeded.properties.parcelNo));
    assert.ok(!before.parcelNumbers.has(added.parcelNo));

    importTargetFor(sandbox.ctx.db).write({ layer: 'parcels', rows: [added] });
    await afterVersionExpires();
    const after = await tile();
    assert.notEqual(after.etag, before.etag);
    assert.ok(after.parcelNumbers.has(added.parcelNo), 'the new parcel is drawn');
    assert.equal((await tile()).etag, after.etag);
  });

  it('a parcel replaced by an import (moved out of the tile) leaves the tile', async () => {
    // The parcel imported last is replaced: on SQLite it keeps its rowid, and the row count stays the same.
    const [lon, lat] = seeded.geometry.coordinates[0][0] as [number, number];
    const before = await tile();
    assert.ok(before.parcelNumbers.has(added.parcelNo));

    importTargetFor(sandbox.ctx.db).write({ layer: 'parcels', rows: [{ ...square(seeded.properties, added.parcelNo, lon + 0.05, lat + 0.05), id: added.id }] });
    await afterVersionExpires();
    const after = await tile();
    assert.notEqual(after.etag, before.etag);
    assert.ok(!after.parcelNumbers.has(added.parcelNo), 'the moved parcel is no longer drawn here');
    assert.ok(after.parcelNumbers.has(seeded.properties.parcelNo));
  });
});

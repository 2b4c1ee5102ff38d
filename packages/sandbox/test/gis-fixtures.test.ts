/**
 * The GIS seed data the sandbox stores (packages/domain/src/gis.ts): parcels and zones must be
 * plausible and consistent with each other and with the village boundaries, and the same every run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  boundaryOf,
  controlZones,
  createRng,
  homesteadParcels,
  mainRoads,
  pointInGeometry,
  servicePoints,
  validateIdNumber,
  validateMobile,
  waterways,
  type ControlZone,
  type HomesteadParcel,
  type LonLat,
} from '@citybrain/domain';

const smallParcels: HomesteadParcel[] = [...homesteadParcels({ size: 'small', seed: 'gis-fixture-test' })];

function vertices(parcel: HomesteadParcel): LonLat[] {
  return parcel.geometry.coordinates[0]!.slice(0, -1) as LonLat[];
}

function centre(parcel: HomesteadParcel): LonLat {
  const ring = vertices(parcel);
  return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
}

describe('gis fixtures', () => {
  it('generates the same parcels for the same seed, other owners for another seed, the same lots for both', () => {
    const again = [...homesteadParcels({ size: 'small', seed: 'gis-fixture-test' })];
    assert.deepEqual(again, smallParcels);
    const other = [...homesteadParcels({ size: 'small', seed: 'another-seed' })];
    assert.deepEqual(other.map((p) => p.geometry), smallParcels.map((p) => p.geometry), 'the layout does not depend on the seed');
    assert.notDeepEqual(other.map((p) => p.ownerIdNumber), smallParcels.map((p) => p.ownerIdNumber));
  });

  it('has 2 000 parcels at small size and 100 000 at full size', () => {
    assert.equal(smallParcels.length, 2_000);
    let full = 0;
    for (const _parcel of homesteadParcels({ size: 'full' })) full++;
    assert.equal(full, 100_000);
  });

  it('numbers parcels 宗地号 = village code + JC + sequence, unique, with valid owners', () => {
    const numbers = new Set<string>();
    for (const parcel of smallParcels) {
      assert.match(parcel.parcelNo, /^\d{12}JC\d{5}$/);
      assert.ok(parcel.parcelNo.startsWith(parcel.villageCode));
      assert.equal(parcel.id, `P-${parcel.villageCode}-${parcel.parcelNo.slice(-5)}`);
      assert.ok(!numbers.has(parcel.parcelNo), `${parcel.parcelNo} is unique`);
      numbers.add(parcel.parcelNo);
      assert.equal(validateIdNumber(parcel.ownerIdNumber).valid, true, parcel.ownerIdNumber);
      assert.ok(validateMobile(parcel.ownerPhone));
      assert.ok(parcel.areaSqm >= 95 && parcel.areaSqm <= 200, `${parcel.parcelNo}: ${parcel.areaSqm} ㎡`);
      if (parcel.status === 'registered') assert.ok(parcel.certificateNo && parcel.approvalNo && parcel.registeredOn! >= parcel.approvedOn!);
      if (parcel.status === 'unapproved' || parcel.status === 'pending') assert.equal(parcel.approvalNo, null);
    }
  });

  it('places every parcel inside its village, in a buildable zone, clear of the others', () => {
    const zonesByVillage = new Map<string, ControlZone[]>();
    for (const zone of controlZones()) zonesByVillage.set(zone.villageCode, [...(zonesByVillage.get(zone.villageCode) ?? []), zone]);
    const byCell = new Map<string, HomesteadParcel[]>();
    const cellOf = ([lon, lat]: LonLat) => `${Math.floor(lon / 0.002)}:${Math.floor(lat / 0.002)}`;
    for (const parcel of smallParcels) {
      const point = centre(parcel);
      assert.ok(pointInGeometry(point, boundaryOf(parcel.villageCode)!.geometry), `${parcel.parcelNo} lies in its village`);
      const zones = (zonesByVillage.get(parcel.villageCode) ?? []).filter((zone) => pointInGeometry(point, zone.geometry));
      assert.deepEqual(zones.map((z) => z.zoneType), ['buildable'], `${parcel.parcelNo} lies in exactly one, buildable, zone`);
      const key = cellOf(point);
      byCell.set(key, [...(byCell.get(key) ?? []), parcel]);
    }
    // Two lots overlap only if a corner of one lies inside the other (same-orientation rectangles).
    for (const parcel of smallParcels) {
      const [lon, lat] = centre(parcel);
      for (const dx of [-1, 0, 1]) {
        for (const dy of [-1, 0, 1]) {
          for (const other of byCell.get(cellOf([lon + dx * 0.002, lat + dy * 0.002])) ?? []) {
            if (other === parcel) continue;
            for (const corner of vertices(other)) {
              assert.ok(!pointInGeometry(corner, parcel.geometry), `${other.parcelNo} overlaps ${parcel.parcelNo}`);
            }
          }
        }
      }
    }
  });

  it('zones every village, with buildable and restricted land disjoint from each other and from prohibited land', () => {
    const zones = controlZones();
    const villagesWithBuildable = new Set(zones.filter((z) => z.zoneType === 'buildable').map((z) => z.villageCode));
    assert.equal(villagesWithBuildable.size, 307);
    const sources = new Set(zones.filter((z) => z.zoneType === 'prohibited').map((z) => z.sourceLayer));
    assert.deepEqual([...sources].sort(), ['公路建筑控制区', '永久基本农田保护红线', '河道管理范围线'].sort());
    for (const zone of zones) {
      assert.match(zone.id, /^Z-\d{12}-[BRP]\d{2}$/);
      assert.ok(zone.villageCode.startsWith(zone.townCode));
      assert.match(zone.effectiveDate, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(zone.areaSqm > 0 && zone.legalBasis.length > 0 && zone.sourceDept.length > 0);
    }
    const rng = createRng('zone-overlap-sample');
    const byVillage = new Map<string, ControlZone[]>();
    for (const zone of zones) byVillage.set(zone.villageCode, [...(byVillage.get(zone.villageCode) ?? []), zone]);
    for (const [code, own] of byVillage) {
      const buildable = own.filter((z) => z.zoneType === 'buildable');
      const box = buildable[0]!.bbox;
      // Sample the settlements' surroundings, where the three kinds meet.
      for (let i = 0; i < 40; i++) {
        const point: LonLat = [rng.float(box[0] - 0.004, box[2] + 0.004), rng.float(box[1] - 0.004, box[3] + 0.004)];
        const kinds = own.filter((z) => pointInGeometry(point, z.geometry)).map((z) => z.zoneType);
        const nonProhibited = kinds.filter((kind) => kind !== 'prohibited');
        assert.ok(nonProhibited.length <= 1, `${code}: ${kinds.join('+')} overlap`);
        if (kinds.includes('prohibited')) assert.equal(nonProhibited.length, 0, `${code}: prohibited land also ${nonProhibited[0]}`);
      }
    }
  });

  it('describes the rivers, roads and service points the basemap and search use', () => {
    const names = waterways().map((w) => w.name);
    for (const river of ['西江', '北江', '东平水道', '佛山水道']) assert.ok(names.includes(river), river);
    assert.ok(mainRoads().some((r) => r.kind === 'expressway') && mainRoads().some((r) => r.kind === 'national'));
    const centres = servicePoints().filter((p) => p.kind === 'service-centre');
    assert.equal(centres.length, 7);
    for (const point of centres) assert.match(point.code, new RegExp(`^${point.townCode}\\d{5}$`));
  });
});

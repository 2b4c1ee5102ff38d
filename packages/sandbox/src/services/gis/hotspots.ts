/**
 * The 12345 hotspot layer: work orders (the work-order service's `work_orders` table) counted per
 * lattice square of the 城市管理网格 (@citybrain/domain gis-grid.ts), kept in `gis_features` as a
 * derived layer. The GIS repository rebuilds it when the work orders changed (see `DerivedSource`),
 * so new orders reach the map's tiles and items as other services' writes do: within the stats TTL.
 * Only counts leave this module — no reporter, address or content.
 */
import { findTown, hotspotLevel, latticeSquareAt, latticeSquarePolygon, type LonLat } from '@citybrain/domain';
import type { Db } from '../../db.js';
import { workOrderProcess } from '../workorders/store.js';
import { insertFeatures, type FeatureRow } from './store.js';

export const HOTSPOT_LAYER_ID = 'workorder-hotspots';

/** How a derived layer follows its source: a cheap version of the source, and the rebuild. */
export interface DerivedSource {
  /** Changes whenever the source rows that the layer reflects change. */
  version(db: Db): string;
  /** Replaces the layer's rows (inside a transaction the repository opens). */
  rebuild(db: Db): void;
}

const TERMINAL_STATUSES = workOrderProcess.statuses.filter((status) => status.terminal).map((status) => status.key);

interface Square {
  column: number;
  row: number;
  orders: number;
  openOrders: number;
  ordersByTown: Map<string, number>;
}

export const workOrderHotspots: DerivedSource = {
  version(db) {
    // Orders are added (the row id grows; PostgreSQL has none, and its orders' latest change stands in) and
    // close (the open count falls): both show in this triple.
    const last = db.dialect === 'sqlite' ? 'max(rowid)' : 'max(updated_at)';
    const { total, latest, open } = db
      .prepare(
        `SELECT count(*) AS total, ${last} AS latest,
           sum(CASE WHEN status NOT IN (${TERMINAL_STATUSES.map(() => '?').join(', ')}) THEN 1 ELSE 0 END) AS open FROM work_orders`,
      )
      .get(...TERMINAL_STATUSES) as { total: number; latest: number | string | null; open: number | null };
    return `${total}.${latest ?? 0}.${open ?? 0}`;
  },
  rebuild(db) {
    const location = db.dialect === 'sqlite'
      ? { lon: "json_extract(document, '$.location[0]')", lat: "json_extract(document, '$.location[1]')", isArray: "json_type(document, '$.location') = 'array'" }
      : { lon: "(document::jsonb -> 'location' ->> 0)::double precision", lat: "(document::jsonb -> 'location' ->> 1)::double precision", isArray: "jsonb_typeof(document::jsonb -> 'location') = 'array'" };
    const orders = db
      .prepare(
        `SELECT ${location.lon} AS lon, ${location.lat} AS lat, town_code AS "townCode",
           CASE WHEN status NOT IN (${TERMINAL_STATUSES.map(() => '?').join(', ')}) THEN 1 ELSE 0 END AS open
         FROM work_orders WHERE ${location.isArray}`,
      )
      .all(...TERMINAL_STATUSES) as { lon: number; lat: number; townCode: string; open: number }[];
    const squares = new Map<string, Square>();
    for (const order of orders) {
      const { column, row } = latticeSquareAt([order.lon, order.lat]);
      const key = `${column}-${row}`;
      let square = squares.get(key);
      if (!square) {
        square = { column, row, orders: 0, openOrders: 0, ordersByTown: new Map() };
        squares.set(key, square);
      }
      square.orders++;
      square.openOrders += order.open;
      square.ordersByTown.set(order.townCode, (square.ordersByTown.get(order.townCode) ?? 0) + 1);
    }
    db.prepare('DELETE FROM gis_features WHERE layer_id = ?').run(HOTSPOT_LAYER_ID);
    const features: FeatureRow[] = [];
    const ordered = [...squares.values()].sort((a, b) => a.row - b.row || a.column - b.column);
    for (const square of ordered) {
      // A square on a town line belongs to the town most of its orders came from (ties: the lower code).
      const [townCode] = [...square.ordersByTown].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
      const id = `H-${square.column}-${square.row}`;
      const geometry = latticeSquarePolygon(square);
      const [west, south] = geometry.coordinates[0]![0]! as LonLat;
      const [east, north] = geometry.coordinates[0]![2]! as LonLat;
      const level = hotspotLevel(square.orders);
      features.push({
        layerId: HOTSPOT_LAYER_ID,
        id,
        name: `${findTown(townCode)?.name ?? ''}热点方格 ${square.column}-${square.row}`,
        kind: level,
        code: id,
        townCode,
        villageCode: null,
        properties: { level, orders: square.orders, openOrders: square.openOrders, townCode, column: square.column, row: square.row },
        label: [(west + east) / 2, (south + north) / 2],
        geometry,
      });
    }
    insertFeatures(db, features);
  },
};

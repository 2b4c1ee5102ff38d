/**
 * SQL access for the GIS service, one copy for both stores. Layers map onto three tables (see
 * store.ts); every query starts from a layer's own condition, adds queryable filters and a spatial
 * prefilter, and pages by the row id (SQLite's rowid, PostgreSQL's indexed `rid`: stable insertion
 * order) so cursors stay valid while rows are added. What the stores do differently is asked of the
 * `GisStore` (gis-store.ts). The reads of requests (versions, pages, counts, identify, search) go
 * through the concurrent reads (a pool of connections on PostgreSQL, the store itself on SQLite);
 * building a tile index and rebuilding a derived layer stay on the store's own connection.
 */
import type { SqlStatement } from '../../storage/sql.js';
import type { Db } from '../../db.js';
import type { ConcurrentReads } from '../../storage/reads.js';
import type { BBox } from './geo.js';
import { gisStoreOf, type GisStore, type LayerRows, type SqlPart } from './gis-store.js';
import { tileColumns, type LayerDef, type Row, type TableName } from './layers.js';
import type { Period } from './period.js';
import { TABLE_COLUMNS } from './store.js';
import type { TileRenderer } from './tiles.js';

export interface ItemQuery {
  filters: { column: string; value: string }[];
  bbox: BBox | null;
  /** Only rows whose village code starts with this region prefix (layers drawn from a dataset). */
  regionPrefix: string | null;
  /** Only rows whose period (a layer's `period`) meets these days, YYYY-MM-DD, either end open (null). */
  period?: Period | null;
  afterRowid: number;
  limit: number;
}

interface LayerStats {
  version: string;
  count: number;
  bbox: BBox | null;
  checkedAt: number;
}

/** How long a layer's version is trusted before it is read again (count, max(row id) and the layer's write count). */
export const VERSION_TTL_MS = 5_000;

export class GisRepository {
  private readonly statements = new Map<string, SqlStatement>();
  private readonly stats = new Map<string, LayerStats>();
  /** Versions being read: requests that find a layer's version stale wait for the one read under way. */
  private readonly statsReads = new Map<string, Promise<LayerStats>>();
  /** Derived layers: the source version each was last built from, and when that was checked. */
  private readonly derivedFrom = new Map<string, { version: string; checkedAt: number }>();

  readonly store: GisStore;

  constructor(
    private readonly db: Db,
    private readonly reads: ConcurrentReads,
  ) {
    this.store = gisStoreOf(db);
  }

  private prepare(sql: string): SqlStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * A version string for the layer's data: changes with every write to its rows (gis/003), so tile
   * indexes, tile caches and ETags follow writes by other services without any notification.
   */
  layerStats(layer: LayerDef, now = Date.now()): Promise<LayerStats> {
    this.refreshDerived(layer, now);
    const known = this.stats.get(layer.id);
    if (known && now - known.checkedAt < VERSION_TTL_MS) return Promise.resolve(known);
    let reading = this.statsReads.get(layer.id);
    if (!reading) {
      reading = this.readStats(layer, known, now).finally(() => this.statsReads.delete(layer.id));
      this.statsReads.set(layer.id, reading);
    }
    return reading;
  }

  private async readStats(layer: LayerDef, known: LayerStats | undefined, now: number): Promise<LayerStats> {
    const head = (await this.reads.get<{ writes: number | null; n: number; last: number | null }>(
      `SELECT (SELECT sum(writes) FROM gis_writes WHERE table_name = ? AND ${layer.where}) AS writes, count(*) AS n, max(${this.store.rowId}) AS last
       FROM ${layer.table} WHERE ${layer.where}`,
      layer.table,
      ...layer.params,
      ...layer.params,
    ))!;
    const version = `${head.n}.${head.last ?? 0}.${head.writes ?? 0}`;
    if (known && known.version === version) {
      known.checkedAt = now;
      return known;
    }
    const box = (await this.reads.get<{ a: number | null; b: number; c: number; d: number }>(
      `SELECT min(min_lon) AS a, min(min_lat) AS b, max(max_lon) AS c, max(max_lat) AS d FROM ${layer.table} WHERE ${layer.where}`,
      ...layer.params,
    ))!;
    const stats: LayerStats = {
      version,
      count: head.n,
      bbox: box.a === null ? null : [box.a, box.b, box.c, box.d],
      checkedAt: now,
    };
    this.stats.set(layer.id, stats);
    return stats;
  }

  /**
   * Rebuilds a derived layer whose source changed since it was built (checked at most once per TTL).
   * Its stats are dropped with it, so the layer's version, tiles and ETags follow at once.
   */
  private refreshDerived(layer: LayerDef, now = Date.now()): void {
    if (!layer.derived) return;
    const known = this.derivedFrom.get(layer.id);
    if (known && now - known.checkedAt < VERSION_TTL_MS) return;
    const version = layer.derived.version(this.db);
    if (known?.version !== version) {
      this.db.transaction(() => layer.derived!.rebuild(this.db))();
      this.stats.delete(layer.id);
    }
    this.derivedFrom.set(layer.id, { version, checkedAt: now });
  }

  /** The first and last day of a periodic layer's features (its OGC temporal extent); null without periods or rows. */
  async periodExtent(layer: LayerDef): Promise<[string, string] | null> {
    if (!layer.period) return null;
    const start = this.store.jsonProperty(layer.period.start);
    const end = this.store.jsonProperty(layer.period.end);
    const { first, last } = (await this.reads.get<{ first: string | null; last: string | null }>(
      `SELECT min(${start.sql}) AS first, max(${end.sql}) AS last FROM ${layer.table} WHERE ${layer.where}`,
      ...start.params,
      ...end.params,
      ...layer.params,
    ))!;
    return first === null || last === null ? null : [first, last];
  }

  /** A layer's rows in a region scope as its tiles read them. */
  private layerRows(layer: LayerDef, regionPrefix: string | null): LayerRows {
    return {
      all: () => this.allRows(layer, regionPrefix),
      where: (period) => this.conditions(layer, { filters: [], bbox: null, regionPrefix, period }),
    };
  }

  /** A layer's vector tiles in a region scope, as the store makes them. */
  layerTiles(layer: LayerDef, regionPrefix: string | null): TileRenderer {
    return this.store.layerTiles(layer, this.layerRows(layer, regionPrefix), this.reads);
  }

  /** Every row of a layer (for building its tile index) with the layer's tile columns, in row id order. */
  private allRows(layer: LayerDef, regionPrefix: string | null): Row[] {
    const { sql, params } = this.conditions(layer, { filters: [], bbox: null, regionPrefix });
    const rid = this.store.rowId;
    return this.prepare(`SELECT ${rid} AS rid, ${tileColumns(layer).join(', ')} FROM ${layer.table} WHERE ${sql} ORDER BY ${rid}`).all(...params) as Row[];
  }

  /** A layer's rows for a query as one SQL condition; `exact` asks for geometry (not box) against the bbox. */
  private conditions(layer: LayerDef, query: Pick<ItemQuery, 'filters' | 'bbox' | 'regionPrefix' | 'period'>, exact = false): SqlPart {
    this.refreshDerived(layer);
    const parts = [`(${layer.where})`];
    const params: unknown[] = [...layer.params];
    if (query.period && layer.period) {
      // A period meets [from, to] when it ends on or after `from` and starts on or before `to` (as periodMeets).
      if (query.period.from !== null) {
        const end = this.store.jsonProperty(layer.period.end);
        parts.push(`${end.sql} >= ?`);
        params.push(...end.params, query.period.from);
      }
      if (query.period.to !== null) {
        const start = this.store.jsonProperty(layer.period.start);
        parts.push(`${start.sql} <= ?`);
        params.push(...start.params, query.period.to);
      }
    }
    if (query.regionPrefix !== null) {
      parts.push(`substr(village_code, 1, ?) = ?`);
      params.push(query.regionPrefix.length, query.regionPrefix);
    }
    for (const filter of query.filters) {
      parts.push(`${filter.column} = ?`);
      params.push(filter.value);
    }
    if (query.bbox) {
      const spatial = exact ? this.store.geometryMeets(layer.table, query.bbox) : this.store.bboxMeets(layer.table, query.bbox);
      parts.push(spatial.sql);
      params.push(...spatial.params);
    }
    return { sql: parts.join(' AND '), params };
  }

  /** Rows of a layer from the cursor's row id on: a keyset page (an index range scan on the row id). */
  items(layer: LayerDef, query: ItemQuery): Promise<Row[]> {
    const { sql, params } = this.conditions(layer, query);
    const rid = this.store.rowId;
    return this.reads.all<Row>(
      `SELECT ${rid} AS rid, ${columnsOf(layer.table)} FROM ${layer.table} WHERE ${sql} AND ${rid} > ? ORDER BY ${rid} LIMIT ?`,
      ...params,
      query.afterRowid,
      query.limit,
    );
  }

  async countItems(layer: LayerDef, query: Pick<ItemQuery, 'filters' | 'bbox' | 'regionPrefix' | 'period'>): Promise<number> {
    if (query.filters.length === 0 && !query.bbox && query.regionPrefix === null && !query.period) return (await this.layerStats(layer)).count;
    const { sql, params } = this.conditions(layer, query);
    return (await this.reads.get<{ n: number }>(`SELECT count(*) AS n FROM ${layer.table} WHERE ${sql}`, ...params))!.n;
  }

  item(layer: LayerDef, id: string, regionPrefix: string | null): Promise<Row | undefined> {
    const { sql, params } = this.conditions(layer, { filters: [], bbox: null, regionPrefix });
    return this.reads.get<Row>(`SELECT ${this.store.rowId} AS rid, ${columnsOf(layer.table)} FROM ${layer.table} WHERE ${sql} AND id = ?`, ...params, id);
  }

  /** Rows whose geometry (SQLite: box) meets `bbox` (identify candidates), at most `cap`. */
  near(layer: LayerDef, bbox: BBox, regionPrefix: string | null, cap: number): Promise<Row[]> {
    const { sql, params } = this.conditions(layer, { filters: [], bbox, regionPrefix }, true);
    return this.reads.all<Row>(`SELECT ${this.store.rowId} AS rid, ${columnsOf(layer.table)} FROM ${layer.table} WHERE ${sql} LIMIT ?`, ...params, cap);
  }

  /**
   * Named features of the searchable feature layers matching `q` by name (substring) or code
   * (prefix); a layer with a region prefix contributes only the rows inside it.
   */
  async searchFeatures(layers: { layerId: string; regionPrefix: string | null }[], q: string, cap: number): Promise<Row[]> {
    if (layers.length === 0) return [];
    const scoped = layers.map(({ regionPrefix }) => (regionPrefix === null ? '(layer_id = ?)' : '(layer_id = ? AND substr(village_code, 1, ?) = ?)'));
    const scopeParams = layers.flatMap(({ layerId, regionPrefix }) => (regionPrefix === null ? [layerId] : [layerId, regionPrefix.length, regionPrefix]));
    const pattern = `%${escapeLike(q)}%`;
    const prefix = `${escapeLike(q)}%`;
    return this.reads.all<Row>(
      `SELECT ${this.store.rowId} AS rid, ${columnsOf('gis_features')} FROM gis_features WHERE (${scoped.join(' OR ')})
         AND (name LIKE ? ESCAPE '\\' OR code LIKE ? ESCAPE '\\')
       ORDER BY length(name), code LIMIT ?`,
      ...scopeParams,
      pattern,
      prefix,
      cap,
    );
  }

  /** Parcels whose 宗地号 starts with `prefix` (an index range scan on the UNIQUE parcel_no). */
  searchParcels(prefix: string, cap: number): Promise<Row[]> {
    return this.reads.all<Row>(
      `SELECT ${this.store.rowId} AS rid, ${columnsOf('parcels')} FROM parcels WHERE parcel_no >= ? AND parcel_no < ? ORDER BY parcel_no LIMIT ?`,
      prefix,
      `${prefix}\uffff`,
      cap,
    );
  }

  /** Rows of the generic feature table by layer id, for the basemap. */
  featureRows(layerId: string): Row[] {
    const rid = this.store.rowId;
    return this.prepare(`SELECT ${rid} AS rid, ${columnsOf('gis_features')} FROM gis_features WHERE layer_id = ? ORDER BY ${rid}`).all(layerId) as Row[];
  }
}

const columnsOf = (table: TableName): string => TABLE_COLUMNS[table].join(', ');

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Where the GIS service's SQL differs between the stores: the row id that orders pages and numbers
 * tile features, the spatial predicates, JSON access, and how a layer's vector tile is made. SQLite
 * keeps geometry as GeoJSON text with bbox columns (an R*Tree for parcels) and cuts tiles in
 * JavaScript (geojson-vt over a layer's rows); PostGIS answers the same questions from the `geom`
 * columns and their GiST indexes and makes tiles with ST_AsMVT from the stored Web-Mercator
 * `geom_mercator`. Everything else — the layers, the queries' shape, masking, paging, caching — is
 * one copy in the repository and the handlers.
 */
import type { Feature } from 'geojson';
import { pointInGeometry, type Areal } from '@citybrain/domain';
import type { Db } from '../../db.js';
import type { ConcurrentReads } from '../../storage/reads.js';
import { tileBounds, type BBox, type StoredGeometry } from './geo.js';
import { tileProperties, type LayerDef, type Row, type TableName } from './layers.js';
import { periodMeets, type Period } from './period.js';
import { GIS_SRID, TABLE_COLUMNS } from './store.js';
import { GeojsonVtRenderer, TILE_BUFFER, TILE_EXTENT, TILE_TOLERANCE, type TileRenderer } from './tiles.js';

export interface SqlPart {
  sql: string;
  params: unknown[];
}

/**
 * What a layer's tiles read (within a region scope): all its rows for an index, or its SQL condition
 * for a tile (within a period; the tile's own spatial condition is the store's).
 */
export interface LayerRows {
  all(): Row[];
  where(period: Period | null): SqlPart;
}

export interface GisStore {
  /** The integer column that orders a table's rows as they were added: keyset paging and tile feature ids. */
  readonly rowId: string;
  /** Rows whose box meets `bbox` (OGC `bbox`: the stores agree on box semantics). */
  bboxMeets(table: TableName, bbox: BBox): SqlPart;
  /** Rows whose geometry meets `bbox`: identify's candidates, measured exactly afterwards. */
  geometryMeets(table: TableName, bbox: BBox): SqlPart;
  /** A text property of the row's JSON `properties`. */
  jsonProperty(key: string): SqlPart;
  /** The zones whose geometry holds the point. */
  zonesAt(lon: number, lat: number): Row[];
  /** The vector tiles of one layer from its rows; tiles made by the database are read through `reads`. */
  layerTiles(layer: LayerDef, rows: LayerRows, reads: ConcurrentReads): TileRenderer;
  tableExists(name: string): boolean;
}

const ZONE_COLUMNS = TABLE_COLUMNS.zones.join(', ');

const boxColumnsMeet = (bbox: BBox): SqlPart => ({
  sql: 'min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ?',
  params: [bbox[2], bbox[0], bbox[3], bbox[1]],
});

class SqliteGisStore implements GisStore {
  readonly rowId = 'rowid';

  constructor(private readonly db: Db) {}

  bboxMeets(table: TableName, bbox: BBox): SqlPart {
    const box = boxColumnsMeet(bbox);
    // The R*Tree finds the few hundred parcels of a bbox without scanning 100 000 rows.
    return table === 'parcels' ? { sql: `rowid IN (SELECT id FROM parcels_rtree WHERE ${box.sql})`, params: box.params } : box;
  }

  geometryMeets(table: TableName, bbox: BBox): SqlPart {
    return this.bboxMeets(table, bbox);
  }

  jsonProperty(key: string): SqlPart {
    return { sql: 'json_extract(properties, ?)', params: [`$.${key}`] };
  }

  zonesAt(lon: number, lat: number): Row[] {
    // The boxes narrow the candidates in SQL; the exact test runs on the few that remain.
    const box = boxColumnsMeet([lon, lat, lon, lat]);
    const candidates = this.db.prepare(`SELECT rowid AS rid, ${ZONE_COLUMNS} FROM zones WHERE ${box.sql}`).all(...box.params) as Row[];
    return candidates.filter((row) => pointInGeometry([lon, lat], JSON.parse(row.geometry) as Areal));
  }

  layerTiles(layer: LayerDef, rows: LayerRows, _reads: ConcurrentReads): TileRenderer {
    const days = layer.period;
    return new GeojsonVtRenderer(
      layer.maxzoom,
      () =>
        new Map([
          [
            layer.id,
            rows.all().map(
              (row): Feature => ({
                type: 'Feature',
                // MVT feature ids are integers: the rowid; the string id travels as the `id` property.
                id: row.rid,
                geometry: JSON.parse(row.geometry) as StoredGeometry,
                properties: tileProperties(layer, row),
              }),
            ),
          ],
        ]),
      days ? (period, attributes) => periodMeets(period, attributes[days.start], attributes[days.end]) : undefined,
    );
  }

  tableExists(name: string): boolean {
    return Boolean(this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name));
  }
}

const envelope = `ST_MakeEnvelope(?, ?, ?, ?, ${GIS_SRID})`;

class PostgisGisStore implements GisStore {
  readonly rowId = 'rid';

  constructor(private readonly db: Db) {}

  bboxMeets(_table: TableName, bbox: BBox): SqlPart {
    return { sql: `geom && ${envelope}`, params: [...bbox] };
  }

  geometryMeets(_table: TableName, bbox: BBox): SqlPart {
    return { sql: `geom && ${envelope} AND ST_Intersects(geom, ${envelope})`, params: [...bbox, ...bbox] };
  }

  jsonProperty(key: string): SqlPart {
    return { sql: '(properties::jsonb ->> ?)', params: [key] };
  }

  zonesAt(lon: number, lat: number): Row[] {
    const point = `ST_SetSRID(ST_MakePoint(?, ?), ${GIS_SRID})`;
    return this.db
      .prepare(`SELECT rid, ${ZONE_COLUMNS} FROM zones WHERE geom && ${point} AND ST_Intersects(geom, ${point})`)
      .all(lon, lat, lon, lat) as Row[];
  }

  layerTiles(layer: LayerDef, rows: LayerRows, reads: ConcurrentReads): TileRenderer {
    return new PostgisTileRenderer(reads, layer, rows);
  }

  tableExists(name: string): boolean {
    return (this.db.prepare('SELECT to_regclass(?) IS NOT NULL AS found').get(name) as { found: boolean }).found;
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A layer's tile made by PostGIS: the layer's rows over the tile, found and projected through the
 * stored Web-Mercator geometry (`geom_mercator`, gis/002, with its GiST index) so a request
 * transforms nothing — lon/lat taken as WGS 84 Web Mercator, as the SQLite tiles take them —
 * simplified by zoom as geojson-vt simplifies (TILE_TOLERANCE tile units below the layer's max zoom,
 * none at it, and features smaller than that left out), clipped with the same buffer and encoded by
 * ST_AsMVT with the same layer name, attributes and integer feature ids (`rid`, SQLite's rowid). The
 * query runs on the read pool, beside other requests' reads.
 */
class PostgisTileRenderer implements TileRenderer {
  constructor(
    private readonly reads: ConcurrentReads,
    private readonly layer: LayerDef,
    private readonly rows: LayerRows,
  ) {}

  async render(z: number, x: number, y: number, period: Period | null): Promise<Buffer | null> {
    const { layer } = this;
    const where = this.rows.where(period);
    const simplify = z < layer.maxzoom;
    // One tile unit in degrees of longitude and (at this tile) latitude: the size under which geojson-vt drops a feature.
    const bounds = tileBounds(z, x, y);
    const unitLon = (bounds[2] - bounds[0]) / TILE_EXTENT;
    const unitLat = (bounds[3] - bounds[1]) / TILE_EXTENT;
    const tooSmall = simplify && layer.geometryType !== 'Point'
      ? { sql: ' AND NOT (max_lon - min_lon < ? AND max_lat - min_lat < ?)', params: [TILE_TOLERANCE * unitLon, TILE_TOLERANCE * unitLat] }
      : { sql: '', params: [] };
    const attributes = layer.tileAttributes.map(({ property, column }) => `${column} AS ${quoted(property)}`);
    const extras = layer.tileExtras?.length
      ? `(SELECT jsonb_object_agg(key, value) FROM jsonb_each(properties::jsonb)
           WHERE key = ANY(?::text[]) AND jsonb_typeof(value) IN ('string', 'number', 'boolean')) AS tile_extras`
      : null;
    // Douglas–Peucker as geojson-vt simplifies; the topology-preserving variant took 3× as long on a dense z14 tile
    // (≈ 350 vs 120 ms for 12,000 parcels), and a ring it collapses is dropped by ST_AsMVTGeom as geojson-vt drops it.
    const tileGeometry = simplify ? 'ST_Simplify(geom_mercator, ?)' : 'geom_mercator';
    // Tile units in metres of Web Mercator at this zoom.
    const unitMetres = (2 * Math.PI * 6378137) / 2 ** z / TILE_EXTENT;
    // ST_AsMVT leaves out the rows whose ST_AsMVTGeom came to nothing (NULL); filtering them here would compute it twice.
    const row = await this.reads.get<{ mvt: Buffer | null }>(
      `SELECT ST_AsMVT(tile, ?, ${TILE_EXTENT}, 'geom', 'rid') AS mvt FROM (
         SELECT rid, ST_AsMVTGeom(${tileGeometry}, ST_TileEnvelope(?, ?, ?), ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom,
           ${[...attributes, ...(extras ? [extras] : [])].join(', ')}
         FROM ${layer.table}
         WHERE geom_mercator && ST_TileEnvelope(?, ?, ?, margin => ?) AND ${where.sql}${tooSmall.sql}
       ) AS tile`,
      layer.id,
      ...(simplify ? [TILE_TOLERANCE * unitMetres] : []),
      z,
      x,
      y,
      ...(extras ? [layer.tileExtras] : []),
      z,
      x,
      y,
      TILE_BUFFER / TILE_EXTENT,
      ...where.params,
      ...tooSmall.params,
    );
    return row?.mvt && row.mvt.length > 0 ? row.mvt : null;
  }
}

const stores = new WeakMap<Db, GisStore>();

export function gisStoreOf(db: Db): GisStore {
  let store = stores.get(db);
  if (!store) {
    store = db.dialect === 'sqlite' ? new SqliteGisStore(db) : new PostgisGisStore(db);
    stores.set(db, store);
  }
  return store;
}

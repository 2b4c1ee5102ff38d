/**
 * Fills a sandbox's store at scale with bulk SQL, straight into the tables the services' migrations
 * made (the sandbox is stopped meanwhile): parcels spread over the district's villages, and rows of the
 * data platform's big table. One function per table; each reads the table's columns from the database
 * and fills those it knows (a column it does not know and cannot leave empty is an error naming it),
 * so a service's schema can change without touching the rest of the benchmark.
 *
 * SQLite: a recursive CTE counts the rows, squares are placed at hashed positions inside each village's
 * bounding box. PostgreSQL + PostGIS: `generate_series`, and `ST_GeneratePoints` inside each village's
 * polygon. Secondary indexes are dropped for the load and rebuilt after it (one B-tree or GiST build
 * is several times faster than maintaining it row by row), then the planner statistics are refreshed.
 */
import { SAMPLE_BUCKETS, DATASET_TABLES } from '../../packages/sandbox/src/services/data/tables.ts';

/** The dataset the row pages are measured on: the market-entity register (`jc_scjg_scztdjxx`). */
export const SCALE_DATASET = 'market-enterprises';
/** Parcel numbers of the fill use these letters (the seed uses JC), so they never meet a seeded one. */
export const SCALE_PARCEL_LETTERS = 'BK';
/** Registration codes of the fill start with 91440605X (the seed's bodies are digits or MA…). */
const SCALE_USCC_PREFIX = '91440605X';

/** Half the side of a parcel square in metres, before the per-parcel factor 0.8–1.2 (≈ 144 m² on average). */
const PARCEL_HALF_SIDE_M = 6;
const METRES_PER_DEGREE = 111_320;
/** cos(23°): the district lies near 23° N; good enough for squares of a dozen metres. */
const COS_LATITUDE = 0.9205;
/** Days from 1992-01-01 to mid-2026: the fill's registration dates run across them. */
const REGISTRY_SPAN_DAYS = 12_600;

// ---------------------------------------------------------------- dialect helpers

/** SQL spellings that differ between the stores. */
const DIALECTS = {
  sqlite: {
    pad: (expr, width) => `printf('%0${width}d', ${expr})`,
    addDays: (isoDate, days) => `date('${isoDate}', '+' || (${days}) || ' days')`,
    addSeconds: (isoDate, seconds) => `strftime('%Y-%m-%dT%H:%M:%S+08:00', '${isoDate}', '+' || (${seconds}) || ' seconds')`,
    real: (expr) => `CAST(${expr} AS REAL)`,
  },
  postgres: {
    pad: (expr, width) => `lpad((${expr})::text, ${width}, '0')`,
    addDays: (isoDate, days) => `to_char(DATE '${isoDate}' + (${days})::int, 'YYYY-MM-DD')`,
    addSeconds: (isoDate, seconds) => `to_char(TIMESTAMP '${isoDate}' + make_interval(secs => ${seconds}), 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"')`,
    real: (expr) => `(${expr})::double precision`,
  },
};

/** A pseudo-random fraction in [0, 1) of the integer expression `i` (a multiplicative hash; deterministic). */
const fraction = (i, multiplier, modulus) => `(((${i}) * ${multiplier}) % ${modulus}) * 1.0 / ${modulus}`;

/** `CASE expr % n WHEN 0 THEN … END` over a list of SQL literals (both stores; no arrays in SQLite). */
function pick(i, values) {
  const literal = (value) => (typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`);
  return `CASE (${i}) % ${values.length} ${values.map((value, k) => `WHEN ${k} THEN ${literal(value)}`).join(' ')} END`;
}

// ---------------------------------------------------------------- store access

/** The table's columns: name, whether it may be left out (nullable, default), whether the store computes it, and its type. */
async function columnsOf(store, table) {
  if (store.dialect === 'sqlite') {
    // table_xinfo also lists generated columns (hidden 2 and 3), which take no value.
    const rows = await store.all(`SELECT name, "notnull" AS required, dflt_value AS fallback, pk, type, hidden FROM pragma_table_xinfo('${table}')`);
    return rows.map((r) => ({ name: r.name, optional: (!r.required || r.fallback !== null) && !r.pk, generated: r.hidden === 2 || r.hidden === 3, type: String(r.type).toLowerCase() }));
  }
  return store.all(
    `SELECT column_name AS name, is_nullable = 'YES' OR column_default IS NOT NULL OR is_identity = 'YES' AS optional,
            is_generated = 'ALWAYS' OR identity_generation = 'ALWAYS' AS generated, udt_name AS type
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
}

/** The columns to insert and their expressions; throws naming a required column nobody knows how to fill. */
function insertList(table, columns, known) {
  if (!columns.length) throw new Error(`scale fill: the store has no table ${table} (did the sandbox migrate it?)`);
  const chosen = [];
  for (const column of columns) {
    // Generated columns (PostGIS `geom` derived from the GeoJSON text, identity row ids) fill themselves.
    if (column.generated) continue;
    const expression = known(column);
    if (expression !== undefined) chosen.push({ name: column.name, expression });
    else if (!column.optional) throw new Error(`scale fill: ${table}.${column.name} is required and bench/scale/fill.mjs does not know how to fill it`);
  }
  return { names: chosen.map((c) => `"${c.name}"`).join(', '), expressions: chosen.map((c) => c.expression).join(',\n      ') };
}

/** Drops the table's secondary indexes (not those behind a key) and returns a function that rebuilds them. */
async function withoutSecondaryIndexes(store, table) {
  const indexes =
    store.dialect === 'sqlite'
      ? await store.all(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '${table}' AND sql IS NOT NULL`)
      : await store.all(
          `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS sql
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`,
          [table],
        );
  for (const index of indexes) await store.exec(`DROP INDEX "${index.name}"`);
  return async () => {
    for (const index of indexes) await store.exec(index.sql);
    // On PostgreSQL also VACUUM, as after any bulk load: otherwise autovacuum scans the 10 M new rows
    // in the middle of the measurements (a worker started during the row page workloads of a run).
    await store.exec(store.dialect === 'postgres' ? `VACUUM (ANALYZE) "${table}"` : `ANALYZE "${table}"`);
  };
}

async function count(store, sql, params = []) {
  const [row] = await store.all(sql, params);
  return Number(row.n);
}

/** Runs `fill(from, to)` over [0, total) in batches, logging progress; returns rows and seconds. */
async function inBatches(total, batch, fill, log, label) {
  const started = performance.now();
  for (let from = 0; from < total; from += batch) {
    const to = Math.min(total, from + batch);
    await fill(from, to);
    if (total > batch) log?.(`    ${label}: ${to.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${Math.round((performance.now() - started) / 1000)} s)`);
  }
  return (performance.now() - started) / 1000;
}

// ---------------------------------------------------------------- villages

/** The district's villages (from the GIS service's `villages` layer) as a scratch table `scale_villages`. */
async function stageVillages(store) {
  const features = await columnsOf(store, 'gis_features');
  await store.exec('DROP TABLE IF EXISTS scale_villages');
  if (store.dialect === 'sqlite') {
    await store.exec(`CREATE TEMP TABLE scale_villages AS
      SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, town_code, min_lon, min_lat, max_lon, max_lat
        FROM gis_features WHERE layer_id = 'villages'`);
  } else {
    // The polygon: a PostGIS column if the GIS service keeps one, else its GeoJSON text.
    const geometryColumn = features.find((c) => c.type === 'geometry')?.name;
    const polygon = geometryColumn ? `ST_SetSRID("${geometryColumn}", 0)` : 'ST_GeomFromGeoJSON(geometry)';
    await store.exec(`CREATE TEMP TABLE scale_villages AS
      SELECT (row_number() OVER (ORDER BY code) - 1)::int AS k, code, town_code, ${polygon} AS g
        FROM gis_features WHERE layer_id = 'villages'`);
  }
  const villages = await count(store, 'SELECT count(*) AS n FROM scale_villages');
  if (!villages) throw new Error('scale fill: no villages in gis_features (was the sandbox seeded?)');
  return villages;
}

// ---------------------------------------------------------------- parcels

/**
 * The SQL expression of each parcel column, over the row source's aliases: `i` (0-based number of the
 * parcel in the fill), `seq` (its number in its village), `v` (village code), `t` (town code), `x0 y0 x1 y1`
 * (its square), `side` (its side in metres) and, on PostgreSQL, `sq` (the square as a geometry, SRID 0).
 */
function parcelColumn(dialect, geometrySrid) {
  const d = DIALECTS[dialect];
  const geoJson =
    dialect === 'sqlite'
      ? `printf('{"type":"Polygon","coordinates":[[[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f]]]}', x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)`
      : 'ST_AsGeoJSON(ST_ForcePolygonCCW(sq), 7)';
  const known = {
    id: `'P-' || v || '-${SCALE_PARCEL_LETTERS}' || ${d.pad('seq', 5)}`,
    parcel_no: `v || '${SCALE_PARCEL_LETTERS}' || ${d.pad('seq', 5)}`,
    village_code: 'v',
    town_code: 't',
    owner_name: `${pick('i', ['陈', '李', '黄', '梁', '何', '麦', '冼', '潘'])} || ${pick('i / 8', ['志强', '丽华', '伟明', '淑贞', '国栋', '美玲', '家豪', '桂英'])}`,
    owner_phone: `'13' || ${d.pad('(i * 7919) % 1000000000', 9)}`,
    area_sqm: 'round(side * side, 2)',
    land_use: pick('i', ['rural-housing', 'rural-housing', 'rural-housing', 'ancillary', 'vacant']),
    status: pick('i / 5', ['registered', 'registered', 'approved', 'pending', 'unapproved']),
    floors: `1 + (i % 4)`,
    min_lon: 'x0',
    min_lat: 'y0',
    max_lon: 'x1',
    max_lat: 'y1',
    geometry: geoJson,
  };
  return (column) => {
    if (column.type === 'geometry') return geometrySrid ? `ST_SetSRID(sq, ${geometrySrid})` : 'sq';
    return known[column.name];
  };
}

/** Rows of the parcel source for fill numbers [from, to), with the aliases parcelColumn expects. */
function parcelSource(dialect, villages, from, to) {
  const hx = PARCEL_HALF_SIDE_M / (METRES_PER_DEGREE * COS_LATITUDE);
  const hy = PARCEL_HALF_SIDE_M / METRES_PER_DEGREE;
  const factor = `(0.8 + 0.4 * ${fraction('i', 31, 97)})`;
  if (dialect === 'sqlite') {
    // Positions inside each village's box; parcel i belongs to village i % V, as number i / V + 1 there.
    return `
      WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${to}),
      placed AS (
        SELECT i, i / ${villages} + 1 AS seq, code AS v, town_code AS t, ${factor} AS f,
               min_lon + (max_lon - min_lon) * ${fraction('i', 7919, 10007)} AS cx,
               min_lat + (max_lat - min_lat) * ${fraction('i', 104729, 10009)} AS cy
          FROM n JOIN scale_villages ON k = i % ${villages})
      SELECT i, seq, v, t, ${PARCEL_HALF_SIDE_M * 2} * f AS side,
             cx - ${hx} * f AS x0, cy - ${hy} * f AS y0, cx + ${hx} * f AS x1, cy + ${hy} * f AS y1
        FROM placed`;
  }
  // Village k gets the fill numbers ≡ k (mod V) in [from, to): the first is `first`, then every V-th; as
  // many points inside its polygon (seeded by the batch, so a rerun places them alike).
  const first = `(${from} + ((k - ${from} % ${villages} + ${villages}) % ${villages}))`;
  return `
    SELECT i, seq, v, t, side, ST_XMin(sq) AS x0, ST_YMin(sq) AS y0, ST_XMax(sq) AS x1, ST_YMax(sq) AS y1, sq
      FROM (
        SELECT i, i / ${villages} + 1 AS seq, v, t, ${PARCEL_HALF_SIDE_M * 2} * f AS side, ST_Expand(pt, ${hx} * f, ${hy} * f) AS sq
          FROM (
            SELECT i, v, t, pt, ${factor} AS f
              FROM (
                SELECT (first_i + ${villages} * (d.path[1] - 1))::bigint AS i, code AS v, town_code AS t, d.geom AS pt
                  FROM (SELECT *, ${first} AS first_i, (${to} - 1 - ${first}) / ${villages} + 1 AS points
                          FROM scale_villages WHERE ${first} < ${to}) AS batch,
                  LATERAL ST_Dump(ST_GeneratePoints(g, points::int, ${from} + 1)) AS d
              ) AS numbered
          ) AS sized
      ) AS squares`;
}

/**
 * Adds `total` parcels spread evenly over the villages (SQLite also fills its R*Tree).
 * @returns {Promise<{ table: string, rows: number, seconds: number, tableRows: number }>}
 */
export async function fillParcels(store, total, { batch = 250_000, log } = {}) {
  const villages = await stageVillages(store);
  const columns = await columnsOf(store, 'parcels');
  let srid = 0;
  if (store.dialect === 'postgres' && columns.some((c) => c.type === 'geometry')) {
    const geometryColumn = columns.find((c) => c.type === 'geometry').name;
    srid = (await count(store, `SELECT Find_SRID(current_schema()::varchar, 'parcels', '${geometryColumn}') AS n`)) || 4490;
  }
  const { names, expressions } = insertList('parcels', columns, parcelColumn(store.dialect, srid));
  const rebuild = await withoutSecondaryIndexes(store, 'parcels');
  const hasRtree = store.dialect === 'sqlite' && (await count(store, "SELECT count(*) AS n FROM sqlite_master WHERE name = 'parcels_rtree'")) > 0;
  const seconds = await inBatches(
    total,
    batch,
    async (from, to) => {
      const firstRowid = hasRtree ? (await count(store, 'SELECT coalesce(max(rowid), 0) AS n FROM parcels')) : 0;
      await store.exec(`INSERT INTO parcels (${names})\n    SELECT ${expressions}\n    FROM (${parcelSource(store.dialect, villages, from, to)}) AS source`);
      if (hasRtree) {
        await store.exec(`INSERT INTO parcels_rtree (id, min_lon, max_lon, min_lat, max_lat)
          SELECT rowid, min_lon, max_lon, min_lat, max_lat FROM parcels WHERE rowid > ${firstRowid}`);
      }
    },
    log,
    'parcels',
  );
  const indexStarted = performance.now();
  await rebuild();
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  await store.exec('DROP TABLE IF EXISTS scale_villages');
  return { table: 'parcels', rows: total, seconds: seconds + indexSeconds, indexSeconds, tableRows: await count(store, 'SELECT count(*) AS n FROM parcels') };
}

// ---------------------------------------------------------------- dataset rows

/** The SQL expression of one dataset column by its type, over `i` (row number) and `v` (village code). */
function datasetValue(dialect, def, position, total) {
  const d = DIALECTS[dialect];
  const salt = 17 + position * 13;
  const spread = (modulus) => `((i * ${salt * 7919 + 1}) % ${modulus})`;
  if (def.primaryKey) {
    // Unique and ascending with i, so the key's B-tree is appended to, as a registry's codes are issued.
    if (def.type === 'uscc') return `'${SCALE_USCC_PREFIX}' || ${d.pad('i', 9)}`;
    if (def.type === 'integer') return `i + 1000000000`;
    return `'S' || ${d.pad('i', 10)}`;
  }
  switch (def.type) {
    case 'enum':
      return pick(spread(1009), def.options.map((o) => o.value));
    case 'region-code':
      return 'v';
    case 'integer':
      return spread(500);
    case 'number':
    case 'money':
    case 'area-sqm':
    case 'area-mu':
    case 'length-km':
      return d.real(`${spread(1_000_000)} / 100.0`);
    case 'percent':
      return d.real(`${spread(10_000)} / 100.0`);
    case 'longitude':
      return d.real(`112.95 + ${fraction('i', 7919, 10007)} * 0.3`);
    case 'latitude':
      return d.real(`22.9 + ${fraction('i', 104729, 10009)} * 0.3`);
    case 'boolean':
      return `${spread(1009)} % 2`;
    case 'date':
      // Ascending with the row number over 1992–2026, as registrations accumulate.
      return d.addDays('1992-01-01', `(i * ${REGISTRY_SPAN_DAYS}) / ${total}`);
    case 'datetime':
      return d.addSeconds('2020-01-01T00:00:00', spread(200_000_000));
    case 'year-month':
      return `'20' || ${d.pad(`10 + ${spread(16)}`, 2)} || '-' || ${d.pad(`1 + ${spread(12)}`, 2)}`;
    case 'phone':
      return `'13' || ${d.pad(spread(1_000_000_000), 9)}`;
    case 'person-name':
      return `${pick('i', ['陈', '李', '黄', '梁', '何', '麦', '冼', '潘', '张', '罗'])} || ${pick(spread(1009), ['志强', '丽华', '伟明', '淑贞', '国栋', '美玲', '家豪', '桂英', '俊杰'])}`;
    case 'address':
      return `'佛山市南海区规模测试路' || (1 + ${spread(999)}) || '号'`;
    case 'id-number':
      return `'440605' || ${d.pad(`19500101 + ${spread(500)} * 100`, 8)} || ${d.pad(spread(10_000), 4)}`;
    case 'uscc':
      return `'${SCALE_USCC_PREFIX}' || ${d.pad(spread(1_000_000_000), 9)}`;
    default:
      // string, text, geometry-ref
      return `'规模测试' || ${def.name === 'companyName' ? "'企业' || i || '有限公司'" : `'${def.name}-' || i`}`;
  }
}

/** Row source: numbers [from, to) joined to their village (row i lies in village i % V). */
function rowSource(dialect, villages, from, to) {
  if (dialect === 'sqlite') {
    return `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${to})
      SELECT i, code AS v FROM n JOIN scale_villages ON k = i % ${villages}`;
  }
  return `SELECT i, code AS v FROM generate_series(${from}::bigint, ${to - 1}::bigint) AS i JOIN scale_villages ON k = i % ${villages}`;
}

/**
 * Adds `total` rows to the big dataset's table and refreshes what the data service derives from it
 * (rows per village in `data_region_counts`, the 1 % sample bucket column).
 * @returns {Promise<{ table: string, rows: number, seconds: number, tableRows: number }>}
 */
export async function fillDatasetRows(store, total, { datasetId = SCALE_DATASET, batch = 1_000_000, log } = {}) {
  const table = DATASET_TABLES.get(datasetId);
  if (!table) throw new Error(`scale fill: no dataset ${datasetId}`);
  const tableName = table.dataset.tableName;
  const villages = await stageVillages(store);
  const columns = await columnsOf(store, tableName);
  const expressionOf = new Map(table.columns.map((c, position) => [c.sql.slice(1, -1), datasetValue(store.dialect, c.def, position, total)]));
  expressionOf.set('_sample', `i % ${SAMPLE_BUCKETS}`);
  const { names, expressions } = insertList(tableName, columns, (column) => expressionOf.get(column.name));
  const rebuild = await withoutSecondaryIndexes(store, tableName);
  const seconds = await inBatches(
    total,
    batch,
    (from, to) => store.exec(`INSERT INTO ${table.sql} (${names})\n    SELECT ${expressions}\n    FROM (${rowSource(store.dialect, villages, from, to)}) AS source`),
    log,
    tableName,
  );
  const indexStarted = performance.now();
  await rebuild();
  await store.exec(`DELETE FROM data_region_counts WHERE dataset_id = '${datasetId}'`);
  await store.exec(`INSERT INTO data_region_counts (dataset_id, region_code, row_count)
    SELECT '${datasetId}', ${table.region.sql}, COUNT(*) FROM ${table.sql} GROUP BY ${table.region.sql}`);
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  await store.exec('DROP TABLE IF EXISTS scale_villages');
  return { table: tableName, rows: total, seconds: seconds + indexSeconds, indexSeconds, tableRows: await count(store, `SELECT count(*) AS n FROM ${table.sql}`) };
}

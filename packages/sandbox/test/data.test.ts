/**
 * The data platform service against a real sandbox on loopback (small seed, contract check on, so
 * every response below is also checked against openapi/data.yaml).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateIdNumber } from '@citybrain/domain';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { DATASET_TABLES } from '../src/services/data/tables.js';
import { buildPlan, countRows } from '../src/services/data/query.js';

type Row = Record<string, string | number | boolean | null>;

interface RowsPage {
  datasetId: string;
  regionScope: string;
  sort: string[];
  columns: string[];
  items: Row[];
  page: { limit: number; nextCursor: string | null; total: number | null; totalExact?: boolean };
  masking: { masked: boolean; fields: string[]; reason: string | null; columns: { name: string; rule: string; reason: string }[] };
}

interface Summary {
  id: string;
  layer: string;
  ownerDept: { code: string };
  theme: string;
  shareType: string;
  openType: string;
  rowCount: number;
  access: { read: boolean; export: boolean; unmask: boolean; reason: string | null; canApply?: boolean };
}

interface Column {
  name: string;
  type: string;
  itemType: string;
  sortable: boolean;
  filterOperators: string[];
  maskedForCaller: boolean;
  maskRule: string;
  options?: { value: string; label: { zh: string; en: string } }[];
}

interface Problem {
  status: number;
  errors?: { name: string; reason: string }[];
}

const SHISHAN = '440605124';
const GUICHENG = '440605011';
const TANGBIAN = '440605124201';

describe('data service', () => {
  let sandbox: TestSandbox;
  const tokens = new Map<string, string>();

  before(async () => {
    sandbox = await startTestSandbox();
    for (const client of ['demo-district', 'demo-dept-agri', 'demo-dept-natres', 'demo-town-shishan', 'demo-town-guicheng', 'demo-village-tangbian']) {
      tokens.set(client, await sandbox.token(client));
    }
  });
  after(() => sandbox.close());

  /** GET as a demo client (or anonymously) and parse the JSON body. */
  async function get<T>(path: string, client?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> {
    const response = await sandbox.api(path, { token: client ? tokens.get(client) : undefined, headers });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
  }

  async function rows(datasetId: string, query: string, client?: string): Promise<RowsPage> {
    const { status, body } = await get<RowsPage>(`/data/datasets/${datasetId}/rows?${query}`, client);
    assert.equal(status, 200, JSON.stringify(body));
    return body;
  }

  /** Follows nextCursor to the end and returns every row in order, with the number of pages. */
  async function allRows(datasetId: string, query: string, client: string): Promise<{ items: Row[]; pages: number; first: RowsPage }> {
    const items: Row[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let first: RowsPage | undefined;
    do {
      const page: RowsPage = await rows(datasetId, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, client);
      first ??= page;
      items.push(...page.items);
      cursor = page.page.nextCursor;
      pages++;
      assert.ok(pages < 500, 'paging does not end');
    } while (cursor);
    return { items, pages, first: first! };
  }

  async function count(datasetId: string, query: string, client: string): Promise<number> {
    const { status, body } = await get<{ count: number; exact: boolean }>(`/data/datasets/${datasetId}/count?mode=exact&${query}`, client);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.exact, true);
    return body.count;
  }

  async function problem(path: string, client?: string, headers?: Record<string, string>): Promise<Problem> {
    const { status, body } = await get<Problem>(path, client, headers);
    assert.ok(status >= 400, `expected a problem for ${path}, got ${status}`);
    return body;
  }

  describe('catalogue', () => {
    it('lists at least 20 datasets in three layers from several departments, ordered base → theme → topic', async () => {
      const { body } = await get<{ items: Summary[]; page: { total: number } }>('/data/datasets?limit=100', 'demo-district');
      assert.ok(body.items.length >= 20);
      assert.equal(body.page.total, body.items.length);
      assert.deepEqual([...new Set(body.items.map((d) => d.layer))], ['base', 'theme', 'topic']);
      assert.ok(new Set(body.items.map((d) => d.ownerDept.code)).size >= 10);
      const registry = body.items.find((d) => d.id === 'market-enterprises')!;
      assert.equal(registry.rowCount, 20_000);
    });

    it('filters by layer, department, theme, share type and text', async () => {
      const all = (await get<{ items: Summary[] }>('/data/datasets?limit=100', 'demo-district')).body.items;
      for (const [query, predicate] of [
        ['layer=topic', (d: Summary) => d.layer === 'topic'],
        ['dept=MARKET', (d: Summary) => d.ownerDept.code === 'MARKET'],
        ['theme=industrial-renewal', (d: Summary) => d.theme === 'industrial-renewal'],
        ['shareType=none', (d: Summary) => d.shareType === 'none'],
        ['layer=base&shareType=conditional', (d: Summary) => d.layer === 'base' && d.shareType === 'conditional'],
      ] as const) {
        const { body } = await get<{ items: Summary[] }>(`/data/datasets?limit=100&${query}`, 'demo-district');
        const expected = all.filter(predicate).map((d) => d.id);
        assert.ok(expected.length > 0, query);
        assert.deepEqual(body.items.map((d) => d.id), expected, query);
      }
      const text = await get<{ items: Summary[] }>(`/data/datasets?q=${encodeURIComponent('村级工业园')}`, 'demo-district');
      assert.deepEqual(text.body.items.map((d) => d.id), ['industrial-park-projects']);
    });

    it('pages through the catalogue with a cursor, each dataset once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/data/datasets?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
        const { body } = await get<{ items: Summary[]; page: { nextCursor: string | null } }>(query, 'demo-district');
        seen.push(...body.items.map((d) => d.id));
        cursor = body.page.nextCursor;
      } while (cursor);
      const all = (await get<{ items: Summary[] }>('/data/datasets?limit=100', 'demo-district')).body.items.map((d) => d.id);
      assert.deepEqual(seen, all);
    });

    it('shows the public only 无条件开放 datasets, and hides the others entirely', async () => {
      const { body } = await get<{ items: Summary[] }>('/data/datasets?limit=100');
      assert.ok(body.items.length > 0);
      assert.ok(body.items.every((d) => d.openType === 'open' && d.access.read && !d.access.export));
      assert.equal((await get('/data/datasets/market-enterprises')).status, 404);
      assert.equal((await get('/data/datasets/population-residents/rows')).status, 404);
    });

    it('applies the 共享 classes per caller', async () => {
      const access = async (client: string, id: string) => (await get<Summary>(`/data/datasets/${id}`, client)).body.access;
      assert.deepEqual(await access('demo-district', 'social-assistance'), { read: true, export: true, unmask: true, reason: null, canApply: false, grant: null });
      const refused = await access('demo-town-shishan', 'social-assistance');
      assert.equal(refused.read, false);
      assert.match(refused.reason ?? '', /不予共享/);
      assert.equal(refused.canApply, false, '不予共享 is not open to applications');
      assert.equal((await access('demo-dept-agri', 'population-residents')).read, true, 'AGRI is an approved 有条件共享 reader');
      assert.equal((await access('demo-dept-natres', 'population-residents')).read, false);
      assert.equal((await access('demo-village-tangbian', 'market-enterprises')).export, false);
      const denied = await get<Problem>('/data/datasets/social-assistance/rows', 'demo-town-shishan');
      assert.equal(denied.status, 403);
    });

    it('reports theme and department facets with the datasets the caller can see', async () => {
      const total = (await get<{ items: Summary[] }>('/data/datasets?limit=100', 'demo-district')).body.items.length;
      const publicTotal = (await get<{ items: Summary[] }>('/data/datasets?limit=100')).body.items.length;
      const themes = await get<{ items: { code: string; datasetCount: number }[] }>('/data/themes', 'demo-district');
      const departments = await get<{ items: { code: string; datasetCount: number }[] }>('/data/departments', 'demo-district');
      const sum = (items: { datasetCount: number }[]) => items.reduce((n, i) => n + i.datasetCount, 0);
      assert.equal(sum(themes.body.items), total);
      assert.equal(sum(departments.body.items), total);
      assert.equal(sum((await get<{ items: { datasetCount: number }[] }>('/data/themes')).body.items), publicTotal);
    });
  });

  describe('schema', () => {
    it('describes each column: type, 数据项类型, unit, enum options, sensitivity and capabilities', async () => {
      const { body } = await get<{ columns: Column[]; primaryKey: string[] }>('/data/datasets/market-enterprises', 'demo-district');
      const byName = new Map(body.columns.map((c) => [c.name, c]));
      assert.deepEqual(body.primaryKey, ['uscc']);
      assert.equal(byName.get('uscc')!.type, 'uscc');
      assert.equal(byName.get('registeredCapital')!.itemType, 'Y');
      assert.equal(byName.get('establishedDate')!.itemType, 'D');
      assert.deepEqual(byName.get('status')!.options!.map((o) => o.value), ['1', '2', '3', '4']);
      assert.equal(byName.get('legalPersonPhone')!.maskRule, 'phone');
      assert.equal(byName.get('legalPersonPhone')!.maskedForCaller, false, 'the district sees phones in full');
      assert.ok(byName.get('registeredCapital')!.filterOperators.includes('gte'));
    });

    it('marks columns masked for the caller as neither sortable nor filterable', async () => {
      const { body } = await get<{ columns: Column[] }>('/data/datasets/population-residents', 'demo-town-shishan');
      const idNumber = body.columns.find((c) => c.name === 'idNumber')!;
      assert.equal(idNumber.maskedForCaller, true);
      assert.deepEqual(idNumber.filterOperators, []);
      const district = await get<{ columns: Column[] }>('/data/datasets/population-residents', 'demo-district');
      assert.deepEqual(district.body.columns.find((c) => c.name === 'idNumber')!.filterOperators, ['eq']);
    });

    it('answers 404 for an unknown dataset', async () => {
      assert.equal((await get('/data/datasets/no-such-table', 'demo-district')).status, 404);
    });
  });

  describe('keyset paging and sorting', () => {
    it('pages through a whole town with a heavily tied sort and returns every row exactly once', async () => {
      const { items, pages, first } = await allRows('market-enterprises', `regionCode=${SHISHAN}&sort=industry&limit=500&count=exact`, 'demo-district');
      const expected = await count('market-enterprises', `regionCode=${SHISHAN}`, 'demo-district');
      assert.ok(expected > 2_000);
      assert.equal(items.length, expected);
      assert.equal(new Set(items.map((r) => r.uscc)).size, expected, 'no row twice');
      assert.equal(pages, Math.ceil(expected / 500));
      assert.equal(first.page.total, expected);
      assert.deepEqual(first.sort, ['industry', 'uscc']);
      for (let i = 1; i < items.length; i++) {
        const [a, b] = [items[i - 1]!, items[i]!];
        assert.ok(a.industry! < b.industry! || (a.industry === b.industry && a.uscc! < b.uscc!), `order at ${i}`);
      }
    });

    it('pages through a whole dataset district-wide in mixed directions', async () => {
      const { items } = await allRows('hotline-statistics', 'sort=-month,category,-received&limit=1000', 'demo-district');
      const expected = await count('hotline-statistics', '', 'demo-district');
      assert.equal(items.length, expected);
      assert.equal(new Set(items.map((r) => r.statId)).size, expected);
      for (let i = 1; i < items.length; i++) {
        const [a, b] = [items[i - 1]!, items[i]!];
        const ordered =
          a.month! > b.month! ||
          (a.month === b.month && (a.category! < b.category! ||
            (a.category === b.category && (a.received! > b.received! ||
              (a.received === b.received && a.statId! > b.statId!)))));
        assert.ok(ordered, `order at ${i}: ${JSON.stringify([a, b])}`);
      }
    });

    it('orders a multi-column sort with ties exactly as a full sort of the same rows would', async () => {
      const expected = await count('market-enterprises', `regionCode=${GUICHENG}&filter=industry:eq:F`, 'demo-district');
      // Led by a code column (read group by group) and by a plain one, in both directions.
      for (const [sort, statusUp, capitalUp] of [
        ['status,-registeredCapital', true, false],
        ['-status,registeredCapital', false, true],
        ['registeredCapital,-status', false, true],
      ] as const) {
        const { items } = await allRows('market-enterprises', `regionCode=${GUICHENG}&filter=industry:eq:F&sort=${sort}&limit=37`, 'demo-district');
        const byStatus = (a: Row, b: Row) => (a.status === b.status ? 0 : (a.status! < b.status!) === statusUp ? -1 : 1);
        const byCapital = (a: Row, b: Row) => ((a.registeredCapital as number) - (b.registeredCapital as number)) * (capitalUp ? 1 : -1);
        const lastUp = !sort.split(',').at(-1)!.startsWith('-');
        const byKey = (a: Row, b: Row) => ((a.uscc! < b.uscc!) === lastUp ? -1 : 1);
        const sorted = [...items].sort((a, b) =>
          sort.startsWith('registeredCapital')
            ? byCapital(a, b) || byStatus(a, b) || byKey(a, b)
            : byStatus(a, b) || byCapital(a, b) || byKey(a, b),
        );
        assert.equal(items.length, expected, sort);
        assert.deepEqual(items.map((r) => r.uscc), sorted.map((r) => r.uscc), sort);
        assert.ok(new Set(items.map((r) => r.registeredCapital)).size < items.length, 'the sort has ties to break');
      }
    });

    it('pages over a nullable sort column both ways, NULLs first ascending and last descending', async () => {
      for (const sort of ['approvalDate', '-approvalDate']) {
        const { items } = await allRows('homestead-ledger', `sort=${sort}&limit=211`, 'demo-district');
        assert.equal(items.length, await count('homestead-ledger', '', 'demo-district'));
        assert.equal(new Set(items.map((r) => r.parcelNo)).size, items.length);
        const nulls = items.map((r, i) => [r.approvalDate === null, i] as const).filter(([isNull]) => isNull).map(([, i]) => i);
        assert.ok(nulls.length > 0);
        if (sort === 'approvalDate') assert.equal(nulls.at(-1), nulls.length - 1, 'NULLs come first');
        else assert.equal(nulls[0], items.length - nulls.length, 'NULLs come last');
      }
    });

    it('reuses the first page’s total on later pages and counts nothing with count=none', async () => {
      const first = await rows('market-enterprises', 'filter=status:eq:1&limit=10&count=exact', 'demo-town-shishan');
      const second = await rows('market-enterprises', `filter=status:eq:1&limit=10&count=exact&cursor=${first.page.nextCursor}`, 'demo-town-shishan');
      assert.equal(second.page.total, first.page.total);
      assert.equal(first.page.total, await count('market-enterprises', 'filter=status:eq:1', 'demo-town-shishan'));
      const none = await rows('market-enterprises', 'limit=10&count=none', 'demo-town-shishan');
      assert.equal(none.page.total, null);
    });

    it('totals an unfiltered first page from the statistics, on a full page, a page read group by group, and an empty one', async () => {
      // The statistics count rides in the page's own statement, which an empty page cannot carry it in.
      const whole = await allRows('schools', 'limit=40', 'demo-district');
      assert.deepEqual([whole.first.page.total, whole.first.page.totalExact], [whole.items.length, true]);
      const grouped = await allRows('market-enterprises', `regionCode=${SHISHAN}&sort=status,-registeredCapital&limit=500`, 'demo-district');
      assert.equal(grouped.first.page.total, grouped.items.length);
      const villages = (await get<{ items: { code: string }[] }>(`/regions?parent=${SHISHAN}`)).body.items.map((v) => v.code);
      const firstPages = await Promise.all(villages.map((code) => rows('schools', `regionCode=${code}&limit=5`, 'demo-district')));
      const empty = firstPages.find((page) => page.items.length === 0);
      assert.ok(empty, 'a village of 狮山 without a school');
      assert.deepEqual([empty.page.total, empty.page.totalExact], [0, true]);
      for (const page of firstPages) assert.ok(page.page.total! >= page.items.length);
    });

    it('sends an RFC 8288 next link and refuses a cursor from another query', async () => {
      const first = await get<RowsPage>('/data/datasets/schools/rows?limit=5&sort=schoolName', 'demo-district');
      assert.match(first.headers.get('link') ?? '', /^<\/api\/v1\/data\/datasets\/schools\/rows\?.*cursor=.*>; rel="next"$/);
      const wrong = await problem(`/data/datasets/schools/rows?limit=5&sort=-schoolName&cursor=${first.body.page.nextCursor}`, 'demo-district');
      assert.equal(wrong.status, 400);
      assert.equal(wrong.errors?.[0]?.name, 'query/cursor');
    });

    it('returns only the requested columns, in the requested order', async () => {
      const page = await rows('schools', 'columns=schoolName,students,regionCode&limit=3', 'demo-district');
      assert.deepEqual(page.columns, ['schoolName', 'students', 'regionCode']);
      assert.deepEqual(Object.keys(page.items[0]!), ['schoolName', 'students', 'regionCode']);
    });
  });

  describe('filters', () => {
    const total = () => count('market-enterprises', '', 'demo-district');
    const filtered = (filters: string[]) => allRows('market-enterprises', `${filters.map((f) => `filter=${encodeURIComponent(f)}`).join('&')}&limit=1000`, 'demo-district').then((r) => r.items);
    const counted = (filters: string[]) => count('market-enterprises', filters.map((f) => `filter=${encodeURIComponent(f)}`).join('&'), 'demo-district');

    it('eq and ne split the table', async () => {
      const active = await filtered(['status:eq:1']);
      assert.ok(active.length > 0 && active.every((r) => r.status === '1'));
      const others = await counted(['status:ne:1']);
      assert.equal(active.length + others, await total());
    });

    it('gt, gte, lt and lte compare numbers and dates', async () => {
      const gte = await filtered(['registeredCapital:gte:500']);
      assert.ok(gte.every((r) => (r.registeredCapital as number) >= 500));
      const gt = await counted(['registeredCapital:gt:500']);
      const equal = await counted(['registeredCapital:eq:500']);
      assert.ok(equal > 0);
      assert.equal(gte.length, gt + equal);
      assert.equal(await counted(['registeredCapital:lt:500']) + gte.length, await total());
      const year = await filtered(['establishedDate:gte:2020-01-01', 'establishedDate:lte:2020-12-31']);
      assert.ok(year.length > 0 && year.every((r) => String(r.establishedDate).startsWith('2020-')));
    });

    it('in and nin take comma-separated lists', async () => {
      const inList = await filtered(['industry:in:C,F']);
      assert.ok(inList.length > 0 && inList.every((r) => r.industry === 'C' || r.industry === 'F'));
      assert.equal(inList.length + (await counted(['industry:nin:C,F'])), await total());
    });

    it('like matches a substring and treats % and _ literally', async () => {
      const hardware = await filtered(['companyName:like:五金']);
      assert.ok(hardware.length > 0 && hardware.every((r) => String(r.companyName).includes('五金')));
      assert.equal(await counted(['companyName:like:%']), 0);
      assert.equal(await counted(['companyName:like:_']), 0);
    });

    it('prefix narrows codes', async () => {
      const maCodes = await filtered(['uscc:prefix:91440605MA']);
      assert.ok(maCodes.length > 0 && maCodes.every((r) => String(r.uscc).startsWith('91440605MA')));
      const town = await counted([`regionCode:prefix:${GUICHENG}`]);
      assert.equal(town, await count('market-enterprises', `regionCode=${GUICHENG}`, 'demo-district'));
    });

    it('null tests for empty values, and booleans compare as true/false', async () => {
      const unapproved = await allRows('homestead-ledger', 'filter=approvalDate:null:true&limit=1000', 'demo-district');
      assert.ok(unapproved.items.length > 0 && unapproved.items.every((r) => r.approvalDate === null));
      const approved = await count('homestead-ledger', 'filter=approvalDate:null:false', 'demo-district');
      assert.equal(unapproved.items.length + approved, await count('homestead-ledger', '', 'demo-district'));
      const idle = await allRows('homestead-ledger', 'filter=idle:eq:true&limit=1000', 'demo-district');
      assert.ok(idle.items.length > 0 && idle.items.every((r) => r.idle === true));
    });

    it('binds hostile values as data, never as SQL', async () => {
      assert.equal(await counted(["companyName:eq:' OR 1=1 --"]), 0);
      assert.equal(await counted(['companyName:like:") OR ("1"="1']), 0);
    });

    it('answers 400 naming the parameter for unknown columns, operators and values', async () => {
      const cases: [string, string][] = [
        ['filter=nosuch:eq:1', 'query/filter/0'],
        ['filter=status:eq:1&filter=status:like:1', 'query/filter/1'],
        ['filter=status:between:1', 'query/filter/0'],
        ['filter=status', 'query/filter/0'],
        ['filter=registeredCapital:gte:abc', 'query/filter/0'],
        ['filter=establishedDate:gte:2020-02-30', 'query/filter/0'],
        ['filter=status:eq:9', 'query/filter/0'],
        ['sort=nosuch', 'query/sort'],
        ['sort=address', 'query/sort'],
        ['columns=uscc,nosuch', 'query/columns'],
        ['limit=1001', 'query/limit'],
      ];
      for (const [query, name] of cases) {
        const body = await problem(`/data/datasets/market-enterprises/rows?${query}`, 'demo-district');
        assert.equal(body.status, 400, query);
        assert.equal(body.errors?.[0]?.name, name, query);
      }
      const masked = await problem('/data/datasets/population-residents/rows?filter=idNumber:eq:440605199001011236', 'demo-town-shishan');
      assert.equal(masked.errors?.[0]?.name, 'query/filter/0', 'a value the caller sees masked cannot be probed');
    });
  });

  describe('region scope', () => {
    it('gives a town only its own rows, in rows, counts and totals', async () => {
      const { items, first } = await allRows('market-enterprises', 'limit=1000&columns=uscc,regionCode', 'demo-town-shishan');
      assert.equal(first.regionScope, SHISHAN);
      assert.ok(items.length > 0 && items.every((r) => String(r.regionCode).startsWith(SHISHAN)));
      assert.equal(items.length, await count('market-enterprises', `regionCode=${SHISHAN}`, 'demo-district'));
      assert.equal(await count('market-enterprises', '', 'demo-town-shishan'), items.length);
    });

    it('narrows to a village by regionCode or X-Region-Code', async () => {
      const page = await rows('market-enterprises', `regionCode=${TANGBIAN}&limit=1000`, 'demo-town-shishan');
      assert.ok(page.items.every((r) => r.regionCode === TANGBIAN));
      const viaHeader = await get<RowsPage>('/data/datasets/market-enterprises/rows?limit=1000', 'demo-town-shishan', { 'x-region-code': TANGBIAN });
      assert.deepEqual(viaHeader.body.items.map((r) => r.uscc), page.items.map((r) => r.uscc));
    });

    it('refuses a region outside the caller’s own with 403, whichever way it is asked', async () => {
      assert.equal((await problem(`/data/datasets/market-enterprises/rows?regionCode=${GUICHENG}`, 'demo-town-shishan')).status, 403);
      assert.equal((await problem(`/data/datasets/market-enterprises/count?regionCode=${GUICHENG}001`, 'demo-town-shishan')).status, 403);
      assert.equal((await problem(`/data/datasets/market-enterprises/export?regionCode=${GUICHENG}`, 'demo-town-shishan')).status, 403);
      assert.equal((await problem('/data/datasets/market-enterprises/rows', 'demo-town-shishan', { 'x-region-code': GUICHENG })).status, 403);
      assert.equal((await problem(`/data/datasets/market-enterprises/rows?regionCode=${SHISHAN}`, 'demo-village-tangbian')).status, 403);
    });

    it('never lets a filter widen the scope', async () => {
      assert.equal(await count('market-enterprises', `filter=regionCode:prefix:${GUICHENG}`, 'demo-town-shishan'), 0);
      const village = await allRows('market-enterprises', 'limit=1000', 'demo-village-tangbian');
      assert.ok(village.items.length > 0 && village.items.every((r) => r.regionCode === TANGBIAN));
    });
  });

  describe('masking and audit', () => {
    const auditCount = (action: string) =>
      (sandbox.ctx.db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE action = ?').get(action) as { n: number }).n;

    it('shows the district full ID numbers and phones and audits the read', async () => {
      const before = auditCount('data.read.unmasked');
      const page = await rows('population-residents', 'limit=20&filter=phone:null:false', 'demo-district');
      assert.equal(page.masking.masked, false);
      assert.ok(page.items.every((r) => validateIdNumber(String(r.idNumber), { today: '2026-07-01' }).valid));
      assert.ok(page.items.every((r) => /^1[3-9]\d{9}$/.test(String(r.phone))));
      assert.equal(auditCount('data.read.unmasked'), before + 1);
    });

    it('masks per role: town 6+4 ID and 3+4 phone, village 4+4, addresses cut to the village', async () => {
      const town = await rows('population-residents', 'limit=50', 'demo-town-shishan');
      assert.ok(town.items.every((r) => /^\d{6}\*{8}[\dX]{4}$/.test(String(r.idNumber))));
      assert.ok(town.items.some((r) => r.phone !== null));
      assert.ok(town.items.every((r) => r.phone === null || /^1\d{2}\*{4}\d{4}$/.test(String(r.phone))));
      assert.ok(town.items.every((r) => /\*+$/.test(String(r.address))));
      assert.ok(town.items.every((r) => !String(r.name).includes('*')), 'government roles see names');
      assert.deepEqual(town.masking.fields.sort(), ['address', 'idNumber', 'phone']);
      assert.equal(town.masking.reason, 'role:town');
      const village = await rows('population-residents', 'limit=20', 'demo-village-tangbian');
      assert.ok(village.items.every((r) => /^\d{4}\*{10}[\dX]{4}$/.test(String(r.idNumber))));
      const department = await rows('population-residents', 'limit=5', 'demo-dept-agri');
      assert.ok(department.items.every((r) => String(r.idNumber).includes('*')));
    });

    it('hides sensitive columns without a display format from everyone but the district', async () => {
      const district = await rows('social-assistance', 'limit=5', 'demo-district');
      assert.ok(district.items.every((r) => /^\d{19}$/.test(String(r.bankAccount))));
    });

    it('keeps masked values out of the order as well', async () => {
      const body = await problem('/data/datasets/market-enterprises/rows?sort=legalPersonPhone', 'demo-town-shishan');
      assert.equal(body.errors?.[0]?.name, 'query/sort');
    });
  });

  describe('counts', () => {
    it('counts exactly from statistics without filters and by COUNT with them', async () => {
      const plain = await get<{ count: number; exact: boolean; method: string }>('/data/datasets/market-enterprises/count', 'demo-town-shishan');
      assert.deepEqual([plain.body.exact, plain.body.method], [true, 'stats']);
      const filtered = await get<{ count: number; method: string }>('/data/datasets/market-enterprises/count?filter=status:eq:1&mode=estimated', 'demo-town-shishan');
      assert.equal(filtered.body.method, 'count', 'a small scope is always counted exactly');
    });

    it('estimates a large filtered count from the 1 % sample, close to the exact count', async () => {
      const table = DATASET_TABLES.get('market-enterprises')!;
      const plan = buildPlan(sandbox.ctx.db.dialect, table, '440605', { filter: ['industry:in:C,F'] }, () => true);
      const exact = await countRows(sandbox.ctx.reads, plan, 'exact');
      const estimate = await countRows(sandbox.ctx.reads, plan, 'estimated', 1_000);
      assert.equal(estimate.method, 'sample');
      assert.equal(estimate.exact, false);
      assert.ok(Math.abs(estimate.count - exact.count) / exact.count < 0.15, `${estimate.count} vs ${exact.count}`);
    });
  });

  describe('CSV export', () => {
    async function exportCsv(query: string, client?: string): Promise<{ response: Response; bytes: Buffer }> {
      const response = await sandbox.api(`/data/datasets/market-enterprises/export?${query}`, { token: client ? tokens.get(client) : undefined });
      return { response, bytes: Buffer.from(await response.arrayBuffer()) };
    }

    it('streams the whole query as UTF-8 CSV with a BOM, label header, masked values and a Chinese file name', async () => {
      const before = (sandbox.ctx.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'data.export%'").get() as { n: number }).n;
      const { response, bytes } = await exportCsv(`filter=status:eq:1&purpose=${encodeURIComponent('季度督办')}`, 'demo-town-shishan');
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.equal(response.headers.get('content-length'), null, 'streamed, not buffered');
      assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="market-enterprises-\d{8}\.csv"; filename\*=UTF-8''%E5%B8%82%E5%9C%BA/);
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').split('\r\n');
      assert.equal(lines.pop(), '', 'ends with CRLF');
      assert.equal(lines[0], '统一社会信用代码,企业名称,企业类型,法定代表人,联系电话,注册资本（万元）,行业门类,成立日期,登记状态,参保人数（人）,住所,所属村居');
      assert.equal(lines.length - 1, await count('market-enterprises', 'filter=status:eq:1', 'demo-town-shishan'));
      const first = lines[1]!.split(',');
      assert.match(first[4]!, /^(1\d{2}\*{4}\d{4})?$/, 'phones masked for the town');
      assert.equal(first[8], '存续（在营、开业、在册）');
      assert.ok(first[11]!.startsWith(SHISHAN));
      const after = (sandbox.ctx.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'data.export%'").get() as { n: number }).n;
      assert.equal(after, before + 2, 'export start and completion audited');
    });

    it('exports a whole table district-wide, with column names and codes on request', async () => {
      const { bytes } = await exportCsv('header=name&columns=uscc,status,regionCode', 'demo-district');
      const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
      assert.equal(lines[0], 'uscc,status,regionCode');
      assert.equal(lines.length - 1, 20_000);
      assert.match(lines[1]!, /^91440605\w{10},[1-4],440605\d{6}$/);
      const { bytes: limited } = await exportCsv('maxRows=7', 'demo-district');
      assert.equal(limited.toString('utf8').trimEnd().split('\r\n').length, 8);
    });

    it('is forbidden for villages and anonymous callers, and for datasets the caller may not read', async () => {
      assert.equal((await exportCsv('', 'demo-village-tangbian')).response.status, 403);
      assert.equal((await exportCsv('')).response.status, 401);
      const response = await sandbox.api('/data/datasets/social-assistance/export', { token: tokens.get('demo-town-shishan') });
      assert.equal(response.status, 403);
      const shared = await sandbox.api('/data/datasets/population-residents/export?maxRows=3', { token: tokens.get('demo-dept-agri') });
      assert.equal(shared.status, 200);
      await shared.arrayBuffer();
    });
  });
});

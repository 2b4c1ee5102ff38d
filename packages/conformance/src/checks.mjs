/**
 * The checks, each a small function of a CheckContext. Generic ones are derived from the contracts
 * (every readable operation, every cursor-paged list); the others probe one property with the roles
 * of the configuration: problems, idempotency, region scope and masking.
 */
import { randomUUID } from 'node:crypto';
import { Contracts } from './contracts.mjs';

/** @typedef {import('./session.mjs').CheckContext} CheckContext */
/** @typedef {{ name: string, run: (t: CheckContext) => Promise<void> }} Check */

const PAGE = 3;
const PAGES = 4;

/** Path parameters and required query parameters from the contract's examples; small pages. */
function exampleRequest(op) {
  const params = {};
  const query = {};
  for (const parameter of op.parameters) {
    if (parameter.in === 'path') params[parameter.name] = Contracts.exampleOf(parameter);
    else if (parameter.in === 'query' && parameter.required) query[parameter.name] = Contracts.exampleOf(parameter);
    else if (parameter.in === 'query' && (parameter.name === 'limit' || parameter.name === 'maxRows')) query[parameter.name] = 5;
  }
  const missing = Object.entries({ ...params, ...query }).filter(([, value]) => value === undefined).map(([name]) => name);
  return { params, query, missing };
}

/** Every GET the contracts document, called as `role`: the answer must be documented and valid (of an event stream: its status and media type). */
function sweepCheck(contracts, role) {
  return {
    name: `contract sweep as ${role}`,
    async run(t) {
      if (!t.session.hasRole(role)) t.skip(`no client is configured for the ${role} role`);
      const skipped = [];
      const statuses = {};
      for (const op of contracts.operations.values()) {
        if (op.method !== 'GET') continue;
        const { params, query, missing } = exampleRequest(op);
        if (missing.length) {
          skipped.push(op.operationId);
          continue;
        }
        const answer = await t.call(op.operationId, { as: role, params, query, stream: Contracts.isStream(op) });
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      }
      t.note(`${t.operations.size} operations (${Object.entries(statuses).map(([s, n]) => `${n}×${s}`).join(', ')})`);
      if (skipped.length) t.note(`not called: ${skipped.join(', ')} (no example values)`);
    },
  };
}

const itemsOf = (body) => body?.items ?? body?.features ?? [];
const keyOf = (item) => JSON.stringify(item?.id ?? item?.code ?? item);

/**
 * The first configured role the server lets read a list: some lists are not the district's (a
 * town's own share applications, say), and a documented 401/403 there is no fault of the paging.
 */
async function readerOf(t, op, params, query) {
  for (const role of ['district', 'town', 'village']) {
    if (!t.session.hasRole(role)) continue;
    const answer = await t.call(op.operationId, { as: role, params, query: { ...query, limit: PAGE } });
    if (answer.status !== 401 && answer.status !== 403) return role;
  }
  return undefined;
}

/** Walks a cursor-paged list in small pages and compares them with one big page. */
function pagingCheck(op) {
  return {
    name: `cursor paging ${op.operationId}`,
    async run(t) {
      const { params, query, missing } = exampleRequest(op);
      if (missing.length) t.skip(`no example value for ${missing.join(', ')}`);
      delete query.limit;
      const as = await readerOf(t, op, params, query);
      if (!as) t.skip('no configured role may read it (each was answered 401 or 403)');
      const walked = [];
      let ended = false;
      let options = { as, params, query: { ...query, limit: PAGE } };
      for (let page = 1; page <= PAGES && !ended; page++) {
        const body = await t.ok(op.operationId, options);
        const items = itemsOf(body);
        t.expect(items.length <= PAGE, `page ${page} has ${items.length} items for limit=${PAGE}`);
        for (const item of items) {
          const key = keyOf(item);
          t.expect(!walked.includes(key), `page ${page} repeats ${key}`);
          walked.push(key);
        }
        const nextCursor = body?.page?.nextCursor;
        const nextLink = body?.links?.find?.((link) => link.rel === 'next')?.href;
        if (nextCursor) options = { as, params, query: { ...query, limit: PAGE, cursor: nextCursor } };
        else if (nextLink) options = { as, url: nextLink };
        else ended = true;
      }
      const whole = itemsOf(await t.ok(op.operationId, { as, params, query: { ...query, limit: PAGE * PAGES } })).map(keyOf);
      const missingKeys = whole.slice(0, walked.length).filter((key) => !walked.includes(key));
      t.expect(!missingKeys.length, `paging by ${PAGE} skipped ${missingKeys.slice(0, 3).join(', ')} that one page of ${PAGE * PAGES} has`);
      t.expect(JSON.stringify(whole.slice(0, walked.length)) === JSON.stringify(walked), `pages of ${PAGE} are in another order than one page of ${PAGE * PAGES}`);
      if (ended) t.expect(whole.length === walked.length, `the pages ended after ${walked.length} items, one page of ${PAGE * PAGES} has ${whole.length}`);

      const { default: byDefault, maximum } = op.parameters.find((p) => p.name === 'limit')?.schema ?? {};
      if (byDefault !== undefined) {
        const count = itemsOf(await t.ok(op.operationId, { as, params, query })).length;
        t.expect(count <= byDefault, `without limit, ${count} items, more than the default ${byDefault}`);
      }
      for (const outOfRange of maximum === undefined ? [0] : [0, maximum + 1]) {
        const answer = await t.call(op.operationId, { as, params, query: { ...query, limit: outOfRange } });
        t.expect(answer.status === 400, `limit=${outOfRange} answered ${answer.status}, not 400`);
      }
      t.note(`${walked.length} items in ${Math.ceil(walked.length / PAGE) || 1} pages, no repeats or gaps; default and out-of-range limits honoured`);
    },
  };
}

/** A problem answer: the expected status, RFC 9457 media type, and status/type/title in the body. */
async function expectProblem(t, operationId, options, statuses, what) {
  const answer = await t.call(operationId, options);
  const expected = [statuses].flat();
  t.expect(expected.includes(answer.status), `${what}: answered ${answer.status}, expected ${expected.join(' or ')}`);
  t.expect(/^application\/problem\+json/.test(answer.headers.get('content-type') ?? ''), `${what}: content type ${answer.headers.get('content-type')}, not application/problem+json`);
  t.expect(answer.body?.status === answer.status, `${what}: body.status ${answer.body?.status} differs from the HTTP status ${answer.status}`);
  t.expect(typeof answer.body?.type === 'string' && answer.body.type.length > 0, `${what}: no problem type`);
  t.expect(typeof answer.body?.title === 'string' && answer.body.title.length > 0, `${what}: no problem title`);
  return answer;
}

const problemsCheck = {
  name: 'problem+json on errors',
  async run(t) {
    await expectProblem(t, 'getGisLayer', { as: 'public', params: { layerId: 'conformance-no-such-layer' } }, 404, 'an unknown layer');
    await expectProblem(t, 'getDataset', { params: { datasetId: 'conformance-no-such-dataset' } }, 404, 'an unknown dataset');
    await expectProblem(t, 'identifyGisFeatures', { as: 'public', query: {} }, 400, 'identify without lon/lat');
    await expectProblem(t, 'listWorkOrders', { as: 'public' }, 401, 'work orders without a token');
    await expectProblem(t, 'listWorkOrders', { as: 'public', headers: { authorization: 'Bearer conformance.not-a-token' } }, 401, 'work orders with a forged token');
    await expectProblem(t, 'issueToken', { as: 'public', form: { grant_type: 'client_credentials', client_id: t.session.credentials('district').clientId, client_secret: 'conformance-wrong-secret' } },
      401, 'a token request with a wrong secret');
    t.note('404, 400, 401 (none, forged, wrong secret) as problems');
  },
};

const tokensCheck = {
  name: 'tokens and principals of the configured roles',
  async run(t) {
    const seen = [];
    for (const role of Object.keys(t.session.roles)) {
      await t.session.token(role);
      const principal = await t.principal(role);
      seen.push(`${role}=${principal.clientId}@${principal.regionCode}`);
    }
    const anonymous = await t.principal('public');
    t.expect(anonymous.role === 'public', `GET /auth/me without a token says role ${anonymous.role}, not public`);
    t.note(seen.join(', '));
  },
};

const inside = (code, region) => typeof code === 'string' && code.startsWith(region);
/** Where an item of a list lies: the most specific region code it carries (work orders: regionCode; applications: villageCode). */
const placeOf = (item) => ['regionCode', 'villageCode', 'townCode'].map((key) => item?.[key])
  .filter((code) => typeof code === 'string').sort((a, b) => b.length - a.length)[0];

/** A village (or any child region) of `region`, for narrowing and for test data inside a town. */
async function childRegion(t, region) {
  const body = await t.ok('listRegions', { as: 'public', query: { parent: region } });
  const child = itemsOf(body).find((item) => inside(item.code, region) && item.code !== region);
  t.expect(child, `listRegions?parent=${region} names no child region`);
  return child.code;
}

const REGION_LISTS = [
  { list: 'listWorkOrders', get: 'getWorkOrder', events: 'streamWorkOrderEvents', param: 'id' },
  { list: 'listApplications', get: 'getApplication', events: 'streamApplicationEvents', param: 'id' },
];

const regionScopeCheck = {
  name: 'region scope (town tokens, X-Region-Code)',
  async run(t) {
    const town = (await t.principal('town')).regionCode;
    const other = (await t.principal('otherTown')).regionCode;
    t.expect(!inside(town, other) && !inside(other, town), `the town (${town}) and the other town (${other}) must be two separate regions`);
    const village = await childRegion(t, town);
    let crossChecked = 0;
    for (const { list, get, events, param } of REGION_LISTS) {
      for (const item of itemsOf(await t.ok(list, { as: 'town', query: { limit: 50 } }))) {
        t.expect(inside(placeOf(item), town), `${list} as the town ${town} returns ${keyOf(item)} in ${placeOf(item)}`);
      }
      const narrowed = await t.ok(list, { as: 'town', query: { limit: 50 }, headers: { 'x-region-code': village } });
      for (const item of itemsOf(narrowed)) {
        t.expect(inside(placeOf(item), village), `${list} narrowed to ${village} returns ${keyOf(item)} in ${placeOf(item)}`);
      }
      await expectProblem(t, list, { as: 'town', headers: { 'x-region-code': other } }, 403, `${list}: the town ${town} asking for ${other}`);
      await expectProblem(t, list, { as: 'town', headers: { 'x-region-code': town.slice(0, 6) } }, 403, `${list}: the town ${town} widening to ${town.slice(0, 6)}`);
      const own = itemsOf(await t.ok(list, { as: 'town', query: { limit: 1 } }))[0];
      if (own) {
        const stream = await t.call(events, { as: 'town', params: { [param]: own.id }, stream: true });
        t.expect(stream.status === 200, `${events} ${own.id} (its own) as the town answered ${stream.status}`);
      }
      if (!t.session.hasRole('district')) continue;
      const elsewhere = itemsOf(await t.ok(list, { as: 'district', query: { limit: 20 }, headers: { 'x-region-code': other } }));
      for (const item of elsewhere) {
        t.expect(inside(placeOf(item), other), `${list} as the district narrowed to ${other} returns ${keyOf(item)} in ${placeOf(item)}`);
      }
      if (elsewhere[0]) {
        for (const operationId of [get, events]) {
          const answer = await t.call(operationId, { as: 'town', params: { [param]: elsewhere[0].id }, stream: true });
          t.expect([403, 404].includes(answer.status), `${operationId} ${elsewhere[0].id} (in ${other}) as the town ${town} answered ${answer.status}`);
        }
        crossChecked++;
      }
    }
    t.note(`${town} sees only itself (lists, items, event streams), narrows to ${village}, is refused ${other} and the district; ${crossChecked} items of ${other} hidden from it`);
  },
};

/** Values of a masked column that would be the full value: a whole mobile number, ID number or name. */
const FULL_VALUE = {
  phone: (value) => /^(\+?86)?1[3-9]\d{9}$/.test(value),
  'id-number': (value) => /^[0-9A-Z]{18}$/.test(value),
  name: (value) => !value.includes('*'),
};

function maskingCheck(role) {
  return {
    name: `masking for the ${role} role`,
    async run(t) {
      if (!t.session.hasRole(role)) t.skip(`no client is configured for the ${role} role`);
      let maskedColumns = 0;
      let values = 0;
      let unmaskedForDistrict = 0;
      for (const summary of itemsOf(await t.ok('listDatasets', { as: role, query: { limit: 100 } }))) {
        const dataset = await t.ok('getDataset', { as: role, params: { datasetId: summary.id } });
        const columns = (dataset.columns ?? []).filter((column) => column.maskedForCaller && column.maskRule in FULL_VALUE);
        if (!columns.length) continue;
        const rows = await t.ok('listDatasetRows', { as: role, params: { datasetId: summary.id }, query: { limit: 20 } });
        const reported = new Set((rows.masking?.columns ?? []).map((column) => column.name));
        for (const column of columns) {
          maskedColumns++;
          t.expect(rows.masking?.masked === true && reported.has(column.name), `${summary.id}.${column.name} is masked for ${role} but the rows' masking does not say so`);
          for (const row of rows.items ?? []) {
            const value = row[column.name];
            if (value === null || value === undefined) continue;
            values++;
            t.expect(!FULL_VALUE[column.maskRule](String(value)), `${summary.id}.${column.name} reaches ${role} unmasked (${column.maskRule}): ${String(value).slice(0, 3)}…`);
          }
        }
        if (t.session.hasRole('district') && role !== 'district') {
          const full = await t.ok('listDatasetRows', { as: 'district', params: { datasetId: summary.id }, query: { limit: 20 } });
          unmaskedForDistrict += (full.items ?? []).filter((row) => columns.some((c) => row[c.name] && FULL_VALUE[c.maskRule](String(row[c.name])))).length;
        }
        if (maskedColumns >= 6) break;
      }
      if (!maskedColumns) t.skip(`no dataset the ${role} role reads has a column masked for it`);
      t.note(`${maskedColumns} masked columns, ${values} values masked${unmaskedForDistrict ? `; the district sees ${unmaskedForDistrict} of those rows in full` : ''}`);
    },
  };
}

const idempotencyCheck = {
  name: 'idempotent create (Idempotency-Key)',
  async run(t) {
    const town = (await t.principal('town')).regionCode;
    const village = await childRegion(t, town);
    const run = randomUUID();
    const order = (title) => ({
      channel: 'TOWN_PLATFORM',
      type: 'OTHER',
      category: { levelOne: '其他', levelTwo: '一致性测试' },
      title,
      content: `接口一致性测试数据（citybrain-conformance ${run}），无需处理，可作废。`,
      regionCode: village,
      address: `一致性测试 ${village}`,
      reporter: { name: null, phone: null, anonymous: true },
    });
    const key = `citybrain-conformance-${run}`;
    const first = await t.call('createWorkOrder', { as: 'town', headers: { 'idempotency-key': key }, json: order('[一致性测试] 幂等创建') });
    t.expect(first.status === 201, `the first create answered ${first.status}: ${first.text.slice(0, 200)}`);
    const again = await t.call('createWorkOrder', { as: 'town', headers: { 'idempotency-key': key }, json: order('[一致性测试] 幂等创建') });
    t.expect(again.status === first.status, `the repeated create answered ${again.status}, the first ${first.status}`);
    t.expect(again.headers.get('idempotent-replayed') === 'true', `the repeated create has Idempotent-Replayed: ${again.headers.get('idempotent-replayed')}`);
    t.expect(again.body?.id === first.body?.id, `the repeated create made ${again.body?.id}, the first ${first.body?.id}`);
    await expectProblem(t, 'createWorkOrder', { as: 'town', headers: { 'idempotency-key': key }, json: order('[一致性测试] 另一个请求体') }, [409, 422], 'the same key with another body');
    t.note(`work order ${first.body.id} (test data in ${village}) replayed, key reuse refused`);
  },
};

/**
 * @param {Contracts} contracts
 * @param {{ maskedRoles: string[], readOnly: boolean }} options
 * @returns {Check[]}
 */
export function buildChecks(contracts, { maskedRoles, readOnly }) {
  const paged = [...contracts.operations.values()].filter((op) => op.method === 'GET'
    && ['cursor', 'limit'].every((name) => op.parameters.some((p) => p.name === name && p.in === 'query')));
  return [
    tokensCheck,
    sweepCheck(contracts, 'public'),
    sweepCheck(contracts, 'district'),
    ...paged.map(pagingCheck),
    problemsCheck,
    regionScopeCheck,
    ...maskedRoles.map(maskingCheck),
    ...(readOnly ? [] : [idempotencyCheck]),
  ];
}

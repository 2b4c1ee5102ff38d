/**
 * Conditional sharing (有条件共享) against a real sandbox: a village applies for a dataset it may not read,
 * the owning department's data steward decides, the grant opens the rows of the village's region until it
 * expires on the sandbox clock, and every step is in the audit log. The contract check is on, so every
 * answer below is also checked against openapi/data.yaml.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from './harness.js';

const DATASET = 'enterprise-electricity';
const VILLAGE = 'demo-village-tangbian';
const VILLAGE_CODE = '440605124201';
/** 10:00 on 7 December 2026 in Nanhai. */
const NOW = '2026-12-07T02:00:00Z';

interface Grant {
  id: string;
  datasetId: string;
  regionScope: string;
  columns: string[] | null;
  validFrom: string;
  validTo: string;
  expiresAt: string;
  active: boolean;
}

interface Application {
  id: string;
  datasetId: string;
  status: string;
  scenario: string | null;
  applicant: { clientId: string; regionCode: string };
  requested: { validFrom: string; validTo: string; columns: string[] | null };
  returnReason: string | null;
  comment: string | null;
  decidedBy: { clientId: string } | null;
  grant: Grant | null;
  allowedActions: string[];
}

interface Problem {
  type: string;
  status: number;
  detail: string;
}

describe('share applications', () => {
  let sandbox: TestSandbox;
  const tokens = new Map<string, string>();

  async function call<T>(clientId: string, method: string, path: string, body?: object): Promise<{ status: number; body: T }> {
    // Tokens are taken afresh after the clock moves (they expire on the sandbox clock too).
    const token = tokens.get(clientId) ?? (await sandbox.token(clientId));
    tokens.set(clientId, token);
    const res = await sandbox.api(path, {
      method,
      token,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  const apply = (body: object, clientId = VILLAGE) => call<Application & Problem>(clientId, 'POST', '/data/share-applications', body);
  const act = (clientId: string, id: string, body: object) => call<Application & Problem>(clientId, 'POST', `/data/share-applications/${id}/actions`, body);
  const dataset = (clientId = VILLAGE) =>
    call<{ access: { read: boolean; canApply?: boolean; grant?: Grant | null }; columns: { name: string; maskedForCaller: boolean }[] }>(
      clientId, 'GET', `/data/datasets/${DATASET}`);
  const rows = (clientId = VILLAGE, query = '') =>
    call<{ regionScope: string; items: Record<string, unknown>[]; masking: { columns: { name: string; rule: string; reason: string }[] } } & Problem>(
      clientId, 'GET', `/data/datasets/${DATASET}/rows?limit=200${query}`);
  const auditCount = (action: string, targetPrefix: string) =>
    (sandbox.ctx.db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE action = ? AND target LIKE ?').get(action, `${targetPrefix}%`) as { n: number }).n;
  async function moveClockTo(now: string) {
    await sandbox.hook('clock', { now });
    tokens.clear();
  }

  const request = { datasetId: DATASET, purpose: '唐边村工业园亩均效益评价，需核对辖内企业月度用电量。', validFrom: '2026-12-07', validTo: '2027-03-31' };
  let application: Application;

  before(async () => {
    sandbox = await startTestSandbox();
    await moveClockTo(NOW);
  });
  after(() => sandbox.close());

  it('offers a village that may not read the conditional dataset to apply, and refuses its rows', async () => {
    const { body } = await dataset();
    assert.equal(body.access.read, false);
    assert.equal(body.access.canApply, true);
    assert.equal(body.access.grant, null);
    assert.equal((await rows()).status, 403);
    // A department reads by the catalogue's standing list and has nothing to apply for.
    assert.equal((await dataset('demo-dept-agri')).body.access.canApply, false);
  });

  it('refuses applications from the wrong role, for an unconditional dataset and for invalid periods', async () => {
    const wrongRole = await apply(request, 'demo-dept-agri');
    assert.equal(wrongRole.status, 403);
    assert.match(wrongRole.body.type, /forbidden/);
    const unconditional = await apply({ ...request, datasetId: 'standard-addresses' });
    assert.equal(unconditional.status, 422);
    assert.match(unconditional.body.type, /not-conditional/);
    for (const period of [
      { validFrom: '2026-12-06', validTo: '2027-01-31' }, // starts yesterday
      { validFrom: '2027-01-31', validTo: '2027-01-01' }, // ends before it starts
      { validFrom: '2026-12-07', validTo: '2027-12-08' }, // 367 days
    ]) {
      const res = await apply({ ...request, ...period });
      assert.equal(res.status, 422, JSON.stringify(period));
      assert.match(res.body.type, /invalid-period/);
    }
    const badColumn = await apply({ ...request, columns: ['electricityKwh', 'ownerIdNumber'] });
    assert.equal(badColumn.status, 422);
    assert.match(badColumn.body.detail, /ownerIdNumber/);
    assert.equal(auditCount('data.share.applied', 'SQ-'), 0, 'refused applications leave no trace as filed');
  });

  it('files an application to the owning department and audits it', async () => {
    const created = await apply({ ...request, scenario: '村级工业园改造台账', columns: ['companyName', 'month', 'electricityKwh', 'maxDemandKw'] });
    assert.equal(created.status, 201);
    application = created.body;
    assert.match(application.id, /^SQ-20261207-\d{4}$/);
    assert.equal(application.status, 'pending');
    assert.equal(application.scenario, '村级工业园改造台账');
    assert.equal(application.applicant.regionCode, VILLAGE_CODE);
    assert.deepEqual(application.allowedActions, ['withdraw']);
    assert.equal(application.grant, null);
    assert.equal(auditCount('data.share.applied', application.id), 1);

    const again = await apply(request);
    assert.equal(again.status, 409, 'a second pending application for the same dataset');
  });

  it('lists it as mine to the village and as to-review to the owning department only', async () => {
    const mine = await call<{ items: Application[] }>(VILLAGE, 'GET', '/data/share-applications');
    assert.deepEqual(mine.body.items.map((a) => a.id), [application.id]);
    const review = await call<{ items: Application[] }>('demo-steward-power', 'GET', '/data/share-applications?view=review&status=pending');
    assert.deepEqual(review.body.items.map((a) => a.id), [application.id]);
    assert.deepEqual(review.body.items[0]!.allowedActions, ['approve', 'return']);
    const cdo = await call<{ items: Application[] }>('demo-cdo-power', 'GET', '/data/share-applications?view=review');
    assert.deepEqual(cdo.body.items.map((a) => [a.id, a.allowedActions]), [[application.id, ['approve', 'return']]], 'the CDO decides too');
    const district = await call<{ items: Application[] }>('demo-district', 'GET', '/data/share-applications?view=review');
    assert.deepEqual(district.body.items.map((a) => [a.id, a.allowedActions]), [[application.id, []]], 'the district oversees, the owner decides');
    const otherDept = await call<{ items: Application[] }>('demo-steward-market', 'GET', '/data/share-applications?view=review');
    assert.deepEqual(otherDept.body.items, []);
    assert.equal((await call(VILLAGE, 'GET', '/data/share-applications?view=review')).status, 403);
    assert.equal((await call('demo-town-shishan', 'GET', `/data/share-applications/${application.id}`)).status, 404, 'not the applicant');
    assert.equal((await call(VILLAGE, 'GET', '/data/share-applications/not-an-id')).status, 400);
    assert.equal((await call('demo-dept-agri', 'GET', '/data/share-grants')).status, 403, 'a department holds no grants');
  });

  it('refuses a decision by a steward of another department, the district or the applicant', async () => {
    const wrongSteward = await act('demo-steward-market', application.id, { action: 'approve' });
    assert.equal(wrongSteward.status, 403);
    assert.match(wrongSteward.body.detail, /南海供电局/);
    assert.equal((await act('demo-district', application.id, { action: 'approve' })).status, 403);
    assert.equal((await act(VILLAGE, application.id, { action: 'approve' })).status, 403);
    assert.equal((await act('demo-steward-power', application.id, { action: 'approve', validTo: '2027-04-30' })).status, 422, 'beyond the period asked for');
    assert.equal((await act('demo-steward-power', application.id, { action: 'approve', columns: ['accountNo'] })).status, 422, 'beyond the columns asked for');
    assert.equal(auditCount('data.share.approved', application.id), 0);
  });

  it('approves with a narrower period and columns into a grant for the village', async () => {
    const approved = await act('demo-steward-power', application.id, {
      action: 'approve',
      validTo: '2026-12-31',
      columns: ['companyName', 'month', 'electricityKwh'],
      comment: '先开放到年底。',
    });
    assert.equal(approved.status, 200);
    application = approved.body;
    assert.equal(application.status, 'approved');
    assert.equal(approved.body.decidedBy?.clientId, 'demo-steward-power');
    const grant = approved.body.grant!;
    assert.equal(grant.regionScope, VILLAGE_CODE);
    assert.equal(grant.validFrom, '2026-12-07');
    assert.equal(grant.validTo, '2026-12-31');
    assert.equal(grant.expiresAt, '2027-01-01T00:00:00+08:00');
    assert.equal(grant.active, true);
    // The primary key (paging) and the region column (scoping) come with every column grant.
    assert.deepEqual(grant.columns, ['recordId', 'companyName', 'month', 'electricityKwh', 'regionCode']);
    assert.equal(auditCount('data.share.approved', application.id), 1);
    assert.equal((await act('demo-steward-power', application.id, { action: 'return', reason: '重复操作' })).status, 409, 'no longer pending');
  });

  it('opens the rows of the village only, granted columns only, and audits each read', async () => {
    const { body: entry } = await dataset();
    assert.equal(entry.access.read, true);
    assert.equal(entry.access.grant?.id, application.grant!.id);
    assert.equal(entry.columns.find((c) => c.name === 'accountNo')?.maskedForCaller, true);

    const before = auditCount('data.read.shared', DATASET);
    const page = await rows();
    assert.equal(page.status, 200);
    assert.equal(page.body.regionScope, VILLAGE_CODE);
    assert.ok(page.body.items.length > 0, 'the village has enterprises with electricity records');
    for (const row of page.body.items) {
      assert.ok(String(row.regionCode).startsWith(VILLAGE_CODE));
      assert.equal(row.accountNo, null, 'a column outside the grant');
      assert.notEqual(row.electricityKwh, null);
    }
    assert.deepEqual(page.body.masking.columns.find((c) => c.name === 'accountNo'), { name: 'accountNo', rule: 'hidden', reason: `grant:${application.grant!.id}` });
    assert.equal((await rows(VILLAGE, '&regionCode=440605124')).status, 403, 'the grant does not widen the region');
    assert.equal(auditCount('data.read.shared', DATASET), before + 1);

    const grants = await call<{ items: Grant[] }>(VILLAGE, 'GET', '/data/share-grants?active=true');
    assert.deepEqual(grants.body.items.map((g) => g.id), [application.grant!.id]);
  });

  it('closes the rows when the grant expires on the sandbox clock', async () => {
    await moveClockTo('2026-12-31T15:59:00Z'); // 23:59 on the last day
    assert.equal((await rows()).status, 200);
    await moveClockTo('2026-12-31T16:00:00Z'); // midnight in Nanhai
    assert.equal((await rows()).status, 403);
    const { body: entry } = await dataset();
    assert.equal(entry.access.read, false);
    assert.equal(entry.access.canApply, true, 'it may apply again');
    const grants = await call<{ items: Grant[] }>(VILLAGE, 'GET', '/data/share-grants');
    assert.deepEqual(grants.body.items.map((g) => [g.id, g.active]), [[application.grant!.id, false]]);
    const stored = await call<Application>(VILLAGE, 'GET', `/data/share-applications/${application.id}`);
    assert.equal(stored.body.grant?.active, false);
  });

  it('returns an application with a reason, and lets the applicant withdraw another', async () => {
    const second = await apply({ ...request, validFrom: '2027-01-01', validTo: '2027-02-28' });
    assert.equal(second.status, 201);
    assert.equal((await act('demo-steward-power', second.body.id, { action: 'return' })).status, 400, 'a return needs a reason');
    const returned = await act('demo-cdo-power', second.body.id, { action: 'return', reason: '请说明需核对的企业范围。' });
    assert.equal(returned.status, 200);
    assert.equal(returned.body.decidedBy?.clientId, 'demo-cdo-power', 'the department\'s CDO decides as its steward does');
    assert.equal(returned.body.status, 'returned');
    assert.equal(returned.body.returnReason, '请说明需核对的企业范围。');
    assert.equal(returned.body.grant, null);
    assert.equal(auditCount('data.share.returned', second.body.id), 1);

    const third = await apply({ ...request, validFrom: '2027-01-01', validTo: '2027-02-28' });
    assert.equal(third.status, 201, 'a returned application does not block a new one');
    assert.equal((await act('demo-steward-power', third.body.id, { action: 'withdraw' })).status, 403, 'only the applicant withdraws');
    const withdrawn = await act(VILLAGE, third.body.id, { action: 'withdraw' });
    assert.equal(withdrawn.body.status, 'withdrawn');
    assert.equal(auditCount('data.share.withdrawn', third.body.id), 1);
    assert.equal((await act(VILLAGE, third.body.id, { action: 'withdraw' })).status, 409);
  });

  it('answers a retry with the application it filed, also once its first day has passed', async () => {
    // A token per attempt: the first one expires with the clock moved a day.
    const send = async () => sandbox.api('/data/share-applications', {
      method: 'POST',
      token: await sandbox.token(VILLAGE),
      headers: { 'content-type': 'application/json', 'idempotency-key': 'share-retry-enterprise-water' },
      body: JSON.stringify({ ...request, datasetId: 'enterprise-water', validFrom: '2027-01-01', validTo: '2027-01-31' }),
    });
    await moveClockTo('2027-01-01T15:00:00Z'); // 23:00 on 1 January in Nanhai
    const first = await send();
    assert.equal(first.status, 201);
    await moveClockTo('2027-01-01T16:30:00Z'); // 2 January: 1 January is in the past, the key is not expired
    const retry = await send();
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(((await retry.json()) as Application).id, ((await first.json()) as Application).id);
  });
});

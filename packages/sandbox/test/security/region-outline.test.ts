/**
 * Records stay inside their region: a work order whose location lies outside the outline of its
 * own region (and so of the caller's) is 422, even when its region code is one the caller may use.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { labelPointOf } from '@citybrain/domain';
import { DENGHU, TANGBIAN, workOrderBody } from '../reliability/support.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';

describe('records stay inside their region', () => {
  let sandbox: TestSandbox;
  let guicheng: string;
  before(async () => {
    sandbox = await startTestSandbox();
    guicheng = await sandbox.token('demo-town-guicheng');
  });
  after(() => sandbox.close());

  const create = (location: [number, number]) =>
    sandbox.api('/workorders', {
      method: 'POST',
      token: guicheng,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...workOrderBody(), regionCode: DENGHU, location }),
    });

  it('refuses a 桂城 work order whose point lies in 狮山 (another town) with 422', async () => {
    const res = await create([...labelPointOf(TANGBIAN)] as [number, number]);
    assert.equal(res.status, 422, await res.clone().text());
    const problem = (await res.json()) as { code: string; errors: { name: string }[] };
    assert.equal(problem.code, 'outside-region');
    assert.deepEqual(problem.errors.map((e) => e.name), ['body/location']);
  });

  it('takes the same order with a point inside its village', async () => {
    assert.equal((await create([...labelPointOf(DENGHU)] as [number, number])).status, 201);
  });
});

/**
 * The share-application helpers (`client.data.shares`) against the sandbox: a village applies, the
 * owning department's steward approves, the village reads the rows its grant opens; the errors are
 * the typed problems of the client.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, createClient, ForbiddenError, type CityBrainClient } from '../src/index.js';
import { startClientSandbox, type ClientTestSandbox } from './sandbox.js';

describe('share applications through the client', () => {
  let sandbox: ClientTestSandbox;
  let village: CityBrainClient;
  let steward: CityBrainClient;
  let otherSteward: CityBrainClient;
  before(async () => {
    sandbox = await startClientSandbox();
    await sandbox.hook('clock', { now: '2026-12-07T02:00:00Z' });
    const as = async (clientId: string) => createClient({ baseUrl: sandbox.baseUrl, auth: await sandbox.token(clientId) });
    village = await as('demo-village-tangbian');
    steward = await as('demo-steward-power');
    otherSteward = await as('demo-steward-market');
  });
  after(() => sandbox.close());

  it('applies, is approved by the owning steward and reads through the grant', async () => {
    const request = {
      datasetId: 'enterprise-electricity',
      purpose: '唐边村工业园亩均效益评价，需核对辖内企业月度用电量。',
      validFrom: '2026-12-07',
      validTo: '2027-01-31',
    };
    const applied = await village.data.shares.apply(request);
    assert.equal(applied.status, 'pending');
    await assert.rejects(village.data.shares.apply(request), ConflictError, 'one pending application per dataset');

    const toReview = await steward.data.shares.list({ view: 'review', status: 'pending' }).toArray();
    assert.deepEqual(toReview.map((a) => a.id), [applied.id]);
    await assert.rejects(otherSteward.data.shares.act(applied.id, { action: 'approve' }), (error: unknown) => {
      assert.ok(error instanceof ForbiddenError);
      assert.equal(error.status, 403);
      return true;
    });

    const approved = await steward.data.shares.act(applied.id, { action: 'approve', comment: '同意。' });
    assert.equal(approved.status, 'approved');
    assert.equal(approved.grant?.regionScope, '440605124201');

    const [grant] = await village.data.shares.grants({ active: true });
    assert.equal(grant?.applicationId, applied.id);
    assert.equal((await village.data.dataset('enterprise-electricity')).access.grant?.id, grant!.id);
    const page = await village.data.rows('enterprise-electricity', { limit: 50 }).first();
    assert.equal(page.regionScope, '440605124201');
    assert.deepEqual((await village.data.shares.get(applied.id)).grant, grant);
  });
});

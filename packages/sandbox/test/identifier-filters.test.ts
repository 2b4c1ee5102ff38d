import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSandbox, type TestSandbox } from './harness.js';

/**
 * Filters on identifier columns are checked like every other input that carries an identifier: a
 * unified social credit code or an ID number with a wrong check character is a 400 naming the filter,
 * not an empty page that reads as "no such company".
 */

type Json = Record<string, any>;

describe('identifier filters', () => {
  let s: TestSandbox;
  let token: string;
  const rows = async (dataset: string, query: string) => {
    const res = await s.api(`/data/datasets/${dataset}/rows?${query}`, { token });
    return { status: res.status, body: (await res.json()) as Json };
  };

  before(async () => {
    s = await startTestSandbox();
    token = await s.token('demo-district');
  });
  after(() => s.close());

  it('finds a company by its credit code in any case, and refuses a code with a wrong check character', async () => {
    const { body: page } = await rows('market-enterprises', 'limit=1');
    const uscc: string = page.items[0].uscc;
    const found = await rows('market-enterprises', `filter=uscc:eq:${uscc.toLowerCase()}`);
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.deepEqual(found.body.items.map((r: Json) => r.uscc), [uscc]);

    const wrongCheck = uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
    const refused = await rows('market-enterprises', `filter=uscc:eq:${wrongCheck}`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].name, 'query/filter/0');
    assert.match(refused.body.errors[0].reason, /统一社会信用代码.*校验位/);
  });

  it('finds a right holder by ID number and refuses one with a wrong check digit', async () => {
    const { body: page } = await rows('homestead-ledger', 'limit=1');
    const id: string = page.items[0].householderIdNumber;
    const found = await rows('homestead-ledger', `filter=householderIdNumber:eq:${id}`);
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.ok(found.body.items.length >= 1);
    const wrongCheck = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    const refused = await rows('homestead-ledger', `filter=householderIdNumber:eq:${wrongCheck}`);
    assert.equal(refused.status, 400);
    assert.match(refused.body.errors[0].reason, /居民身份证号码.*校验位/);
  });
});

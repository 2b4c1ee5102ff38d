import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFilterExpression, joinFilterList, parseFilterExpression, splitFilterList } from '../src/index.js';

describe('filter syntax (column:operator:value)', () => {
  it('splits at the first two colons only, so values may hold colons', () => {
    assert.deepEqual(parseFilterExpression('status:eq:1'), { column: 'status', operator: 'eq', value: '1' });
    assert.deepEqual(parseFilterExpression('updatedAt:gte:2026-03-02T08:00:00+08:00'), { column: 'updatedAt', operator: 'gte', value: '2026-03-02T08:00:00+08:00' });
    assert.deepEqual(parseFilterExpression('name:like:'), { column: 'name', operator: 'like', value: '' });
    assert.equal(formatFilterExpression({ column: 'a', operator: 'in', value: 'x:y' }), 'a:in:x:y');
  });

  it('refuses an expression without a column or a second colon', () => {
    for (const bad of ['', 'status', 'status:eq', ':eq:1']) assert.equal(parseFilterExpression(bad), undefined, bad);
  });

  it('splits and joins in/nin lists with \\, and \\\\ escapes, each the inverse of the other', () => {
    assert.deepEqual(splitFilterList('a,b\\,c,d\\\\'), ['a', 'b,c', 'd\\']);
    assert.deepEqual(splitFilterList(''), ['']);
    assert.deepEqual(splitFilterList('a\\b'), ['a\\b'], 'a backslash before anything else stays');
    for (const values of [['a', 'b,c', 'd\\'], ['佛山,南海', ''], ['\\,', ',\\']]) assert.deepEqual(splitFilterList(joinFilterList(values)), values);
  });
});

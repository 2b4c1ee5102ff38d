import { expect } from '@open-wc/testing';
import { primaryKeyOf } from './model.js';

describe('cb-data-table row identity', () => {
  it('keys rows by hostile primary keys without throwing, and keeps distinct keys apart', () => {
    const symbol = Symbol('pk');
    const hostile: unknown[] = [
      { toString: 'x' },
      { valueOf: () => { throw new Error('ran'); }, [Symbol.toPrimitive]: 'nope' },
      Object.create(null),
      { a: 1 },
      { a: 2 },
      symbol,
      Symbol('pk'),
      1,
      '1',
      null,
      undefined,
    ];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    hostile.push(cyclic);
    const keys = hostile.map((id) => primaryKeyOf({ id, town: '狮山镇' }, ['id', 'town']));
    expect(keys.every((key) => typeof key === 'string')).to.equal(true);
    expect(keys[3]).not.to.equal(keys[4], 'two objects are two rows');
    expect(keys[7]).not.to.equal(keys[8], '1 and "1" are two rows');
    expect(primaryKeyOf({ id: { a: 1 } }, ['id'])).to.equal(primaryKeyOf({ id: { a: 1 } }, ['id']), 'equal values, one row');
  });
});

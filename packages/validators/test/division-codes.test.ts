import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateDivisionCode } from '../src/index.js';

describe('validateDivisionCode (GB/T 2260 + 统计用区划代码)', () => {
  it('tells the level and the kind of Nanhai codes', () => {
    assert.deepEqual(validateDivisionCode('44'), { valid: true, code: '44', level: 'province', kind: null });
    assert.deepEqual(validateDivisionCode('440600'), { valid: true, code: '440600', level: 'prefecture', kind: null });
    assert.deepEqual(validateDivisionCode('440605'), { valid: true, code: '440605', level: 'county', kind: null });
    assert.deepEqual(validateDivisionCode('440605011'), { valid: true, code: '440605011', level: 'town', kind: 'subdistrict' });
    assert.deepEqual(validateDivisionCode(' 440605124 '), { valid: true, code: '440605124', level: 'town', kind: 'town' });
    assert.deepEqual(validateDivisionCode('440605124201'), { valid: true, code: '440605124201', level: 'village', kind: 'villagers-committee' });
    assert.deepEqual(validateDivisionCode('440605011020'), { valid: true, code: '440605011020', level: 'village', kind: 'residents-committee' });
  });

  it('refuses malformed codes, unknown provinces and segments outside the coding rules', () => {
    for (const [code, reason] of [
      ['4406051', 'format'], ['44060512420', 'format'], ['44O605', 'format'], ['', 'format'],
      ['990605', 'province'], ['830605', 'province'],
      ['4400', 'segment'], ['440005', 'segment'], ['440605000', 'segment'], ['440605600', 'segment'],
      ['440605124000', 'segment'], ['440605124600', 'segment'],
    ] as const) {
      assert.deepEqual(validateDivisionCode(code), { valid: false, reason }, code);
    }
  });

  it('insists on a level when asked', () => {
    assert.deepEqual(validateDivisionCode('440605124', { level: 'village' }), { valid: false, reason: 'level' });
    assert.equal(validateDivisionCode('440605124201', { level: 'village' }).valid, true);
  });
});

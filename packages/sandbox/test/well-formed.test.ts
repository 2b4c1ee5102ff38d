/** The lone-surrogate check of JSON bodies (src/well-formed.ts), without a server. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeLoneSurrogates, findIllFormedString, hasLoneSurrogate } from '../src/well-formed.js';

describe('well-formed strings in parsed JSON', () => {
  it('tells lone surrogates from pairs', () => {
    for (const text of ['\ud800', 'a\ud800b', '\udc00', 'x\udc00\ud800y', '\ud83d']) assert.ok(hasLoneSurrogate(text), escapeLoneSurrogates(text));
    for (const text of ['', 'plain', '中文 😀', '\ud83d\ude00', '\ufffd']) assert.ok(!hasLoneSurrogate(text), text);
    assert.equal(escapeLoneSurrogates('a\ud800b😀\udc00'), 'a\\uD800b😀\\uDC00');
  });

  it('finds the path of a bad string or key anywhere, and nothing in a well-formed value', () => {
    assert.equal(findIllFormedString({ a: ['ok', { b: '😀' }], n: 1, t: true, z: null }), null);
    assert.equal(findIllFormedString(42), null);
    assert.deepEqual(findIllFormedString('\ud800'), []);
    assert.deepEqual(findIllFormedString({ a: ['ok', { b: 'x\udc00' }] }), ['a', 1, 'b']);
    assert.deepEqual(findIllFormedString({ a: { ['k\ud800']: 1 } }), ['a', 'k\ud800']);
    assert.deepEqual(findIllFormedString([[], ['\ud800']]), [1, 0]);
  });

  it('walks values nested far deeper than a recursive walk could', () => {
    const depth = 1_000_000;
    const deep = JSON.parse('['.repeat(depth) + '"\\ud800"' + ']'.repeat(depth)) as unknown;
    const path = findIllFormedString(deep);
    assert.equal(path?.length, depth);
    assert.ok(path?.every((key) => key === 0));
    assert.equal(findIllFormedString(JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))), null);
  });
});

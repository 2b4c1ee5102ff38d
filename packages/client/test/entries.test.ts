import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateDivisionCode, validateIdNumber, validateMobile, validateUscc } from '@citybrain/client/validators';
import { toGaussKruger } from '@citybrain/client/crs';

describe('@citybrain/client/crs', () => {
  it('converts to the Gauss-Krüger grid the platform accepts', () => {
    const [easting, northing] = toGaussKruger([114, 23]);
    assert.ok(Math.abs(easting - 500000) < 0.01 && Math.abs(northing - 2544537.5786) < 0.01);
  });
});

describe('@citybrain/client/validators', () => {
  it('gives vendors the checks the server applies', () => {
    assert.equal(validateIdNumber('440605199001011236').valid, true);
    assert.deepEqual(validateUscc('91440605MA4UQ2XK3D'), { valid: false, reason: 'checksum' });
    assert.equal(validateMobile('13812345678'), true);
    assert.equal(validateDivisionCode('440605124201', { level: 'village' }).valid, true);
  });
});

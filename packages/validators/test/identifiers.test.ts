import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idCheckChar, validateIdNumber, validateMobile, validateUscc } from '../src/index.js';

/** An 18-character ID with the right check character, so that only the part under test is wrong. */
const withCheck = (first17: string) => first17 + idCheckChar(first17);

describe('validateIdNumber (GB 11643)', () => {
  it("accepts the standard's example and a synthetic Nanhai number, decoding birth date and gender", () => {
    assert.deepEqual(validateIdNumber('11010519491231002X'), {
      valid: true,
      normalized: '11010519491231002X',
      birthDate: '1949-12-31',
      gender: 'female',
    });
    assert.deepEqual(validateIdNumber('440605199001011236'), {
      valid: true,
      normalized: '440605199001011236',
      birthDate: '1990-01-01',
      gender: 'male',
    });
  });

  it('accepts a lower-case x and surrounding spaces, normalizing them', () => {
    const result = validateIdNumber(' 11010519491231002x ');
    assert.equal(result.valid && result.normalized, '11010519491231002X');
  });

  it('upgrades a legacy 15-digit number to 18 digits', () => {
    const result = validateIdNumber('110105491231002');
    assert.deepEqual(result, { valid: true, normalized: '11010519491231002X', birthDate: '1949-12-31', gender: 'female' });
  });

  it('rejects bad checksums', () => {
    assert.deepEqual(validateIdNumber('110105194912310021'), { valid: false, reason: 'checksum' });
    assert.deepEqual(validateIdNumber('440605199001011235'), { valid: false, reason: 'checksum' });
  });

  it('rejects impossible and future birth dates', () => {
    assert.deepEqual(validateIdNumber('440605199002301234'), { valid: false, reason: 'birth-date' });
    assert.deepEqual(validateIdNumber('440605189001011234'), { valid: false, reason: 'birth-date' });
    const bornLater = withCheck('44060520300501123');
    assert.deepEqual(validateIdNumber(bornLater, { today: '2026-07-01' }), { valid: false, reason: 'future-birth-date' });
    assert.equal(validateIdNumber(bornLater, { today: '2030-05-01' }).valid, true);
  });

  it('rejects unknown provinces and malformed input', () => {
    const noSuchProvince = withCheck('99060519900101123');
    assert.deepEqual(validateIdNumber(noSuchProvince), { valid: false, reason: 'province' });
    for (const bad of ['', '4406051990010112', '44060519900101123', '4406051990010112Y6', '44060519900101123X1']) {
      assert.deepEqual(validateIdNumber(bad), { valid: false, reason: 'format' }, bad);
    }
  });
});

describe('validateUscc (GB 32100)', () => {
  it('accepts the synthetic enterprise and village-collective examples, strictly too', () => {
    for (const code of ['91440605123456788D', 'N2440605D2143569XE']) {
      assert.deepEqual(validateUscc(code), { valid: true, normalized: code });
      assert.deepEqual(validateUscc(code, { strictOrgCode: true }), { valid: true, normalized: code });
    }
  });

  it('normalizes lower case', () => {
    assert.deepEqual(validateUscc(' n2440605d2143569xe'), { valid: true, normalized: 'N2440605D2143569XE' });
  });

  it('rejects a wrong check character', () => {
    assert.deepEqual(validateUscc('91440605123456788E'), { valid: false, reason: 'checksum' });
    assert.deepEqual(validateUscc('N2440605D2143569XF'), { valid: false, reason: 'checksum' });
  });

  it('rejects letters outside the alphabet, letters in the region part and wrong lengths', () => {
    for (const bad of ['91440605I23456788D', '9144O605123456788D', '91440605123456788', '91440605123456788DD', '']) {
      assert.deepEqual(validateUscc(bad), { valid: false, reason: 'format' }, bad);
    }
  });

  it('checks the embedded organisation code only when asked', () => {
    // 123456789 has a wrong GB 11714 check digit (8 is right); find the 18th char that fits it.
    const withBadOrgCode = [...'0123456789ABCDEFGHJKLMNPQRTUWXY']
      .map((check) => `91440605123456789${check}`)
      .find((code) => validateUscc(code).valid)!;
    assert.ok(withBadOrgCode);
    assert.deepEqual(validateUscc(withBadOrgCode, { strictOrgCode: true }), { valid: false, reason: 'org-code-checksum' });
  });
});

describe('validateMobile', () => {
  it('validates the national pattern with optional +86 / 86', () => {
    for (const good of ['13812345678', '+8613812345678', '86 13812345678', '+86-19912345678']) {
      assert.equal(validateMobile(good), true, good);
    }
    for (const bad of ['12812345678', '1381234567', '138123456789', '0757-83456789', '+85213812345678', '']) {
      assert.equal(validateMobile(bad), false, bad);
    }
  });
});

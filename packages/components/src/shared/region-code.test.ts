import { expect } from '@open-wc/testing';
import { isRegionCode } from './region-code.js';

describe('isRegionCode', () => {
  it('accepts county, town and village codes the platform accepts', () => {
    for (const code of ['440605', '440605124', '440605124201']) expect(isRegionCode(code), code).to.equal(true);
  });

  it('refuses what the platform refuses, and what is not 6, 9 or 12 digits as written', () => {
    // 990605: no province 99; 440605000: no town 000; 44: a province, wider than any region scope.
    for (const code of ['990605', '440605000', '440605124000', '44', '4406', '12345', ' 440605', '440605 ', '４４０６０５', '', null, undefined]) {
      expect(isRegionCode(code), String(code)).to.equal(false);
    }
  });
});

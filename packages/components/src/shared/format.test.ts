import { expect } from '@open-wc/testing';
import {
  EMPTY_VALUE,
  SQUARE_METRES_PER_MU,
  decimalFormatter,
  formatArea,
  formatDate,
  formatDateTime,
  formatNumber,
  muToSquareMetres,
  squareMetresToMu,
  toShanghaiDate,
} from './format.js';

// 16:30 UTC on 7 March is 00:30 on 8 March in Shanghai (UTC+8): the date must follow Shanghai.
const LATE_EVENING_UTC = '2025-03-07T16:30:00Z';

describe('format', () => {
  it('formats dates in Asia/Shanghai regardless of the viewer time zone', () => {
    expect(formatDate(LATE_EVENING_UTC, undefined, 'zh-CN')).to.equal('2025年3月8日');
    expect(formatDate(LATE_EVENING_UTC, undefined, 'en')).to.equal('Mar 8, 2025');
    expect(formatDate(Date.parse(LATE_EVENING_UTC), { year: 'numeric', month: '2-digit', day: '2-digit' }, 'zh-CN')).to.equal(
      '2025/03/08',
    );
    expect(formatDateTime(LATE_EVENING_UTC, 'zh-CN')).to.equal('2025年3月8日 00:30');
    expect(formatDateTime(new Date(LATE_EVENING_UTC), 'en')).to.match(/^Mar 8, 2025,? 12:30\sAM$/);
  });

  it('gives the Shanghai calendar day for deadline comparisons', () => {
    expect(toShanghaiDate(LATE_EVENING_UTC)).to.equal('2025-03-08');
    expect(toShanghaiDate('2025-03-08T15:59:59Z')).to.equal('2025-03-08');
    expect(toShanghaiDate('2025-03-08T16:00:00Z')).to.equal('2025-03-09');
    expect(toShanghaiDate('not a date')).to.equal(undefined);
    expect(toShanghaiDate(null)).to.equal(undefined);
  });

  it('never throws on missing or malformed values', () => {
    expect(formatDate(null)).to.equal(EMPTY_VALUE);
    expect(formatDate(undefined)).to.equal(EMPTY_VALUE);
    expect(formatDate('')).to.equal(EMPTY_VALUE);
    expect(formatDate('2025-13-45')).to.equal('2025-13-45');
    expect(formatNumber(Number.NaN)).to.equal(EMPTY_VALUE);
    expect(formatNumber(null)).to.equal(EMPTY_VALUE);
    expect(formatArea(Number.POSITIVE_INFINITY)).to.equal(EMPTY_VALUE);
  });

  it('formats numbers for the locale', () => {
    expect(formatNumber(1234567.891, { maximumFractionDigits: 1 }, 'zh-CN')).to.equal('1,234,567.9');
    expect(formatNumber(0.256, { style: 'percent' }, 'en')).to.equal('26%');
  });

  it('writes plain decimals as Intl does, without creating an Intl.NumberFormat', () => {
    const options = [
      {},
      { maximumFractionDigits: 0 },
      { maximumFractionDigits: 0, useGrouping: false },
      { maximumFractionDigits: 1 },
      { maximumFractionDigits: 6 },
      { minimumFractionDigits: 2, maximumFractionDigits: 2 },
      { minimumFractionDigits: 5 },
    ];
    // Ties on the shortest decimal form (1.005, 2.675), carries through every digit (999.9995),
    // signs of values that round to zero, and the edges of the plain range.
    const values = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, 1.005, -2.675, 9.995, 999.9995, 99999.5, 1234.5, 0.1 + 0.2, 0.000001, -0.0004, 123456789.125, 2 ** 53, 1e20];
    for (let i = 0; i < 2000; i++) values.push(Number(((i * 7919) % 100003) / 10 ** (i % 9) - 500));
    const created: unknown[] = [];
    const NumberFormat = Intl.NumberFormat;
    const formatters = (['zh-CN', 'en'] as const).flatMap((locale) => options.map((o) => ({ locale, o, format: decimalFormatter(o, locale), intl: new NumberFormat(locale, o) })));
    Intl.NumberFormat = new Proxy(NumberFormat, { construct: (target, args: [string, Intl.NumberFormatOptions]) => (created.push(args), new target(...args)) });
    try {
      for (const { locale, o, format, intl } of formatters) {
        for (const value of values) expect(format(value), `${locale} ${JSON.stringify(o)} ${value}`).to.equal(intl.format(value));
      }
      expect(created, 'Intl.NumberFormat made for plain decimals').to.deep.equal([]);
      // Numbers JavaScript writes with an exponent are Intl's to write.
      expect(decimalFormatter({}, 'en')(1e21)).to.equal('1,000,000,000,000,000,000,000');
      expect(decimalFormatter({ maximumFractionDigits: 2 }, 'zh-CN')(-1e-7)).to.equal('-0');
      expect(created.length).to.equal(2);
    } finally {
      Intl.NumberFormat = NumberFormat;
    }
    expect(formatNumber(-1234.5678, {}, 'en')).to.equal('-1,234.568');
  });

  it('converts between square metres and mu (1 亩 ≈ 666.67 ㎡)', () => {
    expect(SQUARE_METRES_PER_MU.toFixed(2)).to.equal('666.67');
    expect(squareMetresToMu(10_000)).to.equal(15);
    expect(muToSquareMetres(3)).to.equal(2000);
    expect(squareMetresToMu(muToSquareMetres(2.5))).to.be.closeTo(2.5, 1e-12);
  });

  it('formats areas in ㎡, 亩 or both', () => {
    expect(formatArea(1333.34, {}, 'zh-CN')).to.equal('1,333.34 ㎡');
    expect(formatArea(1333.34, { unit: 'mu' }, 'zh-CN')).to.equal('2 亩');
    expect(formatArea(1333.34, { unit: 'both' }, 'zh-CN')).to.equal('1,333.34 ㎡（2 亩）');
    expect(formatArea(150, { unit: 'both', maximumFractionDigits: 3 }, 'zh-CN')).to.equal('150 ㎡（0.225 亩）');
    expect(formatArea(1333.34, { unit: 'both' }, 'en')).to.equal('1,333.34 m² (2 mu)');
  });
});

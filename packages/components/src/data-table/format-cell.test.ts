import { expect } from '@open-wc/testing';
import { formatArea, formatDateTime } from '../shared/format.js';
import { setLocale } from '../shared/localization.js';
import { ColumnFormats } from './format-cell.js';
import { toColumn, type Column } from './model.js';

describe('cell formats', () => {
  afterEach(async () => {
    await setLocale('zh-CN');
  });

  const columns = (): Column[] =>
    [
      { name: 'at', label: '时间', type: 'datetime' },
      { name: 'area', label: '面积', type: 'area-sqm' },
      { name: 'mu', label: '面积（亩）', type: 'area-mu' },
      { name: 'month', label: '月份', type: 'year-month' },
      { name: 'town', label: '镇街', type: 'region-code' },
    ].map((raw) => toColumn(raw as never, true)!);

  it('makes one formatter per column and keeps it across renders, until the locale changes', async () => {
    const formats = new ColumnFormats();
    const shown = columns();
    const first = formats.for(shown, () => undefined);
    expect(formats.for(shown, () => undefined)).to.deep.equal(first);
    first.forEach((formatter, j) => expect(formats.for(shown, () => undefined)[j]).to.equal(formatter));
    await setLocale('en');
    const english = formats.for(shown, () => undefined);
    english.forEach((formatter, j) => expect(formatter).not.to.equal(first[j]));
  });

  it('formats as the shared formats do, and finds region names through the latest lookup', () => {
    const formats = new ColumnFormats();
    const shown = columns();
    const [at, area, mu, month, town] = formats.for(shown, () => undefined);
    expect(at!('2026-03-08T06:05:00Z')).to.equal(formatDateTime('2026-03-08T06:05:00Z'));
    expect(at!('not a date')).to.equal('not a date');
    expect(area!(1333.3333)).to.equal(formatArea(1333.3333));
    expect(mu!(2)).to.equal(formatArea(2 * (10000 / 15), { unit: 'mu' }));
    expect(month!('2026-03')).to.match(/2026/);
    expect(town!('440605124')).to.equal('440605124');
    formats.for(shown, (code) => (code === '440605124' ? '狮山镇' : undefined));
    expect(town!('440605124')).to.equal('狮山镇');
  });
});

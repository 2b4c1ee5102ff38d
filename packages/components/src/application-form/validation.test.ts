import { expect } from '@open-wc/testing';
import { filledHomestead } from '../../test-support/homestead-application.js';
import { formOf } from './fields.js';
import { validateForm, type ValidationContext } from './validation.js';

const form = formOf('homestead');
const today = '2026-10-12';
const ctx: ValidationContext = { today, areaCapOf: (town) => (town === '440605124' ? 80 : 120) };

function errorsWith(changes: Record<string, string>, rows?: Record<string, number>) {
  const filled = filledHomestead(today);
  return validateForm(form, { values: { ...filled.values, ...changes }, rows: { ...filled.rows, ...rows } }, ctx);
}

describe('application form validation', () => {
  it('accepts the complete application', () => {
    expect(errorsWith({})).to.deep.equal({});
  });

  it('asks for every required answer, and only those', () => {
    const errors = validateForm(form, { values: {}, rows: {} }, ctx);
    expect(errors['jcxx.sfzh']).to.equal('请填写身份证号。');
    expect(errors['jcxx.xb']).to.equal('请选择性别。');
    expect(errors).to.not.have.property('groupName');
    expect(errors).to.not.have.property('nzjdqk.dlxl'); // shown only for farmland
  });

  it('checks ID numbers by GB 11643, with age and sex agreeing', () => {
    expect(errorsWith({ 'jcxx.sfzh': '440605198203151313' })['jcxx.sfzh']).to.match(/校验位/);
    expect(errorsWith({ 'jcxx.sfzh': '44060519820315' })['jcxx.sfzh']).to.match(/18 位/);
    expect(errorsWith({ 'jcxx.sfzh': '440605198202301312' })['jcxx.sfzh']).to.match(/出生日期不存在/);
    expect(errorsWith({ 'jcxx.nl': '30' })['jcxx.nl']).to.match(/1982-03-15/);
    expect(errorsWith({ 'jcxx.xb': '女' })['jcxx.xb']).to.match(/性别与身份证号不符/);
    expect(errorsWith({ 'jtcy.1.sfzh': '440605198203151312' })['jtcy.1.sfzh']).to.match(/重复/);
    // Full-width digits from a Chinese IME and a lower-case x are what people type.
    expect(errorsWith({ 'jcxx.sfzh': '４４０６０５１９８２０３１５１３１２' })).to.deep.equal({});
  });

  it('checks mobile numbers and village codes', () => {
    expect(errorsWith({ 'jcxx.lxdh': '23926081234' })['jcxx.lxdh']).to.match(/11 位/);
    expect(errorsWith({ villageCode: '44060512420' }).villageCode).to.match(/12 位/);
  });

  it('applies the town’s area cap and the area rules', () => {
    expect(errorsWith({ 'nzjdqk.zjdmj': '81' })['nzjdqk.zjdmj']).to.match(/80 平方米/);
    expect(errorsWith({ 'nzjdqk.zjdmj': '0' })['nzjdqk.zjdmj']).to.match(/大于 0/);
    expect(errorsWith({ 'nzjdqk.fjzdmj': '85', 'nzjdqk.zjdmj': '80' })['nzjdqk.fjzdmj']).to.match(/不能大于宅基地面积/);
    expect(errorsWith({ 'nzjdqk.jzcs': '11' })['nzjdqk.jzcs']).to.match(/不能大于 10/);
    expect(errorsWith({ 'nzjdqk.jzcs': '2.5' })['nzjdqk.jzcs']).to.match(/整数/);
    // Without a known cap the server decides.
    expect(validateForm(form, { ...filledHomestead(today), values: { ...filledHomestead(today).values, 'nzjdqk.zjdmj': '100', 'nzjdqk.fjzdmj': '90' } }, { today })).to.deep.equal({});
  });

  it('asks for the farmland type only for farmland', () => {
    expect(errorsWith({ 'nzjdqk.dl': '农用地' })['nzjdqk.dlxl']).to.match(/细类/);
    expect(errorsWith({ 'nzjdqk.dl': '农用地', 'nzjdqk.dlxl': '耕地' })).to.deep.equal({});
  });

  it('refuses an application dated after today, and an applicant under 18', () => {
    expect(errorsWith({ 'qt.sqrrq': '2026-10-13' })['qt.sqrrq']).to.match(/晚于今天/);
    expect(errorsWith({ 'jcxx.sfzh': '440605201103061533', 'jcxx.nl': '15' })['jcxx.nl']).to.match(/18 周岁/);
  });

  it('lists problems in the order the fields are shown', () => {
    const errors = errorsWith({ villageCode: '', 'qt.sqly': '', 'jcxx.lxdh': '1' });
    expect(Object.keys(errors)).to.deep.equal(['villageCode', 'jcxx.lxdh', 'qt.sqly']);
  });
});

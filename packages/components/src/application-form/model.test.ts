import { expect } from '@open-wc/testing';
import { formOf, type ListNode } from './fields.js';
import { addRow, bodyOf, emptyValues, instancesOf, pathOfProblemField, removeRow } from './model.js';

const form = formOf('homestead');
const family = form.children.find((node) => node.path === 'jtcy') as ListNode;

describe('application form values', () => {
  it('builds the request body with numbers, booleans, a position and rows', () => {
    const state = addRow(emptyValues(), family);
    state.values = {
      villageCode: ' 440605124201 ',
      'location.0': '113.0392',
      'location.1': '２３.１４８７',
      'jcxx.sfzh': '44060519820315131x',
      'jcxx.nl': '44',
      'nzjdqk.sfzqxlqlryj': 'true',
      'jtcy.0.xm': '李美玲',
    };
    const body = bodyOf(form, state) as Record<string, any>;
    expect(body.villageCode).to.equal('440605124201');
    expect(body.location).to.deep.equal([113.0392, 23.1487]);
    expect(body.jcxx).to.deep.equal({ sfzh: '44060519820315131X', nl: 44 });
    expect(body.nzjdqk).to.deep.equal({ sfzqxlqlryj: true });
    expect(body.jtcy).to.deep.equal([{ xm: '李美玲' }]);
    expect(body).to.not.have.property('draft');
  });

  it('moves the later rows up when a row is removed', () => {
    let state = addRow(addRow(addRow(emptyValues(), family), family), family);
    state = { ...state, values: { 'jtcy.0.xm': 'A', 'jtcy.1.xm': 'B', 'jtcy.2.xm': 'C', 'jtcy.2.nl': '9', 'jcxx.xm': '户主' } };
    const after = removeRow(state, family, 1);
    expect(after.rows.jtcy).to.equal(2);
    expect(after.values).to.deep.equal({ 'jtcy.0.xm': 'A', 'jtcy.1.xm': 'C', 'jtcy.1.nl': '9', 'jcxx.xm': '户主' });
    expect(instancesOf(form, after).filter((instance) => instance.row === 1).map((instance) => instance.path)).to.include('jtcy.1.sfzh');
  });

  it('stops adding rows at the schema’s maxItems', () => {
    let state = emptyValues();
    for (let i = 0; i < family.maxItems + 3; i += 1) state = addRow(state, family);
    expect(state.rows.jtcy).to.equal(family.maxItems);
  });

  it('reads the field of a problem the server names', () => {
    expect(pathOfProblemField('body/jtcy/1/sfzh')).to.equal('jtcy.1.sfzh');
    expect(pathOfProblemField('header/idempotency-key')).to.equal(undefined);
  });
});

/**
 * The form is the contract's request schema: these tests fail when the spec gains a field, a
 * choice or a section the form has no words for, when a field it leaves out is renamed, and when
 * a requirement of the schema is lost on the way to the form.
 */
import { expect } from '@open-wc/testing';
import { requestSchemas } from '../generated/request-schemas.js';
import { fieldsOf, formOf, OMITTED_PATHS, sectionsOf, type JsonSchema } from './fields.js';
import { hasChoiceLabel, hasLabel, hasListTexts, hasSectionLabel } from './texts.js';

const form = formOf('homestead');
const schema: JsonSchema = requestSchemas.createApplication;

function schemaAt(path: string): JsonSchema | undefined {
  return path.split('.').reduce<JsonSchema | undefined>((node, key) => (key === '#' ? node?.items : node?.properties?.[key]), schema);
}

describe('application form fields (from the ApplicationCreate schema)', () => {
  it('has words for every field, choice and section the schema gives', () => {
    const fields = fieldsOf(form);
    expect(fields.filter((field) => !hasLabel(field.template)).map((field) => field.template)).to.deep.equal([]);
    const choices = fields.flatMap((field) => field.choices);
    expect(choices.filter((choice) => !hasChoiceLabel(choice))).to.deep.equal([]);
    // A row of a list (`jtcy.#`) is named by the list's own words.
    const sections = sectionsOf(form).map((section) => (section.kind === 'list' ? section.path : section.template));
    expect(sections.filter((path) => !path.endsWith('#') && !hasSectionLabel(path))).to.deep.equal([]);
    expect(sectionsOf(form).filter((section) => section.kind === 'list' && !hasListTexts(section.path))).to.deep.equal([]);
  });

  it('leaves out only properties that exist in the schema', () => {
    expect(OMITTED_PATHS.filter((path) => schemaAt(path) === undefined)).to.deep.equal([]);
  });

  it('carries the schema’s required answers, controls and choices', () => {
    const byPath = new Map(fieldsOf(form).map((field) => [field.template, field]));
    expect(byPath.get('jcxx.sfzh')).to.include({ required: true, control: 'text' });
    expect(byPath.get('groupName')).to.include({ required: false });
    expect(byPath.get('jcxx.nl')?.control).to.equal('integer');
    expect(byPath.get('nzjdqk.jzgd')?.control).to.equal('number');
    expect(byPath.get('qt.sqrrq')?.control).to.equal('date');
    expect(byPath.get('qt.sqly')?.control).to.equal('textarea');
    expect(byPath.get('nzjdqk.sfzqxlqlryj')?.control).to.equal('boolean');
    expect(byPath.get('jcxx.xb')?.choices).to.deep.equal(schemaAt('jcxx.xb')?.enum);
    // A nullable choice offers its values; leaving it empty is how null is said.
    expect(byPath.get('nzjdqk.dlxl')).to.include({ control: 'choice', required: false });
    expect(byPath.get('nzjdqk.dlxl')?.choices).to.not.include(null);
    // The position is two numbers: longitude and latitude.
    expect([...byPath.keys()].filter((path) => path.startsWith('location.'))).to.deep.equal(['location.0', 'location.1']);
    for (const field of byPath.values()) {
      const parent = field.template.split('.').slice(0, -1).join('.');
      const required = parent.startsWith('location') ? true : (schemaAt(parent)?.required ?? schema.required ?? []).includes(field.name);
      expect(field.required, field.template).to.equal(required);
    }
  });

  it('makes the family members (家庭成员) a list with the schema’s limit', () => {
    const list = sectionsOf(form).find((section) => section.path === 'jtcy');
    expect(list?.kind).to.equal('list');
    expect(list?.kind === 'list' && list.maxItems).to.equal(schemaAt('jtcy')?.maxItems);
    expect(fieldsOf(list!).map((field) => field.template)).to.deep.equal(Object.keys(schemaAt('jtcy.#')?.properties ?? {}).map((name) => `jtcy.#.${name}`));
  });
});

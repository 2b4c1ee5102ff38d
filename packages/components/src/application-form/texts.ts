/**
 * The words of `<cb-application-form>` for the fields the schema gives: labels and hints by
 * template path, names of sections, words for choices. The spec's descriptions are for developers
 * (and in one language), so the applicant's words live here; a field the spec gains before this
 * table does falls back to the Chinese part of its description, and `texts.test.ts` fails until
 * it is given words in both languages.
 */
import { msg, str } from '@lit/localize';
import type { FieldNode } from './fields.js';

const LABELS: Record<string, () => string> = {
  villageCode: () => msg('村（居）代码', { id: 'form.field.villageCode' }),
  groupName: () => msg('村民小组', { id: 'form.field.groupName' }),
  'location.0': () => msg('经度', { id: 'form.field.location.0' }),
  'location.1': () => msg('纬度', { id: 'form.field.location.1' }),
  'jcxx.xm': () => msg('姓名', { id: 'form.field.jcxx.xm' }),
  'jcxx.xb': () => msg('性别', { id: 'form.field.jcxx.xb' }),
  'jcxx.nl': () => msg('年龄', { id: 'form.field.jcxx.nl' }),
  'jcxx.lxdh': () => msg('手机号码', { id: 'form.field.jcxx.lxdh' }),
  'jcxx.sfzh': () => msg('身份证号', { id: 'form.field.jcxx.sfzh' }),
  'jcxx.hksz': () => msg('户口所在地', { id: 'form.field.jcxx.hksz' }),
  'jtcy.#.xm': () => msg('姓名', { id: 'form.field.jtcy.xm' }),
  'jtcy.#.nl': () => msg('年龄', { id: 'form.field.jtcy.nl' }),
  'jtcy.#.yhzgx': () => msg('与户主关系', { id: 'form.field.jtcy.yhzgx' }),
  'jtcy.#.sfzh': () => msg('身份证号', { id: 'form.field.jtcy.sfzh' }),
  'jtcy.#.hkszd': () => msg('户口所在地', { id: 'form.field.jtcy.hkszd' }),
  'xzjxqk.zjdmj': () => msg('现宅基地面积（平方米）', { id: 'form.field.xzjxqk.zjdmj' }),
  'xzjxqk.jzmj': () => msg('现建筑面积（平方米）', { id: 'form.field.xzjxqk.jzmj' }),
  'xzjxqk.qszsh': () => msg('权属证书号', { id: 'form.field.xzjxqk.qszsh' }),
  'xzjxqk.xzjdclqk': () => msg('现宅基地处置情况', { id: 'form.field.xzjxqk.xzjdclqk' }),
  'nzjdqk.zjdmj': () => msg('宅基地面积（平方米）', { id: 'form.field.nzjdqk.zjdmj' }),
  'nzjdqk.fjzdmj': () => msg('房基占地面积（平方米）', { id: 'form.field.nzjdqk.fjzdmj' }),
  'nzjdqk.dz': () => msg('地址', { id: 'form.field.nzjdqk.dz' }),
  'nzjdqk.szdz': () => msg('四至：东', { id: 'form.field.nzjdqk.szdz' }),
  'nzjdqk.sznz': () => msg('四至：南', { id: 'form.field.nzjdqk.sznz' }),
  'nzjdqk.szxz': () => msg('四至：西', { id: 'form.field.nzjdqk.szxz' }),
  'nzjdqk.szbz': () => msg('四至：北', { id: 'form.field.nzjdqk.szbz' }),
  'nzjdqk.dl': () => msg('地类', { id: 'form.field.nzjdqk.dl' }),
  'nzjdqk.dlxl': () => msg('农用地细类', { id: 'form.field.nzjdqk.dlxl' }),
  'nzjdqk.jflx': () => msg('建房类型', { id: 'form.field.nzjdqk.jflx' }),
  'nzjdqk.zfjzmj': () => msg('住房建筑面积（平方米）', { id: 'form.field.nzjdqk.zfjzmj' }),
  'nzjdqk.jzcs': () => msg('建筑层数', { id: 'form.field.nzjdqk.jzcs' }),
  'nzjdqk.jzgd': () => msg('建筑高度（米）', { id: 'form.field.nzjdqk.jzgd' }),
  'nzjdqk.sfzqxlqlryj': () => msg('是否已征求相邻权利人意见', { id: 'form.field.nzjdqk.sfzqxlqlryj' }),
  'qt.sqly': () => msg('申请理由', { id: 'form.field.qt.sqly' }),
  'qt.sqr': () => msg('申请人', { id: 'form.field.qt.sqr' }),
  'qt.sqrrq': () => msg('申请日期', { id: 'form.field.qt.sqrrq' }),
};

const SECTIONS: Record<string, () => string> = {
  location: () => msg('拟建房位置', { id: 'form.section.location' }),
  jcxx: () => msg('申请户主信息', { id: 'form.section.jcxx' }),
  jtcy: () => msg('家庭成员', { id: 'form.section.jtcy' }),
  xzjxqk: () => msg('现宅基地及农房情况', { id: 'form.section.xzjxqk' }),
  nzjdqk: () => msg('拟申请宅基地及建房情况', { id: 'form.section.nzjdqk' }),
  qt: () => msg('申请理由', { id: 'form.section.qt' }),
};

const idNumberHint = (): string => msg('18 位，最后一位可能是 X。', { id: 'form.hint.sfzh' });

const HINTS: Record<string, () => string> = {
  villageCode: () => msg('12 位数字，可向村（居）委会询问，例如 440605124201。', { id: 'form.hint.villageCode' }),
  location: () => msg('拟建房地块中心点的经纬度（度），可在地图上选点获得。', { id: 'form.hint.location' }),
  'jcxx.sfzh': idNumberHint,
  'jtcy.#.sfzh': idNumberHint,
  'jcxx.lxdh': () => msg('11 位手机号码，用于接收办理进度短信。', { id: 'form.hint.lxdh' }),
  'xzjxqk.zjdmj': () => msg('没有宅基地请填 0。', { id: 'form.hint.current-none' }),
  'xzjxqk.qszsh': () => msg('没有权属证书请填“无”。', { id: 'form.hint.qszsh' }),
  'nzjdqk.fjzdmj': () => msg('不能大于宅基地面积。', { id: 'form.hint.fjzdmj' }),
};

const CHOICES: Record<string, () => string> = {
  男: () => msg('男', { id: 'form.choice.male' }),
  女: () => msg('女', { id: 'form.choice.female' }),
  保留: () => msg('保留', { id: 'form.choice.keep' }),
  退给村集体: () => msg('退给村集体', { id: 'form.choice.return-to-village' }),
  其他: () => msg('其他', { id: 'form.choice.other' }),
  建设用地: () => msg('建设用地', { id: 'form.choice.construction-land' }),
  未利用地: () => msg('未利用地', { id: 'form.choice.unused-land' }),
  农用地: () => msg('农用地', { id: 'form.choice.farmland' }),
  耕地: () => msg('耕地', { id: 'form.choice.arable' }),
  林地: () => msg('林地', { id: 'form.choice.forest' }),
  草地: () => msg('草地', { id: 'form.choice.grassland' }),
  原址翻建: () => msg('原址翻建', { id: 'form.choice.rebuild' }),
  改扩建: () => msg('改扩建', { id: 'form.choice.extend' }),
  异址新建: () => msg('异址新建', { id: 'form.choice.new-site' }),
};

/** The Chinese words a spec description starts with: `性别 (must agree …)` → `性别`. */
function descriptionLabel(description: string | undefined): string | undefined {
  return description?.split(/[(`]/)[0]?.trim() || undefined;
}

export function hasLabel(templatePath: string): boolean {
  return templatePath in LABELS;
}

export function hasChoiceLabel(value: string): boolean {
  return value in CHOICES;
}

export function hasSectionLabel(path: string): boolean {
  return path in SECTIONS;
}

export function fieldLabel(field: FieldNode): string {
  return LABELS[field.template]?.() ?? descriptionLabel(field.schema.description) ?? field.name;
}

export function fieldHint(templatePath: string): string | undefined {
  return HINTS[templatePath]?.();
}

export function sectionLabel(path: string, description?: string): string {
  return SECTIONS[path]?.() ?? descriptionLabel(description) ?? path;
}

export function choiceLabel(value: string): string {
  return CHOICES[value]?.() ?? value;
}

export const yesLabel = (): string => msg('是', { id: 'form.choice.yes' });
export const noLabel = (): string => msg('否', { id: 'form.choice.no' });

/** What the buttons and rows of a list say. */
export interface ListTexts {
  row: (row: number) => string;
  add: () => string;
  remove: (row: number) => string;
  empty: () => string;
}

const LISTS: Record<string, ListTexts> = {
  jtcy: {
    row: (row) => msg(str`家庭成员 ${row}`, { id: 'form.jtcy.row' }),
    add: () => msg('添加家庭成员', { id: 'form.jtcy.add' }),
    remove: (row) => msg(str`删除家庭成员 ${row}`, { id: 'form.jtcy.remove' }),
    empty: () => msg('还没有添加家庭成员。只有户主一人时可以不添加。', { id: 'form.jtcy.empty' }),
  },
};

export function hasListTexts(path: string): boolean {
  return path in LISTS;
}

/** The words of a list; a list the spec gains before this table does gets generic ones. */
export function listTexts(path: string, title: string): ListTexts {
  return (
    LISTS[path] ?? {
      row: (row) => msg(str`${title} ${row}`, { id: 'form.list.row' }),
      add: () => msg(str`添加一项${title}`, { id: 'form.list.add' }),
      remove: (row) => msg(str`删除${title} ${row}`, { id: 'form.list.remove' }),
      empty: () => msg(str`还没有添加${title}。`, { id: 'form.list.empty' }),
    }
  );
}

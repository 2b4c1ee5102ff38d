/**
 * The checks of `<cb-application-form>`: first what the schema says of each field (required,
 * integer, limits, lengths, pattern, choices, dates), then the domain rules the sandbox applies on
 * top (`validateHomesteadInput` in `@citybrain/domain`): GB 11643 ID numbers with age and sex
 * agreeing, mobile numbers, village division codes, the area rules and no future dates, through
 * the same validators the server uses (`@citybrain/client/validators`). The server still decides;
 * these let the applicant fix a mistake while typing instead of after a round trip.
 */
import { msg, str } from '@lit/localize';
import { validateDivisionCode, validateIdNumber, validateMobile } from '@citybrain/client/validators';
import type { FieldNode, GroupNode } from './fields.js';
import { instancesOf, normalizeText, type FieldInstance, type FormValues } from './model.js';
import { fieldLabel } from './texts.js';

/** Error message by instance path. */
export type FieldErrors = Record<string, string>;

export interface ValidationContext {
  /** Today in Asia/Shanghai, `YYYY-MM-DD`: birth dates, ages and the application date are checked against it. */
  today: string;
  /** The homestead area cap (㎡) of the town a 9-digit code names, when the process definition is known. */
  areaCapOf?: (townCode: string) => number | undefined;
}

/** The spec's `ApplicantInfo.nl`: "under 18 cannot apply". */
const MIN_APPLICANT_AGE = 18;
/** The server allows a year either way around a birthday (the form is filled in by hand). */
const AGE_SLACK_YEARS = 1;
/** 地类 whose 细类 must be given, and only then (`ProposedHomestead.dlxl`). */
const FARMLAND = '农用地';

/** Whether a field is shown at all: 农用地细类 only when the land is farmland. */
export function isShown(field: FieldNode, values: Record<string, string>): boolean {
  if (field.template === 'nzjdqk.dlxl') return values['nzjdqk.dl'] === FARMLAND;
  return true;
}

function schemaProblem(field: FieldNode, text: string): string | undefined {
  const label = fieldLabel(field);
  const { schema } = field;
  if (text === '') {
    if (!field.required) return undefined;
    return field.control === 'choice' || field.control === 'boolean'
      ? msg(str`请选择${label}。`, { id: 'form.error.choose' })
      : msg(str`请填写${label}。`, { id: 'form.error.required' });
  }
  switch (field.control) {
    case 'integer':
    case 'number': {
      const pattern = field.control === 'integer' ? /^-?\d+$/ : /^-?(\d+\.?\d*|\.\d+)$/;
      if (!pattern.test(text)) {
        return field.control === 'integer'
          ? msg(str`${label}须为整数。`, { id: 'form.error.integer' })
          : msg(str`${label}须为数字。`, { id: 'form.error.number' });
      }
      const value = Number(text);
      if (schema.minimum !== undefined && value < schema.minimum) {
        return msg(str`${label}不能小于 ${schema.minimum}。`, { id: 'form.error.minimum' });
      }
      if (schema.maximum !== undefined && value > schema.maximum) {
        return msg(str`${label}不能大于 ${schema.maximum}。`, { id: 'form.error.maximum' });
      }
      return undefined;
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))
        ? undefined
        : msg(str`${label}须为日期，例如 2026-10-12。`, { id: 'form.error.date' });
    case 'choice':
      return field.choices.includes(text) ? undefined : msg(str`请从列表中选择${label}。`, { id: 'form.error.choice' });
    case 'boolean':
      return text === 'true' || text === 'false' ? undefined : msg(str`请选择${label}。`, { id: 'form.error.choose' });
    default:
      if (schema.minLength !== undefined && [...text].length < schema.minLength) {
        return msg(str`${label}至少 ${schema.minLength} 个字。`, { id: 'form.error.min-length' });
      }
      if (schema.maxLength !== undefined && [...text].length > schema.maxLength) {
        return msg(str`${label}不能超过 ${schema.maxLength} 个字。`, { id: 'form.error.max-length' });
      }
      return undefined;
  }
}

const ID_PROBLEMS = {
  format: () => msg('身份证号应为 18 位：17 位数字加 1 位数字或 X。', { id: 'form.error.id-format' }),
  province: () => msg('身份证号前两位不是有效的省份代码，请核对。', { id: 'form.error.id-province' }),
  'birth-date': () => msg('身份证号中的出生日期不存在，请核对第 7–14 位。', { id: 'form.error.id-birth-date' }),
  'future-birth-date': () => msg('身份证号中的出生日期晚于今天，请核对。', { id: 'form.error.id-future' }),
  checksum: () => msg('身份证号校验位不对，可能有一位输错了，请逐位核对。', { id: 'form.error.id-checksum' }),
} as const;

function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

type Lookup = (template: string, row?: number) => { path: string; text: string } | undefined;

/** The domain rule of one field, after its schema checks passed. */
function domainProblem(instance: FieldInstance, text: string, find: Lookup, ctx: ValidationContext): string | undefined {
  const { field, row } = instance;
  const sibling = (name: string) => find(field.template.replace(/[^.]+$/, name), row)?.text ?? '';
  if (text === '') {
    if (field.template === 'nzjdqk.dlxl') return msg('地类为农用地时，请选择细类。', { id: 'form.error.dlxl-required' });
    return undefined;
  }
  switch (field.name) {
    case 'sfzh': {
      const check = validateIdNumber(text.toUpperCase(), { today: ctx.today });
      return check.valid ? undefined : ID_PROBLEMS[check.reason]();
    }
    case 'nl':
    case 'xb': {
      const id = validateIdNumber(sibling('sfzh').toUpperCase(), { today: ctx.today });
      if (field.name === 'nl') {
        if (id.valid && Math.abs(ageOn(id.birthDate, ctx.today) - Number(text)) > AGE_SLACK_YEARS) {
          return msg(str`年龄与身份证号中的出生日期（${id.birthDate}）不符。`, { id: 'form.error.age-mismatch' });
        }
        if (field.template === 'jcxx.nl' && Number(text) < MIN_APPLICANT_AGE) {
          return msg(str`申请人须年满 ${MIN_APPLICANT_AGE} 周岁。`, { id: 'form.error.applicant-age' });
        }
        return undefined;
      }
      if (id.valid && text !== (id.gender === 'male' ? '男' : '女')) {
        return msg('性别与身份证号不符（第 17 位单数为男，双数为女）。', { id: 'form.error.sex-mismatch' });
      }
      return undefined;
    }
    case 'lxdh':
      return validateMobile(text) ? undefined : msg('手机号码应为 11 位，以 1 开头，例如 13926081234。', { id: 'form.error.mobile' });
    case 'villageCode': {
      const check = validateDivisionCode(text, { level: 'village' });
      return check.valid ? undefined : msg('村（居）代码应为 12 位数字，请向村（居）委会核对。', { id: 'form.error.village-code' });
    }
    default:
      return amountOrDateProblem(instance, text, sibling, ctx);
  }
}

/** The area rules of the proposed homestead (`validateProposedHomestead` on the server) and no future application date. */
function amountOrDateProblem(instance: FieldInstance, text: string, sibling: (name: string) => string, ctx: ValidationContext): string | undefined {
  const label = fieldLabel(instance.field);
  const value = Number(text);
  switch (instance.field.template) {
    case 'nzjdqk.zjdmj': {
      if (!(value > 0)) return msg(str`${label}须大于 0。`, { id: 'form.error.positive' });
      const village = sibling('villageCode');
      const cap = /^\d{12}$/.test(village) ? ctx.areaCapOf?.(village.slice(0, 9)) : undefined;
      return cap !== undefined && value > cap
        ? msg(str`宅基地面积超过本镇标准 ${cap} 平方米。`, { id: 'form.error.area-cap' })
        : undefined;
    }
    case 'nzjdqk.fjzdmj': {
      if (!(value > 0)) return msg(str`${label}须大于 0。`, { id: 'form.error.positive' });
      const homestead = Number(sibling('zjdmj'));
      return homestead > 0 && value > homestead
        ? msg('房基占地面积不能大于宅基地面积。', { id: 'form.error.footprint' })
        : undefined;
    }
    case 'nzjdqk.zfjzmj':
    case 'nzjdqk.jzgd':
      return value > 0 ? undefined : msg(str`${label}须大于 0。`, { id: 'form.error.positive' });
    case 'qt.sqrrq':
      return text > ctx.today
        ? msg('申请日期不能晚于今天。', { id: 'form.error.future-date' })
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Every problem of the form, by instance path, in the order the fields are shown (the order of
 * the error summary). Hidden fields are not checked.
 */
export function validateForm(form: GroupNode, state: FormValues, ctx: ValidationContext): FieldErrors {
  const instances = instancesOf(form, state).filter((instance) => isShown(instance.field, state.values));
  const byTemplate = new Map<string, FieldInstance[]>();
  for (const instance of instances) byTemplate.set(instance.field.template, [...(byTemplate.get(instance.field.template) ?? []), instance]);
  // The root's fields (villageCode) are siblings of every group's: a rule may look one level up.
  const find: Lookup = (template, row) => {
    const candidates = byTemplate.get(template) ?? byTemplate.get(template.replace(/^[^.]+\./, '')) ?? [];
    const instance = candidates.find((candidate) => candidate.row === row) ?? candidates[0];
    return instance && { path: instance.path, text: normalizeText(state.values[instance.path] ?? '') };
  };
  const errors: FieldErrors = {};
  const ids = new Map<string, string>();
  for (const instance of instances) {
    const text = normalizeText(state.values[instance.path] ?? '');
    const problem = schemaProblem(instance.field, text) ?? domainProblem(instance, text, find, ctx);
    if (problem) {
      errors[instance.path] = problem;
    } else if (instance.field.name === 'sfzh' && text) {
      const id = text.toUpperCase();
      if (ids.has(id)) errors[instance.path] = msg('这个身份证号与前面填写的人重复。', { id: 'form.error.id-duplicate' });
      else ids.set(id, instance.path);
    }
  }
  return errors;
}

/**
 * Readable labels and values for feature attributes in the identify popup: the platform's
 * common fields are translated; others fall back to the TileJSON field description (its first
 * word, e.g. `管控类型 buildable|… (String)` → 管控类型) and then to the raw name.
 */
import { msg } from '@lit/localize';
import { EMPTY_VALUE, formatArea, formatDate, formatNumber } from '../shared/format.js';
import { getLocale } from '../shared/localization.js';
import type { CatalogueLayer } from './types.js';

export function knownFieldLabel(key: string): string | undefined {
  switch (key) {
    case 'id':
      return msg('编号', { id: 'map.field.id' });
    case 'name':
      return msg('名称', { id: 'map.field.name' });
    case 'code':
      return msg('编码', { id: 'map.field.code' });
    case 'kind':
      return msg('类型', { id: 'map.field.kind' });
    case 'parcelNo':
      return msg('宗地号', { id: 'map.field.parcel-no' });
    case 'townCode':
      return msg('镇街代码', { id: 'map.field.town-code' });
    case 'townName':
      return msg('镇街', { id: 'map.field.town-name' });
    case 'villageCode':
      return msg('村居代码', { id: 'map.field.village-code' });
    case 'villageName':
      return msg('村居', { id: 'map.field.village-name' });
    case 'ownerName':
      return msg('权利人', { id: 'map.field.owner-name' });
    case 'ownerIdNumber':
      return msg('身份证号码', { id: 'map.field.owner-id-number' });
    case 'ownerPhone':
      return msg('联系电话', { id: 'map.field.owner-phone' });
    case 'areaSqm':
      return msg('面积', { id: 'map.field.area' });
    case 'landUse':
      return msg('用途', { id: 'map.field.land-use' });
    case 'status':
      return msg('状态', { id: 'map.field.status' });
    case 'zoneType':
      return msg('管控类型', { id: 'map.field.zone-type' });
    case 'legalBasis':
      return msg('依据', { id: 'map.field.legal-basis' });
    case 'stage':
      return msg('推进阶段', { id: 'map.field.stage' });
    case 'address':
      return msg('地址', { id: 'map.field.address' });
    case 'sourceDept':
    case 'responsibleDept':
      return msg('主管部门', { id: 'map.zone.department' });
    case 'version':
      return msg('版本', { id: 'map.field.version' });
    case 'effectiveDate':
      return msg('生效日期', { id: 'map.zone.effective' });
    case 'approvalNo':
      return msg('批准书号', { id: 'map.field.approval-no' });
    case 'approvedOn':
      return msg('批准日期', { id: 'map.field.approved-on' });
    case 'certificateNo':
      return msg('不动产权证书号', { id: 'map.field.certificate-no' });
    case 'registeredOn':
      return msg('登记日期', { id: 'map.field.registered-on' });
    case 'floors':
      return msg('层数', { id: 'map.field.floors' });
    case 'projectId':
      return msg('项目编号', { id: 'map.field.project-id' });
    case 'parkName':
      return msg('园区名称', { id: 'map.field.park-name' });
    case 'areaMu':
      return msg('面积（亩）', { id: 'map.field.area-mu' });
    case 'startDate':
      return msg('启动日期', { id: 'map.field.start-date' });
    case 'level':
      return msg('级别', { id: 'map.field.level' });
    default:
      return undefined;
  }
}

/** `管控类型 buildable|restricted|prohibited (String)` → `管控类型`. */
function labelFromFieldDescription(description: string | undefined): string | undefined {
  const label = description?.trim().split(/[\s(（]/)[0];
  return label ? label : undefined;
}

export function fieldLabel(key: string, fieldDescriptions: Record<string, string> | undefined): string {
  return knownFieldLabel(key) ?? (getLocale() === 'zh-CN' ? labelFromFieldDescription(fieldDescriptions?.[key]) : undefined) ?? key;
}

const MAX_TEXT = 200;

/** The text shown for one attribute value (always plain text, never markup). */
export function fieldValue(key: string, value: unknown, layer: CatalogueLayer | undefined): string {
  if (value === null || value === undefined || value === '') return EMPTY_VALUE;
  if (layer && key === layer.legend.property) {
    const item = layer.legend.items.find((candidate) => candidate.value === value);
    if (item) return getLocale() === 'en' && item.labelEn ? item.labelEn : item.label;
  }
  if (typeof value === 'number') {
    if (key === 'areaSqm' || /AreaSqm$/.test(key)) return formatArea(value, { unit: 'both' });
    return formatNumber(value);
  }
  if (typeof value === 'boolean') return value ? msg('是', { id: 'map.value.yes' }) : msg('否', { id: 'map.value.no' });
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(`${value}T00:00:00+08:00`);
  if (key === 'landUse') {
    if (value === 'rural-housing') return msg('农村宅基地', { id: 'map.value.rural-housing' });
    if (value === 'ancillary') return msg('附属用房', { id: 'map.value.ancillary' });
    if (value === 'vacant') return msg('闲置宅基地', { id: 'map.value.vacant' });
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** Fields not worth a row in the popup (codes of the layer itself, English duplicates, parents). */
const HIDDEN_FIELDS = new Set(['sourceLayer', 'nameEn', 'shortName', 'parentCode', 'urbanRuralType', 'economicCoopUscc']);

export function isShownField(key: string): boolean {
  return !key.startsWith('_') && !HIDDEN_FIELDS.has(key);
}

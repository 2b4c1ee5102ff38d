/**
 * Who may see which dataset, read its rows, export them and see personal columns in full —
 * the 共享/开放 classes of the catalogue (domain reference §6, §10) applied to the caller's role.
 */
import type { DatasetColumnDef, DatasetDefinition, MaskRule } from '@citybrain/domain';
import type { DataComponents } from '@citybrain/contract';
import type { Principal } from '../../auth.js';
import { maskFreeText, maskPersonalValue, personalFieldPolicy, type PersonalField } from '../../masking.js';

/** One cell of a row as the data API answers it. */
export type CellValue = DataComponents['schemas']['CellValue'];

/** What one caller may do with one dataset, as the catalogue reports it. */
export type DatasetAccess = Required<DataComponents['schemas']['DatasetAccess']>;
type ShareGrant = NonNullable<DatasetAccess['grant']>;

/** The public sees 无条件开放 datasets only; every government role sees the whole catalogue's metadata. */
export function isListed(principal: Principal, dataset: DatasetDefinition): boolean {
  return principal.role !== 'public' || dataset.openType === 'open';
}

/**
 * 无条件共享: every government role within its region. 有条件共享: the district, the owner, the
 * bodies the catalogue lists as approved (`TOWN`, `VILLAGE` or a department code) and the holder of
 * `grant`, a share grant in force (the caller looks it up: this stays free of storage and clocks);
 * others with `data:share-apply` may apply. 不予共享: metadata only, except for the district and the
 * owner. The public reads 无条件开放 datasets.
 */
export function accessOf(principal: Principal, dataset: DatasetDefinition, grant: ShareGrant | null = null): DatasetAccess {
  const canExport = principal.permissions.includes('data:export');
  const unmask = principal.permissions.includes('data:unmask');
  const allow = (through: ShareGrant | null = null): DatasetAccess =>
    ({ read: true, export: canExport, unmask, reason: null, canApply: false, grant: through });
  const deny = (reason: string, canApply = false): DatasetAccess =>
    ({ read: false, export: false, unmask: false, reason, canApply, grant: null });

  if (!principal.permissions.includes('data:read')) return deny('缺少 data:read 权限');
  if (principal.role === 'public') return dataset.openType === 'open' ? allow() : deny('未向社会开放');
  if (principal.role === 'district') return allow();
  const owner = principal.deptCode === dataset.ownerDept.code;
  switch (dataset.shareType) {
    case 'unconditional':
      return allow();
    case 'conditional':
      if (owner || (principal.deptCode !== null && dataset.sharedWith.includes(principal.deptCode))) return allow();
      if (grant) return allow(grant);
      return deny(`有条件共享：须向${dataset.ownerDept.name}申请并获批准`, principal.permissions.includes('data:share-apply'));
    case 'none':
      return owner ? allow() : deny('不予共享：仅提供目录信息');
  }
}

const PERSONAL_FIELD: Partial<Record<MaskRule, PersonalField>> = {
  name: 'name',
  'id-number': 'idNumber',
  phone: 'phone',
  address: 'address',
};

/** How one column reaches this caller: as stored, masked in the column's format, or not at all (null). */
export type ColumnTreatment = 'full' | 'masked' | 'hidden';

/** How a column reaches this caller; a grant limited to some columns leaves the others out (hidden). */
export function columnTreatment(principal: Principal, column: DatasetColumnDef, grant: ShareGrant | null = null): ColumnTreatment {
  if (grant?.columns && !grant.columns.includes(column.name)) return 'hidden';
  if (column.maskRule === 'none') return 'full';
  // Sensitive values without a display format (accounts, health data) are all or nothing.
  if (column.maskRule === 'hidden') return principal.permissions.includes('data:unmask') ? 'full' : 'hidden';
  return personalFieldPolicy(principal.role)[PERSONAL_FIELD[column.maskRule]!];
}

/** Columns of free text, where a phone or ID number someone typed is masked like a personal column. */
const FREE_TEXT_TYPES: ReadonlySet<DatasetColumnDef['type']> = new Set(['string', 'text']);

/** A value as this caller may see it. */
export function presentValue(principal: Principal, column: DatasetColumnDef, treatment: ColumnTreatment, value: CellValue | undefined): CellValue {
  if (treatment === 'full' && typeof value === 'string' && FREE_TEXT_TYPES.has(column.type)) return maskFreeText(principal.role, value);
  if (treatment === 'full' || value === null || value === undefined) return value ?? null;
  if (treatment === 'hidden') return null;
  return maskPersonalValue(principal.role, PERSONAL_FIELD[column.maskRule]!, String(value));
}

/** Whether reading this column in full must be recorded (personal data of others, read unmasked). */
export function unmaskedReadIsAudited(principal: Principal, column: DatasetColumnDef, treatment: ColumnTreatment): boolean {
  if (treatment !== 'full' || column.maskRule === 'none') return false;
  return column.maskRule === 'hidden' || personalFieldPolicy(principal.role).auditUnmasked;
}

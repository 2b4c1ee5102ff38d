import { validateIdNumber, validateUscc } from '@citybrain/validators';
import type { Role } from './auth.js';

/** Masking formats follow the Hutool DesensitizedUtil conventions used by Chinese government systems. */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return name ?? null;
  const chars = Array.from(name);
  return chars[0] + '*'.repeat(Math.max(chars.length - 1, 1));
}

/** `keepStart`+4: 6 keeps the address code (440605********1234), 4 keeps only the city (4406**********1234). */
export function maskIdNumber(id: string | null | undefined, keepStart: 4 | 6 = 6): string | null {
  if (!id) return id ?? null;
  if (id.length <= keepStart + 4) return '*'.repeat(id.length);
  return id.slice(0, keepStart) + '*'.repeat(id.length - keepStart - 4) + id.slice(-4);
}

export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  const digits = phone.replace(/^\+?86/, '');
  if (/^1\d{10}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length > 6) return digits.slice(0, 4) + '*'.repeat(digits.length - 6) + digits.slice(-2);
  return '*'.repeat(digits.length);
}

const TOWN_MARKER = /街道|镇/;
const VILLAGE_MARKER = /社区居委会|村委会|社区|村/;

function endOf(text: string, marker: RegExp, from = 0): number {
  const match = marker.exec(text.slice(from));
  return match ? from + match.index + match[0].length : -1;
}

/**
 * Keeps the address down to the town or the village (…狮山镇唐边村委会********) and hides the rest
 * behind a fixed-width mask, so the length of the hidden part does not leak either.
 */
export function maskAddress(address: string | null | undefined, keep: 'village' | 'town'): string | null {
  if (!address) return address ?? null;
  const townEnd = endOf(address, TOWN_MARKER);
  const cut = keep === 'town' || townEnd < 0 ? townEnd : endOf(address, VILLAGE_MARKER, townEnd);
  const kept = cut > 0 ? address.slice(0, cut) : Array.from(address).slice(0, 6).join('');
  return `${kept}********`;
}

export type PersonalField = 'name' | 'idNumber' | 'phone' | 'address';
export type FieldTreatment = 'full' | 'masked' | 'hidden';

export interface PersonalFieldPolicy {
  name: FieldTreatment;
  idNumber: FieldTreatment;
  phone: FieldTreatment;
  address: FieldTreatment;
  /** Reading unmasked ID numbers is audited. */
  auditUnmasked: boolean;
}

/** Role → treatment of personal fields (domain reference §6, docs/sandbox-conventions.md). */
export function personalFieldPolicy(role: Role): PersonalFieldPolicy {
  switch (role) {
    case 'district':
      return { name: 'full', idNumber: 'full', phone: 'full', address: 'full', auditUnmasked: true };
    case 'department':
    case 'steward':
    case 'cdo':
    case 'town':
    case 'village':
      return { name: 'full', idNumber: 'masked', phone: 'masked', address: 'masked', auditUnmasked: false };
    default:
      return { name: 'masked', idNumber: 'hidden', phone: 'hidden', address: 'masked', auditUnmasked: false };
  }
}

/** Applies the role's policy to one personal value. */
export function maskPersonalValue(role: Role, field: PersonalField, value: string | null | undefined): string | null {
  const treatment = personalFieldPolicy(role)[field];
  if (value == null || treatment === 'full') return value ?? null;
  if (treatment === 'hidden') return null;
  switch (field) {
    case 'name':
      return maskName(value);
    case 'idNumber':
      return maskIdNumber(value, role === 'village' ? 4 : 6);
    case 'phone':
      return maskPhone(value);
    case 'address':
      return maskAddress(value, role === 'public' ? 'town' : 'village');
  }
}

/** Which personal fields a role sees masked or hidden, for the `masking` object of a response. */
export function maskedFields(role: Role, fields: readonly PersonalField[]): PersonalField[] {
  const policy = personalFieldPolicy(role);
  return fields.filter((f) => policy[f] !== 'full');
}

/** A mainland mobile number standing alone in text (not part of a longer run of digits), after an optional +86. */
const MOBILE_IN_TEXT = /(?<![0-9])(\+?86[ -]?)?(1[3-9]\d{9})(?![0-9])/g;
/** Any 18-character token: a candidate ID number or unified social credit code, kept unless its checksum holds. */
const IDENTIFIER_IN_TEXT = /(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])/g;

/** A value found in text, as the role's policy shows it; hidden ones become asterisks, as text cannot drop them. */
function maskedInText(role: Role, field: 'idNumber' | 'phone', value: string): string {
  return maskPersonalValue(role, field, value) ?? '*'.repeat(value.length);
}

/**
 * Masks personal identifiers a person typed into free text (a remark, a complaint's content, a
 * title) for roles that see them masked in structured fields: every mobile number, and every ID
 * number or unified social credit code whose checksum holds — an order or file number that merely
 * has 18 characters stays as written.
 */
export function maskFreeText(role: Role, text: string): string {
  const policy = personalFieldPolicy(role);
  let masked = text;
  if (policy.idNumber !== 'full') {
    masked = masked.replace(IDENTIFIER_IN_TEXT, (token) =>
      validateIdNumber(token).valid || validateUscc(token).valid ? maskedInText(role, 'idNumber', token) : token);
  }
  if (policy.phone !== 'full') {
    masked = masked.replace(MOBILE_IN_TEXT, (_match, prefix: string | undefined, mobile: string) => (prefix ?? '') + maskedInText(role, 'phone', mobile));
  }
  return masked;
}

/**
 * `value` (a response body, an event) with `maskFreeText` applied to every string inside it. Values
 * already masked in their structured form pass unchanged: a mask leaves no pattern to find.
 */
export function maskFreeTextIn<T>(role: Role, value: T): T {
  const policy = personalFieldPolicy(role);
  if (policy.idNumber === 'full' && policy.phone === 'full') return value;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return maskFreeText(role, node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, walk(inner)]));
    return node;
  };
  return walk(value) as T;
}

/**
 * Resident ID numbers (GB 11643-1999), unified social credit codes (GB 32100-2015) with their
 * embedded organisation codes (GB 11714-1997) and mobile numbers: the checks the platform applies to
 * every input that carries one, for vendors and for the server alike. No dependencies, browser and Node.
 */

export type Gender = 'male' | 'female';

// ---------------------------------------------------------------- resident ID (GB 11643)

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';

/**
 * First two digits of GB/T 2260 province-level codes, plus 81/82/83 which residence permits of
 * Hong Kong, Macao and Taiwan residents use.
 */
const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

// Nobody alive was born before this; it also rejects typos such as 0990 for 1990.
const EARLIEST_BIRTH_YEAR = 1900;

/** The GB 11643 check character of the first 17 characters. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK_CHARS[sum % 11]!;
}

/** YYYYMMDD → YYYY-MM-DD when it names a real calendar day, else undefined. */
export function calendarDate(compact: string): string | undefined {
  const year = Number(compact.slice(0, 4));
  const month = Number(compact.slice(4, 6));
  const day = Number(compact.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
}

/** Today's date in China (Asia/Shanghai is UTC+8 all year). */
function todayInChina(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export type IdNumberProblem = 'format' | 'province' | 'birth-date' | 'future-birth-date' | 'checksum';

export type IdNumberCheck =
  | { valid: true; normalized: string; birthDate: string; gender: Gender }
  | { valid: false; reason: IdNumberProblem };

/**
 * GB 11643: 6-digit address code, YYYYMMDD birth date, 3-digit sequence (odd = male), check char.
 * Accepts a lower-case x (normalized to X) and surrounding spaces. A legacy 15-digit number
 * (6 + YYMMDD + 3, issued before 1999 to people born in the 1900s) is upgraded by inserting 19 and
 * computing the check char. The address code is the one at issue, so only its province is checked,
 * never that the county still exists. `today` (YYYY-MM-DD) defaults to the current date in China.
 */
export function validateIdNumber(value: string, opts: { today?: string } = {}): IdNumberCheck {
  const trimmed = value.trim().toUpperCase();
  let normalized: string;
  if (/^\d{15}$/.test(trimmed)) {
    const first17 = `${trimmed.slice(0, 6)}19${trimmed.slice(6)}`;
    normalized = first17 + idCheckChar(first17);
  } else if (/^\d{17}[\dX]$/.test(trimmed)) {
    normalized = trimmed;
  } else {
    return { valid: false, reason: 'format' };
  }
  if (!PROVINCE_PREFIXES.has(normalized.slice(0, 2))) return { valid: false, reason: 'province' };
  const birthDate = calendarDate(normalized.slice(6, 14));
  if (!birthDate || Number(birthDate.slice(0, 4)) < EARLIEST_BIRTH_YEAR) return { valid: false, reason: 'birth-date' };
  if (birthDate > (opts.today ?? todayInChina())) return { valid: false, reason: 'future-birth-date' };
  if (idCheckChar(normalized) !== normalized[17]) return { valid: false, reason: 'checksum' };
  return { valid: true, normalized, birthDate, gender: Number(normalized[16]) % 2 === 1 ? 'male' : 'female' };
}

// ---------------------------------------------------------------- USCC (GB 32100) and org code (GB 11714)

/** GB 32100 code alphabet: digits and capitals without I, O, S, V, Z. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** The GB 32100 check character (mod 31) of the first 17 characters. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** GB 11714: digits count as themselves, letters A–Z as 10–35. */
export function orgCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(body8[i]!, 36) * ORG_CODE_WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  if (check === 10) return 'X';
  return check === 11 ? '0' : String(check);
}

export type UsccProblem = 'format' | 'checksum' | 'org-code-checksum';

export type UsccCheck = { valid: true; normalized: string } | { valid: false; reason: UsccProblem };

/**
 * GB 32100: 18 characters from the code alphabet, the 18th a mod-31 check. Lower case and
 * surrounding spaces are accepted and normalized away.
 *
 * Only that 18th-char check is mandatory. With `strictOrgCode` the embedded organisation code
 * (chars 9–17) must also pass its GB 11714 mod-11 check; that is off by default because codes
 * assigned to some 个体工商户 and legacy registrations do not follow GB 11714 there.
 *
 * Position 1 is deliberately not limited to 1–9/A–G/Y: that would reject valid N… codes of
 * collective economic organisations.
 */
export function validateUscc(value: string, opts: { strictOrgCode?: boolean } = {}): UsccCheck {
  const normalized = value.trim().toUpperCase();
  if (!USCC_PATTERN.test(normalized)) return { valid: false, reason: 'format' };
  if (usccCheckChar(normalized) !== normalized[17]) return { valid: false, reason: 'checksum' };
  if (opts.strictOrgCode && orgCodeCheckChar(normalized.slice(8, 16)) !== normalized[16]) {
    return { valid: false, reason: 'org-code-checksum' };
  }
  return { valid: true, normalized };
}

// ---------------------------------------------------------------- mobile numbers

/** `^1[3-9]\d{9}$`, optionally prefixed by +86 or 86 (with or without a space or dash). */
export function validateMobile(value: string): boolean {
  return /^(?:\+?86[ -]?)?1[3-9]\d{9}$/.test(value.trim());
}


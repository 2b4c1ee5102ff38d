/**
 * Administrative division codes: GB/T 2260 (province 2 + prefecture 2 + county 2 digits) extended by
 * the National Bureau of Statistics' 统计用区划代码 (town 3 + village 3 digits), as the platform's
 * region scope, records and filters use them (440605 南海区, 440605124 狮山镇, 440605124201 唐边村).
 */

export type DivisionLevel = 'province' | 'prefecture' | 'county' | 'town' | 'village';

/**
 * The kind a statistical code's own segment encodes (统计用区划代码编制规则): towns 001–099 街道,
 * 100–199 镇, 200–399 乡, 400–599 类似乡级单位; villages 001–199 居委会, 200–399 村委会,
 * 400–499 类似居委会, 500–599 类似村委会.
 */
export type DivisionKind =
  | 'subdistrict' | 'town' | 'township' | 'town-like'
  | 'residents-committee' | 'villagers-committee' | 'residents-committee-like' | 'villagers-committee-like';

export type DivisionCodeProblem = 'format' | 'province' | 'segment' | 'level';

export type DivisionCodeCheck =
  | { valid: true; code: string; level: DivisionLevel; kind: DivisionKind | null }
  | { valid: false; reason: DivisionCodeProblem };

/** Province-level prefixes of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macao included). */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

function townKind(segment: number): DivisionKind | null {
  if (segment >= 1 && segment <= 99) return 'subdistrict';
  if (segment >= 100 && segment <= 199) return 'town';
  if (segment >= 200 && segment <= 399) return 'township';
  if (segment >= 400 && segment <= 599) return 'town-like';
  return null;
}

function villageKind(segment: number): DivisionKind | null {
  if (segment >= 1 && segment <= 199) return 'residents-committee';
  if (segment >= 200 && segment <= 399) return 'villagers-committee';
  if (segment >= 400 && segment <= 499) return 'residents-committee-like';
  if (segment >= 500 && segment <= 599) return 'villagers-committee-like';
  return null;
}

/**
 * Checks a 2-, 4-, 6-, 9- or 12-digit division code (surrounding spaces allowed) and tells its level.
 * A 6-digit code ending in 0000 or 00 names a province or prefecture, as GB/T 2260 writes them. With
 * `level`, a code of another level is refused with `level`. Whether the division still exists is a
 * question for the platform's `/regions`, not for the code's form.
 */
export function validateDivisionCode(value: string, opts: { level?: DivisionLevel } = {}): DivisionCodeCheck {
  const code = String(value).trim();
  if (!/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/.test(code)) return { valid: false, reason: 'format' };
  if (!PROVINCES.has(code.slice(0, 2))) return { valid: false, reason: 'province' };
  let level: DivisionLevel;
  let kind: DivisionKind | null = null;
  if (code.length === 2) level = 'province';
  else if (code.length === 4) {
    if (code.slice(2) === '00') return { valid: false, reason: 'segment' };
    level = 'prefecture';
  } else if (code.length === 6) {
    const prefecture = code.slice(2, 4);
    const county = code.slice(4, 6);
    if (prefecture === '00' && county !== '00') return { valid: false, reason: 'segment' };
    level = prefecture === '00' ? 'province' : county === '00' ? 'prefecture' : 'county';
  } else {
    if (code.slice(2, 4) === '00' || code.slice(4, 6) === '00') return { valid: false, reason: 'segment' };
    kind = townKind(Number(code.slice(6, 9)));
    if (!kind) return { valid: false, reason: 'segment' };
    level = 'town';
    if (code.length === 12) {
      kind = villageKind(Number(code.slice(9, 12)));
      if (!kind) return { valid: false, reason: 'segment' };
      level = 'village';
    }
  }
  if (opts.level && opts.level !== level) return { valid: false, reason: 'level' };
  return { valid: true, code, level, kind };
}

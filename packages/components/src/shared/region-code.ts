import { validateDivisionCode } from '@citybrain/client/validators';

/**
 * Whether `value` is a region code the elements accept: a division code of 6, 9 or 12 digits
 * (county, town or village level, as the platform's region scope uses them) that passes the
 * platform's own check (`validateDivisionCode`: known province, no empty segment), written without
 * surrounding spaces.
 */
export function isRegionCode(value: string | null | undefined): value is string {
  if (typeof value !== 'string' || value.length < 6) return false;
  const check = validateDivisionCode(value);
  return check.valid && check.code === value;
}

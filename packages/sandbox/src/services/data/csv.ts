/**
 * CSV for spreadsheets used in Chinese offices: UTF-8 with a byte-order mark (without it Excel reads
 * the file as GBK and garbles every label), RFC 4180 quoting, CRLF line ends, and text cells that
 * could start a formula defused — an exported table must never run code in the reader's Excel.
 */
import type { DatasetColumnDef } from '@citybrain/domain';

export const BYTE_ORDER_MARK = '\uFEFF';
export const CSV_LINE_END = '\r\n';

export type HeaderStyle = 'label' | 'name';

const NUMERIC = new Set(['integer', 'number', 'money', 'percent', 'area-sqm', 'area-mu', 'length-km', 'longitude', 'latitude']);

function quoted(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One cell: enum labels and 是/否 for people (`label`), codes and true/false for programs (`name`). */
export function csvCell(column: DatasetColumnDef, value: unknown, style: HeaderStyle): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (column.type === 'boolean') {
    const truthy = value === true || value === 1;
    return style === 'label' ? (truthy ? '是' : '否') : String(truthy);
  }
  let text = String(value);
  if (column.type === 'enum' && style === 'label') text = column.options?.find((o) => o.value === text)?.label.zh ?? text;
  // Spreadsheets evaluate cells starting with these characters (CSV injection, OWASP).
  if (!NUMERIC.has(column.type) && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return quoted(text);
}

export function csvHeader(columns: readonly DatasetColumnDef[], style: HeaderStyle): string {
  return columns
    .map((c) => quoted(style === 'name' ? c.name : c.unit ? `${c.label.zh}（${c.unit}）` : c.label.zh))
    .join(',') + CSV_LINE_END;
}

export function csvLine(columns: readonly DatasetColumnDef[], values: readonly unknown[], style: HeaderStyle): string {
  return columns.map((column, i) => csvCell(column, values[i], style)).join(',') + CSV_LINE_END;
}

/** RFC 5987 percent-encoding: encodeURIComponent also leaves ' ( ) *, which are not `attr-char`. */
function rfc5987(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `attachment` with an ASCII fallback name and the Chinese name as `filename*` (RFC 6266 / RFC 5987). */
export function contentDisposition(asciiName: string, unicodeName: string): string {
  const fallback = asciiName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${rfc5987(unicodeName)}`;
}

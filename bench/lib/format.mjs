/** Plain-text and Markdown tables for the console and RESULTS.md. */

export function fmt(value, digits) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return String(value);
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export const fmtRatio = (r) => (Number.isFinite(r?.ratio) ? `×${fmt(r.ratio, 2)} (${fmt(r.ci[0], 2)}–${fmt(r.ci[1], 2)})` : '–');

/** A Markdown table (it also reads well in a terminal). */
export function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * The data platform's filter syntax, shared by the server that reads it and the clients that write
 * it: a filter is `column:operator:value` (only the first two colons separate the parts, so a value
 * may hold colons), and the value of `in`/`nin` is a comma-separated list in which `\,` is a literal
 * comma and `\\` a backslash. Syntax only: which columns and operators a dataset allows is the
 * server's question.
 */

export interface FilterExpression {
  column: string;
  operator: string;
  value: string;
}

/** Splits `column:operator:value`; undefined when there is no column or no second colon. */
export function parseFilterExpression(expression: string): FilterExpression | undefined {
  const first = expression.indexOf(':');
  const second = first < 0 ? -1 : expression.indexOf(':', first + 1);
  if (first < 1 || second < 0) return undefined;
  return { column: expression.slice(0, first), operator: expression.slice(first + 1, second), value: expression.slice(second + 1) };
}

export function formatFilterExpression({ column, operator, value }: FilterExpression): string {
  return `${column}:${operator}:${value}`;
}

/** `a,b\,c` → `['a', 'b,c']`; `\\` is a backslash. */
export function splitFilterList(text: string): string[] {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && (text[i + 1] === ',' || text[i + 1] === '\\')) current += text[++i];
    else if (char === ',') {
      values.push(current);
      current = '';
    } else current += char;
  }
  values.push(current);
  return values;
}

/** `['a', 'b,c']` → `a,b\,c`: the inverse of {@link splitFilterList}. */
export function joinFilterList(values: readonly string[]): string {
  return values.map((value) => value.replace(/[\\,]/g, '\\$&')).join(',');
}

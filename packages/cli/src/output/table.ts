/** A column of a {@link table}. */
export interface Column {
  /** The header text. */
  readonly header: string;
  /** Right-align (numbers). @default false */
  readonly right?: boolean;
}

/**
 * Rows under headers, each column as wide as its widest cell, two spaces
 * apart, trailing spaces trimmed. An empty table says so rather than printing
 * a lone header.
 */
export function table(columns: readonly Column[], rows: readonly (readonly string[])[], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return column.right === true ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n');
}

/** `label  value` pairs with the values aligned: one record, read top to bottom. */
export function keyValues(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${key.padEnd(width)}  ${value}`.trimEnd()).join('\n');
}

/** Sizes as people read them: 1.5 MiB, 320 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** Rows as aligned columns, two spaces apart, the first row the header. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const [header] = rows;
  if (header === undefined) throw new Error('internal: formatTable needs at least the header row');
  const widths = header.map((_, column) => Math.max(...rows.map((row) => cellAt(row, column).length)));
  // A column past the header's has no width: its cells stay as they are.
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function cellAt(row: readonly string[], column: number): string {
  const cell = row[column];
  if (cell === undefined) throw new Error(`internal: table row has ${row.length} cells, no column ${column + 1}`);
  return cell;
}

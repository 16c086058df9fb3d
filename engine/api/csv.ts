/**
 * Rows as CSV text by RFC 4180: each record ends in CRLF, and a field holding a comma, a double quote
 * or a line break is enclosed in double quotes, its own quotes doubled. No CSV writer is installed,
 * and this is all the statements need.
 */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  const field = (value: string | number) => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return rows.map((row) => `${row.map(field).join(',')}\r\n`).join('');
}

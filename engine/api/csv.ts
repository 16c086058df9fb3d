// Reports and statements leave as CSV for spreadsheets: RFC 4180, with a byte-order mark so
// spreadsheet programs read Chinese text as UTF-8.
import type { Context } from 'koa';

function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A leading =, +, - or @ would be taken for a formula by a spreadsheet: a reader's title or a
  // supplier's reason is not one. A negative number is left as it is, but only a whole one: -1+1 is a formula.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Whether a caller asked for CSV: `format=csv`, or, with no `format`, an Accept that prefers text/csv to JSON. */
export function wantsCsv(ctx: Context, format: string | undefined): boolean {
  return format === 'csv' || (format === undefined && ctx.accepts('application/json', 'text/csv') === 'text/csv');
}

/** The rows under a header line of the columns named, each line ended by CRLF. */
export function csv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(field).join(','), ...rows.map((row) => columns.map((column) => field(row[column])).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

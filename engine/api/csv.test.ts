import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes only fields with a comma, a quote or a line break, doubling quotes, and ends records in CRLF', () => {
    expect(toCsv([['date', 'amount'], ['2026-08-03', -12.5], ['北京大学, 图书馆', 'a "quoted" note'], ['two\nlines', 'cr\r']])).toBe(
      'date,amount\r\n2026-08-03,-12.5\r\n"北京大学, 图书馆","a ""quoted"" note"\r\n"two\nlines","cr\r"\r\n',
    );
    expect(toCsv([])).toBe('');
  });
});

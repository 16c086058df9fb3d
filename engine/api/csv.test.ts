import { describe, expect, it } from 'vitest';
import { csv } from './csv';

describe('csv', () => {
  it('quotes commas, quotes and line breaks, leaves numbers and Chinese text as they are, and disarms formulas', () => {
    const text = csv(['title', 'amount', 'note'], [
      { title: '中国近代史纲要, 第二版', amount: -12.5, note: 'said "no"' },
      { title: '=HYPERLINK("x")', amount: 3, note: 'line\nbreak' },
      { title: null, amount: undefined, note: '' },
    ]);
    expect(text).toBe('\uFEFFtitle,amount,note\r\n"中国近代史纲要, 第二版",-12.5,"said ""no"""\r\n"\'=HYPERLINK(""x"")",3,"line\nbreak"\r\n,,\r\n');
  });
});

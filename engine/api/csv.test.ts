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

  it('disarms a field that begins as a negative number but goes on as a formula, and leaves a negative number as it is', () => {
    const text = csv(['reason', 'amount'], [
      { reason: '-1+1', amount: '-23.45' },
      { reason: '-2+3+cmd|\' /C calc\'!A0', amount: -1e-7 },
    ]);
    expect(text.split('\r\n').slice(1, -1)).toEqual(["'-1+1,-23.45", "'-2+3+cmd|' /C calc'!A0,-1e-7"]);
  });
});

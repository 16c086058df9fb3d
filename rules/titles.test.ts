import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { configCopies } from './config-fixture';
import { loadNetwork } from './load';
import { issnCheckDigit, issnProblem, parseTitleList } from './titles';

const copies = configCopies();

describe('ISSN title lists', () => {
  test('the check digit: weights 8 to 2, modulo 11, ten written X', () => {
    expect(issnProblem('0254-4164')).toBeUndefined();
    expect(issnProblem('0023-074X')).toBeUndefined();
    expect(issnProblem('0254-4165')).toBe('ISSN 0254-4165 has check digit 5, but its digits call for 4');
    expect(issnProblem('02544164')).toMatch(/is not an ISSN.*\(write it 0254-4164\)$/);
    expect(issnProblem('0023-074x')).toMatch(/\(write it 0023-074X\)$/);
    fc.assert(
      fc.property(fc.stringMatching(/^\d{7}$/), (digits) => {
        const issn = `${digits.slice(0, 4)}-${digits.slice(4)}${issnCheckDigit(digits)}`;
        expect(issnProblem(issn)).toBeUndefined();
        for (const other of '0123456789X') if (other !== issnCheckDigit(digits)) expect(issnProblem(issn.slice(0, 8) + other)).toMatch(/has check digit/);
      }),
    );
  });

  test('comments, blank lines and titles after the ISSN; each mistake at its line and column; repeats warned', () => {
    const text = '# a vendor list\n\n0254-4164  计算机学报\n  1000-9825 # 软件学报\n0254-4165\n0254-4164 again\n';
    const list = parseTitleList('titles/x.txt', text);
    expect(list.issns).toEqual(['0254-4164', '1000-9825']);
    expect(list.problems).toEqual([{ file: 'titles/x.txt', line: 5, column: 1, message: 'ISSN 0254-4165 has check digit 5, but its digits call for 4' }]);
    expect(list.warnings).toEqual([{ file: 'titles/x.txt', line: 6, column: 1, message: 'warning: ISSN 0254-4164 is listed twice (first at line 3)' }]);
  });

  test('the shipped vendors carry their lists, sorted, into the configuration and its version', () => {
    const copy = copies();
    const { config } = loadNetwork(copy.dir);
    const cnki = config?.suppliers.find((supplier) => supplier.id === 'cnki');
    expect(cnki?.coverage.titles).toBe('titles/cnki.txt');
    expect(cnki?.titleList).toContain('0254-4164');
    expect(cnki?.titleList).toEqual([...(cnki?.titleList ?? [])].sort());

    copy.patch('titles/cnki.txt', '1000-9825  软件学报\n', '');
    expect(loadNetwork(copy.dir).config?.version).not.toBe(config?.version);
  });

  test('ill check: a malformed ISSN at FILE:LINE:COLUMN of the list', () => {
    const copy = copies();
    copy.patch('titles/vip.txt', '1000-3290  物理学报', '1000-329  物理学报');
    const { config, problems } = loadNetwork(copy.dir);
    expect(config).toBeUndefined();
    expect(copy.lines(problems)).toEqual([
      `${copy.at('titles/vip.txt', '1000-329 ')}: '1000-329' is not an ISSN: expected four digits, a hyphen, three digits and a check digit or X, like 0254-4164`,
    ]);
  });

  test('ill check: a missing list at the supplier’s coverage.titles; a path leaving the configuration is refused', () => {
    const copy = copies();
    copy.patch('suppliers/vendors.yaml', 'titles: titles/wanfang.txt', 'titles: titles/wanfangdata.txt');
    copy.patch('suppliers/vendors.yaml', 'titles: titles/vip.txt', 'titles: ../vip.txt');
    const { problems } = loadNetwork(copy.dir);
    expect(copy.lines(problems)).toEqual([
      expect.stringMatching(new RegExp(`^${copy.at('suppliers/vendors.yaml', '../vip.txt')}: 'coverage.titles' `)),
      `${copy.at('suppliers/vendors.yaml', 'titles/wanfangdata.txt')}: title list 'titles/wanfangdata.txt' not found: expected a file of ISSNs at titles/wanfangdata.txt`,
    ]);
  });
});

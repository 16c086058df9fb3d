import { describe, expect, it } from 'vitest';
import { checkDoi, checkIsbn, checkIssn } from './identifiers';

describe('standard numbers', () => {
  it('keeps an ISSN hyphenated with its check digit verified, X included', () => {
    expect(checkIssn('00280836')).toEqual({ value: '0028-0836' });
    expect(checkIssn(' 2049–3630 ')).toEqual({ value: '2049-3630' });
    expect(checkIssn('0000-006x')).toEqual({ value: '0000-006X' });
    expect(checkIssn('0378-5954')).toEqual({ problem: 'ISSN 0378-5954 has a wrong check digit (5 expected)' });
    expect(checkIssn('0378-595')).toEqual({ problem: "'0378-595' is not an ISSN (eight digits, the last may be X)" });
  });

  it('turns an ISBN-10 into its ISBN-13 and refuses a wrong check digit in either', () => {
    expect(checkIsbn('0-306-40615-2')).toEqual({ value: '9780306406157' });
    expect(checkIsbn('0-8044-2957-X')).toEqual({ value: '9780804429573' });
    expect(checkIsbn('ISBN 978-7-101-00305-5')).toEqual({ value: '9787101003055' });
    expect(checkIsbn('7101003052')).toEqual({ value: '9787101003055' });
    expect(checkIsbn('0306406153')).toEqual({ problem: 'ISBN 0306406153 has a wrong check digit (2 expected)' });
    expect(checkIsbn('9780306406158')).toEqual({ problem: 'ISBN 9780306406158 has a wrong check digit (7 expected)' });
    expect(checkIsbn('9770306406157')).toMatchObject({ problem: expect.stringContaining('is not an ISBN') });
  });

  it('keeps a DOI without the prefix or resolver it was written with', () => {
    for (const written of ['10.1038/nature14539', 'info:doi/10.1038/nature14539', 'doi:10.1038/nature14539', 'https://doi.org/10.1038/nature14539']) {
      expect(checkDoi(written)).toEqual({ value: '10.1038/nature14539' });
    }
    expect(checkDoi('info:doi/nature14539')).toMatchObject({ problem: expect.stringContaining('is not a DOI') });
  });
});

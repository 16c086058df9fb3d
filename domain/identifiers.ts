// Standard numbers as discovery systems, readers and catalogues write them, in the one form the
// request schema keeps, so that the same journal, book or article is recognised however it was typed.

/** Either the identifier in its kept form, or why the text is not one. */
export type Checked = { value: string } | { problem: string };

const digitsOf = (text: string) => text.replace(/[\s\u2010-\u2015-]/g, '').toUpperCase();

/** ISSN as `NNNN-NNNC`, its check digit (mod 11, X for 10) verified. */
export function checkIssn(text: string): Checked {
  const digits = digitsOf(text);
  if (!/^[0-9]{7}[0-9X]$/.test(digits)) return { problem: `'${text}' is not an ISSN (eight digits, the last may be X)` };
  const sum = [...digits.slice(0, 7)].reduce((total, digit, index) => total + Number(digit) * (8 - index), 0);
  const check = (11 - (sum % 11)) % 11;
  if (digits[7] !== (check === 10 ? 'X' : String(check))) return { problem: `ISSN ${text} has a wrong check digit (${check === 10 ? 'X' : check} expected)` };
  return { value: `${digits.slice(0, 4)}-${digits.slice(4)}` };
}

const isbn13CheckDigit = (twelve: string) => String((10 - ([...twelve].reduce((total, digit, index) => total + Number(digit) * (index % 2 ? 3 : 1), 0) % 10)) % 10);

/** ISBN as thirteen digits without hyphens: an ISBN-10 becomes its 978 ISBN-13; check digits verified. */
export function checkIsbn(text: string): Checked {
  const digits = digitsOf(text.replace(/^ISBN(?:-1[03])?:?\s*/i, ''));
  if (/^[0-9]{9}[0-9X]$/.test(digits)) {
    const sum = [...digits.slice(0, 9)].reduce((total, digit, index) => total + Number(digit) * (10 - index), 0);
    const check = (11 - (sum % 11)) % 11;
    if (digits[9] !== (check === 10 ? 'X' : String(check))) return { problem: `ISBN ${text} has a wrong check digit (${check === 10 ? 'X' : check} expected)` };
    const twelve = `978${digits.slice(0, 9)}`;
    return { value: twelve + isbn13CheckDigit(twelve) };
  }
  if (/^97[89][0-9]{10}$/.test(digits)) {
    const check = isbn13CheckDigit(digits.slice(0, 12));
    if (digits[12] !== check) return { problem: `ISBN ${text} has a wrong check digit (${check} expected)` };
    return { value: digits };
  }
  return { problem: `'${text}' is not an ISBN (ten digits, the last may be X, or thirteen beginning 978 or 979)` };
}

/** A DOI as `10.prefix/suffix`, without the `doi:`, `info:doi/` or resolver address it was written with. */
export function checkDoi(text: string): Checked {
  const bare = text.trim().replace(/^(?:info:doi\/|doi:\s*|https?:\/\/(?:dx\.)?doi\.org\/)/i, '');
  if (!/^10\.[0-9]{4,9}\/\S+$/.test(bare)) return { problem: `'${text}' is not a DOI (10.NNNN/…)` };
  return { value: bare };
}

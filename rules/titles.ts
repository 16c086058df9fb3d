// Title lists: the serials a supplier can supply, one ISSN a line, in a text file beside the
// configuration. Vendors publish these lists and administrators paste them in, so every line is
// checked and each mistake is located where it was written.
//
//   # 中国知网: sample of the journals licensed for single-article sale
//   0254-4164  计算机学报
//   1000-9825  软件学报
//
// A line holds an ISSN, optionally followed by whitespace and anything (the journal's title, for
// the reader of the file); `#` starts a comment; blank lines are ignored.

import type { Problem } from './types';

const ISSN = /^(\d{4})-(\d{3})([\dX])$/;

/** The check digit an ISSN's first seven digits call for: weights 8 to 2, modulo 11, 10 written X. */
export function issnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(digits[i]) * (8 - i);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** Why `text` is not a valid ISSN as requests cite it (`0254-4164`), or undefined when it is one. */
export function issnProblem(text: string): string | undefined {
  const match = ISSN.exec(text);
  if (!match) {
    const hint = /^\d{7}[\dXx]$/.test(text) ? ` (write it ${text.slice(0, 4)}-${text.slice(4).toUpperCase()})` : /^\d{4}-\d{3}x$/.test(text) ? ` (write it ${text.toUpperCase()})` : '';
    return `'${text}' is not an ISSN: expected four digits, a hyphen, three digits and a check digit or X, like 0254-4164${hint}`;
  }
  const digits = `${match[1]}${match[2]}`;
  const expected = issnCheckDigit(digits);
  return match[3] === expected ? undefined : `ISSN ${text} has check digit ${match[3]}, but its digits call for ${expected}`;
}

export interface TitleList {
  /** Distinct ISSNs, sorted, so reordering the file does not change the configuration version. */
  issns: string[];
  problems: Problem[];
  warnings: Problem[];
}

export function parseTitleList(file: string, text: string): TitleList {
  const first = new Map<string, number>();
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/#.*$/, '');
    const match = /^(\s*)(\S+)/.exec(content);
    if (!match) return;
    const column = (match[1]?.length ?? 0) + 1;
    const issn = match[2] ?? '';
    const problem = issnProblem(issn);
    if (problem) {
      problems.push({ file, line, column, message: problem });
      return;
    }
    const earlier = first.get(issn);
    if (earlier === undefined) first.set(issn, line);
    else warnings.push({ file, line, column, message: `warning: ISSN ${issn} is listed twice (first at line ${earlier})` });
  });
  return { issns: [...first.keys()].sort(), problems, warnings };
}

// Whether two citations name the same document, however each was typed: a reader asking again for
// something they already have open is most often re-submitting the same link from another
// discovery system, with the title in other characters or the ISBN in its other form.
import * as OpenCC from 'opencc-js';
import { checkIsbn, checkIssn } from '../domain/identifiers';
import type { Citation } from '../domain/request';

/** Which rule found two citations the same. */
export type MatchRule = 'doi' | 'issn-volume-pages' | 'isbn' | 'title';

// Hong Kong's variants are the widest of OpenCC's traditional sets (衞 as well as 衛), and unlike
// Taiwan's phrase table they leave 著 alone, which titles use as "written by".
const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });

/**
 * Text as the network compares it: NFKC (full-width letters and digits as ASCII), traditional
 * characters as simplified, case-folded. Duplicate checks and the request index's free-text search
 * both read titles this way, so what one takes for the same title the other finds.
 */
export function folded(text: string): string {
  // Upper then lower case folds what lower case alone leaves (ß and ss, ς and σ).
  return toSimplified(text.normalize('NFKC')).toUpperCase().toLowerCase();
}

/** A title as compared: folded, without punctuation or spaces, so 《中國近代史》 and 中国近代史 agree. */
export function titleKey(title: string): string {
  return folded(title).replace(/[\p{P}\p{Z}\s]/gu, '');
}

const issnOf = (text: string) => {
  const checked = checkIssn(text);
  return 'value' in checked ? checked.value : text;
};
const isbnOf = (text: string) => {
  const checked = checkIsbn(text);
  return 'value' in checked ? checked.value : text;
};
const pagesOf = (pages: string | undefined) => pages?.replace(/\s/g, '').replace(/[\u2010-\u2015]/g, '-').toLowerCase();
const sameText = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The rule by which `a` and `b` name the same document, if one does: the same DOI; the same ISSN,
 * volume and pages; the same ISBN (and the same pages, when either names pages: two chapters of
 * one book are two documents); or the same title (and the same journal, when both name one:
 * "Editorial" in two journals is two documents). Two different DOIs are two documents whatever else
 * agrees.
 */
export function sameDocument(a: Citation, b: Citation): MatchRule | undefined {
  if (a.doi && b.doi) return a.doi.toLowerCase() === b.doi.toLowerCase() ? 'doi' : undefined;
  if (a.issn && b.issn && issnOf(a.issn) === issnOf(b.issn) && sameText(a.volume, b.volume) && a.pages && pagesOf(a.pages) === pagesOf(b.pages)) {
    return 'issn-volume-pages';
  }
  if (a.isbn && b.isbn && isbnOf(a.isbn) === isbnOf(b.isbn) && pagesOf(a.pages) === pagesOf(b.pages)) return 'isbn';
  if (a.title && b.title) {
    const title = titleKey(a.title);
    const sameJournal = !a.journalTitle || !b.journalTitle || titleKey(a.journalTitle) === titleKey(b.journalTitle);
    if (title !== '' && title === titleKey(b.title) && sameJournal) return 'title';
  }
  return undefined;
}

/** The first of `open` that names the same document as `citation`, and by which rule. */
export function findSameDocument<T>(citation: Citation, open: readonly T[], citationOf: (item: T) => Citation): { item: T; rule: MatchRule } | undefined {
  for (const item of open) {
    const rule = sameDocument(citation, citationOf(item));
    if (rule) return { item, rule };
  }
  return undefined;
}

import type { Citation } from '../../domain/request';
import { folded } from '../../rules/citation-match';

// Readers in Taiwan and Hong Kong write titles in traditional characters, the mainland's catalogues
// in simplified: both the citation and the words searched for are folded alike, so either finds either.

/** Text as the request index compares it: folded, single spaces (a citation's parts stay on lines of their own). */
export function searchable(text: string): string {
  return folded(text).replace(/[^\S\n]+/g, ' ').trim();
}

/** What free-text search looks through in a citation: its title, journal, authors, ISSN, ISBN and DOI. */
export function searchTextOf(citation: Citation | undefined): string {
  if (!citation) return '';
  const { title, journalTitle, authors, issn, isbn, doi } = citation;
  return searchable([title, journalTitle, ...(authors ?? []), issn, isbn, doi].filter((part) => part).join('\n'));
}

// Whether a source's coverage takes in a citation, and, where it does not, what it lacks in words a
// librarian reads in the decision.

import type { Supplier } from './types';
import type { Citation } from '../domain/request';
import type { CoverageGap } from '../domain/decision';
import { within } from './holdings';

export type Gap = 'doi' | 'documentType' | 'language' | 'subjects' | 'years' | 'titles';

const titleSets = new WeakMap<Supplier, ReadonlySet<string>>();

function titleSet(supplier: Supplier & { titleList: string[] }): ReadonlySet<string> {
  let set = titleSets.get(supplier);
  if (!set) titleSets.set(supplier, (set = new Set(supplier.titleList)));
  return set;
}

/**
 * The first facet of the supplier's coverage the citation falls outside, or undefined when it is
 * covered. A facet the citation does not state cannot rule the supplier out: a request without an
 * ISSN is judged by language, subjects and year alone, since readers often leave the ISSN out and
 * the vendor that has the journal is then still the most likely source.
 */
export function coverageGap(supplier: Supplier, citation: Citation): Gap | undefined {
  // An open-access resolver finds copies by DOI and by nothing else.
  if (supplier.kind === 'open-access' && !citation.doi) return 'doi';
  const { documentTypes, languages, subjects, years } = supplier.coverage;
  if (documentTypes?.length && citation.documentType !== undefined && !documentTypes.includes(citation.documentType)) return 'documentType';
  if (languages?.length && citation.language !== undefined && !languages.includes(citation.language)) return 'language';
  if (subjects?.length && citation.subjects?.length && !citation.subjects.some((s) => subjects.includes(s))) {
    return 'subjects';
  }
  if (!within(citation.year, years)) return 'years';
  if (supplier.titleList && citation.issn !== undefined && !titleSet(supplier as Supplier & { titleList: string[] }).has(citation.issn)) {
    return 'titles';
  }
  return undefined;
}

export function covers(supplier: Supplier, citation: Citation): boolean {
  return coverageGap(supplier, citation) === undefined;
}

export function describeGap(gap: Gap, supplier: Supplier, citation: Citation): string {
  const { languages = [], subjects = [], years = {}, titles } = supplier.coverage;
  switch (gap) {
    case 'doi':
      return 'it looks open copies up by DOI, and the citation gives none';
    case 'documentType':
      return `does not supply a ${citation.documentType}: it supplies ${(supplier.coverage.documentTypes ?? []).join(', ')}`;
    case 'language':
      return `does not cover language '${citation.language}': it covers ${languages.join(', ')}`;
    case 'subjects':
      return `covers none of the subjects ${(citation.subjects ?? []).join(', ')}: it covers ${subjects.join(', ')}`;
    case 'years':
      return `does not cover the year ${citation.year}: it covers ${years.from ?? '…'} to ${years.to ?? '…'}`;
    case 'titles':
      return `ISSN ${citation.issn} is not in its title list ${titles}`;
  }
}

/** The gap as the decision keeps it, with what `describeGap` says of it, for words in other languages. */
export function gapOf(gap: Gap, supplier: Supplier, citation: Citation): CoverageGap {
  const { languages = [], subjects = [], years = {}, titles } = supplier.coverage;
  switch (gap) {
    case 'doi':
      return { gap };
    case 'documentType':
      return { gap, documentType: String(citation.documentType), supplies: [...(supplier.coverage.documentTypes ?? [])] };
    case 'language':
      return { gap, language: String(citation.language), covers: [...languages] };
    case 'subjects':
      return { gap, subjects: [...(citation.subjects ?? [])], covers: [...subjects] };
    case 'years':
      return { gap, ...(citation.year === undefined ? {} : { year: citation.year }), ...(years.from === undefined ? {} : { from: years.from }), ...(years.to === undefined ? {} : { to: years.to }) };
    case 'titles':
      return { gap, issn: String(citation.issn), titles: String(titles) };
  }
}

/** What tells one gap from another in the words `describeGap` uses, for keeping its exclusion; undefined for title lists, whose ISSNs are too many to keep. */
export function gapKey(gap: Gap, citation: Citation): string | undefined {
  switch (gap) {
    case 'doi':
      return 'doi';
    case 'documentType':
      return `documentType ${citation.documentType}`;
    case 'language':
      return `language ${citation.language}`;
    case 'years':
      return `year ${citation.year}`;
    case 'subjects':
      return `subjects ${String(citation.subjects)}`;
    case 'titles':
      return undefined;
  }
}

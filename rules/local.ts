// Local first: before any supplier is asked, whether the reader's own library already has the item,
// on its shelves (the holdings data) or in a resource it licenses (licences.yaml).

import type { Holding } from '../domain/holdings';
import type { LocalCopy } from '../domain/decision';
import type { Citation, IllRequest } from '../domain/request';
import { within } from './holdings';
import type { Library, Licence } from './types';

/** Whether a licence covers the cited item: by DOI prefix, ISSN or ISBN, for the years it runs. */
export function licenses(licence: Licence, citation: Citation): boolean {
  const doi = citation.doi?.toLowerCase();
  const matches =
    (doi !== undefined && (licence.doiPrefixes ?? []).some((prefix) => doi.startsWith(prefix.toLowerCase()))) ||
    (citation.issn !== undefined && (licence.issns ?? []).includes(citation.issn)) ||
    (citation.isbn !== undefined && (licence.isbns ?? []).includes(citation.isbn));
  return matches && within(citation.year, licence.years);
}

function shelf(holding: Holding): string {
  const parts = [holding.callNumber && `call number ${holding.callNumber}`, holding.recordId && `record ${holding.recordId}`].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/**
 * The requesting library's own copy: its holding first (readers can have it today), else a
 * licence of its; undefined when it has neither and suppliers must be asked.
 */
export function localCopy(library: Library, request: IllRequest, holdings: readonly Holding[], licences: readonly Licence[]): LocalCopy | undefined {
  const held = holdings.find((holding) => holding.libraryId === library.id);
  if (held) {
    const { recordId, callNumber } = held;
    return {
      libraryId: library.id,
      holding: { ...(recordId ? { recordId } : {}), ...(callNumber ? { callNumber } : {}) },
      where: `held by ${library.name}${shelf(held)}`,
    };
  }
  const licence = licences.find((l) => l.library === library.id && licenses(l, request.citation));
  if (!licence) return undefined;
  return {
    libraryId: library.id,
    licence: { name: licence.name, ...(licence.url ? { url: licence.url } : {}) },
    where: `licensed by ${library.name}: ${licence.name}${licence.url ? ` (${licence.url})` : ''}`,
  };
}

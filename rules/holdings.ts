import { holdingOf, type Holding, type HoldingsLookup } from '../domain/holdings';
import type { IllRequest } from '../domain/request';
import type { HoldingEntry, NetworkConfig } from './types';

/** A title as the holdings data keys it: case, spacing and punctuation do not tell titles apart. */
export function titleKey(title: string): string {
  return `title:${title.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}]+/gu, ' ').replace(/\s+/g, ' ').trim()}`;
}

/** Whether a number lies within an inclusive range; an absent number or range, or an open end, bounds nothing. */
export const within = (value: number | undefined, range: { from?: number; to?: number } | undefined) =>
  range === undefined || value === undefined || ((range.from ?? -Infinity) <= value && value <= (range.to ?? Infinity));

/** Whether a holding of a serial covers the year and volume cited; a holding that says nothing covers all. */
function covers(entry: HoldingEntry, request: IllRequest): boolean {
  if (typeof entry === 'string') return true;
  const volume = Number.parseInt(request.citation.volume ?? '', 10);
  return within(request.citation.year, entry.years) && within(Number.isNaN(volume) ? undefined : volume, entry.volumes);
}

/**
 * Holders from the holdings data, looked up by every identifier the citation carries (an ISSN for the
 * year and volume cited, an ISBN, a DOI) and by its title; the request's own list wins.
 */
export function lookupHoldings(config: Pick<NetworkConfig, 'holdings'>, request: IllRequest): Holding[] {
  if (request.holdings) return request.holdings.map(holdingOf);
  const { issn, isbn, doi, title, journalTitle } = request.citation;
  const keys = [issn, isbn, doi, title && titleKey(title), journalTitle && titleKey(journalTitle)].filter((key): key is string => Boolean(key));
  const found = new Map<string, Holding>();
  for (const entry of keys.flatMap((key) => config.holdings[key] ?? [])) {
    if (!covers(entry, request)) continue;
    const { libraryId, recordId, callNumber } = holdingOf(typeof entry === 'string' ? entry : entry);
    // The first record found for a library (by identifier before title) is the one its staff will look for.
    if (!found.has(libraryId)) found.set(libraryId, { libraryId, ...(recordId ? { recordId } : {}), ...(callNumber ? { callNumber } : {}) });
  }
  return [...found.values()].sort((a, b) => a.libraryId.localeCompare(b.libraryId));
}

/** The holdings data shipped with the configuration in force, as a holdings lookup. */
export function configHoldings(config: () => Pick<NetworkConfig, 'holdings'>): HoldingsLookup {
  return { holders: async (request) => lookupHoldings(config(), request) };
}

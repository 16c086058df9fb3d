import { holdingOf, type Holding, type HoldingRef, type HoldingsLookup } from '../domain/holdings';
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
function covers(entry: HoldingEntry, year: number | undefined, volume: number | undefined): boolean {
  return typeof entry === 'string' || (within(year, entry.years) && within(volume, entry.volumes));
}

/** The order `localeCompare` gives, by one collator rather than one made for every comparison. */
const byLibrary = new Intl.Collator();

/** The holders of an item as lists of library ids alone, in order and each once; null for a list that gives a record or a range. */
const plainLists = new WeakMap<readonly HoldingEntry[], string[] | null>();

function idsOf(list: readonly HoldingEntry[]): string[] | undefined {
  let ids = plainLists.get(list);
  if (ids === undefined) {
    ids = list.every((entry) => typeof entry === 'string') ? [...new Set(list as string[])].sort(byLibrary.compare) : null;
    plainLists.set(list, ids);
  }
  return ids ?? undefined;
}

/**
 * Holders from the holdings data, looked up by every identifier the citation carries (an ISSN for the
 * year and volume cited, an ISBN, a DOI) and by its title; the request's own list wins.
 */
export function lookupHoldings(config: Pick<NetworkConfig, 'holdings'>, request: IllRequest): Holding[] {
  return lookupHolders(config, request).map(holdingOf);
}

/**
 * `lookupHoldings` as routing takes it: a library named without a record stays an id, and an item
 * found under one identifier gets the kept list of its holders itself, not a copy.
 */
export function lookupHolders(config: Pick<NetworkConfig, 'holdings'>, request: IllRequest): readonly HoldingRef[] {
  if (request.holdings) return request.holdings;
  const { issn, isbn, doi, title, journalTitle, year } = request.citation;
  const keys = [issn, isbn, doi, title && titleKey(title), journalTitle && titleKey(journalTitle)].filter((key): key is string => Boolean(key));
  const lists = keys.flatMap((key) => {
    const list = config.holdings[key];
    return list ? [list] : [];
  });
  // Most items are found under one identifier, held by libraries named without records.
  const only = lists.length === 1 && lists[0] ? idsOf(lists[0]) : undefined;
  if (only) return only;
  const cited = Number.parseInt(request.citation.volume ?? '', 10);
  const volume = Number.isNaN(cited) ? undefined : cited;
  const found = new Map<string, Holding>();
  for (const list of lists) {
    for (const entry of list) {
      if (!covers(entry, year, volume)) continue;
      const { libraryId, recordId, callNumber } = holdingOf(entry);
      // The first record found for a library (by identifier before title) is the one its staff will look for.
      if (!found.has(libraryId)) found.set(libraryId, { libraryId, ...(recordId ? { recordId } : {}), ...(callNumber ? { callNumber } : {}) });
    }
  }
  return [...found.values()].sort((a, b) => byLibrary.compare(a.libraryId, b.libraryId));
}

/** The holdings data shipped with the configuration in force, as a holdings lookup. */
export function configHoldings(config: () => Pick<NetworkConfig, 'holdings'>): HoldingsLookup {
  return { holders: async (request) => lookupHoldings(config(), request) };
}

/** An item's key as an ISSN written plain (`1234-567X`), or quoted in single quotes without one inside. */
const ENTRY = /^( +)(?:([0-9]{4}-[0-9]{3}[0-9X])|'([^']*)'): \[([^\]]*)\]$/;
/** A library id YAML reads as the text written: a letter first, and no word YAML reads as a boolean or null. */
const PLAIN_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;
const NOT_TEXT = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);
/** YAML refuses an implicit key whose `:` stands more than 1024 characters after the key begins. */
const LONGEST_KEY = 1021;

/**
 * A holdings file written as the union catalogue exports it, one item a line under `holdings:`
 * (`  '0000-0019': [lib-0002, lib-0003]`, comments and blank lines between), read without the
 * YAML parser, which takes seconds over half a million holders. Undefined for any text not
 * wholly of that shape (a holder given with its record, an item written over several lines, a
 * key given twice, a key too long for YAML, no item at all), which the YAML parser then reads or
 * refuses: what this gives is exactly what it would.
 */
export function readHoldingsLines(text: string): { holdings: Record<string, string[]> } | undefined {
  const holdings: Record<string, string[]> = {};
  let indent: string | undefined;
  let started = false;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // Only spaces and tabs are blank to YAML, not every character JavaScript calls white space.
    if (/^[ \t]*(#.*)?$/.test(line)) continue;
    if (!started) {
      if (line !== 'holdings:') return undefined;
      started = true;
      continue;
    }
    const entry = ENTRY.exec(line);
    if (!entry) return undefined;
    const [, spaces, plain, quoted, list] = entry as unknown as [string, string, string | undefined, string | undefined, string];
    indent ??= spaces;
    const key = plain ?? (quoted as string);
    if (spaces !== indent || key.length > LONGEST_KEY || key === '__proto__' || Object.hasOwn(holdings, key)) return undefined;
    const ids = /^[ \t]*$/.test(list) ? [] : list.split(',').map((id) => id.replace(/^[ \t]+|[ \t]+$/g, ''));
    if (!ids.every((id) => PLAIN_ID.test(id) && !NOT_TEXT.has(id))) return undefined;
    holdings[key] = ids;
  }
  // `holdings:` with nothing under it is null to YAML, which the schema refuses: an export cut short must not load as nobody holding anything.
  return Object.keys(holdings).length > 0 ? { holdings } : undefined;
}

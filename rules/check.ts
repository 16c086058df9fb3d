// Cross-references between configuration files: ids defined once, references that resolve, and
// service libraries that exist on both sides (as a supplier and as a member library).

import { pointerOf, type LocatedText } from './located';
import { didYouMean } from './suggest';
import { minutesOf } from './clock';
import type { Closure, HoldingEntry, Library, Licence, NetworkPolicy, Problem, Supplier, WorkingHours } from './types';
import type { HoldingRef } from '../domain/holdings';
import type { IllRequest } from '../domain/request';

/** A configuration entry that passed its schema, with where it was written. */
export interface Entry<T> {
  doc: LocatedText;
  pointer: string;
  value: T;
}

/** An id or rule name as written, whether or not the rest of its entry is valid. */
export interface Named {
  name: string;
  doc: LocatedText;
  /** Points at the id value itself. */
  pointer: string;
}

export type SupplierInput = Omit<Supplier, 'source'>;
export type LibraryInput = Omit<Library, 'source'>;

/**
 * What a collection defines: every id written, and the entries that passed their schema. An
 * id whose entry is invalid still resolves references, so one mistake is reported once.
 */
export interface Known<T> {
  ids: ReadonlySet<string>;
  valid: ReadonlyMap<string, T>;
}

export function duplicateProblems(named: Named[], what: string): Problem[] {
  const first = new Map<string, Named>();
  const problems: Problem[] = [];
  for (const entry of named) {
    const earlier = first.get(entry.name);
    if (!earlier) {
      first.set(entry.name, entry);
      continue;
    }
    const { line, column } = earlier.doc.at(earlier.pointer);
    problems.push(entry.doc.problem(entry.pointer, `duplicate ${what} '${entry.name}' (first defined at ${earlier.doc.file}:${line}:${column})`));
  }
  return problems;
}

/** A problem when `known` lacks `id`; nothing when `known` is absent (its files failed to load). */
function unknownId(doc: LocatedText, pointer: string, id: string, what: string, known?: ReadonlySet<string>): Problem[] {
  return !known || known.has(id) ? [] : [doc.problem(pointer, `unknown ${what} '${id}'${didYouMean(id, known)}`)];
}

function unknownIds(doc: LocatedText, pointer: string, ids: string[] | undefined, what: string, known?: ReadonlySet<string>): Problem[] {
  return (ids ?? []).flatMap((id, index) => unknownId(doc, `${pointer}/${index}`, id, what, known));
}

export function supplierProblems(entries: Entry<SupplierInput>[], libraries?: Known<LibraryInput>): Problem[] {
  return entries.flatMap(({ doc, pointer, value: supplier }) => {
    const problems: Problem[] = [];
    if (supplier.kind === 'service-library' && libraries) {
      const member = libraries.valid.get(supplier.id);
      if (!libraries.ids.has(supplier.id)) {
        problems.push(doc.problem(`${pointer}/id`, `service library '${supplier.id}' is not a member library${didYouMean(supplier.id, libraries.ids)}; add it to the libraries with role 'service' or 'both'`));
      } else if (member?.role === 'user') {
        problems.push(doc.problem(`${pointer}/id`, `service library '${supplier.id}' is a member with role 'user'; a supplier needs role 'service' or 'both'`));
      }
    }
    const { state, from, to } = supplier.status;
    if (from !== undefined && to !== undefined && to < from) {
      problems.push(doc.problem(`${pointer}/status/to`, `status ends (${to}) before it starts (${from})`));
    }
    if (state === 'active' && (from !== undefined || to !== undefined)) {
      problems.push(doc.problem(`${pointer}/status/state`, `an active supplier has no 'from'/'to': they bound a suspension or closure`));
    }
    if (typeof supplier.workingHours === 'object') problems.push(...workingHoursProblems(doc, `${pointer}/workingHours`, supplier.workingHours));
    problems.push(...closureProblems(doc, `${pointer}/closures`, supplier.closures));
    for (const service of Object.keys(supplier.turnaroundHours ?? {})) {
      if (!supplier.services.some((offered) => offered === service)) {
        problems.push(doc.problem(pointer + pointerOf('turnaroundHours', service), `turnaround given for '${service}', which the supplier does not offer (services: ${supplier.services.join(', ')})`, 'key'));
      }
    }
    return problems;
  });
}

function knownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Times that are no time of day, a day that ends before it starts, a time zone no one has heard of. */
export function workingHoursProblems(doc: LocatedText, pointer: string, hours: Partial<WorkingHours>): Problem[] {
  const problems: Problem[] = [];
  const minutes: Partial<Record<'from' | 'to', number>> = {};
  for (const key of ['from', 'to'] as const) {
    const time = hours[key];
    if (time === undefined) continue;
    minutes[key] = minutesOf(time);
    if (minutes[key] === undefined) problems.push(doc.problem(`${pointer}/${key}`, `'${time}' is not a time of day: write HH:MM, 00:00 to 24:00`));
  }
  if (minutes.from !== undefined && minutes.to !== undefined && minutes.to <= minutes.from) {
    problems.push(doc.problem(`${pointer}/to`, `working hours end (${hours.to}) before they start (${hours.from}); for a service that runs around the clock write 'always'`));
  }
  if (hours.timeZone !== undefined && !knownTimeZone(hours.timeZone)) {
    problems.push(doc.problem(`${pointer}/timeZone`, `unknown time zone '${hours.timeZone}': write an IANA name such as Asia/Shanghai`));
  }
  return problems;
}

export function closureProblems(doc: LocatedText, pointer: string, closures: readonly Closure[] | undefined): Problem[] {
  return (closures ?? []).flatMap((closure, index) => {
    const problems: Problem[] = [];
    for (const key of ['from', 'to'] as const) {
      if (Number.isNaN(Date.parse(`${closure[key]}T00:00:00Z`)) || new Date(`${closure[key]}T00:00:00Z`).toISOString().slice(0, 10) !== closure[key]) {
        problems.push(doc.problem(`${pointer}/${index}/${key}`, `'${closure[key]}' is not a date of the calendar`));
      }
    }
    if (problems.length === 0 && closure.to < closure.from) {
      problems.push(doc.problem(`${pointer}/${index}/to`, `closure ends (${closure.to}) before it starts (${closure.from})`));
    }
    return problems;
  });
}

export function libraryProblems(entries: Entry<LibraryInput>[], suppliers?: Known<SupplierInput>): Problem[] {
  return entries.flatMap(({ doc, pointer, value: library }) => {
    const { preferredSuppliers, blockedSuppliers } = library.policy;
    const problems = [
      ...unknownIds(doc, `${pointer}/policy/preferredSuppliers`, preferredSuppliers, 'supplier', suppliers?.ids),
      ...unknownIds(doc, `${pointer}/policy/blockedSuppliers`, blockedSuppliers, 'supplier', suppliers?.ids),
    ];
    blockedSuppliers.forEach((id, index) => {
      if (preferredSuppliers.includes(id)) {
        problems.push(doc.problem(`${pointer}/policy/blockedSuppliers/${index}`, `supplier '${id}' is both preferred and blocked`));
      }
    });
    if (suppliers && library.role !== 'user') {
      const kind = suppliers.valid.get(library.id)?.kind;
      if (!suppliers.ids.has(library.id)) {
        problems.push(doc.problem(`${pointer}/role`, `library '${library.id}' has role '${library.role}' but no supplier entry with its id`));
      } else if (kind !== undefined && kind !== 'service-library') {
        problems.push(doc.problem(`${pointer}/role`, `library '${library.id}' has role '${library.role}' but supplier '${library.id}' is of kind '${kind}', not 'service-library'`));
      }
    }
    return problems;
  });
}

/** Unknown libraries among holders written as ids or as holdings, pointing at the id itself. */
function unknownHolders(doc: LocatedText, pointer: string, holders: HoldingRef[] | undefined, libraries?: ReadonlySet<string>): Problem[] {
  return (holders ?? []).flatMap((holder, index) =>
    typeof holder === 'string'
      ? unknownId(doc, `${pointer}/${index}`, holder, 'library', libraries)
      : unknownId(doc, `${pointer}/${index}/libraryId`, holder.libraryId, 'library', libraries),
  );
}

/** Members of proximity groups that name no province and no city of a member library, so the group could never hold it. */
export function proximityProblems(doc: LocatedText, groups: Record<string, string[]>, provinces: readonly string[], libraries: readonly LibraryInput[]): Problem[] {
  const places = new Set([...provinces, ...libraries.flatMap((library) => (library.city === undefined ? [] : [library.city]))]);
  return Object.entries(groups).flatMap(([group, members]) =>
    members.flatMap((member, index) =>
      places.has(member)
        ? []
        : [doc.problem(pointerOf('proximity', 'groups', group, index), `proximity group '${group}': '${member}' is neither a province code (CN-SH) nor the city of a member library${didYouMean(member, places)}`)],
    ),
  );
}

/** A library's own cap on its readers' open requests names a member library. */
export function quotaProblems(doc: LocatedText, quotas: NetworkPolicy['quotas'], libraries?: ReadonlySet<string>): Problem[] {
  return Object.keys(quotas?.libraries ?? {}).flatMap((id) => unknownId(doc, pointerOf('quotas', 'libraries', id), id, 'library', libraries));
}

export function holdingsProblems(doc: LocatedText, holdings: Record<string, HoldingEntry[]>, libraries?: ReadonlySet<string>): Problem[] {
  return Object.entries(holdings).flatMap(([item, holders]) => unknownHolders(doc, pointerOf('holdings', item), holders, libraries));
}

/** Each licence names a member library, and licenses something a citation can be matched against. */
export function licenceProblems(doc: LocatedText, licences: Licence[], libraries?: ReadonlySet<string>): Problem[] {
  return licences.flatMap((licence, index) => unknownId(doc, pointerOf('licences', index, 'library'), licence.library, 'library', libraries));
}

export function requestProblems(doc: LocatedText, request: IllRequest, libraries?: ReadonlySet<string>): Problem[] {
  return [
    ...unknownId(doc, '/requester/libraryId', request.requester.libraryId, 'library', libraries),
    ...unknownHolders(doc, '/holdings', request.holdings, libraries),
  ];
}

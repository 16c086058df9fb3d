// A request's candidates before any rule runs: the request's own facts (its subjects in the
// vocabulary, its library, its usage, a copy of its own), then each supplier that could serve it,
// with the numbers rules and ranking read and the reasons that shut it out without a rule.

import type { Library, Supplier, SupplierStatus } from './types';
import type { Citation, IllRequest } from '../domain/request';
import type { ExclusionCause, LocalCopy, NoOpenCopy, WrittenAt } from '../domain/decision';
import type { HoldingRef } from '../domain/holdings';
import { localCopy } from './local';
import { normaliseSubjects } from './subjects';
import { forService, kindsFor, staffFor, type KindStats, type StaffStats, type SupplierStats } from './knowledge';
import { approvalWait } from './speed';
import { Candidates, FLAG } from './candidates';
import { ROTA_LENGTH } from './exclusions';
import { coverageGap, describeGap, gapKey, gapOf, type Gap } from './coverage';
import { estimateCost, holdersOf, priceOf, promisedSlot, SERVICES, serviceSlot, urgencySlot, viewOf, type Exclusion, type Holders, type Network } from './network';

/** The `usage` fact: derived once per request. */
export interface Usage {
  deadlineHours: number;
  titleCopiesThisYear: number;
  holders: number;
}

export interface RouteInput {
  request: IllRequest;
  /** Libraries holding the item, from the union catalogue: ids, or holdings with their records. */
  holdings: readonly HoldingRef[];
  usage?: Partial<Usage>;
  /** Requests each supplier has already been sent today. */
  load?: Record<string, number>;
  /** Observed figures, which take precedence over configured priors and promises; a service's own where given. */
  stats?: Record<string, SupplierStats>;
  /** How long staff, and suppliers of each kind, were seen to take, for the delivery prediction. */
  staff?: StaffStats;
  kinds?: KindStats;
  /** ISO date the decision is made on; closures and suspensions are judged against it. */
  now?: string;
  /** Suppliers found unable to serve this request before routing, with why (an open-access lookup that found nothing). */
  unavailable?: Readonly<Record<string, NoOpenCopy>>;
}

export interface Prepared {
  /** The request as the rules see it: its subjects mapped onto the vocabulary. */
  request: IllRequest;
  /** Subjects the request wrote that map to no term, for the decision to report. */
  unmappedSubjects?: string[];
  library: Library;
  usage: Usage;
  /** The requesting library holds or licenses the item itself. */
  local?: LocalCopy;
  /** When the decision is made, if known: deadlines are then given as instants too. */
  now?: string;
  staff?: StaffStats;
  kinds?: KindStats;
  candidates: Candidates;
  /**
   * Sources other than service libraries that cannot supply the request at all (they do not offer
   * the service, or neither hold nor cover the item): no rule is evaluated for them, but the
   * decision names each. Service libraries that do not hold the item are not listed: they are
   * hundreds, and the union catalogue is the whole explanation.
   */
  unable: Exclusion[];
  /** The configuration index of each supplier in `unable`. */
  unableAt: number[];
}

/** Articles whose page range is unknown are costed at this many pages. */
const DEFAULT_PAGES = 10;


/**
 * Effects the engine applies without a rule. The decision names them as it names rules, so a
 * librarian reading it can tell the configuration's rules from the engine's own policy.
 */
export const BUILTIN = {
  preferred: 'builtin:preferred-supplier',
  blocked: 'builtin:blocked-supplier',
  status: 'builtin:supplier-status',
  services: 'builtin:services',
  coverage: 'builtin:coverage',
  rotaLength: ROTA_LENGTH,
  local: 'builtin:local-holding',
} as const;

function pageCount(pages: string | undefined): number {
  // An end written with a leading zero is an article number (J-STAGE's 18-00321), not a last page.
  const range = pages === undefined ? null : /^\s*(\d+)\s*[-–]\s*([1-9]\d*)\s*$/.exec(pages);
  if (range) {
    const count = Number(range[2]) - Number(range[1]) + 1;
    if (count > 0) return count;
  }
  return pages !== undefined && /^\s*\d+\s*$/.test(pages) ? 1 : DEFAULT_PAGES;
}

export function builtinReason(what: string, name: string, subject: string, source: { file: string; line: number }): string {
  return `${what} (${name}, ${subject}, from ${source.file}:${source.line})`;
}

/** Whether a suspension or closure stops the supplier on the day given; open-ended bounds cover every day, and without a day it is taken to be in force. */
export function inForce(status: SupplierStatus, now: string | undefined): boolean {
  if (status.state === 'active') return false;
  if (now === undefined) return true;
  const day = now.slice(0, 10);
  return (status.from === undefined || status.from.slice(0, 10) <= day) && (status.to === undefined || day <= status.to.slice(0, 10));
}

function statusReason(supplier: Supplier): string {
  const { state, from, to } = supplier.status;
  const span = from === undefined && to === undefined ? '' : ` (${from ?? '…'} to ${to ?? '…'})`;
  return builtinReason(`${state}${span}`, BUILTIN.status, `supplier '${supplier.id}'`, supplier.source);
}

/** A place in the configuration as the decision keeps it: the file and line alone. */
export const written = (source: { file: string; line: number }): WrittenAt => ({ file: source.file, line: source.line });

function statusCause(supplier: Supplier): ExclusionCause {
  const { state, from, to } = supplier.status;
  return { code: state === 'closed' ? 'closed' : 'suspended', ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), at: written(supplier.source) };
}

/** What a decision says of a source found unable before routing. */
function unavailableReason(cause: NoOpenCopy): string {
  return `no open-access copy of DOI ${cause.doi} (looked up before routing)`;
}

export function requireLibrary(network: Network, request: IllRequest): Library {
  const library = network.libraries.get(request.requester.libraryId);
  if (!library) throw new Error(`request ${request.id}: unknown requesting library '${request.requester.libraryId}'`);
  return library;
}

/** The request with its subjects in the vocabulary, and those that map to none. */
function withSubjects(network: Network, request: IllRequest): { request: IllRequest; unmapped?: string[] } {
  const { subjects: index } = network;
  const { citation } = request;
  if (!index || (citation.issn === undefined && (citation.subjects ?? []).every((subject) => index.terms.has(subject)))) return { request };
  const { subjects, unmapped } = normaliseSubjects(index, citation);
  const { subjects: _written, ...rest } = citation;
  const mapped = { ...request, citation: subjects === undefined ? rest : { ...rest, subjects } };
  return unmapped.length > 0 ? { request: mapped, unmapped } : { request: mapped };
}

/** What a request brings before any supplier is considered: all the facts of its own that rules read. */
export interface RequestFacts {
  request: IllRequest;
  unmappedSubjects?: string[];
  library: Library;
  usage: Usage;
  local?: LocalCopy;
  holders: Holders;
}

export function requestFacts(network: Network, input: RouteInput): RequestFacts {
  const { config } = network;
  const { request, unmapped } = withSubjects(network, input.request);
  const library = requireLibrary(network, request);
  const holders = holdersOf(network, library, input.holdings);
  const usage: Usage = {
    deadlineHours: input.usage?.deadlineHours ?? config.policy.targets[request.service][request.urgency],
    titleCopiesThisYear: input.usage?.titleCopiesThisYear ?? 0,
    holders: input.usage?.holders ?? holders.count,
  };
  const local = localCopy(library, request, holders.own ? [holders.own] : [], config.licences);
  return { request, library, usage, holders, ...(local && { local }), ...(unmapped && { unmappedSubjects: unmapped }) };
}

/** Works out the facts and the candidate suppliers of one request (its own facts, where already worked out); rules are not consulted here. */
export function prepare(network: Network, input: RouteInput, facts: RequestFacts = requestFacts(network, input)): Prepared {
  const { config, table } = network;
  const { request, unmappedSubjects: unmapped, library, usage, local, holders } = facts;
  const candidates = new Candidates(config.suppliers, local ? 0 : holders.suppliers.length + network.sources.length);
  const prepared: Prepared = {
    request,
    library,
    usage,
    ...(local ? { local } : {}),
    candidates,
    unable: [],
    unableAt: [],
    ...(unmapped && { unmappedSubjects: unmapped }),
    ...(input.now === undefined ? {} : { now: input.now }),
    ...(input.staff === undefined ? {} : { staff: input.staff }),
    ...(input.kinds === undefined ? {} : { kinds: input.kinds }),
  };
  if (local) return prepared;

  const { citation } = request;
  const service = serviceSlot(request.service);
  const view = viewOf(network, library);
  const self = network.supplierIndex.get(library.id);
  for (const index of holders.suppliers) {
    if (table.serviceLibrary[index] !== 1 || index === self) continue;
    const supplier = config.suppliers[index] as Supplier;
    if (!offers(network, prepared, service, index, supplier)) continue;
    const covered = table.coversAll[index] === 1 || coverageGap(supplier, citation) === undefined;
    candidates.add(index, (view[index] as number) | FLAG.holds | (covered ? FLAG.covers : 0));
  }
  // The words for a gap are the same for every source that has it: made once a request.
  const keys = new Map<Gap, string | undefined>();
  const { seen } = network;
  for (const index of holders.suppliers) seen[index] = 1;
  for (const index of network.sources) {
    const supplier = config.suppliers[index] as Supplier;
    if (index === self || !offers(network, prepared, service, index, supplier)) continue;
    const holds = seen[index] === 1;
    const gap = table.coversAll[index] === 1 ? undefined : coverageGap(supplier, citation);
    if (holds || gap === undefined) candidates.add(index, (view[index] as number) | (holds ? FLAG.holds : 0) | (gap === undefined ? FLAG.covers : 0));
    else {
      if (!keys.has(gap)) keys.set(gap, gapKey(gap, citation));
      const key = keys.get(gap);
      const kept = network.unable[index] as Map<string, Exclusion>;
      let entry = key === undefined ? undefined : kept.get(key);
      if (!entry) {
        entry = exclusion(supplier, `neither holds the item nor covers it: ${describeGap(gap, supplier, citation)}`, BUILTIN.coverage, { code: 'coverage', ...gapOf(gap, supplier, citation), at: written(supplier.source) });
        if (key !== undefined) kept.set(key, entry);
      }
      unable(prepared, index, entry);
    }
  }
  for (const index of holders.suppliers) seen[index] = 0;
  measure(network, prepared, input);
  return prepared;
}

/** A source's exclusion before any rule, made once where the words for it are the same for every request that has it. */
function exclusion(supplier: Supplier, what: string, name: string, cause: ExclusionCause): Exclusion {
  return Object.freeze({
    supplierId: supplier.id,
    reasons: Object.freeze([builtinReason(what, name, `supplier '${supplier.id}'`, supplier.source)]) as string[],
    causes: Object.freeze([cause]) as ExclusionCause[],
  });
}

/** Notes a source that cannot supply the request. */
function unable(prepared: Prepared, index: number, entry: Exclusion): void {
  prepared.unable.push(entry);
  prepared.unableAt.push(index);
}

/** Whether the supplier offers the requested service (`serviceSlot`); where it does not, it is noted as unable. */
function offers(network: Network, prepared: Prepared, service: number, index: number, supplier: Supplier): boolean {
  const { service: name } = prepared.request;
  if (((network.table.offers[index] as number) & (1 << service)) !== 0) return true;
  // Most holders of a loan or an e-book that cannot serve it lack the service: found by position, not by name.
  const slot = index * SERVICES.length + service;
  const entry = (network.lacking[slot] ??= exclusion(supplier, `does not offer ${name}: it offers ${supplier.services.join(', ')}`, BUILTIN.services, {
    code: 'service',
    service: name,
    offers: [...supplier.services],
    at: written(supplier.source),
  }));
  unable(prepared, index, entry);
  return false;
}

/** Runs `read` for each id of an input record that names a candidate, with its position; each id is looked up once, however many candidates there are. */
function byCandidate<T>(network: Network, record: Readonly<Record<string, T>> | undefined, read: (at: number, value: T, candidates: Candidates) => void, candidates: Candidates): void {
  if (record === undefined) return;
  const { positions, supplierIndex } = network;
  // Records of a few dozen ids set one by one are kept as dictionaries, which `for…in` reads
  // a key at a time with a check that each is still there; `Object.keys` reads them at once.
  for (const id of Object.keys(record)) {
    const index = supplierIndex.get(id);
    const at = index === undefined ? -1 : (positions[index] as number);
    if (at >= 0) read(at, record[id] as T, candidates);
  }
}

// Module functions rather than closures per request: see bench/README.md on esbuild's `keepNames`.
// A candidate's load is kept as the requests it was sent until its capacity is known.
const readLoad = (at: number, used: number, candidates: Candidates): void => void (candidates.load[at] = used);
const readStats = (at: number, stats: SupplierStats, candidates: Candidates): void => void (candidates.observed[at] = stats);
const readUnavailable = (at: number, why: NoOpenCopy, candidates: Candidates): void => void ((candidates.unavailable ??= [])[at] = why);

/** The numbers of every candidate: target, cost, load, what is known of it, and why it is shut out where it is. */
function measure(network: Network, prepared: Prepared, input: RouteInput): void {
  const { config, table } = network;
  const { request, library, usage, candidates } = prepared;
  const service = serviceSlot(request.service);
  const urgency = urgencySlot(request.urgency);
  const fixed = table.fixedCost[service] as Float64Array;
  const pages = pageCount(request.citation.pages);
  candidates.ranking = { prior: table.prior, kinds: kindsFor(input.kinds, request.service), approval: approvalWait(request, library, config.policy, staffFor(input.staff, library.id)) };
  const { positions } = network;
  const { count, index: indices, load, observed: seen } = candidates;
  for (let at = 0; at < count; at++) {
    positions[indices[at] as number] = at;
    load[at] = 0;
  }
  byCandidate(network, input.load, readLoad, candidates);
  byCandidate(network, input.stats, readStats, candidates);
  byCandidate(network, input.unavailable, readUnavailable, candidates);
  for (let at = 0; at < count; at++) positions[indices[at] as number] = -1;

  let blocked: string | undefined;
  let blockedCause: ExclusionCause | undefined;
  const { unavailable } = candidates;
  for (let at = 0; at < count; at++) {
    const index = indices[at] as number;
    const supplier = config.suppliers[index] as Supplier;
    const promised = table.promised[promisedSlot(index, service, urgency)] as number;
    const target = Number.isNaN(promised) ? usage.deadlineHours : promised;
    const cost = priceOf(fixed[index] as number, table.perPage[index] as number, request.service, pages);
    const capacity = table.capacity[index] as number;
    const stats = seen[at];
    const observed = stats === undefined ? undefined : forService(stats, request.service);
    candidates.targetHours[at] = target;
    candidates.estimatedCost[at] = cost;
    load[at] = capacity > 0 ? Math.min(1, ((load[at] as number | undefined) ?? 0) / capacity) : 1;
    if (observed !== stats) seen[at] = observed;

    let hard: string[] | undefined;
    let causes: ExclusionCause[] | undefined;
    let key: string | undefined = '';
    if (table.active[index] === 0 && inForce(supplier.status, input.now)) {
      (hard ??= []).push(statusReason(supplier));
      (causes ??= []).push(statusCause(supplier));
      key += 'status';
    }
    const why = unavailable?.[at];
    if (why) {
      (hard ??= []).push(unavailableReason(why));
      (causes ??= []).push(why);
      key = undefined;
    }
    if (candidates.flag(at, 'blocked')) {
      (hard ??= []).push((blocked ??= builtinReason(`blocked by the library's policy`, BUILTIN.blocked, `library '${library.id}'`, library.source)));
      (causes ??= []).push((blockedCause ??= { code: 'blocked', libraryId: library.id, at: written(library.source) }));
      if (key !== undefined) key += ` blocked by ${library.id}`;
    }
    if (hard) {
      candidates.hardReasons[at] = hard;
      candidates.hardCauses[at] = causes;
    }
    candidates.hardKey[at] = key;
  }
}
/** What a fill by this supplier is expected to cost the requesting library, before it names a price. */
export function estimatedCost(supplier: Pick<Supplier, 'cost'>, request: Pick<IllRequest, 'service'> & { citation: Pick<Citation, 'pages'> }): number {
  return estimateCost(supplier, request.service, pageCount(request.citation.pages));
}

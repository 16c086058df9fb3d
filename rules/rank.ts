// Candidate selection and ranking, shared by the compiled evaluator and the json-rules-engine
// reference: both hand this module the rules that fired for each candidate, so any difference
// between their decisions can only come from rule evaluation.

import type { Library, NetworkConfig, NetworkPolicy, Rule, RuleEventType, Supplier, SupplierStatus } from './types';
import type { Citation, IllRequest, Service } from '../domain/request';
import type { LocalCopy, RotaEntry, RouteDecision, RouteTask } from '../domain/decision';
import { exceededLimit } from '../domain/money';
import { holdingOf, type HoldingRef } from '../domain/holdings';
import { within } from './holdings';
import { localCopy } from './local';
import { indexSubjects, normaliseSubjects, type SubjectIndex } from './subjects';
import { tryDeadline } from './clock';
import { deliveredAtOnce, predictDelivery } from './eta';
import { forService, kindsFor, staffFor, type KindStats, type StaffStats, type SupplierStats } from './knowledge';
import { approvalWaitHours, optimisticFillRate, rankedHours, turnaroundShare } from './speed';

/** The `candidate` fact: derived for one supplier of one request. */
export interface CandidateFacts {
  holds: boolean;
  sameRegion: boolean;
  /** The supplier is a member library in the requesting library's province, city, or a proximity group with it. */
  sameProvince: boolean;
  sameCity: boolean;
  sameProximityGroup: boolean;
  targetHours: number;
  estimatedCost: number;
  /** Requests already sent today as a share of the daily capacity, 0..1. */
  load: number;
  preferred: boolean;
  blocked: boolean;
  /** The supplier's coverage matches the citation's language, subjects, year and, where it lists titles, ISSN. */
  covers: boolean;
}

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
  /** Suppliers found unable to serve this request before routing, with why (an open-access lookup that found nothing, say). */
  unavailable?: Readonly<Record<string, string>>;
}

/** What one configuration version knows before any request arrives. */
export interface Network {
  config: NetworkConfig;
  supplierIndex: ReadonlyMap<string, number>;
  libraries: ReadonlyMap<string, Library>;
  /** Suppliers other than service libraries, which qualify by coverage as well as by holdings. */
  sources: readonly number[];
  /** Rule indices in the order both evaluators report firings. */
  order: readonly number[];
  /** What request subjects map to; without it they are read as written. */
  subjects?: SubjectIndex;
  /** The proximity groups each library belongs to, by its province or its city. */
  proximity: ReadonlyMap<string, readonly string[]>;
  /** Each supplier's position among the suppliers sorted by id, so exclusions sort by number. */
  idRank: Uint32Array;
  /** The supplier index at each rank by id. */
  byRank: Uint32Array;
  /**
   * Each supplier's exclusion for falling below a full rota, made once: the reason is the same
   * for every request, and a rota of 5 out of 120 holders cuts 115 a decision.
   */
  cut: (Exclusion | undefined)[];
  /**
   * Exclusions of sources that cannot supply, by supplier and what they lack (a service, a
   * language, subjects, a year), made once: the same few recur on every request. Title lists are
   * not kept here, as ISSNs are too many to remember.
   */
  unable: Map<string, Exclusion>;
}

export interface Candidate {
  index: number;
  supplier: Supplier;
  facts: CandidateFacts;
  /** Observed fill rate, else the supplier's prior. */
  fillRate: number;
  /** Observed turnaround, else the promised one. */
  turnaroundHours: number;
  /** Working hours ranking expects until the supplier's fill, a wait for the library's cost approval included (rules/speed.ts `rankedHours`). */
  rankedHours: number;
  /** What the knowledge base knows of the supplier, for the delivery prediction. */
  observed: SupplierStats | undefined;
  /** Exclusions that need no rule: the supplier's status and the library's block list. */
  hardReasons: readonly string[];
}

export type Exclusion = RouteDecision['excluded'][number];

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
  candidates: Candidate[];
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

/** Indices of the rules that fired, in `Network.order`. */
export type Fired = readonly number[];

/**
 * json-rules-engine runs rules of one priority concurrently, so the order its results arrive in
 * depends on how deep each rule's conditions are. Both evaluators instead report firings by
 * priority, highest first, then by position in the configuration.
 */
export function canonicalOrder(rules: readonly Rule[]): number[] {
  const priorities = rules.map((rule) => effectivePriority(rule));
  return rules.map((_, i) => i).sort((a, b) => (priorities[b] ?? 0) - (priorities[a] ?? 0) || a - b);
}

/** The priority json-rules-engine gives a rule: `priority || 1`, truncated to an integer. */
export function effectivePriority(rule: Rule): number {
  const raw: unknown = rule.priority;
  return Number.parseInt(String(raw || 1), 10);
}

export function indexNetwork(config: NetworkConfig): Network {
  const supplierIndex = new Map<string, number>();
  const sources: number[] = [];
  config.suppliers.forEach((supplier, i) => {
    supplierIndex.set(supplier.id, i);
    // Search-proxy staff take escalated requests; they are never tried as an ordinary supplier.
    if (supplier.kind !== 'service-library' && supplier.kind !== 'search-proxy') sources.push(i);
  });
  const byRank = Uint32Array.from(config.suppliers.map((_, i) => i).sort((a, b) => byId({ supplierId: config.suppliers[a]?.id ?? '' }, { supplierId: config.suppliers[b]?.id ?? '' })));
  const idRank = new Uint32Array(config.suppliers.length);
  byRank.forEach((index, rank) => (idRank[index] = rank));
  return {
    config,
    supplierIndex,
    idRank,
    byRank,
    cut: new Array<Exclusion | undefined>(config.suppliers.length),
    unable: new Map(),
    libraries: new Map(config.libraries.map((library) => [library.id, library])),
    sources,
    order: canonicalOrder(config.rules),
    subjects: config.subjects && indexSubjects(config.subjects),
    proximity: proximityOf(config),
  };
}

function proximityOf(config: NetworkConfig): Map<string, string[]> {
  const groups = Object.entries(config.policy.proximity?.groups ?? {});
  const proximity = new Map<string, string[]>();
  for (const library of config.libraries) {
    const member = (place: string) => place === library.province || place === library.city;
    const names = groups.filter(([, places]) => places.some(member)).map(([name]) => name);
    if (names.length > 0) proximity.set(library.id, names);
  }
  return proximity;
}

/** How near a supplier that is a member library is to the requesting library; suppliers of other kinds are near to none. */
function nearness(network: Network, library: Library, supplier: Supplier): Pick<CandidateFacts, 'sameProvince' | 'sameCity' | 'sameProximityGroup'> {
  const other = supplier.kind === 'service-library' ? network.libraries.get(supplier.id) : undefined;
  const sameProvince = other?.province !== undefined && other.province === library.province;
  const groups = network.proximity.get(library.id);
  return {
    sameProvince,
    // City names repeat across provinces rarely, but they do.
    sameCity: sameProvince && other?.city !== undefined && other.city === library.city,
    sameProximityGroup: other !== undefined && groups !== undefined && (network.proximity.get(other.id) ?? []).some((group) => groups.includes(group)),
  };
}

/** Articles whose page range is unknown are costed at this many pages. */
const DEFAULT_PAGES = 10;
/** Fill rate assumed for a supplier with neither a prior nor observations. */
const DEFAULT_FILL_RATE = 0.5;
/** Tier of a supplier no rule places; the library's preferred suppliers start in tier 1. */
const DEFAULT_TIER = 2;
/** Cost that counts as one unit when neither the request nor the library sets a budget. */
const DEFAULT_BUDGET = 100;

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
  rotaLength: 'builtin:rota-length',
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

export function estimateCost(supplier: Pick<Supplier, 'cost'>, service: Service, pages: number): number {
  const { cost } = supplier;
  let total = 0;
  for (const fee of cost.fees ?? []) total += fee.amount;
  if (service === 'loan') return total + (cost.perLoan ?? 0);
  total += cost.perArticle ?? 0;
  return service === 'copy' ? total + (cost.perPage ?? 0) * pages : total;
}

type Gap = 'doi' | 'documentType' | 'language' | 'subjects' | 'years' | 'titles';

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
function coverageGap(supplier: Supplier, citation: Citation): Gap | undefined {
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

function describeGap(gap: Gap, supplier: Supplier, citation: Citation): string {
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

function builtinReason(what: string, name: string, subject: string, source: { file: string; line: number }): string {
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

export function requireLibrary(network: Network, request: IllRequest): Library {
  const library = network.libraries.get(request.requester.libraryId);
  if (!library) throw new Error(`request ${request.id}: unknown requesting library '${request.requester.libraryId}'`);
  return library;
}

/** Works out the facts and the candidate suppliers of one request; rules are not consulted here. */
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

export function prepare(network: Network, input: RouteInput): Prepared {
  const { config } = network;
  const { request, unmapped } = withSubjects(network, input.request);
  const library = requireLibrary(network, request);
  const records = input.holdings.map(holdingOf);
  const holders = new Set(records.map((holding) => holding.libraryId));
  const usage: Usage = {
    deadlineHours: input.usage?.deadlineHours ?? config.policy.targets[request.service][request.urgency],
    titleCopiesThisYear: input.usage?.titleCopiesThisYear ?? 0,
    holders: input.usage?.holders ?? holders.size,
  };
  const local = localCopy(library, request, records, config.licences);
  const prepared: Prepared = {
    request,
    library,
    usage,
    ...(local ? { local } : {}),
    candidates: [],
    unable: [],
    unableAt: [],
    ...(unmapped && { unmappedSubjects: unmapped }),
    ...(input.now === undefined ? {} : { now: input.now }),
    ...(input.staff === undefined ? {} : { staff: input.staff }),
    ...(input.kinds === undefined ? {} : { kinds: input.kinds }),
  };
  if (local) return prepared;

  const pages = pageCount(request.citation.pages);
  const staff = staffFor(input.staff, library.id);
  const kinds = kindsFor(input.kinds, request.service);
  const consider = (index: number, supplier: Supplier, holds: boolean, coverage: boolean): void => {
    const { policy } = library;
    const blocked = policy.blockedSuppliers.includes(supplier.id);
    const used = input.load?.[supplier.id] ?? 0;
    const facts: CandidateFacts = {
      holds,
      sameRegion: supplier.region !== undefined && supplier.region === library.region,
      ...nearness(network, library, supplier),
      targetHours: supplier.turnaroundHours?.[request.service]?.[request.urgency] ?? usage.deadlineHours,
      estimatedCost: estimateCost(supplier, request.service, pages),
      load: supplier.capacityPerDay > 0 ? Math.min(1, used / supplier.capacityPerDay) : 1,
      preferred: policy.preferredSuppliers.includes(supplier.id),
      blocked,
      covers: coverage,
    };
    const hardReasons: string[] = [];
    if (inForce(supplier.status, input.now)) hardReasons.push(statusReason(supplier));
    const unavailable = input.unavailable?.[supplier.id];
    if (unavailable) hardReasons.push(unavailable);
    if (blocked) hardReasons.push(builtinReason(`blocked by the library's policy`, BUILTIN.blocked, `library '${library.id}'`, library.source));
    const observed = forService(input.stats?.[supplier.id], request.service);
    prepared.candidates.push({
      index,
      supplier,
      facts,
      fillRate: observed?.fillRate ?? supplier.fillRate ?? DEFAULT_FILL_RATE,
      turnaroundHours: observed?.turnaroundHours ?? facts.targetHours,
      rankedHours: rankedHours(observed, kinds?.[supplier.kind], facts.targetHours, approvalWaitHours({ amount: facts.estimatedCost, currency: supplier.cost.currency }, request, library, config.policy, staff)),
      observed,
      hardReasons,
    });
  };
  const unable = (index: number, supplier: Supplier, key: string | undefined, what: () => string, name: string): void => {
    const known = key === undefined ? undefined : network.unable.get(`${index} ${key}`);
    const entry = known ?? Object.freeze({ supplierId: supplier.id, reasons: Object.freeze([builtinReason(what(), name, `supplier '${supplier.id}'`, supplier.source)]) as string[] });
    if (key !== undefined && !known) network.unable.set(`${index} ${key}`, entry);
    prepared.unable.push(entry);
    prepared.unableAt.push(index);
  };
  const offers = (index: number, supplier: Supplier): boolean => {
    if (supplier.services.includes(request.service)) return true;
    unable(index, supplier, `service ${request.service}`, () => `does not offer ${request.service}: it offers ${supplier.services.join(', ')}`, BUILTIN.services);
    return false;
  };
  const { citation } = request;
  const gapKey = (gap: Gap): string | undefined =>
    gap === 'doi' ? 'doi' : gap === 'documentType' ? `documentType ${citation.documentType}` : gap === 'language' ? `language ${citation.language}` : gap === 'years' ? `year ${citation.year}` : gap === 'subjects' ? `subjects ${String(citation.subjects)}` : undefined;

  for (const holder of holders) {
    const index = network.supplierIndex.get(holder);
    const supplier = index === undefined ? undefined : config.suppliers[index];
    if (index !== undefined && supplier?.kind === 'service-library' && supplier.id !== library.id && offers(index, supplier)) {
      consider(index, supplier, true, covers(supplier, request.citation));
    }
  }
  for (const index of network.sources) {
    const supplier = config.suppliers[index];
    if (!supplier || supplier.id === library.id || !offers(index, supplier)) continue;
    const holds = holders.has(supplier.id);
    const gap = coverageGap(supplier, request.citation);
    if (holds || gap === undefined) consider(index, supplier, holds, gap === undefined);
    else unable(index, supplier, gapKey(gap), () => `neither holds the item nor covers it: ${describeGap(gap, supplier, citation)}`, BUILTIN.coverage);
  }
  return prepared;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function text(value: unknown): string {
  return typeof value === 'string' ? value : String(value ?? '');
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function cite(rule: Rule): string {
  return `rule '${rule.name}', from ${rule.source.file}:${rule.source.line}`;
}

interface Scored {
  candidate: Candidate;
  score: number;
  terms: RotaEntry['terms'];
  fired: Fired;
  /** The library's preference, not a rule, put the supplier in tier 1. */
  preferredTier: boolean;
}

/**
 * Request-level events fire per candidate like any other, so they are taken from the candidates
 * that can still be tried; `requestLevel` (the rules fired with no supplier in view) stands in when
 * none can, and must be given exactly when `needsRequestLevel` says so.
 */
export function needsRequestLevel(network: Network, prepared: Prepared, fired: readonly Fired[]): boolean {
  if (prepared.local) return false;
  const { rules } = network.config;
  return prepared.candidates.every(
    (candidate, i) => candidate.hardReasons.length > 0 || (fired[i] ?? []).some((r) => rules[r]?.event.type === 'exclude'),
  );
}

function better(a: Scored, b: Scored): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.candidate.supplier.id < b.candidate.supplier.id ? -1 : 1;
}

/** The `count` best in rota order; sorting every candidate would order many no rota reaches. */
function leaders(items: readonly Scored[], count: number): Scored[] {
  const top: Scored[] = [];
  for (const item of items) {
    if (top.length === count) {
      if (better(item, top[count - 1] as Scored) >= 0) continue;
      top.pop();
    }
    let at = top.length;
    while (at > 0 && better(item, top[at - 1] as Scored) < 0) at--;
    top.splice(at, 0, item);
  }
  return top;
}

function byId(a: { supplierId: string }, b: { supplierId: string }): number {
  return a.supplierId < b.supplierId ? -1 : a.supplierId > b.supplierId ? 1 : 0;
}

/** Why a supplier ranked below a full rota is not in it; the rota is full whenever one is cut. */
function cutReason(config: NetworkConfig): string {
  const { maxRotaLength } = config.policy.escalation;
  const where = config.rotaLengthSource;
  return `ranked below the ${maxRotaLength} supplier(s) the rota holds (${BUILTIN.rotaLength}, policy escalation.maxRotaLength ${maxRotaLength}${where ? `, from ${where.file}:${where.line}` : ''})`;
}

/** Position bits of a sort key; a decision excludes far fewer suppliers than this. */
const POSITION = 2 ** 20;

/**
 * A decision's exclusions in supplier id order. A rota cut can exclude a hundred holders a
 * decision, and decisions are kept, so this allocates little: each exclusion sorts by a number
 * (its supplier's precomputed rank by id, then its place among the other exclusions), and a cut
 * supplier's entry is the network's own, found again from its rank.
 */
class Exclusions {
  private readonly others: Exclusion[] = [];
  private keys: number[] = [];

  constructor(private readonly network: Network) {}

  add(index: number, entry: Exclusion): void {
    this.others.push(entry);
    this.keys.push((this.network.idRank[index] ?? 0) * POSITION + this.others.length);
  }

  /** A supplier ranked below a full rota; its entry is made once per network. */
  cut(index: number, supplier: Supplier): void {
    this.network.cut[index] ??= Object.freeze({ supplierId: supplier.id, reasons: Object.freeze([cutReason(this.network.config)]) as string[] });
    this.keys.push((this.network.idRank[index] ?? 0) * POSITION);
  }

  sorted(): Exclusion[] {
    const keys = Float64Array.from(this.keys).sort();
    const { byRank, cut } = this.network;
    const sorted = new Array<Exclusion>(keys.length);
    for (let at = 0; at < keys.length; at++) {
      const key = keys[at] ?? 0;
      const slot = key % POSITION;
      sorted[at] = (slot === 0 ? cut[byRank[(key - slot) / POSITION] ?? 0] : this.others[slot - 1]) as Exclusion;
    }
    return sorted;
  }
}

/** `x` held to 0..1; NaN (an observation gone wrong) counts as the worst, 1. */
function unit(x: number): number {
  return x >= 0 ? (x <= 1 ? x : 1) : x < 0 ? 0 : 1;
}

function score(candidate: Candidate, fired: Fired, weights: NetworkPolicy['weights'], scale: { budget: number; deadline: number }, tier: number, adjustment: number, preferredTier: boolean): Scored {
  const { facts } = candidate;
  // Cost, turnaround, fill rate and load each stay within their weight, as policy.yaml promises:
  // an estimate above the budget or a turnaround beyond the deadline is as bad as it gets, so that
  // one dear supplier cannot outweigh the terms that rank the others. Only tiers and rule scores
  // reach further.
  const terms = {
    cost: round3(-weights.cost * unit(facts.estimatedCost / scale.budget)),
    turnaround: round3(-weights.turnaround * turnaroundShare(candidate.rankedHours, scale.deadline)),
    fillRate: round3(weights.fillRate * (1 - unit(1 - optimisticFillRate(candidate.fillRate, candidate.observed?.orders)))),
    tier: round3(-weights.tier * (tier - 1)),
    load: round3(-weights.load * unit(facts.load)),
    rules: round3(adjustment),
  };
  // The same order as the keys, so summing `terms` as listed reproduces `score` bit for bit.
  const total = terms.cost + terms.turnaround + terms.fillRate + terms.tier + terms.load + terms.rules;
  return { candidate, score: total, terms, fired, preferredTier };
}

/** Why the library must approve the cost of its best supplier, or undefined when it need not. */
function costApproval(best: Candidate, request: IllRequest, library: Library): string | undefined {
  const cost = best.facts.estimatedCost;
  if (cost <= 0) return undefined;
  const exceeded = exceededLimit({ amount: cost, currency: best.supplier.cost.currency }, { autoApproveLimit: library.policy.autoApproveLimit, maxCost: request.maxCost });
  if (!exceeded) return undefined;
  const at = `estimated cost ${cost} ${best.supplier.cost.currency} at '${best.supplier.id}'`;
  const { amount, currency } = exceeded.value;
  return exceeded.limit === 'autoApproveLimit'
    ? `${at} exceeds the auto-approve limit of ${amount} ${currency} (library '${library.id}', from ${library.source.file}:${library.source.line})`
    : `${at} exceeds the reader's maximum of ${amount} ${currency}`;
}

/** Turns the rules fired for each candidate into the decision; `fired[i]` belongs to `prepared.candidates[i]`. */
export function decide(network: Network, prepared: Prepared, fired: readonly Fired[], requestLevel?: Fired): RouteDecision {
  const { config } = network;
  const { request, library, usage } = prepared;
  const decision: RouteDecision = {
    rulesetVersion: config.version,
    requestId: request.id,
    outcome: 'local',
    rota: [],
    excluded: [],
    tasks: [],
    deadlineHours: usage.deadlineHours,
    ...(prepared.unmappedSubjects && { unmappedSubjects: [...prepared.unmappedSubjects] }),
  };
  if (prepared.local) {
    const { local } = prepared;
    const what = `library '${library.id}' ${local.licence ? 'licenses' : 'holds'} the item itself, so no supplier is asked`;
    return { ...decision, local, reason: builtinReason(what, BUILTIN.local, `library '${library.id}'`, library.source), eta: deliveredAtOnce(config, 'local', prepared.now) };
  }

  const { rules, policy } = config;
  const scale = {
    budget: request.maxCost?.amount || library.policy.autoApproveLimit.amount || DEFAULT_BUDGET,
    deadline: usage.deadlineHours > 0 ? usage.deadlineHours : 1,
  };
  const seen = new Uint8Array(rules.length);
  const usable: Scored[] = [];
  const excluded = new Exclusions(network);
  prepared.candidates.forEach((candidate, i) => {
    const ruleIds = fired[i] ?? [];
    let reasons = candidate.hardReasons.length > 0 ? [...candidate.hardReasons] : undefined;
    let tier: number | undefined;
    let adjustment = 0;
    for (const r of ruleIds) {
      const rule = rules[r];
      const params = rule?.event.params ?? {};
      if (rule?.event.type === 'exclude') (reasons ??= []).push(`${text(params.reason)} (${cite(rule)})`);
      else if (rule?.event.type === 'score') adjustment += finite(params.add) ?? 0;
      else if (rule?.event.type === 'tier') tier ??= finite(params.tier);
    }
    if (reasons) {
      excluded.add(candidate.index, { supplierId: candidate.supplier.id, reasons });
      return;
    }
    for (const r of ruleIds) seen[r] = 1;
    const preferredTier = tier === undefined && candidate.facts.preferred;
    usable.push(score(candidate, ruleIds, policy.weights, scale, tier ?? (preferredTier ? 1 : DEFAULT_TIER), adjustment, preferredTier));
  });
  prepared.unable.forEach((entry, i) => excluded.add(prepared.unableAt[i] ?? 0, entry));

  if (usable.length === 0 && requestLevel === undefined) {
    throw new Error(`request ${request.id}: no supplier can be tried, so the request-level rules must be evaluated`);
  }
  const requestRules = usable.length > 0 ? network.order.filter((r) => seen[r] === 1) : (requestLevel ?? []);
  const rejections: string[] = [];
  let deadlineHours: number | undefined;
  for (const r of requestRules) {
    const rule = rules[r];
    if (!rule) continue;
    const reason = `${text(rule.event.params.reason)} (${cite(rule)})`;
    const task = TASKS[rule.event.type];
    if (task) decision.tasks.push({ type: task, reason, rule: rule.name });
    else if (rule.event.type === 'reject') rejections.push(reason);
    else if (rule.event.type === 'deadline') {
      const hours = finite(rule.event.params.hours);
      if (hours !== undefined && hours > 0) deadlineHours ??= hours;
    }
  }
  if (deadlineHours !== undefined) decision.deadlineHours = deadlineHours;

  const top = leaders(usable, Math.max(1, policy.escalation.maxRotaLength));
  const rota = top.slice(0, policy.escalation.maxRotaLength);
  decision.rota = rota.map((entry) => {
    const names = entry.fired.map((r) => rules[r]?.name ?? String(r));
    if (entry.preferredTier) names.push(BUILTIN.preferred);
    return {
      supplierId: entry.candidate.supplier.id,
      score: entry.score,
      terms: entry.terms,
      rules: names,
      // Were the order sent now: a review or an approval may come first, and the try's deadline is counted again when it is sent.
      deadline: tryDeadline(config, entry.candidate.supplier.id, decision.deadlineHours, prepared.now),
    };
  });
  if (usable.length > rota.length) {
    const kept = new Set(rota);
    for (const entry of usable) {
      if (kept.has(entry)) continue;
      const { index, supplier } = entry.candidate;
      excluded.cut(index, supplier);
    }
  }
  decision.excluded = excluded.sorted();
  if (rejections.length > 0) {
    return { ...decision, outcome: 'reject', rota: [], tasks: [], reason: rejections.join('; ') };
  }
  if (usable.length < policy.escalation.minCandidates) {
    decision.tasks.push({
      type: 'searchProxy',
      reason: `${usable.length} usable supplier(s), fewer than the ${policy.escalation.minCandidates} the network requires`,
    });
  }
  if (library.policy.reviewRequired) {
    decision.tasks.push({
      type: 'review',
      reason: `library '${library.id}' reviews every request (from ${library.source.file}:${library.source.line})`,
    });
  }
  const best = top[0];
  const approval = best && costApproval(best.candidate, request, library);
  if (approval) decision.tasks.push({ type: 'approveCost', reason: approval });

  const has = (type: RouteTask['type']): boolean => decision.tasks.some((task) => task.type === type);
  decision.outcome = has('searchProxy') ? 'escalate' : has('review') ? 'review' : 'route';
  decision.eta = predictDelivery(config, decision, rota.map((entry) => entry.candidate), prepared.now, staffFor(prepared.staff, library.id), kindsFor(prepared.kinds, request.service));
  return decision;
}

const TASKS: Partial<Record<RuleEventType, RouteTask['type']>> = {
  review: 'review',
  approveCost: 'approveCost',
  escalate: 'searchProxy',
};

/** What a fill by this supplier is expected to cost the requesting library, before it names a price. */
export function estimatedCost(supplier: Pick<Supplier, 'cost'>, request: Pick<IllRequest, 'service'> & { citation: Pick<Citation, 'pages'> }): number {
  return estimateCost(supplier, request.service, pageCount(request.citation.pages));
}

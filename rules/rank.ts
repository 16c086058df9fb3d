// Candidate selection and ranking, shared by the compiled evaluator and the json-rules-engine
// reference: both hand this module the rules that fired for each candidate, so any difference
// between their decisions can only come from rule evaluation.

import type { Library, NetworkConfig, NetworkPolicy, Rule, RuleEventType, Supplier, SupplierStatus } from './types';
import type { Citation, IllRequest, Service } from '../domain/request';
import type { RotaEntry, RouteDecision, RouteTask } from '../domain/decision';
import { exceededLimit } from '../domain/money';
import { holdingOf, type HoldingRef } from '../domain/holdings';
import type { LocalCopy } from '../domain/decision';
import { localCopy } from './local';
import { indexSubjects, normaliseSubjects, type SubjectIndex } from './subjects';
import { tryDeadline } from './clock';

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
  /** The supplier's coverage matches the citation's language, subjects and year. */
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
  /** Observed figures, which take precedence over configured priors and promises. */
  stats?: Record<string, { fillRate?: number; turnaroundHours?: number }>;
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
}

export interface Candidate {
  index: number;
  supplier: Supplier;
  facts: CandidateFacts;
  /** Observed fill rate, else the supplier's prior. */
  fillRate: number;
  /** Observed turnaround, else the promised one. */
  turnaroundHours: number;
  /** Exclusions that need no rule: the supplier's status and the library's block list. */
  hardReasons: readonly string[];
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
  candidates: Candidate[];
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
  return {
    config,
    supplierIndex,
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

function pageCount(pages: string | undefined): number {
  const range = pages === undefined ? null : /^\s*(\d+)\s*[-–]\s*(\d+)\s*$/.exec(pages);
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

export function covers(supplier: Supplier, citation: Citation): boolean {
  const { languages, subjects, years } = supplier.coverage;
  if (languages?.length && citation.language !== undefined && !languages.includes(citation.language)) return false;
  if (subjects?.length && citation.subjects?.length && !citation.subjects.some((s) => subjects.includes(s))) {
    return false;
  }
  const year = citation.year;
  if (years && year !== undefined) {
    if (years.from !== undefined && year < years.from) return false;
    if (years.to !== undefined && year > years.to) return false;
  }
  return true;
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
  return `${state}${span} (supplier '${supplier.id}', from ${supplier.source.file}:${supplier.source.line})`;
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
    ...(unmapped && { unmappedSubjects: unmapped }),
    ...(input.now === undefined ? {} : { now: input.now }),
  };
  if (local) return prepared;

  const pages = pageCount(request.citation.pages);
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
    if (blocked) {
      hardReasons.push(`blocked by the library's policy (library '${library.id}', from ${library.source.file}:${library.source.line})`);
    }
    const observed = input.stats?.[supplier.id];
    prepared.candidates.push({
      index,
      supplier,
      facts,
      fillRate: observed?.fillRate ?? supplier.fillRate ?? DEFAULT_FILL_RATE,
      turnaroundHours: observed?.turnaroundHours ?? facts.targetHours,
      hardReasons,
    });
  };
  const offers = (supplier: Supplier): boolean => supplier.id !== library.id && supplier.services.includes(request.service);

  for (const holder of holders) {
    const index = network.supplierIndex.get(holder);
    const supplier = index === undefined ? undefined : config.suppliers[index];
    if (index !== undefined && supplier?.kind === 'service-library' && offers(supplier)) {
      consider(index, supplier, true, covers(supplier, request.citation));
    }
  }
  for (const index of network.sources) {
    const supplier = config.suppliers[index];
    if (!supplier || !offers(supplier)) continue;
    const holds = holders.has(supplier.id);
    const coverage = covers(supplier, request.citation);
    if (holds || coverage) consider(index, supplier, holds, coverage);
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

function score(candidate: Candidate, fired: Fired, weights: NetworkPolicy['weights'], scale: { budget: number; deadline: number }, tier: number, adjustment: number): Scored {
  const { facts } = candidate;
  const terms = {
    cost: round3((-weights.cost * facts.estimatedCost) / scale.budget),
    turnaround: round3((-weights.turnaround * candidate.turnaroundHours) / scale.deadline),
    fillRate: round3(weights.fillRate * candidate.fillRate),
    tier: round3(-weights.tier * (tier - 1)),
    load: round3(-weights.load * facts.load),
    rules: round3(adjustment),
  };
  // The same order as the keys, so summing `terms` as listed reproduces `score` bit for bit.
  const total = terms.cost + terms.turnaround + terms.fillRate + terms.tier + terms.load + terms.rules;
  return { candidate, score: total, terms, fired };
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
  if (prepared.local) return { ...decision, local: prepared.local };

  const { rules, policy } = config;
  const scale = {
    budget: request.maxCost?.amount || library.policy.autoApproveLimit.amount || DEFAULT_BUDGET,
    deadline: usage.deadlineHours > 0 ? usage.deadlineHours : 1,
  };
  const seen = new Uint8Array(rules.length);
  const usable: Scored[] = [];
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
      decision.excluded.push({ supplierId: candidate.supplier.id, reasons });
      return;
    }
    for (const r of ruleIds) seen[r] = 1;
    usable.push(score(candidate, ruleIds, policy.weights, scale, tier ?? (candidate.facts.preferred ? 1 : DEFAULT_TIER), adjustment));
  });
  decision.excluded.sort(byId);

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
  decision.rota = top.slice(0, policy.escalation.maxRotaLength).map((entry) => ({
    supplierId: entry.candidate.supplier.id,
    score: entry.score,
    terms: entry.terms,
    rules: entry.fired.map((r) => rules[r]?.name ?? String(r)),
    // Were the order sent now: a review or an approval may come first, and the try's deadline is counted again when it is sent.
    deadline: tryDeadline(config, entry.candidate.supplier.id, decision.deadlineHours, prepared.now),
  }));
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

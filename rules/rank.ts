// A request's decision from the rules fired for each of its candidates (prepared by prepare.ts):
// which candidates can be tried, their ranking, the rota, the tasks for people, and the words that
// explain it. Shared by the compiled evaluator and the json-rules-engine reference: both hand this
// module the rules that fired, so any difference between their decisions can only come from rule
// evaluation.

import type { Library, NetworkPolicy, Rule, RuleEventType, Supplier } from './types';
import type { IllRequest } from '../domain/request';
import type { Outcome, RotaEntry, RouteDecision, RouteTask, TryDeadline, WrittenAt } from '../domain/decision';
import { exceededLimit } from '../domain/money';
import { namesInstant, tryDeadline } from './clock';
import { deliveredAtOnce, predictDelivery, type RotaFigures } from './eta';
import { kindsFor, staffFor } from './knowledge';
import { optimisticFillRate, shareOfSpan, turnaroundSpan } from './speed';
import { Candidates, FLAG } from './candidates';
import { Exclusions } from './exclusions';
import { FiredBits } from './fired-bits';
import { BUILTIN, builtinReason, written, type Prepared } from './prepare';
import type { Exclusion, Network, RuleWords } from './network';

export type { CandidateFacts } from './candidates';
export { Candidates } from './candidates';
export { covers } from './coverage';
export { canonicalOrder, effectivePriority, estimateCost, indexNetwork, type Exclusion, type Network } from './network';
export { BUILTIN, estimatedCost, inForce, prepare, requestFacts, requireLibrary, type Prepared, type RequestFacts, type RouteInput, type Usage } from './prepare';

/** Indices of the rules that fired for one candidate, in `Network.order`. */
export type Fired = readonly number[];

/** The rules fired for every candidate of a prepared request. */
export interface Firings {
  /** The rules that may have fired, in `Network.order`. */
  rules: readonly number[];
  /** `mask[k * candidates.count + at]` is 1 when `rules[k]` fired for candidate `at`. */
  mask: Uint8Array;
  /** The same, packed, where the evaluator has them so. */
  packed?: FiredBits;
}

/** Firings from one list of fired rules per candidate, as json-rules-engine reports them. */
export function firingsOf(network: Pick<Network, 'order'>, lists: readonly Fired[]): Firings {
  const count = lists.length;
  const row = new Map(network.order.map((rule, k) => [rule, k]));
  const mask = new Uint8Array(network.order.length * count);
  lists.forEach((list, at) => list.forEach((rule) => (mask[(row.get(rule) ?? 0) * count + at] = 1)));
  return { rules: network.order, mask };
}

/** The rules fired for candidate `at`, in order. */
export function firedFor(firings: Firings, count: number, at: number): number[] {
  const fired: number[] = [];
  firings.rules.forEach((rule, k) => {
    if (firings.mask[k * count + at] === 1) fired.push(rule);
  });
  return fired;
}

/** Tier of a supplier no rule places; the library's preferred suppliers start in tier 1. */
const DEFAULT_TIER = 2;
/** Cost that counts as one unit when neither the request nor the library sets a budget. */
const DEFAULT_BUDGET = 100;
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

const TASKS: Partial<Record<RuleEventType, RouteTask['type']>> = {
  review: 'review',
  approveCost: 'approveCost',
  escalate: 'searchProxy',
};

/**
 * What a rule does to a decision, as `Plan.effect` keeps it. Rules from `task` on act on the request
 * as a whole: they count when they fire for a candidate that can be tried.
 */
const EFFECT = { none: 0, exclude: 1, score: 2, tier: 3, task: 4, reject: 5, deadline: 6 } as const;

function effectOf({ type, params }: Rule['event']): number {
  switch (type) {
    case 'exclude':
      return EFFECT.exclude;
    case 'score':
      return finite(params.add) === undefined ? EFFECT.none : EFFECT.score;
    case 'tier':
      return finite(params.tier) === undefined ? EFFECT.none : EFFECT.tier;
    case 'reject':
      return EFFECT.reject;
    case 'deadline':
      return EFFECT.deadline;
    default:
      return TASKS[type] === undefined ? EFFECT.none : EFFECT.task;
  }
}

/** What a decision says of a rule: the same for every decision of a configuration, so made once. */
function wordsOf(network: Network, r: number): RuleWords {
  const known = network.ruleWords[r];
  if (known) return known;
  const rule = network.config.rules[r] as Rule;
  const at = Object.freeze(written(rule.source));
  const said = text(rule.event.params.reason);
  const words: RuleWords = {
    reason: `${said} (${cite(rule)})`,
    at,
    cause: Object.freeze({ code: 'rule', rule: rule.name, reason: said, at }),
  };
  network.ruleWords[r] = words;
  return words;
}

/**
 * Notes the `k`th fired rule, an exclusion rule at configuration position `r`, against each
 * candidate it fired for: by candidate, the positions of the exclusion rules fired for it in the
 * order fired, as the key their exclusion is kept under. The same few keys recur decision after
 * decision, so each is a string made once per network, whose hash a lookup finds already worked out.
 */
function exclude(plan: Plan, keys: (string | undefined)[], fired: FiredBits, k: number, r: number): void {
  const after = (plan.after[r] ??= new Map());
  for (let i = 0, hits = fired.fired(k); i < hits; i++) {
    const at = fired.hit(i);
    const known = keys[at];
    if (known === undefined) keys[at] = plan.alone[r];
    else {
      let key = after.get(known);
      if (key === undefined) after.set(known, (key = `${known},${r}`));
      keys[at] = key;
    }
  }
}

/** The network's room for a decision's firings, packed. */
const packed = (network: Network, firings: Firings, count: number): FiredBits => firings.packed ?? new FiredBits(network.firedBits, network.hits).pack(firings, count);

/**
 * Why a candidate cannot be tried: its hard reasons, then the exclusion rules that fired for it, in
 * English and by kind alike. The same few recur decision after decision, so each is made once per
 * supplier and kept, unless it names something of this request alone.
 */
function exclusionOf(network: Network, candidates: Candidates, at: number, ruleKey: string | undefined): Exclusion {
  const index = candidates.index[at] as number;
  const hardKey = candidates.hardKey[at];
  const byRules = network.excludedBy[index] as Map<string, Map<string, Exclusion>>;
  // By the hard reasons, then by the rules: each key is a string made once, not one joined per decision.
  const kept = hardKey === undefined ? undefined : (byRules.get(hardKey) ?? byRules.set(hardKey, new Map()).get(hardKey));
  const known = kept?.get(ruleKey ?? '');
  if (known) return known;
  const reasons = [...(candidates.hardReasons[at] ?? [])];
  const causes = [...(candidates.hardCauses[at] ?? [])];
  for (const r of ruleKey?.split(',') ?? []) {
    const words = wordsOf(network, Number(r));
    reasons.push(words.reason);
    causes.push(words.cause);
  }
  const entry = { supplierId: candidates.supplier(at).id, reasons, causes };
  if (!kept) return entry;
  Object.freeze(reasons);
  Object.freeze(causes);
  kept.set(ruleKey ?? '', Object.freeze(entry));
  return entry;
}

/**
 * Request-level events fire per candidate like any other, so they are taken from the candidates
 * that can still be tried; `requestLevel` (the rules fired with no supplier in view) stands in when
 * none can, and must be given exactly when `needsRequestLevel` says so.
 */
export function needsRequestLevel(network: Network, prepared: Prepared, firings: Firings): boolean {
  if (prepared.local) return false;
  const { count, hardReasons } = prepared.candidates;
  const plan = planOf(network);
  const fired = packed(network, firings, count);
  const ruleKeys = new Array<string | undefined>(count);
  for (let k = 0; k < firings.rules.length; k++) {
    const r = firings.rules[k] as number;
    if (plan.effect[r] === EFFECT.exclude) exclude(plan, ruleKeys, fired, k, r);
  }
  for (let at = 0; at < count; at++) if (ruleKeys[at] === undefined && hardReasons[at] === undefined) return false;
  return true;
}

/** `x` held to 0..1; NaN (an observation gone wrong) counts as the worst, 1. */
function unit(x: number): number {
  return x >= 0 ? (x <= 1 ? x : 1) : x < 0 ? 0 : 1;
}


/** What scoring reads that is the same for every candidate of a request. */
interface Scale {
  weights: NetworkPolicy['weights'];
  budget: number;
  /** `turnaroundSpan` of the request's deadline. */
  span: number;
}

/**
 * A candidate's score terms into `terms` (cost, turnaround, fill rate, tier, load, rules), and their sum. Cost, turnaround, fill
 * rate and load each stay within their weight, as policy.yaml promises: an estimate above the
 * budget or a turnaround beyond the deadline is as bad as it gets, so that one dear supplier cannot
 * outweigh the terms that rank the others. Only tiers and rule scores reach further.
 */
function score(terms: Float64Array, candidates: Candidates, at: number, { weights, budget, span }: Scale, tier: number, adjustment: number, shares: Float64Array): number {
  const s = 4 * at;
  if (Number.isNaN(shares[s])) {
    shares[s] = unit((candidates.estimatedCost[at] as number) / budget);
    shares[s + 1] = shareOfSpan(candidates.rankedHours(at), span);
    shares[s + 2] = 1 - unit(1 - optimisticFillRate(candidates.fillRate(at), candidates.observed[at]?.orders));
    shares[s + 3] = unit(candidates.load[at] as number);
  }
  terms[0] = round3(-weights.cost * (shares[s] as number));
  terms[1] = round3(-weights.turnaround * (shares[s + 1] as number));
  terms[2] = round3(weights.fillRate * (shares[s + 2] as number));
  terms[3] = round3(-weights.tier * (tier - 1));
  terms[4] = round3(-weights.load * (shares[s + 3] as number));
  terms[5] = round3(adjustment);
  // Summed as listed, so summing a rota entry's `terms` reproduces its `score` bit for bit.
  return (terms[0] as number) + (terms[1] as number) + (terms[2] as number) + (terms[3] as number) + (terms[4] as number) + (terms[5] as number);
}

/** The most a term of this signed weight can add: the weight where positive, else nothing. */
const atBest = (weight: number): number => round3(Math.max(0, weight));

/** Where `score` writes a candidate's terms, read at once. */
const TERMS = new Float64Array(6);

/** A candidate's tier: the first a rule placed it in, else 1 for the library's preferred suppliers and the default for the rest. */
function tierOf(tier: Float64Array, candidates: Candidates, at: number): number {
  return Number.isNaN(tier[at]) ? (preferred(candidates, at) ? 1 : DEFAULT_TIER) : (tier[at] as number);
}

/** Whether the library prefers candidate `at`: its flag read for every candidate ranked, not looked up by name. */
const preferred = (candidates: Candidates, at: number): boolean => ((candidates.flags[at] as number) & FLAG.preferred) !== 0;

/** Whether candidate `a` ranks ahead of `b`: by score, then by supplier id. */
function ahead(scores: Float64Array, candidates: Candidates, idRank: Uint32Array, a: number, b: number): boolean {
  const sa = scores[a] as number;
  const sb = scores[b] as number;
  return sa !== sb ? sa > sb : (idRank[candidates.index[a] as number] as number) < (idRank[candidates.index[b] as number] as number);
}

/** Places candidate `at` in `list`, kept in order by `scores` and no longer than `width`, where it ranks within it. */
function enter(list: number[], width: number, scores: Float64Array, candidates: Candidates, idRank: Uint32Array, at: number): void {
  if (list.length === width && !ahead(scores, candidates, idRank, at, list[width - 1] as number)) return;
  if (list.length === width) list.pop();
  // Moved down one by one rather than spliced in: a splice makes an array of what it removes, every time.
  let place = list.length;
  list.push(at);
  for (; place > 0 && ahead(scores, candidates, idRank, at, list[place - 1] as number); place--) list[place] = list[place - 1] as number;
  list[place] = at;
}

/**
 * A rota entry's deadline, were the order sent now (`tryDeadline`). Without an instant to count
 * from (no day, or a day without its time) it names only the hours and the supplier's clock, the
 * same for every decision: decisions then share one, kept by supplier and hours.
 */
function deadlineOf(network: Network, index: number, hours: number, now: string | undefined): TryDeadline {
  const kept = network.deadlines[index] as Map<number, TryDeadline>;
  if (!namesInstant(now)) {
    const known = kept.get(hours);
    if (known) return known;
  }
  const deadline = tryDeadline(network.config, (network.config.suppliers[index] as Supplier).id, hours, now);
  if (deadline.at !== undefined || deadline.note !== undefined) return deadline;
  kept.set(hours, Object.freeze(deadline));
  return deadline;
}

/** Why the library must approve the cost of its best supplier, or undefined when it need not. */
function costApproval(cost: number, supplier: Supplier, request: IllRequest, library: Library): string | undefined {
  if (cost <= 0) return undefined;
  const exceeded = exceededLimit({ amount: cost, currency: supplier.cost.currency }, { autoApproveLimit: library.policy.autoApproveLimit, maxCost: request.maxCost });
  if (!exceeded) return undefined;
  const at = `estimated cost ${cost} ${supplier.cost.currency} at '${supplier.id}'`;
  const { amount, currency } = exceeded.value;
  return exceeded.limit === 'autoApproveLimit'
    ? `${at} exceeds the auto-approve limit of ${amount} ${currency} (library '${library.id}', from ${library.source.file}:${library.source.line})`
    : `${at} exceeds the reader's maximum of ${amount} ${currency}`;
}

/**
 * What a decision works out from the firings before any ranking weight counts: which candidates
 * can be tried, their tiers and rule scores, and the request-level rules that count. Two versions
 * with the same rules at the same places work out the same from the same firings, whatever their
 * weights and escalation.
 */
export interface Settled {
  /** The candidates that can be tried, in candidate order. */
  usable: number[];
  /** By candidate, 1 where it can be tried. */
  open: Uint8Array;
  /** By candidate, the exclusion rules fired for it, where any did (`exclude`). */
  ruleKeys: (string | undefined)[];
  /** By candidate, the tier the first tier rule fired for it placed it in; NaN where none did. */
  tier: Float64Array;
  /** By candidate, the sum of the score rules fired for it. */
  adjustment: Float64Array;
  /**
   * By candidate, four to a candidate: its cost, turnaround, fill rate and load each as the share
   * of its weight it earns, worked out when it is first scored (NaN before). They do not depend on
   * the weights: two versions ranking on one settlement work them out once.
   */
  shares: Float64Array;
  /** The request-level rules that count: those fired for a candidate that can be tried, or with no supplier in view where none can. */
  requestRules: readonly number[];
  /** Whether a `reject` rule is among them. */
  rejected: boolean;
  /** The hours of the first `deadline` rule among them that gives any. */
  deadlineHours: number | undefined;
  /** The firings packed: valid until the network fires again. */
  fired: FiredBits;
}

/**
 * What a network's decisions read of each rule, by configuration position, made once per network,
 * and room they work in, by candidate, as long as a request's candidates can be: what one decision
 * settles and ranks is read before the next is settled under the same network, so none is
 * allocated per decision. Two versions compared each have their own.
 */
interface Plan {
  /** What each rule does (`EFFECT`). */
  effect: Uint8Array;
  /** The score a score rule adds, the tier a tier rule places in, the hours a deadline rule gives; NaN for any other. */
  value: Float64Array;
  name: readonly string[];
  /** The first rule of the same name: a decision cites each name once. */
  namesake: Int32Array;
  /** Each exclusion rule's key where it is the first fired for a candidate, and the keys it extends others' to (`exclude`). */
  alone: readonly string[];
  after: (Map<string, string> | undefined)[];
  /** Room for a decision to mark the names it cites in, by `namesake`, cleared again once done. */
  cited: Uint8Array;
  /** Room for what `Settled` holds by candidate. */
  ruleKeys: (string | undefined)[];
  open: Uint8Array;
  tier: Float64Array;
  adjustment: Float64Array;
  scores: Float64Array;
  shares: Float64Array;
  /** Room for the positions among the fired rules of those acting on the request as a whole. */
  requestLevel: Int32Array;
  /** By position among the fired rules: 1 where the rule fired for a rota candidate. */
  forRota: Uint8Array;
  /** Whether every ranking weight is a number. */
  weighed: boolean;
  /** By candidate: 1 where ranking has taken it first, cleared again once ranked. */
  seeded: Uint8Array;
}

const plans = new WeakMap<Network, Plan>();

function planOf(network: Network): Plan {
  const known = plans.get(network);
  if (known) return known;
  const { rules, suppliers } = network.config;
  const size = suppliers.length;
  const first = new Map<string, number>();
  const plan: Plan = {
    effect: Uint8Array.from(rules, (rule) => effectOf(rule.event)),
    value: Float64Array.from(rules, ({ event: { type, params } }) => finite(type === 'score' ? params.add : type === 'tier' ? params.tier : type === 'deadline' ? params.hours : undefined) ?? Number.NaN),
    name: rules.map((rule) => rule.name),
    namesake: Int32Array.from(rules, (rule, r) => {
      if (!first.has(rule.name)) first.set(rule.name, r);
      return first.get(rule.name) as number;
    }),
    alone: rules.map((_, r) => String(r)),
    after: new Array<Map<string, string> | undefined>(rules.length),
    cited: new Uint8Array(rules.length),
    ruleKeys: new Array<string | undefined>(size),
    open: new Uint8Array(size),
    tier: new Float64Array(size),
    adjustment: new Float64Array(size),
    scores: new Float64Array(size),
    shares: new Float64Array(4 * size),
    requestLevel: new Int32Array(rules.length),
    forRota: new Uint8Array(rules.length),
    weighed: Object.values(network.config.policy.weights).every(Number.isFinite),
    seeded: new Uint8Array(size),
  };
  plans.set(network, plan);
  return plan;
}

/**
 * The part of a decision before the ranking (`Settled`), valid until the network settles another.
 * `requestLevel` gives the rules fired with no supplier in view, for when no candidate can be
 * tried: the list itself, or how to fire them. A request its own library holds settles with
 * nothing to try and no rule.
 */
export function settle(network: Network, prepared: Prepared, firings: Firings, requestLevel?: Fired | (() => Fired)): Settled {
  const { candidates } = prepared;
  const { count, hardReasons } = candidates;
  const fired = packed(network, firings, count);
  const plan = planOf(network);
  const { effect, value } = plan;
  const ruleKeys = plan.ruleKeys.fill(undefined, 0, count);
  // Tiers and rule scores, from the rules in order: the first tier placed stands. Those of
  // candidates that cannot be tried are worked out too, and never read.
  const adjustment = plan.adjustment.fill(0, 0, count);
  const tier = plan.tier.fill(Number.NaN, 0, count);
  const shares = plan.shares.fill(Number.NaN, 0, 4 * count);
  const open = plan.open.fill(0, 0, count);
  const usable: number[] = [];
  if (prepared.local) return { usable, open, ruleKeys, tier, adjustment, shares, requestRules: [], rejected: false, deadlineHours: undefined, fired };
  // One pass over the rules fired: those acting on the request wait until it is known which candidates can be tried.
  const waiting = plan.requestLevel;
  let waited = 0;
  for (let k = 0; k < firings.rules.length; k++) {
    const r = firings.rules[k] as number;
    const does = effect[r] as number;
    if (does === EFFECT.exclude) exclude(plan, ruleKeys, fired, k, r);
    else if (does === EFFECT.score) {
      const add = value[r] as number;
      for (let i = 0, hits = fired.fired(k); i < hits; i++) {
        const at = fired.hit(i);
        adjustment[at] = (adjustment[at] as number) + add;
      }
    } else if (does === EFFECT.tier) {
      const placed = value[r] as number;
      for (let i = 0, hits = fired.fired(k); i < hits; i++) {
        const at = fired.hit(i);
        if (Number.isNaN(tier[at])) tier[at] = placed;
      }
    } else if (does !== EFFECT.none) waiting[waited++] = k;
  }
  for (let at = 0; at < count; at++) {
    if (ruleKeys[at] === undefined && hardReasons[at] === undefined) {
      usable.push(at);
      open[at] = 1;
    }
  }
  if (usable.length === 0 && requestLevel === undefined) {
    throw new Error(`request ${prepared.request.id}: no supplier can be tried, so the request-level rules must be evaluated`);
  }
  let requestRules: readonly number[];
  if (usable.length > 0) {
    const seen: number[] = [];
    // Most rules acting on the request fire for every candidate: the first that can be tried mostly settles it.
    for (let w = 0; w < waited; w++) {
      const k = waiting[w] as number;
      for (const at of usable) {
        if (fired.has(k, at)) {
          seen.push(firings.rules[k] as number);
          break;
        }
      }
    }
    requestRules = seen;
  } else requestRules = typeof requestLevel === 'function' ? requestLevel() : (requestLevel ?? []);
  let rejected = false;
  let deadlineHours: number | undefined;
  for (const r of requestRules) {
    if (effect[r] === EFFECT.reject) rejected = true;
    else if (effect[r] === EFFECT.deadline && (value[r] as number) > 0) deadlineHours ??= value[r];
  }
  return { usable, open, ruleKeys, tier, adjustment, shares, requestRules, rejected, deadlineHours, fired };
}

/** What scoring reads of a request under a version's weights. */
function scaleOf(network: Network, { request, library, usage }: Prepared): Scale {
  return {
    weights: network.config.policy.weights,
    budget: request.maxCost?.amount || library.policy.autoApproveLimit.amount || DEFAULT_BUDGET,
    span: turnaroundSpan(usage.deadlineHours > 0 ? usage.deadlineHours : 1),
  };
}

/** What ranking reads of a request's candidates under a version's weights, the same for each of them. */
interface Ranking {
  candidates: Candidates;
  scale: Scale;
  settled: Settled;
  /** By candidate: the most it can score, until its score is worked out. */
  scores: Float64Array;
  idRank: Uint32Array;
  width: number;
  /** The rota so far, best first. */
  top: number[];
}

/**
 * Scores candidate `at` into the rota so far where it can reach it. A candidate whose score cannot
 * reach the last place in a full rota is not worked out: its tier and rule score, with every other
 * term at its best, already fall short.
 */
function consider({ candidates, scale, settled, scores, idRank, width, top }: Ranking, at: number): void {
  if (top.length === width) {
    const last = top[width - 1] as number;
    if (Number.isFinite(scores[at]) && Number.isFinite(scores[last]) && !ahead(scores, candidates, idRank, at, last)) return;
  }
  scores[at] = score(TERMS, candidates, at, scale, tierOf(settled.tier, candidates, at), settled.adjustment[at] as number, settled.shares);
  enter(top, width, scores, candidates, idRank, at);
}

/**
 * The rota's candidates in order, by score then supplier id, and the best candidate (the first,
 * even where the rota holds none). Sorting every candidate would order many no rota reaches.
 */
function ranked(network: Network, prepared: Prepared, settled: Settled, scale = scaleOf(network, prepared)): { rota: number[]; best: number | undefined } {
  const { policy } = network.config;
  const { candidates } = prepared;
  const { usable, tier, adjustment } = settled;
  const { scores, seeded, weighed } = planOf(network);
  const { idRank } = network;
  const width = Math.max(1, policy.escalation.maxRotaLength);
  const { weights } = policy;
  // The most the terms a candidate's figures decide can add, each at its best, summed in `score`'s order.
  const leading = atBest(-weights.cost) + atBest(-weights.turnaround) + atBest(weights.fillRate);
  const bestLoad = atBest(-weights.load);
  // The candidates that can score most are scored first, so that the rota's last place is soon
  // hard to reach and few others are worked out. Scores ranked in a total order come out the same
  // in any order; with a weight or a bound not a number, candidates are taken as they come.
  let seeds: number[] | undefined = weighed ? [] : undefined;
  for (const at of usable) {
    scores[at] = leading + round3(-weights.tier * (tierOf(tier, candidates, at) - 1)) + bestLoad + round3(adjustment[at] as number);
    if (!Number.isFinite(scores[at])) seeds = undefined;
    else if (seeds) enter(seeds, width, scores, candidates, idRank, at);
  }
  const ranking: Ranking = { candidates, scale, settled, scores, idRank, width, top: [] };
  for (const at of seeds ?? []) {
    seeded[at] = 1;
    consider(ranking, at);
  }
  for (const at of usable) {
    if (seeded[at] === 1) seeded[at] = 0;
    else consider(ranking, at);
  }
  const { top } = ranking;
  return { rota: top.length > policy.escalation.maxRotaLength ? top.slice(0, policy.escalation.maxRotaLength) : top, best: top[0] };
}

/** The tasks that wait for people, in the order a decision lists them: the request-level rules', then the engine's own. */
function tasksOf(network: Network, prepared: Prepared, { usable, requestRules }: Settled, best: number | undefined): RouteTask[] {
  const { rules, policy } = network.config;
  const { request, library, candidates } = prepared;
  const tasks: RouteTask[] = [];
  for (const r of requestRules) {
    const rule = rules[r];
    const task = rule && TASKS[rule.event.type];
    if (task) tasks.push({ type: task, reason: wordsOf(network, r).reason, rule: rule.name });
  }
  if (usable.length < policy.escalation.minCandidates) {
    tasks.push({
      type: 'searchProxy',
      reason: `${usable.length} usable supplier(s), fewer than the ${policy.escalation.minCandidates} the network requires`,
    });
  }
  if (library.policy.reviewRequired) {
    tasks.push({
      type: 'review',
      reason: `library '${library.id}' reviews every request (from ${library.source.file}:${library.source.line})`,
    });
  }
  const approval = best === undefined ? undefined : costApproval(candidates.estimatedCost[best] as number, candidates.supplier(best), request, library);
  if (approval) tasks.push({ type: 'approveCost', reason: approval });
  return tasks;
}

function outcomeOf(tasks: readonly RouteTask[]): Outcome {
  return tasks.some((task) => task.type === 'searchProxy') ? 'escalate' : tasks.some((task) => task.type === 'review') ? 'review' : 'route';
}

/** A task as a comparison reads it: by type and rule, since its reason names files and lines, which differ between two versions even where the rules are the same. */
export type TaskSummary = Pick<RouteTask, 'type' | 'rule'>;

/** What a comparison of two versions reads of a decision: the rota's suppliers in order, the outcome, and the tasks. */
export interface Outline {
  requestId: string;
  outcome: Outcome;
  rota: string[];
  tasks: TaskSummary[];
}

/**
 * The outline of the decision `decide` makes, worked out as it works it out, without what no
 * comparison reads: the exclusions, the rota entries' terms, rules and deadlines, where rules are
 * written, the delivery prediction.
 */
export function outline(network: Network, prepared: Prepared, settled: Settled): Outline {
  const requestId = prepared.request.id;
  if (prepared.local) return { requestId, outcome: 'local', rota: [], tasks: [] };
  if (settled.rejected) return { requestId, outcome: 'reject', rota: [], tasks: [] };
  const { rota, best } = ranked(network, prepared, settled);
  const tasks = tasksOf(network, prepared, settled, best);
  return {
    requestId,
    outcome: outcomeOf(tasks),
    rota: rota.map((at) => prepared.candidates.supplier(at).id),
    tasks: tasks.map(({ type, rule }) => (rule === undefined ? { type } : { type, rule })),
  };
}

/**
 * Turns the rules fired for each candidate into the decision. `requestLevel` gives the rules fired
 * with no supplier in view, for when no candidate can be tried: the list itself, or how to fire them.
 */
export function decide(network: Network, prepared: Prepared, firings: Firings, requestLevel?: Fired | (() => Fired)): RouteDecision {
  const { config } = network;
  const { request, library, usage, candidates } = prepared;
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

  const { rules } = config;
  const { count } = candidates;
  const settled = settle(network, prepared, firings, requestLevel);
  const { usable, open, ruleKeys, tier, adjustment, shares, requestRules, fired } = settled;
  const excluded = new Exclusions(network);
  for (let at = 0; at < count; at++) {
    const ruleKey = ruleKeys[at];
    if (ruleKey !== undefined || candidates.hardReasons[at] !== undefined) excluded.add(candidates.index[at] as number, exclusionOf(network, candidates, at, ruleKey));
  }
  const { unable: sources, unableAt } = prepared;
  for (let i = 0; i < sources.length; i++) excluded.add(unableAt[i] as number, sources[i] as Exclusion);
  if (settled.deadlineHours !== undefined) decision.deadlineHours = settled.deadlineHours;

  const scale = scaleOf(network, prepared);
  const { rota, best } = ranked(network, prepared, settled, scale);
  if (usable.length > rota.length) {
    for (const at of rota) open[at] = 0;
    for (const at of usable) if (open[at] === 1) excluded.cut(candidates.index[at] as number);
  }
  decision.excluded = excluded.sorted();
  if (settled.rejected) {
    const reason = requestRules.filter((r) => rules[r]?.event.type === 'reject').map((r) => wordsOf(network, r).reason).join('; ');
    return { ...decision, outcome: 'reject', rota: [], tasks: [], reason, ruleSources: sourcesOf(network, firings, fired, requestRules, undefined) };
  }
  const terms = TERMS;
  const names = namesOf(network, firings, fired, rota, tier, candidates);
  decision.rota = rota.map((at, place): RotaEntry => {
    const entryScore = score(terms, candidates, at, scale, tierOf(tier, candidates, at), adjustment[at] as number, shares);
    return {
      supplierId: candidates.supplier(at).id,
      score: entryScore,
      terms: { cost: terms[0] as number, turnaround: terms[1] as number, fillRate: terms[2] as number, tier: terms[3] as number, load: terms[4] as number, rules: terms[5] as number },
      rules: names[place] as string[],
      // Were the order sent now: a review or an approval may come first, and the try's deadline is counted again when it is sent.
      deadline: deadlineOf(network, candidates.index[at] as number, decision.deadlineHours, prepared.now),
    };
  });
  decision.tasks = tasksOf(network, prepared, settled, best);
  decision.ruleSources = sourcesOf(network, firings, fired, requestRules, planOf(network).forRota);
  decision.outcome = outcomeOf(decision.tasks);
  const figures = rota.map((at): RotaFigures => ({
    supplier: candidates.supplier(at),
    fillRate: candidates.fillRate(at),
    turnaroundHours: candidates.turnaroundHours(at),
    ...(candidates.observed[at] === undefined ? {} : { observed: candidates.observed[at] }),
  }));
  decision.eta = predictDelivery(config, decision, figures, prepared.now, staffFor(prepared.staff, library.id), kindsFor(prepared.kinds, request.service));
  return decision;
}

/**
 * The names of the rules fired for each rota candidate, in the order fired, with the engine's own
 * where it placed the candidate; and by position among the fired rules, in `Plan.forRota`, whether
 * each fired for any of them.
 */
function namesOf(network: Network, { rules }: Firings, fired: FiredBits, rota: readonly number[], tier: Float64Array, candidates: Candidates): string[][] {
  const { name, forRota } = planOf(network);
  const names = rota.map((): string[] => []);
  for (let k = 0; k < rules.length; k++) {
    const rule = name[rules[k] as number] as string;
    let any = 0;
    for (let place = 0; place < rota.length; place++) {
      if (fired.has(k, rota[place] as number)) {
        (names[place] as string[]).push(rule);
        any = 1;
      }
    }
    forRota[k] = any;
  }
  rota.forEach((at, place) => {
    if (Number.isNaN(tier[at]) && preferred(candidates, at)) (names[place] as string[]).push(BUILTIN.preferred);
    // Suppliers placed alike mostly fired the same rules: the decision holds their names once.
    const own = names[place] as string[];
    const alike = names.find((other, before) => before < place && other.length === own.length && other.every((rule, i) => rule === own[i]));
    if (alike) names[place] = alike;
  });
  return names;
}

/**
 * Where each configured rule the decision names is written: those fired for its rota's suppliers
 * (by position among the fired rules, `forRota`; none where the decision has no rota), its
 * request-level rules, and its exclusion rules, which are few however many suppliers they cut.
 */
function sourcesOf(network: Network, firings: Firings, fired: FiredBits, requestRules: readonly number[], forRota: Uint8Array | undefined): Record<string, WrittenAt> {
  const { rules } = network.config;
  const { effect, name, namesake, cited } = planOf(network);
  // Names differ from decision to decision, so an ordinary object would pass through a new shape
  // with every name added; one kept as a dictionary from the start is written at the cost of a map.
  const sources = Object.setPrototypeOf(Object.create(null), Object.prototype) as Record<string, WrittenAt>;
  // The first rule of a name cited is the one whose place is given.
  const cite = (r: number): void => {
    const first = namesake[r] as number;
    if (cited[first] === 1) return;
    cited[first] = 1;
    sources[name[r] as string] = wordsOf(network, r).at;
  };
  for (const r of requestRules) if (rules[r]) cite(r);
  for (let k = 0; k < firings.rules.length; k++) {
    const r = firings.rules[k] as number;
    if (effect[r] === EFFECT.exclude ? fired.any(k) : forRota?.[k] === 1) cite(r);
  }
  cited.fill(0);
  return sources;
}

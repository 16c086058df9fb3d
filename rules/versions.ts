// Two configuration versions routed side by side, as an administrator compares a draft with the
// version in force over a year of requests before publishing it. A draft usually changes a rule or
// two, or the ranking weights; whatever else it holds is the same. What the versions share is
// worked out once a request:
//
// - where they differ in nothing routing reads before ranking (suppliers, libraries, holdings,
//   licences, subjects, the policy but for its weights and escalation), a request's candidates are
//   prepared once and each version decides on them;
// - where they differ only in their rules, the rules one version has and the other has not are
//   evaluated, against the request's own facts first and its candidates only where those leave a
//   changed rule undecided: if none of them fires for any candidate, nor with no supplier in view,
//   both versions decide the request alike and neither decision is made;
// - otherwise each version routes the request in full.

import { canonicalJson } from './version';
import { lookupHolders } from './holdings';
import { compile, type CompiledNetwork } from './compile';
import { outline, prepare, requestFacts, settle, type Outline, type Prepared, type RouteInput, type TaskSummary } from './rank';
import type { NetworkConfig, NetworkPolicy, Rule } from './types';
import type { Outcome, RouteDecision } from '../domain/decision';
import type { IllRequest } from '../domain/request';

/** Both versions' decisions for a request, as far as a comparison reads them. */
export interface Routed {
  old: Outline;
  new: Outline;
}

/** How much of routing a request the two versions share (see the top of this file). */
export type Shared = 'candidates' | 'all but changed rules' | 'nothing';

export interface VersionPair {
  /**
   * Both versions' decisions for a request in outline, or undefined where they cannot differ but
   * in where their rules are written (file and line). `inputFor` gives the routing input under a version:
   * the holdings it looks up may differ between them. Where the candidates are shared, the draft's
   * decision names the suppliers and the library as the version in force writes them.
   */
  route(inputFor: (config: NetworkConfig) => RouteInput): Routed | undefined;
  /** How many rules one version has and the other has not; undefined when the versions differ in more than rules. */
  changedRules: number | undefined;
  shared: Shared;
}

/** A rule as routing reads it, without where it is written. */
const ruleKey = ({ name, priority, conditions, event }: Rule): string => canonicalJson({ name, priority, conditions, event });

/** The policy's parts only `decide` reads: a draft that changes only these ranks the same candidates, for which the same rules fire. */
type Ranking = Pick<NetworkPolicy, 'weights' | 'escalation'>;

function split(policy: NetworkPolicy): { ranking: Ranking; rest: Omit<NetworkPolicy, keyof Ranking> } {
  const { weights, escalation, ...rest } = policy;
  return { ranking: { weights, escalation }, rest };
}

/** Whether two values hold the same JSON; the holdings of two versions loaded together are often one object. */
export const same = (a: unknown, b: unknown): boolean => a === b || canonicalJson(a) === canonicalJson(b);

/** Whether the versions agree on everything routing reads before the rules fire, but for where it is written. */
function sameCandidates(old: NetworkConfig, next: NetworkConfig): boolean {
  const bare = <T extends { source?: unknown }>({ source: _source, ...rest }: T) => rest;
  return (
    same(old.holdings, next.holdings) &&
    same(
      { suppliers: old.suppliers.map(bare), libraries: old.libraries.map(bare), policy: split(old.policy).rest, licences: old.licences, subjects: old.subjects },
      { suppliers: next.suppliers.map(bare), libraries: next.libraries.map(bare), policy: split(next.policy).rest, licences: next.licences, subjects: next.subjects },
    )
  );
}

/** The rules of `rules` not matched, one for one, by an identical rule of `other`. */
function unmatched(rules: readonly Rule[], other: readonly Rule[]): Rule[] {
  const left = new Map<string, number>();
  for (const rule of other) left.set(ruleKey(rule), (left.get(ruleKey(rule)) ?? 0) + 1);
  return rules.filter((rule) => {
    const key = ruleKey(rule);
    const count = left.get(key) ?? 0;
    if (count > 0) left.set(key, count - 1);
    return count === 0;
  });
}

/** The rules both versions have, in the order each evaluates them: they must come in the same order for the changed rules alone to tell the decisions apart. */
function sameOrder(old: CompiledNetwork, next: CompiledNetwork, dropped: readonly Rule[], added: readonly Rule[]): boolean {
  const kept = (network: CompiledNetwork, changed: readonly Rule[]): string[] => {
    const skip = new Set(changed);
    return network.order.map((r) => network.config.rules[r] as Rule).filter((rule) => !skip.has(rule)).map(ruleKey);
  };
  const a = kept(old, dropped);
  const b = kept(next, added);
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

/** A request routed by one version in full, as `route()` routes it, but decided only as far as a comparison reads. */
function outlineRoute(network: CompiledNetwork, input: RouteInput): Outline {
  const prepared = prepare(network, input);
  return outline(network, prepared, settle(network, prepared, network.fire(prepared), () => network.fireRequestLevel(prepared)));
}

export function pairVersions(old: CompiledNetwork, next: CompiledNetwork): VersionPair {
  const full = (inputFor: (config: NetworkConfig) => RouteInput): Routed => ({ old: outlineRoute(old, inputFor(old.config)), new: outlineRoute(next, inputFor(next.config)) });
  const dropped = unmatched(old.config.rules, next.config.rules);
  const added = unmatched(next.config.rules, old.config.rules);
  if (!sameCandidates(old.config, next.config)) return { route: full, changedRules: undefined, shared: 'nothing' };
  // The same rules at the same places fire alike: their firings under the version in force serve the draft.
  const sameRules = dropped.length === 0 && added.length === 0 && old.config.rules.every((rule, r) => ruleKey(rule) === ruleKey(next.config.rules[r] as Rule));
  const decideBoth = (prepared: Prepared): Routed => {
    // Settled under the version in force before the draft's rules fire: the firings are the network's own room.
    const before = settle(old, prepared, old.fire(prepared), () => old.fireRequestLevel(prepared));
    // The same rules at the same places, on the same firings, place and exclude alike: only the weights and the escalation rank differently.
    const after = sameRules ? before : settle(next, prepared, next.fire(prepared), () => next.fireRequestLevel(prepared));
    return { old: outline(old, prepared, before), new: outline(next, prepared, after) };
  };
  const sameRanking = same(split(old.config.policy).ranking, split(next.config.policy).ranking);
  if (!sameRanking || !sameOrder(old, next, dropped, added)) {
    return {
      changedRules: undefined,
      shared: 'candidates',
      route(inputFor) {
        const prepared = prepare(old, inputFor(old.config));
        // A request its own library holds is served there whatever the rules and the ranking say.
        return prepared.local ? undefined : decideBoth(prepared);
      },
    };
  }
  // The changed rules alone, against the same suppliers: a candidate of either version is a candidate of this one.
  const changes = compile({ ...next.config, rules: [...dropped, ...added] });
  return {
    changedRules: dropped.length + added.length,
    shared: 'all but changed rules',
    route(inputFor) {
      const input = inputFor(old.config);
      // A request's own facts settle most changed rules false (another library's rule, another service's): its candidates are then never worked out.
      const facts = requestFacts(old, input);
      if (facts.local || !changes.mayFire(facts)) return undefined;
      const prepared = prepare(old, input, facts);
      if (changes.fire(prepared).mask.includes(1) || changes.fireRequestLevel(prepared).length > 0) return decideBoth(prepared);
      return undefined;
    },
  };
}

/** A request's routing under the version in force and under the draft, where they differ. */
export interface RoutingChange {
  requestId: string;
  firstSupplier?: { old: string | null; new: string | null };
  outcome?: { old: Outcome; new: Outcome };
  /** The tasks that wait for people, by type and rule, where they differ. */
  tasks?: { old: TaskSummary[]; new: TaskSummary[] };
  rotaChanged: boolean;
  rota: { old: string[]; new: string[] };
}

const sameTasks = (old: Outline, next: Outline): boolean =>
  old.tasks.length === next.tasks.length && old.tasks.every((task, index) => task.type === next.tasks[index]?.type && task.rule === next.tasks[index]?.rule);
const sameList = (old: readonly string[], next: readonly string[]): boolean => old.length === next.length && old.every((id, index) => id === next[index]);

/** What a comparison reads of a decision made in full: the outline `outline` makes without the rest. */
export const outlineOf = (decision: RouteDecision): Outline => ({
  requestId: decision.requestId,
  outcome: decision.outcome,
  rota: decision.rota.map((entry) => entry.supplierId),
  tasks: decision.tasks.map(({ type, rule }) => (rule === undefined ? { type } : { type, rule })),
});

/** How two versions' decisions of a request differ, where they do. */
export function changeOf(old: Outline, next: Outline): RoutingChange | undefined {
  const rota = { old: old.rota, new: next.rota };
  const rotaChanged = !sameList(rota.old, rota.new);
  const tasksSame = sameTasks(old, next);
  if (!rotaChanged && old.outcome === next.outcome && tasksSame) return undefined;
  const first = { old: rota.old[0] ?? null, new: rota.new[0] ?? null };
  return {
    requestId: next.requestId,
    ...(first.old === first.new ? {} : { firstSupplier: first }),
    ...(old.outcome === next.outcome ? {} : { outcome: { old: old.outcome, new: next.outcome } }),
    ...(tasksSame ? {} : { tasks: { old: old.tasks, new: next.tasks } }),
    rotaChanged,
    rota,
  };
}

/** What routing is told beside the request: the instant, and any usage or load to try. */
export type RoutingFacts = Pick<RouteInput, 'usage' | 'load' | 'now'>;

export interface VersionComparison {
  /** The libraries both versions know: only their readers' requests can be routed by both. */
  members: ReadonlySet<string>;
  /** How the two versions route the request differently, if they do. */
  compare(request: IllRequest, facts: RoutingFacts): RoutingChange | undefined;
  /** How much of routing a request the versions share: with anything but changed rules, every request is decided by both. */
  shared: Shared;
}

/**
 * Routes requests under two versions, as `ill route --compare` does over a file of requests and
 * the workbench over the requests of recent days. What depends only on the request is worked out
 * once: who holds the item, when both versions hold the same holdings data; its candidates, when
 * the draft changes only the rules or the ranking; and where it changes only rules, a request is
 * decided only when a changed rule fires for it.
 */
export function compareVersions(before: CompiledNetwork, after: CompiledNetwork): VersionComparison {
  const known = new Set(after.config.libraries.map((library) => library.id));
  const members = new Set(before.config.libraries.map((library) => library.id).filter((id) => known.has(id)));
  const sameHoldings = same(before.config.holdings, after.config.holdings);
  const versions = pairVersions(before, after);
  return {
    members,
    shared: versions.shared,
    compare(request, facts) {
      const holdings = lookupHolders(before.config, request);
      const inputFor = (config: NetworkConfig): RouteInput => ({
        request,
        holdings: config === before.config || sameHoldings ? holdings : lookupHolders(config, request),
        ...facts,
      });
      const routed = versions.route(inputFor);
      return routed && changeOf(routed.old, routed.new);
    },
  };
}

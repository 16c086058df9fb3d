import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateNetwork, generateRequests } from '../bench/network-generator';
import { compile } from './compile';
import { route } from './route';
import { prepare, requestFacts, type RouteInput } from './rank';
import type { NetworkConfig, Rule } from './types';
import type { RouteDecision } from '../domain/decision';
import { outlineOf, pairVersions } from './versions';

const config = generateNetwork(7, { libraries: 120, serviceLibraries: 50, rules: 60 });
const inputs = generateRequests(3, config, 400);
const old = compile(config);

const withRules = (rules: Rule[]): NetworkConfig => ({ ...config, rules });
const load = (threshold: number): Rule => ({
  name: 'busy suppliers wait',
  priority: 1,
  conditions: { all: [{ fact: 'candidate', path: '$.load', operator: 'greaterThanInclusive', value: threshold }] },
  event: { type: 'exclude', params: { reason: 'busy' } },
  source: { file: 'rules/load.yaml', line: 3 },
});

/** The rota and outcome, which the versions must agree on where the pair finds a request decided alike. */
const ranked = (decision: RouteDecision) => ({ outcome: decision.outcome, rota: decision.rota.map((entry) => entry.supplierId), tasks: decision.tasks });

/** The kinds of task among decisions routed in full: a rule's by its type, the engine's own by its type alone. */
const taskKinds = (decision: RouteDecision): string[] => decision.tasks.map((task) => (task.rule === undefined ? task.type : `rule ${task.type}`));

/**
 * Every request through the pair, checked against both versions routed in full; how many each way,
 * how many the versions route differently, and the kinds of task among the decisions the pair
 * outlined, so that a test can tell its drafts reach each.
 */
function compareAll(next: NetworkConfig): { same: number; routed: number; changed: number; tasks: Set<string> } {
  const compiled = compile(next);
  const pair = pairVersions(old, compiled);
  let same = 0;
  let routed = 0;
  let changed = 0;
  const tasks = new Set<string>();
  for (const input of inputs) {
    const inputFor = (): RouteInput => input;
    const both = { old: route(old, input), new: route(compiled, input) };
    if (!isDeepStrictEqual(ranked(both.old), ranked(both.new))) changed++;
    const result = pair.route(inputFor);
    if (result === undefined) {
      same++;
      expect(ranked(both.new)).toEqual(ranked(both.old));
    } else {
      routed++;
      expect(result).toEqual({ old: outlineOf(both.old), new: outlineOf(both.new) });
      for (const kind of [...taskKinds(both.old), ...taskKinds(both.new)]) tasks.add(kind);
    }
  }
  return { same, routed, changed, tasks };
}

describe('a draft compared with the version in force', () => {
  it('routes in full only the requests a changed rule fires for, and finds the rest decided alike', () => {
    const rule = config.rules.findIndex((r) => r.event.type === 'score');
    const changed = config.rules.map((r, i) => (i === rule ? { ...r, event: { ...r.event, params: { ...r.event.params, add: 40 } } } : r));
    const { same, routed } = compareAll(withRules(changed));
    expect(pairVersions(old, compile(withRules(changed))).changedRules).toBe(2);
    expect(same).toBeGreaterThan(0);
    expect(routed).toBeGreaterThan(0);
  });

  it('tells an added rule, a removed one and a rule that fires for every candidate', () => {
    expect(compareAll(withRules([...config.rules, load(0.5)])).routed).toBeGreaterThan(0);
    // A rule that fires for every candidate leaves alike only the requests that have none.
    const without = inputs.filter((input) => prepare(old, input).candidates.count === 0).length;
    expect(compareAll(withRules([...config.rules, load(0)])).same).toBe(without);
    expect(compareAll(withRules(config.rules.slice(1))).same).toBeGreaterThan(0);
  });

  it('prepares the candidates once and decides by each version where the draft changes the ranking weights or the rota length', () => {
    const weights = { ...config, policy: { ...config.policy, weights: { ...config.policy.weights, cost: 40, tier: 1 } } };
    const pair = pairVersions(old, compile(weights));
    expect([pair.shared, pair.changedRules]).toEqual(['candidates', undefined]);
    const local = inputs.filter((input) => prepare(old, input).local).length;
    const { same, routed, changed } = compareAll(weights);
    expect({ same, routed }).toEqual({ same: local, routed: inputs.length - local });
    expect(changed).toBeGreaterThan(0);
    const shorter = { ...config, policy: { ...config.policy, escalation: { ...config.policy.escalation, maxRotaLength: 2 } } };
    expect(pairVersions(old, compile(shorter)).shared).toBe('candidates');
    expect(compareAll(shorter).changed).toBeGreaterThan(0);
  });

  it('prepares once, fires each version and decides by each where the draft changes both rules and weights', () => {
    const rule = config.rules.findIndex((r) => r.event.type === 'score');
    const rules = config.rules.map((r, i) => (i === rule ? { ...r, event: { ...r.event, params: { ...r.event.params, add: 40 } } } : r));
    const both = { ...config, rules, policy: { ...config.policy, weights: { ...config.policy.weights, load: 30 } } };
    expect(pairVersions(old, compile(both)).shared).toBe('candidates');
    expect(compareAll(both).changed).toBeGreaterThan(0);
  });

  it("routes every request in full by each version where the draft changes what candidates are made of: a supplier's price, a target", () => {
    // The supplier first in most rotas, made dear: shared candidates would keep its old price and rank it first still.
    const firsts = new Map<string, number>();
    for (const input of inputs) {
      const first = route(old, input).rota[0]?.supplierId;
      if (first) firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    const [favourite] = [...firsts].sort((a, b) => b[1] - a[1])[0] ?? [];
    const dear = { ...config, suppliers: config.suppliers.map((s) => (s.id === favourite ? { ...s, cost: { ...s.cost, perArticle: 5000, perLoan: 5000 } } : s)) };
    const pair = pairVersions(old, compile(dear));
    expect([pair.shared, pair.changedRules]).toEqual(['nothing', undefined]);
    const priced = compareAll(dear);
    expect(priced).toMatchObject({ same: 0, routed: inputs.length });
    expect(priced.changed).toBeGreaterThan(0);
    const targets = { ...config.policy.targets, copy: { ...config.policy.targets.copy, normal: 1 } };
    const hurried = { ...config, policy: { ...config.policy, targets } };
    expect(pairVersions(old, compile(hurried)).shared).toBe('nothing');
    expect(compareAll(hurried).changed).toBeGreaterThan(0);
  });

  it('routes in full by each version where the rules both have come in another order', () => {
    const [first, second, ...rest] = config.rules as [Rule, Rule, ...Rule[]];
    const swapped = withRules([second, first, ...rest]);
    expect(pairVersions(old, compile(swapped)).changedRules).toBe(first.priority === second.priority ? undefined : 0);
    // Each request the pair decides alike or routes by both, as each version routes it in full.
    compareAll(swapped);
  });

  it('finds an unchanged draft decides every request alike', () => {
    expect(compareAll(withRules([...config.rules]))).toMatchObject({ same: inputs.length, routed: 0, changed: 0 });
  });

  it("outlines every task a decision holds: the rules', the escalation below the candidates required, the library's review, the cost approval", () => {
    // More candidates required than most requests have: decided on shared candidates and firings.
    const wanting = { ...config, policy: { ...config.policy, escalation: { ...config.policy.escalation, minCandidates: 12 } } };
    const escalated = compareAll(wanting);
    expect(pairVersions(old, compile(wanting)).shared).toBe('candidates');
    expect(escalated.changed).toBeGreaterThan(0);
    // Libraries that review every request, and approve any cost: routed by each version in full.
    const careful = { ...config, libraries: config.libraries.map((library, i) => (i % 2 === 0 ? { ...library, policy: { ...library.policy, reviewRequired: !library.policy.reviewRequired, autoApproveLimit: { ...library.policy.autoApproveLimit, amount: 0 } } } : library)) };
    const reviewed = compareAll(careful);
    expect(pairVersions(old, compile(careful)).shared).toBe('nothing');
    expect(reviewed.changed).toBeGreaterThan(0);
    const kinds = new Set([...escalated.tasks, ...reviewed.tasks]);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['approveCost', 'review', 'rule approveCost', 'rule review', 'rule searchProxy', 'searchProxy']));
  });
});

describe('whether a request could fire a rule at all', () => {
  it('is settled by the request alone: a rule for one library is never evaluated against the candidates of another', () => {
    const [mine, other] = inputs.filter((input) => prepare(old, input).candidates.count > 0 && !prepare(old, input).local) as [RouteInput, RouteInput];
    const own = mine.request.requester.libraryId;
    expect(other.request.requester.libraryId === own).toBe(false);
    const onlyMine = compile(withRules([{ ...load(0), conditions: { all: [{ fact: 'request', path: '$.requester.libraryId', operator: 'equal', value: own }, ...(load(0).conditions.all ?? [])] } }]));
    expect(onlyMine.mayFire(requestFacts(onlyMine, mine))).toBe(true);
    expect(onlyMine.mayFire(requestFacts(onlyMine, other))).toBe(false);
    expect(compile(withRules([])).mayFire(requestFacts(old, mine))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { generateNetwork, generateRequests } from '../bench/network-generator';
import { compile } from './compile';
import { route } from './route';
import { prepare, requestFacts, type RouteInput } from './rank';
import type { NetworkConfig, Rule } from './types';
import { pairVersions } from './versions';

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

/** Every request through the pair, checked against both versions routed in full; how many each way. */
function compareAll(next: NetworkConfig): { same: number; routed: number } {
  const compiled = compile(next);
  const pair = pairVersions(old, compiled);
  let same = 0;
  let routed = 0;
  for (const input of inputs) {
    const inputFor = (): RouteInput => input;
    const both = { old: route(old, input), new: route(compiled, input) };
    const result = pair.route(inputFor);
    if (result === undefined) {
      same++;
      expect(both.new).toEqual(both.old);
    } else {
      routed++;
      expect(result).toEqual(both);
    }
  }
  return { same, routed };
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

  it('routes everything in full when more than the rules differ, or the rules both have come in another order', () => {
    const weights = { ...config, policy: { ...config.policy, weights: { ...config.policy.weights, cost: 9 } } };
    expect(pairVersions(old, compile(weights)).changedRules).toBeUndefined();
    expect(compareAll(weights)).toEqual({ same: 0, routed: inputs.length });
    const [first, second, ...rest] = config.rules as [Rule, Rule, ...Rule[]];
    const swapped = withRules([second, first, ...rest]);
    expect(pairVersions(old, compile(swapped)).changedRules).toBe(first.priority === second.priority ? undefined : 0);
  });

  it('finds an unchanged draft decides every request alike', () => {
    expect(compareAll(withRules([...config.rules]))).toEqual({ same: inputs.length, routed: 0 });
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

// The reference evaluator: json-rules-engine itself, run once per candidate. It is slow (a
// promise chain and a deep copy of every rule per run) but it defines what the rules mean; the
// compiled evaluator in compile.ts must fire exactly the same rules.
//
// Engine options: `allowUndefinedFacts: true`, so a fact the run does not supply reads as
// `undefined` instead of failing the whole decision. That is what lets request-level rules be
// evaluated with no supplier in view (see `needsRequestLevel` in rank.ts), and the configuration
// check already refuses rules naming facts outside the catalogue. Event parameters are constants
// (`replaceFactsInEventParams` stays off).

import { Engine, Operator, type RuleProperties } from 'json-rules-engine';
import { NETWORK_OPERATORS, checkRules } from './compile';
import { decide, firingsOf, indexNetwork, needsRequestLevel, prepare, type Fired, type Network, type Prepared, type RouteInput } from './rank';
import type { NetworkConfig } from './types';
import type { RouteDecision } from '../domain/decision';

export interface ReferenceNetwork extends Network {
  engine: Engine;
  /** Position of each rule in `order`. */
  position: readonly number[];
}

export function createReference(config: NetworkConfig): ReferenceNetwork {
  checkRules(config.rules);
  const network = indexNetwork(config);
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const [name, op] of Object.entries(NETWORK_OPERATORS)) {
    engine.addOperator(new Operator(name, op.compare, op.validate));
  }
  config.rules.forEach((rule, index) => {
    // Rules are named by index so results map back to the configuration even when names repeat.
    // The engine rewrites condition priorities in place, hence the copy.
    const properties = {
      name: index,
      priority: rule.priority,
      conditions: structuredClone(rule.conditions),
      event: { type: rule.event.type, params: rule.event.params },
    } as unknown as RuleProperties;
    engine.addRule(properties);
  });
  const position: number[] = [];
  network.order.forEach((rule, at) => (position[rule] = at));
  return { ...network, engine, position };
}

async function run(reference: ReferenceNetwork, facts: Record<string, unknown>): Promise<Fired> {
  const { results } = await reference.engine.run(facts);
  const fired = results.map((result) => result.name as unknown as number);
  return fired.sort((a, b) => (reference.position[a] ?? 0) - (reference.position[b] ?? 0));
}

/** Rules fired for each candidate, one engine run per candidate, in the canonical order. */
export async function fireWithReference(reference: ReferenceNetwork, prepared: Prepared): Promise<Fired[]> {
  const { request, library, usage } = prepared;
  const { candidates } = prepared;
  const fired: Fired[] = [];
  for (let at = 0; at < candidates.count; at++) {
    fired.push(await run(reference, { request, library, supplier: candidates.supplier(at), candidate: candidates.facts(at), usage }));
  }
  return fired;
}

/** Rules fired with only the request-level facts supplied. */
export function fireRequestLevelWithReference(reference: ReferenceNetwork, prepared: Prepared): Promise<Fired> {
  const { request, library, usage } = prepared;
  return run(reference, { request, library, usage });
}

/** `route` with json-rules-engine evaluating the rules; the ranking is the same code. */
export async function routeWithReference(reference: ReferenceNetwork, input: RouteInput): Promise<RouteDecision> {
  const prepared = prepare(reference, input);
  const fired = firingsOf(reference, await fireWithReference(reference, prepared));
  const requestLevel = needsRequestLevel(reference, prepared, fired)
    ? await fireRequestLevelWithReference(reference, prepared)
    : undefined;
  return decide(reference, prepared, fired, requestLevel);
}

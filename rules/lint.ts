// Warnings about rules that load and route, but perhaps not as their author meant: tier rules that
// compete for the same suppliers, and request-wide events keyed on one supplier's facts.
//
// Tier conflicts are found by a heuristic, not a proof. Two tier rules giving different tiers are
// reported when both select suppliers by `supplier $.id` or `supplier $.kind` (`equal` or `in`, at
// the top level of the conditions or in nested `all` groups), the selections share a supplier, and
// no fact path conditioned by both rules takes disjoint values in them (`equal`/`in`/`notEqual`/
// `notIn` and numeric bounds, as the check for a rule that can never fire weighs them). Conditions
// under `any` or `not`, and rules selecting suppliers by other facts, are not weighed: such a
// conflict goes unreported rather than reported falsely.

import type { Entry, Known, SupplierInput } from './check';
import { Domain, type RuleInput } from './conditions';
import { FACTS, isFactName } from './facts';
import { pointerOf } from './located';
import type { Problem, RuleCondition, RuleConditions, RuleEventType } from './types';

type RuleEntry = Entry<RuleInput & { priority?: number }>;
type Node = RuleConditions & Partial<RuleCondition>;

const isReference = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value) && 'fact' in value;

/** Conditions every firing must meet: the top level and nested `all` groups, with their pointers. */
function required(node: Node, pointer: string, into: [RuleCondition, string][] = []): [RuleCondition, string][] {
  if (node.fact !== undefined) into.push([node as RuleCondition, pointer]);
  node.all?.forEach((child, index) => required(child as Node, `${pointer}/all/${index}`, into));
  return into;
}

/** Every condition, with its pointer, whatever group it sits in. */
function every(node: Node, pointer: string, into: [RuleCondition, string][] = []): [RuleCondition, string][] {
  if (node.fact !== undefined) into.push([node as RuleCondition, pointer]);
  node.all?.forEach((child, index) => every(child as Node, `${pointer}/all/${index}`, into));
  node.any?.forEach((child, index) => every(child as Node, `${pointer}/any/${index}`, into));
  if (node.not) every(node.not as Node, `${pointer}/not`, into);
  return into;
}

interface Selection {
  ids?: Set<string>;
  kinds?: Set<string>;
}

function selection(conditions: [RuleCondition, string][]): Selection {
  const found: Selection = {};
  for (const [condition] of conditions) {
    if (condition.fact !== 'supplier' || (condition.operator !== 'equal' && condition.operator !== 'in')) continue;
    const values = (Array.isArray(condition.value) ? condition.value : [condition.value]).filter((value): value is string => typeof value === 'string');
    const key = condition.path === '$.id' ? 'ids' : condition.path === '$.kind' ? 'kinds' : undefined;
    if (!key) continue;
    const before = found[key];
    found[key] = new Set(before ? values.filter((value) => before.has(value)) : values);
  }
  return found;
}

/** What both selections name, in words; undefined when they cannot share a supplier or it cannot be told. */
function shared(a: Selection, b: Selection, kindOf: (id: string) => string | undefined): string | undefined {
  if ((!a.ids && !a.kinds) || (!b.ids && !b.kinds)) return undefined;
  const meet = (x?: Set<string>, y?: Set<string>): string[] | undefined => (x && y ? [...x].filter((item) => y.has(item)) : x || y ? [...(x ?? y ?? [])] : undefined);
  const ids = meet(a.ids, b.ids);
  const kinds = meet(a.kinds, b.kinds);
  const named = ids && kinds ? ids.filter((id) => kinds.includes(kindOf(id) ?? '')) : ids;
  if (named) return named.length > 0 ? `supplier ${named.map((id) => `'${id}'`).join(', ')}` : undefined;
  return kinds && kinds.length > 0 ? `suppliers of kind ${kinds.map((kind) => `'${kind}'`).join(', ')}` : undefined;
}

/** True when some fact path is conditioned by both rules with values no single supplier can meet at once. */
function exclusive(a: [RuleCondition, string][], b: [RuleCondition, string][]): boolean {
  const domains = new Map<string, Domain>();
  for (const [condition] of [...a, ...b]) {
    if (isReference(condition.value)) continue;
    const key = `${condition.fact} ${condition.path ?? ''}`;
    const domain = domains.get(key) ?? new Domain();
    domains.set(key, domain);
    domain.narrow(condition.operator, condition.value);
  }
  return [...domains.values()].some((domain) => !domain.satisfiable());
}

function priorityOf(rule: { priority?: number }): number {
  return Number.parseInt(String(rule.priority || 1), 10);
}

function where(entry: RuleEntry): string {
  return `${entry.doc.file}:${entry.doc.at(entry.pointer).line}`;
}

function tierWarnings(entries: RuleEntry[], suppliers?: Known<SupplierInput>): Problem[] {
  const tiers = entries
    .map((entry, position) => ({ entry, position, tier: entry.value.event.params?.tier, conditions: required(entry.value.conditions as Node, `${entry.pointer}/conditions`) }))
    .filter((rule) => rule.entry.value.event.type === 'tier' && typeof rule.tier === 'number')
    .map((rule) => ({ ...rule, selection: selection(rule.conditions) }));
  const kindOf = (id: string) => suppliers?.valid.get(id)?.kind;
  const warnings: Problem[] = [];
  for (const [i, a] of tiers.entries()) {
    for (const b of tiers.slice(i + 1)) {
      if (a.tier === b.tier) continue;
      const both = shared(a.selection, b.selection, kindOf);
      if (!both || exclusive(a.conditions, b.conditions)) continue;
      // Ranking takes the first tier fired in canonical order: higher priority, then written earlier.
      const [first, second] = priorityOf(b.entry.value) > priorityOf(a.entry.value) ? [b, a] : [a, b];
      warnings.push(
        second.entry.doc.problem(
          `${second.entry.pointer}${pointerOf('event', 'params', 'tier')}`,
          `warning: tier rule '${second.entry.value.name}' (tier ${String(second.tier)}) and tier rule '${first.entry.value.name}' (tier ${String(first.tier)}, from ${where(first.entry)}) can both hold for ${both}; where both fire, '${first.entry.value.name}' wins, being first in canonical order (priority ${priorityOf(first.entry.value)}${priorityOf(first.entry.value) === priorityOf(second.entry.value) ? ', written earlier' : ` over ${priorityOf(second.entry.value)}`}), so this rule's tier ${String(second.tier)} never applies there; add a condition on one fact that tells them apart`,
        ),
      );
    }
  }
  return warnings;
}

/** What a request-wide event does once any supplier still in the running satisfies its rule. */
const WHOLE_REQUEST: Partial<Record<RuleEventType, string>> = {
  review: 'the whole request waits for a librarian before any supplier is tried',
  approveCost: 'the library approves the cost of the whole request before any supplier is tried',
  escalate: 'the whole request goes to the search-proxy team instead of its rota',
  reject: 'the whole request is rejected and no supplier is tried',
  deadline: 'every supplier try gets this deadline, not only the matching supplier’s',
};

function candidateFact(condition: RuleCondition): string | undefined {
  const named = [condition, condition.value].filter((item): item is { fact: string; path?: string } => isReference(item) || item === condition);
  for (const { fact, path } of named) {
    if (typeof fact === 'string' && isFactName(fact) && FACTS[fact].dependsOnCandidate) return `${fact} ${path ?? ''}`.trim();
  }
  return undefined;
}

function taskWarnings(entries: RuleEntry[]): Problem[] {
  return entries.flatMap((entry) => {
    const { type } = entry.value.event;
    const effect = WHOLE_REQUEST[type];
    if (!effect) return [];
    for (const [condition, pointer] of every(entry.value.conditions as Node, `${entry.pointer}/conditions`)) {
      const fact = candidateFact(condition);
      if (!fact) continue;
      return [
        entry.doc.problem(
          pointer,
          `warning: '${type}' rule '${entry.value.name}' reads ${fact}, a fact of one supplier, but its event acts on the request: if it holds for any supplier not excluded, even one the rota never reaches, ${effect}; with no supplier left it is judged with no supplier in view, where ${fact} is missing`,
        ),
      ];
    }
    return [];
  });
}

export function ruleWarnings(entries: RuleEntry[], suppliers?: Known<SupplierInput>): Problem[] {
  return [...tierWarnings(entries, suppliers), ...taskWarnings(entries)];
}

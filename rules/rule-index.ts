// Rules filed by the request-level value they need, so that a request evaluates only the rules it
// could fire.

import type { Read, Frame } from './columns';
import { booleanOf, isFactReference, isObject } from './condition-shape';
import type { Rule, RuleCondition, RuleConditions } from './types';

/** A scalar a fact value can be found by in a `Map`: SameValueZero is `===` for every value but NaN, which no comparison matches. */
const isKey = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'boolean' || value === null || (typeof value === 'number' && !Number.isNaN(value));

/** A condition of a rule's root `all` that fires only where one request-level fact is one of some constants. */
interface Key {
  fact: string;
  path: unknown;
  values: unknown[];
}

function keysOf(conditions: RuleConditions, requestFacts: ReadonlySet<string>): Key[] {
  const all: unknown = conditions.all;
  if (booleanOf(conditions) !== 'all' || !Array.isArray(all)) return [];
  return all.flatMap((child: unknown): Key[] => {
    if (!isObject(child) || booleanOf(child) || !Object.hasOwn(child, 'fact')) return [];
    const { fact, path, operator: name, value } = child as RuleCondition;
    if (typeof fact !== 'string' || !requestFacts.has(fact) || isFactReference(value)) return [];
    if (name === 'equal' && isKey(value)) return [{ fact, path, values: [value] }];
    if (name === 'in' && Array.isArray(value) && value.every(isKey)) return [{ fact, path, values: value }];
    return [];
  });
}

/**
 * Rules indexed by the request-level value they need: most rules administrators write name a
 * library, a service, an urgency or a language, and a request meets few of them. Each such rule
 * is filed under the one of its keys that tells requests apart best (the fact with the most
 * distinct values among all rules' keys); a request then evaluates only the rules filed under its
 * values, and those filed under none.
 */
export function ruleIndex(rules: readonly Rule[], readerOf: (fact: string, path: unknown) => Read, requestFacts: ReadonlySet<string>): { keyed: Uint8Array; possible: (frame: Frame, marks: Uint8Array) => void } {
  const keys = rules.map((rule) => keysOf(rule.conditions, requestFacts));
  const groupOf = (key: Key): string => JSON.stringify([key.fact, key.path ?? '']);
  const distinct = new Map<string, Set<unknown>>();
  for (const key of keys.flat()) {
    const seen = distinct.get(groupOf(key)) ?? new Set();
    for (const value of key.values) seen.add(value);
    distinct.set(groupOf(key), seen);
  }
  const groups = new Map<string, { read: Read; filed: Map<unknown, number[]> }>();
  const keyed = new Uint8Array(rules.length);
  keys.forEach((options, r) => {
    const best = options.reduce<Key | undefined>((chosen, key) => (!chosen || (distinct.get(groupOf(key))?.size ?? 0) > (distinct.get(groupOf(chosen))?.size ?? 0) ? key : chosen), undefined);
    if (!best) return;
    let group = groups.get(groupOf(best));
    if (!group) groups.set(groupOf(best), (group = { read: readerOf(best.fact, best.path), filed: new Map() }));
    for (const value of new Set(best.values)) {
      const filed = group.filed.get(value) ?? [];
      filed.push(r);
      group.filed.set(value, filed);
    }
    keyed[r] = 1;
  });
  const all = [...groups.values()];
  return {
    keyed,
    possible: (frame, marks) => {
      for (const { read, filed } of all) for (const r of filed.get(read(frame)) ?? []) marks[r] = 1;
    },
  };
}

// What a rule's conditions must be for both evaluators to run them: the checks that refuse, naming
// the rule's file and line, what json-rules-engine would reject or throw on mid-run.

import { isOperatorName } from './operators';
import { effectivePriority } from './network';
import type { Rule, RuleCondition, RuleConditions } from './types';

/**
 * `in` and `notIn` call the value's `indexOf`, so the engine throws unless the value is a constant
 * list (or string), never a fact whose value is only known at run time.
 */
function valueFits(name: string, value: unknown, fromFact: boolean): boolean {
  return (name !== 'in' && name !== 'notIn') || (!fromFact && (Array.isArray(value) || typeof value === 'string'));
}

export function isFactReference(value: unknown): value is { fact: unknown; path?: unknown } {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, 'fact');
}

export const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

export function booleanOf(node: object): 'any' | 'all' | 'not' | undefined {
  if (Object.hasOwn(node, 'any')) return 'any';
  if (Object.hasOwn(node, 'all')) return 'all';
  return Object.hasOwn(node, 'not') ? 'not' : undefined;
}

function nodeProblems(node: unknown, where: string): string[] {
  if (!isObject(node)) return [`${where}: a condition must be an object`];
  const kind = booleanOf(node);
  if (kind === 'not') {
    const inner = (node as RuleConditions).not;
    return Array.isArray(inner) ? [`${where}: 'not' takes one condition, not a list`] : nodeProblems(inner, `${where}.not`);
  }
  if (kind) {
    const list: unknown = (node as RuleConditions)[kind];
    if (!Array.isArray(list)) return [`${where}: '${kind}' must be a list`];
    return list.flatMap((child, i) => nodeProblems(child, `${where}.${kind}[${i}]`));
  }
  if (Object.hasOwn(node, 'condition')) return [`${where}: named condition references are not supported`];
  const missing = ['fact', 'operator', 'value'].filter((key) => !Object.hasOwn(node, key));
  if (missing.length > 0) return [`${where}: missing ${missing.join(', ')}`];
  const leaf = node as RuleCondition;
  const problems: string[] = [];
  const known = isOperatorName(leaf.operator);
  if (!known) problems.push(`${where}: unknown operator '${String(leaf.operator)}'`);
  const fromFact = isFactReference(leaf.value);
  if (known && !valueFits(leaf.operator, leaf.value, fromFact)) {
    problems.push(`${where}: operator '${leaf.operator}' needs a constant list as its value`);
  }
  const paths = [leaf.path, fromFact ? (leaf.value as { path?: unknown }).path : undefined];
  if (paths.some((path) => path && typeof path !== 'string')) problems.push(`${where}: path must be a string`);
  return problems;
}

/** Refuses what json-rules-engine would reject or throw on, naming the rule's file and line. */
export function checkRules(rules: readonly Rule[]): void {
  const problems = rules.flatMap((rule) => {
    const at = `rule '${rule.name}' (${rule.source.file}:${rule.source.line})`;
    const priority = effectivePriority(rule);
    const found = isObject(rule.conditions) && booleanOf(rule.conditions)
      ? nodeProblems(rule.conditions, 'conditions')
      : ["conditions: the root must be 'all', 'any' or 'not'"];
    if (!(priority > 0)) found.push(`priority must be a positive integer, not ${String(rule.priority)}`);
    return found.map((problem) => `${at}: ${problem}`);
  });
  if (problems.length > 0) throw new Error(`rules cannot be evaluated:\n${problems.join('\n')}`);
}

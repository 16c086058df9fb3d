// Checks of a rule's meaning beyond its schema: facts, paths and values the evaluator understands,
// operators applied to facts and values of the shapes they compare, event parameters, and
// conditions that contradict each other so the rule can never fire.

import { EVENT_PARAMS } from './events';
import { FACTS, isFactName, pathSpec, type FactType, type PathSpec } from './facts';
import { pointerOf, type LocatedText } from './located';
import { OPERATORS, type OperandShape, type Operator } from './operators';
import { didYouMean } from './suggest';
import { termProblem, type SubjectIndex } from './subjects';
import type { Problem, RuleCondition, RuleConditions, RuleEventType } from './types';
import { dateProblem, languageProblem } from './vocabulary';

export interface RuleInput {
  name: string;
  conditions: RuleConditions;
  event: { type: RuleEventType; params?: Record<string, unknown> };
}

/** Ids rule values may name; a set is absent when its files did not load, to avoid false alarms. */
export interface KnownIds {
  supplier?: ReadonlySet<string>;
  library?: ReadonlySet<string>;
  /** The subject vocabulary, absent when subjects.yaml did not load. */
  subjects?: SubjectIndex;
}

type Node = RuleConditions & Partial<RuleCondition>;

const GROUPS = ['all', 'any', 'not'] as const;

const TYPE_WORDS: Record<FactType, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  'string[]': 'a list',
};

const SHAPE_WORDS: Record<OperandShape, string> = {
  scalar: 'a single value',
  number: 'a number',
  string: 'a string',
  array: 'a list',
  boolean: 'true or false',
  any: 'any value',
};

function fitsFact(shape: OperandShape, type: FactType): boolean {
  switch (shape) {
    case 'scalar':
      return type !== 'string[]';
    case 'array':
      return type === 'string[]';
    case 'any':
      return true;
    default:
      return shape === type;
  }
}

function fitsValue(shape: OperandShape, value: unknown): boolean {
  switch (shape) {
    case 'scalar':
      return value === null || typeof value !== 'object';
    case 'array':
      return Array.isArray(value);
    case 'any':
      return true;
    default:
      return typeof value === shape;
  }
}

/** json-rules-engine reads `{fact, path}` as a condition value as "the value of that fact". */
function isFactReference(value: unknown): value is { fact: unknown; path?: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'fact' in value;
}

const quote = (value: unknown) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

class RuleChecker {
  readonly problems: Problem[] = [];
  /** Conditions without problems of their own: only these are weighed against each other. */
  private readonly sound = new WeakSet<object>();

  constructor(
    private readonly doc: LocatedText,
    private readonly rule: RuleInput,
    private readonly known: KnownIds,
  ) {}

  private report(pointer: string, message: string, part?: 'key' | 'value') {
    this.problems.push(this.doc.problem(pointer, message, part));
  }

  /** The spec of `fact`/`path`, or undefined after reporting why there is none. */
  private resolve(fact: unknown, path: unknown, pointer: string): PathSpec | undefined {
    const name = String(fact);
    if (!isFactName(name)) {
      const facts = Object.keys(FACTS);
      this.report(pointer + '/fact', `unknown fact '${name}'${didYouMean(name, facts) || ` (expected one of: ${facts.join(', ')})`}`);
      return undefined;
    }
    const paths = Object.keys(FACTS[name].paths);
    if (typeof path !== 'string') {
      this.report(pointer + '/fact', `fact '${name}' needs a path, for example '${paths[0] ?? '$'}'`);
      return undefined;
    }
    const spec = pathSpec(name, path);
    if (!spec) this.report(pointer + '/path', `unknown path '${path}' for fact '${name}'${didYouMean(path, paths)}`);
    return spec;
  }

  /** `inAll`: the node is an item of an `all`, whose contradictions its parent already weighs. */
  node(node: Node, pointer: string, inAll = false) {
    const groups = GROUPS.filter((group) => node[group] !== undefined);
    if (node.fact !== undefined) {
      if (groups.length > 0) this.report(pointer, `a condition has either 'fact' or '${groups[0]}', not both`);
      else this.condition(node as RuleCondition, pointer);
      return;
    }
    if (groups.length !== 1) {
      const found = groups.length === 0 ? 'none' : groups.join(' and ');
      this.report(pointer, `a condition group has exactly one of 'all', 'any', 'not' (found ${found})`);
    }
    node.all?.forEach((child, index) => this.node(child as Node, `${pointer}/all/${index}`, true));
    node.any?.forEach((child, index) => this.node(child as Node, `${pointer}/any/${index}`));
    if (node.not) this.node(node.not as Node, `${pointer}/not`);
    if (node.all && !inAll) this.contradictions(node.all as Node[], `${pointer}/all`);
  }

  private condition(condition: RuleCondition, pointer: string) {
    const spec = this.resolve(condition.fact, condition.path, pointer);
    // The schema lists the catalogue's operators, so the lookup cannot miss.
    const operator = OPERATORS[condition.operator] as Operator;
    if (!spec) return;
    const subject = `${condition.fact} ${String(condition.path)}`;
    if (!fitsFact(operator.fact, spec.type)) {
      this.report(
        pointer + '/operator',
        `operator '${condition.operator}' needs ${SHAPE_WORDS[operator.fact]} but ${subject} is ${TYPE_WORDS[spec.type]}`,
      );
      return;
    }
    if (isFactReference(condition.value)) {
      const reference = this.resolve(condition.value.fact, condition.value.path, pointer + '/value');
      if (reference && !fitsFact(operator.value, reference.type)) {
        this.report(
          pointer + '/value',
          `operator '${condition.operator}' compares with ${SHAPE_WORDS[operator.value]} but ${String(condition.value.fact)} ${String(condition.value.path)} is ${TYPE_WORDS[reference.type]}`,
        );
      }
      return;
    }
    if (!fitsValue(operator.value, condition.value)) {
      this.report(pointer + '/value', `operator '${condition.operator}' compares with ${SHAPE_WORDS[operator.value]}, found ${quote(condition.value)}`);
      return;
    }
    const before = this.problems.length;
    // Numbers and `exists` flags are not values of the fact, so there is nothing to look up.
    if (operator.value !== 'number' && operator.value !== 'boolean') this.literals(condition.value, spec, subject, pointer + '/value');
    if (this.problems.length === before) this.sound.add(condition);
  }

  /** Each value compared with an element of the fact must be of its type and, where known, one of its values. */
  private literals(value: unknown, spec: PathSpec, subject: string, pointer: string) {
    const items = Array.isArray(value) ? value.map((item, index) => [item, `${pointer}/${index}`] as const) : [[value, pointer] as const];
    const elementType = spec.type === 'string[]' ? 'string' : spec.type;
    for (const [item, at] of items) {
      if (item === null) continue;
      if (typeof item !== elementType) {
        const holds = spec.type === 'string[]' ? 'a list of strings' : TYPE_WORDS[spec.type];
        this.report(at, `${quote(item)} is a ${typeof item} but ${subject} is ${holds}`);
      } else if (typeof item === 'string') {
        const ids = spec.refers && this.known[spec.refers];
        if (ids && !ids.has(item)) this.report(at, `unknown ${spec.refers} '${item}'${didYouMean(item, ids)}`);
        const problem = this.formatProblem(spec.format, item);
        if (problem !== undefined) this.report(at, problem);
        if (spec.values && !spec.values.includes(item)) {
          this.report(at, `${subject} is never '${item}'${didYouMean(item, spec.values) || ` (expected one of: ${spec.values.join(', ')})`}`);
        }
      }
    }
  }

  private formatProblem(format: PathSpec['format'], value: string): string | undefined {
    if (format === 'language') return languageProblem(value);
    if (format === 'date') return dateProblem(value);
    return format === 'subject' && this.known.subjects ? termProblem(this.known.subjects, value) : undefined;
  }

  /** Conditions of one `all` on the same fact and path that no single value satisfies together. */
  private contradictions(items: Node[], pointer: string) {
    const domains = new Map<string, Domain>();
    const reported = new Set<string>();
    const visit = (children: Node[], at: string) =>
      children.forEach((child, index) => {
        const here = `${at}/${index}`;
        if (child.all && child.fact === undefined) visit(child.all as Node[], `${here}/all`);
        if (!this.sound.has(child)) return;
        const key = `${child.fact} ${child.path ?? ''}`;
        const domain = domains.get(key) ?? new Domain();
        domains.set(key, domain);
        const line = this.doc.at(here).line;
        if (domain.narrow(String(child.operator), child.value) && !domain.satisfiable() && !reported.has(key)) {
          reported.add(key);
          const lines = domain.lines.length === 1 ? `line ${domain.lines[0]}` : `lines ${domain.lines.join(', ')}`;
          this.report(
            here,
            `rule '${this.rule.name}' can never fire: ${key} ${child.operator} ${quote(child.value)} contradicts the condition on ${lines}`,
          );
        }
        domain.lines.push(line);
      });
    visit(items, pointer);
  }

  event(pointer: string) {
    const { type, params = {} } = this.rule.event;
    const specs = EVENT_PARAMS[type];
    const names = Object.keys(specs);
    for (const [name, spec] of Object.entries(specs)) {
      const value = params[name];
      const at = pointer + pointerOf('params', name);
      const wanted = `${spec.integer ? 'a whole number' : spec.type === 'number' ? 'a number' : 'a string'}${spec.min === undefined ? '' : ` of at least ${spec.min}`}`;
      if (value === undefined) {
        if (spec.required) this.report(pointer + (this.rule.event.params ? '/params' : ''), `event '${type}' needs param '${name}': ${wanted} (${spec.description})`, 'key');
      } else if (typeof value !== spec.type || (spec.integer && !Number.isInteger(value)) || (spec.min !== undefined && Number(value) < spec.min)) {
        this.report(at, `event '${type}' param '${name}' must be ${wanted}, found ${quote(value)}`);
      }
    }
    for (const name of Object.keys(params).filter((name) => !Object.hasOwn(specs, name))) {
      const hint = didYouMean(name, names) || ` (expected: ${names.join(', ')})`;
      this.report(pointer + pointerOf('params', name), `unknown param '${name}' for event '${type}'${hint}`, 'key');
    }
  }
}

/** The values one fact path may still take under the conditions of an `all` seen so far. */
export class Domain {
  readonly lines: number[] = [];
  private allowed?: unknown[];
  private readonly excluded: unknown[] = [];
  private low?: { value: number; inclusive: boolean };
  private high?: { value: number; inclusive: boolean };

  /** Applies a condition; false when the operator does not restrict values in a way tracked here. */
  narrow(operator: string, value: unknown): boolean {
    const list = Array.isArray(value) ? value : undefined;
    const number = typeof value === 'number' ? value : undefined;
    if (operator === 'equal' || (operator === 'in' && list)) {
      const values = list ?? [value];
      this.allowed = this.allowed ? this.allowed.filter((item) => values.includes(item)) : values;
    } else if (operator === 'notEqual' || (operator === 'notIn' && list)) {
      this.excluded.push(...(list ?? [value]));
    } else if (number !== undefined && (operator === 'lessThan' || operator === 'lessThanInclusive')) {
      const inclusive = operator === 'lessThanInclusive';
      if (!this.high || number < this.high.value || (number === this.high.value && !inclusive)) this.high = { value: number, inclusive };
    } else if (number !== undefined && (operator === 'greaterThan' || operator === 'greaterThanInclusive')) {
      const inclusive = operator === 'greaterThanInclusive';
      if (!this.low || number > this.low.value || (number === this.low.value && !inclusive)) this.low = { value: number, inclusive };
    } else {
      return false;
    }
    return true;
  }

  private inRange(value: unknown): boolean {
    if (!this.low && !this.high) return true;
    if (typeof value !== 'number') return false;
    const aboveLow = !this.low || value > this.low.value || (this.low.inclusive && value === this.low.value);
    const belowHigh = !this.high || value < this.high.value || (this.high.inclusive && value === this.high.value);
    return aboveLow && belowHigh;
  }

  satisfiable(): boolean {
    if (this.low && this.high) {
      const { low, high } = this;
      if (low.value > high.value || (low.value === high.value && !(low.inclusive && high.inclusive))) return false;
    }
    return !this.allowed || this.allowed.some((value) => !this.excluded.includes(value) && this.inRange(value));
  }
}

/** Problems with the rule at `pointer` of `doc`, whose shape the schema has already accepted. */
export function ruleProblems(doc: LocatedText, pointer: string, rule: RuleInput, known: KnownIds): Problem[] {
  const checker = new RuleChecker(doc, rule, known);
  checker.node(rule.conditions as Node, `${pointer}/conditions`);
  checker.event(`${pointer}/event`);
  return checker.problems;
}

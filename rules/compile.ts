// Compiles a configuration's rules into closures that give, for every candidate, exactly the rules
// json-rules-engine would fire (see reference.ts), at a fraction of the cost. The work is split by
// what each condition reads: conditions on the request, the library and usage are evaluated once
// per request, conditions on the supplier alone once per supplier when the configuration is
// compiled, and only the rest once per candidate. Rules the request-level conditions already
// decide never reach the candidate loop.
//
// Semantics follow json-rules-engine 7.3 run with `allowUndefinedFacts: true`:
// - an unknown fact (or `supplier`/`candidate` when no supplier is in view) is `undefined`;
// - `path` applies only to an object fact value and is read by jsonpath-plus with `wrap: false`,
//   so a missing step gives `undefined`; a non-object fact value is compared as it is;
// - `value: { fact, path }` reads a fact the same way, anything else is a constant (the engine
//   deep-copies conditions before each run, so an object constant never equals a fact value);
// - each operator checks the fact value first (numbers for the comparisons, arrays for
//   `contains`); the operators are the catalogue's (operators.ts), which has no decorators;
// - empty `all` and empty `any` are both true;
// - condition priorities only order evaluation, so they cannot change which rules fire.
// Conditions that would make the engine throw mid-run (unknown or decorated operators, `in`
// against a non-list, named condition references) are refused here, by `checkRules`, on both paths.

import { JSONPath } from 'jsonpath-plus';
import { isNumeric, isOperatorName, OPERATORS, type Operator } from './operators';
import { effectivePriority, indexNetwork, type CandidateFacts, type Fired, type Network, type Prepared, type Usage } from './rank';
import type { NetworkConfig, Rule, RuleCondition, RuleConditions, Supplier } from './types';

export { NETWORK_OPERATORS } from './operators';

type Node = RuleConditions | RuleCondition;
type Evaluate = (factValue: unknown, ruleValue: unknown) => boolean;

/** As json-rules-engine's Operator evaluates: the fact-value check, then the comparison. */
function operator(name: string): Evaluate {
  const { validate, compare } = OPERATORS[name] as Operator;
  return (a, b) => validate(a) && compare(a, b);
}

/**
 * `in` and `notIn` call the value's `indexOf`, so the engine throws unless the value is a constant
 * list (or string), never a fact whose value is only known at run time.
 */
function valueFits(name: string, value: unknown, fromFact: boolean): boolean {
  return (name !== 'in' && name !== 'notIn') || (!fromFact && (Array.isArray(value) || typeof value === 'string'));
}

function isFactReference(value: unknown): value is { fact: unknown; path?: unknown } {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, 'fact');
}

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

function booleanOf(node: object): 'any' | 'all' | 'not' | undefined {
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

/** The values one evaluation sees; `supplierIndex` is `suppliers.length` when no supplier is in view. */
interface Frame {
  request: unknown;
  library: unknown;
  usage: unknown;
  supplier: unknown;
  candidate: unknown;
  supplierIndex: number;
  /** Changes with every request, so values read once per request can be kept until it does. */
  epoch: number;
  /** Request-level condition results for this request: -1 not yet evaluated, 0 false, 1 true. */
  known: Int8Array;
}

type Read = (frame: Frame) => unknown;
type Test = (frame: Frame) => boolean;

const FACT_READERS: Record<string, Read> = {
  request: (frame) => frame.request,
  library: (frame) => frame.library,
  usage: (frame) => frame.usage,
  supplier: (frame) => frame.supplier,
  candidate: (frame) => frame.candidate,
};
const REQUEST_FACTS = new Set(['request', 'library', 'usage']);

const SIMPLE_PATH = /^\$((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)$/;

/** `$.a.b[0]` becomes direct property reads with the checks jsonpath-plus makes; anything else goes to jsonpath-plus. */
function pathReader(path: string): (value: object) => unknown {
  const simple = SIMPLE_PATH.exec(path);
  if (!simple?.[1]) return (json) => JSONPath({ path, json, wrap: false }) as unknown;
  const keys = (simple[1].match(/[A-Za-z_][A-Za-z0-9_]*|\d+/g) ?? []) as string[];
  const step = (value: unknown, key: string): unknown =>
    value && Object.hasOwn(value as object, key) ? (value as Record<string, unknown>)[key] : undefined;
  const [first, second] = keys;
  if (keys.length === 1 && first !== undefined) return (value) => step(value, first);
  if (keys.length === 2 && first !== undefined && second !== undefined) return (value) => step(step(value, first), second);
  return (value) => keys.reduce<unknown>(step, value);
}

const SINGLE_KEY = /^\$\.([A-Za-z_][A-Za-z0-9_]*)$/;

type CandidateFrame = { candidate?: CandidateFacts };
type UsageFrame = { usage?: Usage };

/**
 * Readers for what `prepare` sets on every object it builds: one function per key, so each
 * property load stays monomorphic, and none of jsonpath-plus's checks are needed.
 */
const BUILT_READERS: Record<string, Record<string, Read>> = {
  candidate: {
    holds: (frame) => (frame as CandidateFrame).candidate?.holds,
    sameRegion: (frame) => (frame as CandidateFrame).candidate?.sameRegion,
    sameProvince: (frame) => (frame as CandidateFrame).candidate?.sameProvince,
    sameCity: (frame) => (frame as CandidateFrame).candidate?.sameCity,
    sameProximityGroup: (frame) => (frame as CandidateFrame).candidate?.sameProximityGroup,
    targetHours: (frame) => (frame as CandidateFrame).candidate?.targetHours,
    estimatedCost: (frame) => (frame as CandidateFrame).candidate?.estimatedCost,
    load: (frame) => (frame as CandidateFrame).candidate?.load,
    preferred: (frame) => (frame as CandidateFrame).candidate?.preferred,
    blocked: (frame) => (frame as CandidateFrame).candidate?.blocked,
    covers: (frame) => (frame as CandidateFrame).candidate?.covers,
  } satisfies Record<keyof CandidateFacts, Read>,
  usage: {
    deadlineHours: (frame) => (frame as UsageFrame).usage?.deadlineHours,
    titleCopiesThisYear: (frame) => (frame as UsageFrame).usage?.titleCopiesThisYear,
    holders: (frame) => (frame as UsageFrame).usage?.holders,
  } satisfies Record<keyof Usage, Read>,
};

/**
 * Reads a fact, and a path inside it, from the frame. Supplier values are read once per supplier
 * here, since suppliers do not change within a configuration version; request-level values once
 * per request, however many candidates compare against them.
 */
function reader(fact: unknown, path: unknown, suppliers: readonly Supplier[]): { read: Read; facts: string[] } {
  const base = typeof fact === 'string' && Object.hasOwn(FACT_READERS, fact) ? FACT_READERS[fact] : undefined;
  if (!base) return { read: () => undefined, facts: [] };
  const facts = [fact as string];
  const inside = path ? pathReader(path as string) : undefined;
  if (fact === 'supplier') {
    const values = [...suppliers, undefined].map((supplier) => (inside && isObject(supplier) ? inside(supplier) : supplier));
    return { read: (frame) => values[frame.supplierIndex], facts };
  }
  if (!inside) return { read: base, facts };
  const key = SINGLE_KEY.exec(path as string)?.[1];
  const built = key === undefined ? undefined : BUILT_READERS[fact as string];
  if (key !== undefined && built && Object.hasOwn(built, key)) return { read: built[key] as Read, facts };
  const resolve = (frame: Frame): unknown => {
    const value = base(frame);
    return isObject(value) ? inside(value) : value;
  };
  if (fact === 'candidate') return { read: resolve, facts };
  let epoch = -1;
  let cached: unknown;
  return {
    read: (frame) => {
      if (epoch !== frame.epoch) {
        cached = resolve(frame);
        epoch = frame.epoch;
      }
      return cached;
    },
    facts,
  };
}

/** The comparison against a constant, specialised for the shapes rules use most. */
function againstConstant(name: string, constant: unknown): (factValue: unknown) => boolean {
  const special = specialised(name, constant);
  if (special) return special;
  const evaluate = operator(name);
  return (a) => evaluate(a, constant);
}

function specialised(name: string, constant: unknown): ((factValue: unknown) => boolean) | undefined {
  if (name === 'equal') return (a) => a === constant;
  if (name === 'notEqual') return (a) => a !== constant;
  if ((name === 'in' || name === 'notIn') && Array.isArray(constant)) {
    // indexOf never finds NaN, which a Set would.
    const members = new Set(constant.filter((item) => !Number.isNaN(item)));
    return name === 'in' ? (a) => members.has(a) : (a) => !members.has(a);
  }
  if (typeof constant !== 'number') return undefined;
  if (name === 'lessThan') return (a) => isNumeric(a) && (a as number) < constant;
  if (name === 'lessThanInclusive') return (a) => isNumeric(a) && (a as number) <= constant;
  if (name === 'greaterThan') return (a) => isNumeric(a) && (a as number) > constant;
  if (name === 'greaterThanInclusive') return (a) => isNumeric(a) && (a as number) >= constant;
  return undefined;
}

type LeafClass = 'request' | 'supplier' | 'candidate';

interface Leaf {
  test: Test;
  kind: LeafClass;
  key: string;
}

function compileLeaf(leaf: RuleCondition, suppliers: readonly Supplier[]): Leaf {
  const left = reader(leaf.fact, leaf.path, suppliers);
  const facts = [...left.facts];
  let test: Test;
  if (isFactReference(leaf.value)) {
    const right = reader(leaf.value.fact, leaf.value.path, suppliers);
    facts.push(...right.facts);
    const evaluate = operator(leaf.operator);
    test = (frame) => evaluate(left.read(frame), right.read(frame));
  } else {
    const compare = againstConstant(leaf.operator, structuredClone(leaf.value));
    test = (frame) => compare(left.read(frame));
  }
  const perRequest = facts.some((fact) => REQUEST_FACTS.has(fact));
  const kind: LeafClass = facts.includes('candidate')
    ? 'candidate'
    : facts.includes('supplier')
      ? perRequest ? 'candidate' : 'supplier'
      : 'request';
  return { test, kind, key: leafKey(leaf) };
}

/** Identical conditions in different rules share one evaluation. */
function leafKey(leaf: RuleCondition): string {
  const value = isFactReference(leaf.value) ? { fact: leaf.value.fact, path: leaf.value.path } : leaf.value;
  return JSON.stringify([leaf.fact, leaf.path || '', leaf.operator, value], (_key, item: unknown) => {
    if (typeof item === 'string') return `s:${item}`;
    if (typeof item === 'number') return `n:${Object.is(item, -0) ? '-0' : String(item)}`;
    return item === undefined ? 'u:' : item;
  });
}

/**
 * A condition with this request's request-level conditions decided: `true` or `false` when they
 * settle it, otherwise the test left to run per candidate.
 */
type Residual = boolean | Test;

interface CompiledNode {
  residual: (frame: Frame) => Residual;
  /** Set when the node reads no request-level condition, so its residual is always this test. */
  test?: Test;
}

const pure = (test: Test): CompiledNode => ({ residual: () => test, test });

function negate(inner: CompiledNode): CompiledNode {
  const { test } = inner;
  if (test) return pure((frame) => !test(frame));
  return {
    residual: (frame) => {
      const rest = inner.residual(frame);
      return typeof rest === 'boolean' ? !rest : (f: Frame) => !rest(f);
    },
  };
}

function every(tests: readonly Test[]): Test {
  const [first, second] = tests;
  if (tests.length === 1 && first) return first;
  if (tests.length === 2 && first && second) return (frame) => first(frame) && second(frame);
  return (frame) => {
    for (const test of tests) if (!test(frame)) return false;
    return true;
  };
}

function some(tests: readonly Test[]): Test {
  const [first, second] = tests;
  if (tests.length === 1 && first) return first;
  if (tests.length === 2 && first && second) return (frame) => first(frame) || second(frame);
  return (frame) => {
    for (const test of tests) if (test(frame)) return true;
    return false;
  };
}

/**
 * `all` (when `decisive` is false) or `any` (when it is true): a child settling to `decisive`
 * settles the node, children settling the other way drop out. An empty `any` passes, as in the engine.
 */
function combine(children: readonly CompiledNode[], decisive: boolean): CompiledNode {
  if (children.length === 0) return { residual: () => true, test: () => true };
  const join = decisive ? some : every;
  const tests = children.map((child) => child.test);
  if (tests.every((test) => test !== undefined)) return pure(join(tests as Test[]));
  return {
    residual: (frame) => {
      const rest: Test[] = [];
      for (const child of children) {
        const part = child.residual(frame);
        if (part === decisive) return decisive;
        if (part !== !decisive) rest.push(part as Test);
      }
      return rest.length === 0 ? !decisive : join(rest);
    },
  };
}

export interface CompiledNetwork extends Network {
  /** Rules fired for each candidate of a prepared request, in `order`. */
  fire(prepared: Prepared): Fired[];
  /** Rules fired for the request with no supplier in view, in `order`. */
  fireRequestLevel(prepared: Prepared): Fired;
}

interface Live {
  index: number;
  /** Absent when the rule fires for every candidate. */
  test: Test | undefined;
}

/** Compiles once per configuration version; the result is immutable and may serve any number of requests. */
export function compile(config: NetworkConfig): CompiledNetwork {
  checkRules(config.rules);
  const network = indexNetwork(config);
  const suppliers = config.suppliers;
  const noSupplier = suppliers.length;
  let requestLeaves = 0;
  const shared = new Map<string, CompiledNode>();

  const leafNode = (condition: RuleCondition): CompiledNode => {
    const leaf = compileLeaf(condition, suppliers);
    const existing = shared.get(leaf.key);
    if (existing) return existing;
    let node: CompiledNode;
    if (leaf.kind === 'request') {
      const slot = requestLeaves++;
      node = {
        residual: (frame) => {
          let value = frame.known[slot] as number;
          if (value < 0) value = frame.known[slot] = leaf.test(frame) ? 1 : 0;
          return value === 1;
        },
      };
    } else if (leaf.kind === 'supplier') {
      const table = new Uint8Array(noSupplier + 1);
      const frame = emptyFrame(0);
      for (let i = 0; i <= noSupplier; i++) {
        frame.supplierIndex = i;
        table[i] = leaf.test(frame) ? 1 : 0;
      }
      node = pure((f) => table[f.supplierIndex] === 1);
    } else {
      node = pure(leaf.test);
    }
    shared.set(leaf.key, node);
    return node;
  };

  const compileNode = (node: Node): CompiledNode => {
    const kind = booleanOf(node);
    if (kind === 'not') return negate(compileNode((node as RuleConditions).not as Node));
    if (!kind) return leafNode(node as RuleCondition);
    return combine(((node as RuleConditions)[kind] ?? []).map(compileNode), kind === 'any');
  };

  const compiled = config.rules.map((rule) => compileNode(rule.conditions));
  const plan = network.order.map((index) => ({ index, node: compiled[index] as CompiledNode }));
  const frame = emptyFrame(requestLeaves);

  const begin = (prepared: Prepared): Live[] => {
    frame.request = prepared.request;
    frame.library = prepared.library;
    frame.usage = prepared.usage;
    frame.supplier = undefined;
    frame.candidate = undefined;
    frame.supplierIndex = noSupplier;
    frame.epoch++;
    frame.known.fill(-1);
    const live: Live[] = [];
    for (const { index, node } of plan) {
      const rest = node.residual(frame);
      if (rest !== false) live.push({ index, test: rest === true ? undefined : rest });
    }
    return live;
  };
  const collect = (live: readonly Live[]): number[] => {
    const fired: number[] = [];
    for (let i = 0; i < live.length; i++) {
      const { index, test } = live[i] as Live;
      if (test === undefined || test(frame)) fired.push(index);
    }
    return fired;
  };

  return {
    ...network,
    fire(prepared) {
      const live = begin(prepared);
      return prepared.candidates.map((candidate) => {
        frame.supplier = candidate.supplier;
        frame.candidate = candidate.facts;
        frame.supplierIndex = candidate.index;
        return collect(live);
      });
    },
    fireRequestLevel(prepared) {
      return collect(begin(prepared));
    },
  };
}

function emptyFrame(requestLeaves: number): Frame {
  return {
    request: undefined,
    library: undefined,
    usage: undefined,
    supplier: undefined,
    candidate: undefined,
    supplierIndex: 0,
    epoch: 0,
    known: new Int8Array(requestLeaves),
  };
}

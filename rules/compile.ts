// Compiles a configuration's rules into closures that give, for every candidate, exactly the rules
// json-rules-engine would fire (see reference.ts), at a fraction of the cost. The work is split by
// what each condition reads: conditions on the request, the library and usage are evaluated once
// per request, conditions on the supplier alone once per supplier when the configuration is
// compiled, and only the rest per candidate. Rules the request-level conditions already decide
// never reach the candidates; the rest run down the columns of `Candidates`, one rule at a time
// over every candidate, so a comparison of a candidate fact against a constant is one loop.
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
import { effectivePriority, indexNetwork, type Fired, type Firings, type Network, type Prepared, type Usage } from './rank';
import { FLAG, type Candidates, type CandidateFacts, type FlagFact, type NumberFact } from './candidates';
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

/**
 * The values one evaluation sees: the request's, and the candidate at `position`, whose supplier is
 * `supplierIndex`; without candidates (`suppliers.length` as the index) no supplier is in view.
 */
interface Frame {
  request: unknown;
  library: unknown;
  usage: unknown;
  candidates: Candidates | undefined;
  position: number;
  supplierIndex: number;
  /** Changes with every request, so values read once per request can be kept until it does. */
  epoch: number;
  /** Request-level condition results for this request: -1 not yet evaluated, 0 false, 1 true. */
  known: Int8Array;
}

type Read = (frame: Frame) => unknown;
type Test = (frame: Frame) => boolean;
/** Writes a condition's outcome for every candidate in the frame, 1 or 0, from `out[at]` on. */
type Column = (frame: Frame, out: Uint8Array, at: number) => void;

/** A condition left to run per candidate: one at a time, or down the columns. */
interface Check {
  test: Test;
  column: Column;
}

const FACT_READERS: Record<string, Read> = {
  request: (frame) => frame.request,
  library: (frame) => frame.library,
  usage: (frame) => frame.usage,
  // Supplier values are read from per-supplier tables (`reader`), never from the frame.
  supplier: () => undefined,
  candidate: (frame) => frame.candidates?.facts(frame.position),
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

type UsageFrame = { usage?: Usage };

const NUMBER_FACTS: Record<NumberFact, (candidates: Candidates) => readonly number[]> = {
  targetHours: (candidates) => candidates.targetHours,
  estimatedCost: (candidates) => candidates.estimatedCost,
  load: (candidates) => candidates.load,
};
const isFlagFact = (key: string): key is FlagFact => Object.hasOwn(FLAG, key);
const isNumberFact = (key: string): key is NumberFact => Object.hasOwn(NUMBER_FACTS, key);

function flagReader(bit: number): Read {
  return ({ candidates, position }) => (candidates === undefined ? undefined : ((candidates.flags[position] as number) & bit) !== 0);
}

function numberReader(column: (candidates: Candidates) => readonly number[]): Read {
  return ({ candidates, position }) => (candidates === undefined ? undefined : column(candidates)[position]);
}

/**
 * Readers for what `prepare` sets for every candidate and request: one function per key, so none
 * of jsonpath-plus's checks are needed.
 */
const BUILT_READERS: Record<string, Record<string, Read>> = {
  candidate: {
    holds: flagReader(FLAG.holds),
    sameRegion: flagReader(FLAG.sameRegion),
    sameProvince: flagReader(FLAG.sameProvince),
    sameCity: flagReader(FLAG.sameCity),
    sameProximityGroup: flagReader(FLAG.sameProximityGroup),
    targetHours: numberReader(NUMBER_FACTS.targetHours),
    estimatedCost: numberReader(NUMBER_FACTS.estimatedCost),
    load: numberReader(NUMBER_FACTS.load),
    preferred: flagReader(FLAG.preferred),
    blocked: flagReader(FLAG.blocked),
    covers: flagReader(FLAG.covers),
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
interface Side {
  read: Read;
  facts: string[];
  /** A supplier fact's value for each supplier, by configuration position. */
  bySupplier?: readonly unknown[];
  /** The candidate fact a `$.key` path names, read down its column. */
  candidateKey?: string;
}

function reader(fact: unknown, path: unknown, suppliers: readonly Supplier[]): Side {
  const base = typeof fact === 'string' && Object.hasOwn(FACT_READERS, fact) ? FACT_READERS[fact] : undefined;
  if (!base) return { read: () => undefined, facts: [] };
  const facts = [fact as string];
  const inside = path ? pathReader(path as string) : undefined;
  if (fact === 'supplier') {
    const values = [...suppliers, undefined].map((supplier) => (inside && isObject(supplier) ? inside(supplier) : supplier));
    return { read: (frame) => values[frame.supplierIndex], facts, bySupplier: values };
  }
  if (!inside) return { read: base, facts };
  const key = SINGLE_KEY.exec(path as string)?.[1];
  const built = key === undefined ? undefined : BUILT_READERS[fact as string];
  if (key !== undefined && built && Object.hasOwn(built, key)) return { read: built[key] as Read, facts, ...(fact === 'candidate' && { candidateKey: key }) };
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
  /** Down the columns, where the condition compares a candidate fact with a constant. */
  column?: Column;
}

/** Each candidate's outcome, one at a time: for conditions no column is made for. */
function columnOf(test: Test): Column {
  return (frame, out, at) => {
    const { index, count } = frame.candidates as Candidates;
    for (let position = 0; position < count; position++) {
      frame.position = position;
      frame.supplierIndex = index[position] as number;
      out[at + position] = test(frame) ? 1 : 0;
    }
  };
}

/**
 * The comparisons a number column makes as the operator does: NaN compares false, as `isNumeric`
 * refuses it, and any other value as JavaScript compares. One loop per operator, so none calls a
 * comparison per candidate.
 */
function numberColumn(column: (candidates: Candidates) => readonly number[], name: string, value: Read): Column | undefined {
  const parts = (frame: Frame) => {
    const candidates = frame.candidates as Candidates;
    return { values: column(candidates), count: candidates.count, b: value(frame) as number };
  };
  switch (name) {
    case 'lessThan':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0; p < count; p++) out[at + p] = (values[p] as number) < b ? 1 : 0;
      };
    case 'lessThanInclusive':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0; p < count; p++) out[at + p] = (values[p] as number) <= b ? 1 : 0;
      };
    case 'greaterThan':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0; p < count; p++) out[at + p] = (values[p] as number) > b ? 1 : 0;
      };
    case 'greaterThanInclusive':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0; p < count; p++) out[at + p] = (values[p] as number) >= b ? 1 : 0;
      };
    case 'equal':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0; p < count; p++) out[at + p] = values[p] === b ? 1 : 0;
      };
    case 'notEqual':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0; p < count; p++) out[at + p] = values[p] !== b ? 1 : 0;
      };
    default:
      return undefined;
  }
}

/**
 * A comparison of a candidate fact with a value the same for every candidate (a constant, or a
 * request, library or usage fact), down its column: a flag is true or false, so the comparison is
 * made once for each; a number is compared as the operator does.
 */
function candidateColumn(key: string, name: string, value: Read): Column | undefined {
  const evaluate = operator(name);
  if (isFlagFact(key)) {
    const bit = FLAG[key];
    return (frame, out, at) => {
      const { flags, count } = frame.candidates as Candidates;
      const b = value(frame);
      const yes = evaluate(true, b) ? 1 : 0;
      const no = evaluate(false, b) ? 1 : 0;
      for (let position = 0; position < count; position++) out[at + position] = ((flags[position] as number) & bit) !== 0 ? yes : no;
    };
  }
  if (!isNumberFact(key)) return undefined;
  const column = NUMBER_FACTS[key];
  return (
    numberColumn(column, name, value) ??
    ((frame, out, at) => {
      const candidates = frame.candidates as Candidates;
      const values = column(candidates);
      const b = value(frame);
      for (let position = 0; position < candidates.count; position++) out[at + position] = evaluate(values[position], b) ? 1 : 0;
    })
  );
}

/** A supplier fact compared with a value the same for every candidate; `flip` when the supplier's is the rule's value, not its fact. */
function supplierColumn(bySupplier: readonly unknown[], name: string, value: Read, flip: boolean): Column {
  const evaluate = operator(name);
  return (frame, out, at) => {
    const { index, count } = frame.candidates as Candidates;
    const other = value(frame);
    for (let position = 0; position < count; position++) {
      const own = bySupplier[index[position] as number];
      out[at + position] = (flip ? evaluate(other, own) : evaluate(own, other)) ? 1 : 0;
    }
  };
}

const perRequest = (side: Side): boolean => side.facts.every((fact) => REQUEST_FACTS.has(fact));

/** The column for a condition that reads one candidate or supplier value and one the same for every candidate, where there is one. */
function mixedColumn(left: Side, right: Side | undefined, name: string, constant: unknown): Column | undefined {
  const value: Read = right ? right.read : () => constant;
  if (left.candidateKey !== undefined && (!right || perRequest(right))) return candidateColumn(left.candidateKey, name, value);
  if (left.bySupplier && right && perRequest(right)) return supplierColumn(left.bySupplier, name, right.read, false);
  if (right?.bySupplier && perRequest(left)) return supplierColumn(right.bySupplier, name, left.read, true);
  return undefined;
}

function compileLeaf(leaf: RuleCondition, suppliers: readonly Supplier[]): Leaf {
  const left = reader(leaf.fact, leaf.path, suppliers);
  const facts = [...left.facts];
  let test: Test;
  let column: Column | undefined;
  if (isFactReference(leaf.value)) {
    const right = reader(leaf.value.fact, leaf.value.path, suppliers);
    facts.push(...right.facts);
    const evaluate = operator(leaf.operator);
    test = (frame) => evaluate(left.read(frame), right.read(frame));
    column = mixedColumn(left, right, leaf.operator, undefined);
  } else {
    const constant = structuredClone(leaf.value);
    const compare = againstConstant(leaf.operator, constant);
    test = (frame) => compare(left.read(frame));
    column = mixedColumn(left, undefined, leaf.operator, constant);
  }
  const perRequest = facts.some((fact) => REQUEST_FACTS.has(fact));
  const kind: LeafClass = facts.includes('candidate')
    ? 'candidate'
    : facts.includes('supplier')
      ? perRequest ? 'candidate' : 'supplier'
      : 'request';
  return { test, kind, key: leafKey(leaf), ...(column && { column }) };
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
 * settle it, otherwise the check left to run per candidate.
 */
type Residual = boolean | Check;

interface CompiledNode {
  residual: (frame: Frame) => Residual;
  /** Set when the node reads no request-level condition, so its residual is always this check. */
  check?: Check;
}

const pure = (check: Check): CompiledNode => ({ residual: () => check, check });

function negate(inner: CompiledNode): CompiledNode {
  const invert = ({ test, column }: Check): Check => ({
    test: (frame) => !test(frame),
    column: (frame, out, at) => {
      column(frame, out, at);
      const { count } = frame.candidates as Candidates;
      for (let position = at; position < at + count; position++) out[position] = 1 - (out[position] as number);
    },
  });
  const { check } = inner;
  if (check) return pure(invert(check));
  return {
    residual: (frame) => {
      const rest = inner.residual(frame);
      return typeof rest === 'boolean' ? !rest : invert(rest);
    },
  };
}

/**
 * `all` (when `decisive` is false) or `any` (when it is true) of `checks`. Down the columns, each
 * check after the first runs into `scratch` and is folded in; once every candidate is settled the
 * rest are not run.
 */
function join(checks: readonly Check[], decisive: boolean, scratch: Uint8Array): Check {
  const [first, second] = checks;
  if (checks.length === 1 && first) return first;
  const tests = checks.map((check) => check.test);
  const test: Test =
    checks.length === 2 && first && second
      ? decisive
        ? (frame) => first.test(frame) || second.test(frame)
        : (frame) => first.test(frame) && second.test(frame)
      : (frame) => {
          for (const one of tests) if (one(frame) === decisive) return decisive;
          return !decisive;
        };
  const settled = decisive ? 1 : 0;
  const column: Column = (frame, out, at) => {
    const { count } = frame.candidates as Candidates;
    (checks[0] as Check).column(frame, out, at);
    for (let c = 1; c < checks.length; c++) {
      let open = 0;
      for (let position = at; position < at + count; position++) if (out[position] !== settled) open = 1;
      if (open === 0) return;
      (checks[c] as Check).column(frame, scratch, 0);
      for (let position = 0; position < count; position++) {
        if (scratch[position] === settled) out[at + position] = settled;
      }
    }
  };
  return { test, column };
}

/**
 * `all` (when `decisive` is false) or `any` (when it is true): a child settling to `decisive`
 * settles the node, children settling the other way drop out. An empty `any` passes, as in the engine.
 */
function combine(children: readonly CompiledNode[], decisive: boolean, scratchSize: number): CompiledNode {
  if (children.length === 0) return { residual: () => true, check: ALWAYS };
  const scratch = new Uint8Array(scratchSize);
  const checks = children.map((child) => child.check);
  if (checks.every((check) => check !== undefined)) return pure(join(checks as Check[], decisive, scratch));
  return {
    residual: (frame) => {
      const rest: Check[] = [];
      for (const child of children) {
        const part = child.residual(frame);
        if (part === decisive) return decisive;
        if (part !== !decisive) rest.push(part as Check);
      }
      return rest.length === 0 ? !decisive : join(rest, decisive, scratch);
    },
  };
}

const ALWAYS: Check = {
  test: () => true,
  column: (frame, out, at) => out.fill(1, at, at + (frame.candidates as Candidates).count),
};

/** A scalar a fact value can be found by in a `Map`: SameValueZero is `===` for every value but NaN, which no comparison matches. */
const isKey = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'boolean' || value === null || (typeof value === 'number' && !Number.isNaN(value));

/** A condition of a rule's root `all` that fires only where one request-level fact is one of some constants. */
interface Key {
  fact: string;
  path: unknown;
  values: unknown[];
}

function keysOf(conditions: RuleConditions): Key[] {
  const all: unknown = conditions.all;
  if (booleanOf(conditions) !== 'all' || !Array.isArray(all)) return [];
  return all.flatMap((child: unknown): Key[] => {
    if (!isObject(child) || booleanOf(child) || !Object.hasOwn(child, 'fact')) return [];
    const { fact, path, operator: name, value } = child as RuleCondition;
    if (typeof fact !== 'string' || !REQUEST_FACTS.has(fact) || isFactReference(value)) return [];
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
function ruleIndex(rules: readonly Rule[], suppliers: readonly Supplier[]): { keyed: Uint8Array; possible: (frame: Frame, marks: Uint8Array) => void } {
  const keys = rules.map((rule) => keysOf(rule.conditions));
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
    if (!group) groups.set(groupOf(best), (group = { read: reader(best.fact, best.path, suppliers).read, filed: new Map() }));
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

export interface CompiledNetwork extends Network {
  /** Rules fired for each candidate of a prepared request. */
  fire(prepared: Prepared): Firings;
  /** Rules fired for the request with no supplier in view, in `order`. */
  fireRequestLevel(prepared: Prepared): Fired;
}

interface Live {
  index: number;
  /** Absent when the rule fires for every candidate. */
  check: Check | undefined;
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
      node = pure({
        test: (f) => table[f.supplierIndex] === 1,
        column: (f, out, at) => {
          const { index, count } = f.candidates as Candidates;
          for (let position = 0; position < count; position++) out[at + position] = table[index[position] as number] as number;
        },
      });
    } else {
      node = pure({ test: leaf.test, column: leaf.column ?? columnOf(leaf.test) });
    }
    shared.set(leaf.key, node);
    return node;
  };

  const compileNode = (node: Node): CompiledNode => {
    const kind = booleanOf(node);
    if (kind === 'not') return negate(compileNode((node as RuleConditions).not as Node));
    if (!kind) return leafNode(node as RuleCondition);
    return combine(((node as RuleConditions)[kind] ?? []).map(compileNode), kind === 'any', noSupplier);
  };

  const compiled = config.rules.map((rule) => compileNode(rule.conditions));
  const plan = network.order.map((index) => ({ index, node: compiled[index] as CompiledNode }));
  const { keyed, possible } = ruleIndex(config.rules, suppliers);
  const marks = new Uint8Array(config.rules.length);
  const frame = emptyFrame(requestLeaves);

  const begin = (prepared: Prepared, candidates: Candidates | undefined): Live[] => {
    frame.request = prepared.request;
    frame.library = prepared.library;
    frame.usage = prepared.usage;
    frame.candidates = candidates;
    frame.position = 0;
    frame.supplierIndex = noSupplier;
    frame.epoch++;
    frame.known.fill(-1);
    marks.fill(0);
    possible(frame, marks);
    const live: Live[] = [];
    for (const { index, node } of plan) {
      if (keyed[index] === 1 && marks[index] === 0) continue;
      const rest = node.residual(frame);
      if (rest !== false) live.push({ index, check: rest === true ? undefined : rest });
    }
    return live;
  };

  return {
    ...network,
    fire(prepared) {
      const { candidates } = prepared;
      const live = begin(prepared, candidates);
      const { count } = candidates;
      const mask = new Uint8Array(live.length * count);
      live.forEach(({ check }, k) => {
        if (count === 0) return;
        if (check) check.column(frame, mask, k * count);
        else mask.fill(1, k * count, (k + 1) * count);
      });
      return { rules: live.map((rule) => rule.index), mask };
    },
    fireRequestLevel(prepared) {
      const fired: number[] = [];
      for (const { index, check } of begin(prepared, undefined)) if (check === undefined || check.test(frame)) fired.push(index);
      return fired;
    },
  };
}

function emptyFrame(requestLeaves: number): Frame {
  return {
    request: undefined,
    library: undefined,
    usage: undefined,
    candidates: undefined,
    position: 0,
    supplierIndex: 0,
    epoch: 0,
    known: new Int8Array(requestLeaves),
  };
}

// Compiles a configuration's rules into closures that give, for every candidate, exactly the rules
// json-rules-engine would fire (see reference.ts), at a fraction of the cost. The work is split by
// what each condition reads: conditions on the request, the library and usage are evaluated once
// per request, conditions on the supplier alone once per supplier when the configuration is
// compiled, and only the rest per candidate. A request walks through the rules in one function
// made for the configuration version (`walkOf`), and rules the request-level conditions already
// decide never reach the candidates; the rest run down the columns of `Candidates`, each distinct
// condition once per request over every candidate, so a comparison of a candidate fact against a
// constant is one loop, and its outcome is packed 32 candidates to a word (`rules/fired-bits.ts`).
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
import { isNumeric } from './operators';
import { indexNetwork, type Fired, type Firings, type Network, type Prepared, type Usage } from './rank';
import { FLAG, type Candidates, type CandidateFacts } from './candidates';
import { booleanOf, checkRules, isFactReference, isObject } from './condition-shape';
import { candidateColumn, columnOf, fillWords, flagReader, NUMBER_FACTS, numberReader, operator, supplierColumn, type Check, type Column, type Frame, type Read, type Test } from './columns';
import { FiredBits } from './fired-bits';
import { ruleIndex } from './rule-index';
import type { NetworkConfig, RuleCondition, RuleConditions, Supplier } from './types';

export { NETWORK_OPERATORS } from './operators';
export { checkRules } from './condition-shape';

type Node = RuleConditions | RuleCondition;
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

/** The operators comparing a number with a constant number, once the fact value is found numeric. */
const AGAINST_NUMBER: Record<string, (a: unknown, b: number) => boolean> = {
  lessThan: (a, b) => isNumeric(a) && (a as number) < b,
  lessThanInclusive: (a, b) => isNumeric(a) && (a as number) <= b,
  greaterThan: (a, b) => isNumeric(a) && (a as number) > b,
  greaterThanInclusive: (a, b) => isNumeric(a) && (a as number) >= b,
};
const NUMBER_OPERATORS = Object.keys(AGAINST_NUMBER);

/**
 * A condition comparing what `read` gives with a constant, in the form it takes for the shapes rules
 * use most: `===`, `!==`, membership of `members`, or `NUMBER_OPERATORS[number]`; `general` for the rest.
 */
interface Comparison {
  read: Read;
  name: string;
  form: 'equal' | 'notEqual' | 'in' | 'notIn' | 'number' | 'general';
  constant: unknown;
  members: ReadonlySet<unknown>;
  number: number;
}

const NO_MEMBERS: ReadonlySet<unknown> = new Set();

function comparison(read: Read, name: string, constant: unknown): Comparison {
  const form = { read, name, constant, members: NO_MEMBERS, number: -1 };
  if (name === 'equal' || name === 'notEqual') return { ...form, form: name };
  // indexOf never finds NaN, which a Set would.
  if ((name === 'in' || name === 'notIn') && Array.isArray(constant)) return { ...form, form: name, members: new Set(constant.filter((item) => !Number.isNaN(item))) };
  const number = typeof constant === 'number' ? NUMBER_OPERATORS.indexOf(name) : -1;
  return { ...form, form: number < 0 ? 'general' : 'number', number };
}

/** The comparison's test: one call per evaluation for the forms rules use most. */
function againstConstant({ read, name, form, constant, members }: Comparison): Test {
  switch (form) {
    case 'equal':
      return (frame) => read(frame) === constant;
    case 'notEqual':
      return (frame) => read(frame) !== constant;
    case 'in':
      return (frame) => members.has(read(frame));
    case 'notIn':
      return (frame) => !members.has(read(frame));
    case 'number': {
      const compare = AGAINST_NUMBER[name] as (a: unknown, b: number) => boolean;
      return (frame) => compare(read(frame), constant as number);
    }
    default: {
      const evaluate = operator(name);
      return (frame) => evaluate(read(frame), constant);
    }
  }
}

type LeafClass = 'request' | 'supplier' | 'candidate';

interface Leaf {
  test: Test;
  kind: LeafClass;
  key: string;
  /** Down the columns, where the condition compares a candidate fact with a constant. */
  column?: Column;
  /** Where the condition compares a fact with a constant. */
  comparison?: Comparison;
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

/** A fact and path's reader, one for every condition that reads them, so that a request reads each once. */
type Readers = (fact: unknown, path: unknown) => Side;

function compileLeaf(leaf: RuleCondition, readers: Readers): Leaf {
  const left = readers(leaf.fact, leaf.path);
  const facts = [...left.facts];
  let test: Test;
  let column: Column | undefined;
  let against: Comparison | undefined;
  if (isFactReference(leaf.value)) {
    const right = readers(leaf.value.fact, leaf.value.path);
    facts.push(...right.facts);
    const evaluate = operator(leaf.operator);
    test = (frame) => evaluate(left.read(frame), right.read(frame));
    column = mixedColumn(left, right, leaf.operator, undefined);
  } else {
    const constant = structuredClone(leaf.value);
    against = comparison(left.read, leaf.operator, constant);
    test = againstConstant(against);
    column = mixedColumn(left, undefined, leaf.operator, constant);
  }
  const perRequest = facts.some((fact) => REQUEST_FACTS.has(fact));
  const kind: LeafClass = facts.includes('candidate')
    ? 'candidate'
    : facts.includes('supplier')
      ? perRequest ? 'candidate' : 'supplier'
      : 'request';
  return { test, kind, key: leafKey(leaf), ...(column && { column }), ...(against && { comparison: against }) };
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
  /** Set when the node reads request-level conditions alone, so its residual is always `true` or `false`. */
  settled?: true;
  /** Set on a request-level condition: where a request keeps its outcome, in `Frame.known`. */
  slot?: number;
  /** Set on `all` or `any` of request-level conditions and checks, as administrators write most rules: what `residual` works out, for a request to work out without a call per condition. */
  flat?: Flat;
}

/** `all` (when `decisive` is false) or `any` (when it is true) of the request-level conditions kept at `slots`, and `rest` where none of them settles it. */
interface Flat {
  slots: Int32Array;
  decisive: boolean;
  rest: Residual;
}

const pure = (check: Check): CompiledNode => ({ residual: () => check, check });

function invert({ test, column }: Check): Check {
  return {
    test: (frame) => !test(frame),
    column: (frame, out, at) => {
      column(frame, out, at);
      const { words, tail } = frame;
      for (let w = 0; w < words; w++) out[at + w] = ~(out[at + w] as number) & (w === words - 1 ? tail : -1);
    },
  };
}

/**
 * A check made of conditions kept once per request (`CandidateConditions`), kept itself: rules
 * repeat whole residuals (the same region and sending mode, the same supplier but not a preferred
 * one), which each work out once per request for every rule that has them. `how` says how the
 * parts make the check.
 */
type Keep = (check: Check, parts: readonly Check[], how: string) => Check;

function negate(inner: CompiledNode, keep: Keep): CompiledNode {
  const { check } = inner;
  if (check) return pure(keep(invert(check), [check], 'not'));
  if (inner.settled) return { residual: (frame) => !inner.residual(frame), settled: true };
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
function join(checks: readonly Check[], decisive: boolean, scratch: Int32Array): Check {
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
  const column: Column = (frame, out, at) => {
    const { words, tail } = frame;
    (checks[0] as Check).column(frame, out, at);
    for (let c = 1; c < checks.length; c++) {
      let open = false;
      for (let w = 0; w < words && !open; w++) open = out[at + w] !== (decisive ? (w === words - 1 ? tail : -1) : 0);
      if (!open) return;
      (checks[c] as Check).column(frame, scratch, 0);
      if (decisive) for (let w = 0; w < words; w++) out[at + w] = (out[at + w] as number) | (scratch[w] as number);
      else for (let w = 0; w < words; w++) out[at + w] = (out[at + w] as number) & (scratch[w] as number);
    }
  };
  return { test, column };
}

/**
 * `all` (when `decisive` is false) or `any` (when it is true): a child settling to `decisive`
 * settles the node, children settling the other way drop out. An empty `any` passes, as in the engine.
 */
function combine(children: readonly CompiledNode[], decisive: boolean, scratchSize: number, keep: Keep): CompiledNode {
  if (children.length === 0) return { residual: () => true, check: ALWAYS };
  const scratch = new Int32Array(Math.ceil(scratchSize / 32));
  const checks = children.filter((child) => child.check).map((child) => child.check as Check);
  const joined = (): Check => (checks.length === 1 ? (checks[0] as Check) : keep(join(checks, decisive, scratch), checks, decisive ? 'any' : 'all'));
  if (checks.length === children.length) return pure(joined());
  const settled = children.filter((child) => child.settled);
  if (settled.length + checks.length === children.length) {
    // The request-level children decide the node or drop out; what is left to run per candidate
    // is the same for every request, so it is joined once, here.
    const rest = checks.length === 0 ? !decisive : joined();
    const residual = (frame: Frame): Residual => {
      for (const child of settled) if (child.residual(frame) === decisive) return decisive;
      return rest;
    };
    const flat = settled.every((child) => child.slot !== undefined) ? { flat: { slots: Int32Array.from(settled, (child) => child.slot as number), decisive, rest } } : {};
    return checks.length === 0 ? { residual, settled: true, ...flat } : { residual, ...flat };
  }
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

/**
 * The conditions left to run per candidate, each worked out at most once per request, when a rule
 * first needs it, into its row of `bits`: the rules an administrator writes repeat a few conditions
 * (a load threshold, a turnaround beyond the deadline, a region), so a request's fifty or so
 * conditions down the columns are some fifteen distinct ones. Conditions on the supplier alone are
 * known for every supplier when the configuration is compiled: the first a request needs sets the
 * candidates' bits of all of them, in rows of their own, in one pass over the candidates, from the
 * few each supplier meets.
 */
class CandidateConditions {
  /** Each condition's column, or where it is a supplier condition, its number among them, as `-1 - number`. */
  private readonly columns: (Column | number)[] = [];
  /** For each supplier, the supplier conditions it meets, while the configuration compiles. */
  private readonly met: number[][];
  private supplierConditions = 0;
  /** Words of a row: enough for every supplier. */
  private readonly row: number;
  private bits = new Int32Array(0);
  /** The `Frame.epoch` each condition's row was worked out for. */
  private epochs = new Int32Array(0);
  /** The supplier conditions' rows, `Frame.words` each for the request they were set for. */
  private supplierBits = new Int32Array(0);
  private supplierEpoch = -1;
  /** `meets[starts[s]]` to `meets[starts[s + 1]]` are the supplier conditions supplier `s` meets. */
  private starts = new Int32Array(0);
  private meets = new Int32Array(0);

  constructor(private readonly suppliers: number) {
    this.row = Math.ceil(suppliers / 32);
    this.met = Array.from({ length: suppliers }, () => []);
  }

  /** A condition on the supplier alone, met by supplier `s` where `table[s]` is 1. */
  supplierCheck(test: Test, table: Uint8Array): Check {
    const number = this.supplierConditions++;
    for (let s = 0; s < this.suppliers; s++) if (table[s] === 1) this.met[s]?.push(number);
    return this.check(test, -1 - number);
  }

  /** A condition worked out down `column`, or the supplier condition numbered `-1 - column`. */
  check(test: Test, column: Column | number): Check {
    const condition = this.columns.push(column) - 1;
    return { test, column: (frame, out, at) => this.copy(frame, condition, out, at), condition };
  }

  /** Makes the room for every condition compiled, before the first request. */
  seal(): void {
    this.bits = new Int32Array(this.columns.length * this.row);
    this.epochs = new Int32Array(this.columns.length).fill(-1);
    this.supplierBits = new Int32Array(this.supplierConditions * this.row);
    this.starts = new Int32Array(this.suppliers + 1);
    for (let s = 0; s < this.suppliers; s++) this.starts[s + 1] = (this.starts[s] as number) + (this.met[s]?.length ?? 0);
    this.meets = Int32Array.from(this.met.flat());
  }

  /** Copies condition `id`'s row for the frame's request to `out` at `at`, working it out if no rule has yet. */
  copy(frame: Frame, id: number, out: Int32Array, at: number): void {
    const { words, epoch } = frame;
    const column = this.columns[id] as Column | number;
    let bits: Int32Array;
    let from: number;
    if (typeof column === 'number') {
      if (this.supplierEpoch !== epoch) this.setSupplierRows(frame);
      bits = this.supplierBits;
      from = (-1 - column) * words;
    } else {
      bits = this.bits;
      from = id * this.row;
      if (this.epochs[id] !== epoch) {
        column(frame, bits, from);
        this.epochs[id] = epoch;
      }
    }
    for (let w = 0; w < words; w++) out[at + w] = bits[from + w] as number;
  }

  private setSupplierRows(frame: Frame): void {
    const { supplierBits, starts, meets } = this;
    const { words } = frame;
    const { index, count } = frame.candidates as Candidates;
    supplierBits.fill(0, 0, this.supplierConditions * words);
    for (let p = 0; p < count; p++) {
      const supplier = index[p] as number;
      const bit = 1 << (p & 31);
      const w = p >>> 5;
      for (let m = starts[supplier] as number, end = starts[supplier + 1] as number; m < end; m++) {
        const slot = (meets[m] as number) * words + w;
        supplierBits[slot] = (supplierBits[slot] as number) | bit;
      }
    }
    this.supplierEpoch = frame.epoch;
  }
}

const ALWAYS: Check = {
  test: () => true,
  column: (frame, out, at) => fillWords(frame, out, at, true),
};

export interface CompiledNetwork extends Network {
  /**
   * Rules fired for each candidate of a prepared request, packed (`Firings.packed`) and as a mask
   * unpacked on first reading. Both are the network's own room, a decision's worth: read them
   * before this network fires again (the mask refuses to be read after).
   */
  fire(prepared: Prepared): Firings;
  /** Rules fired for the request with no supplier in view, in `order`. */
  fireRequestLevel(prepared: Prepared): Fired;
  /** Whether any rule could fire for the request, for some candidate or with none: false when its own facts settle every rule false. */
  mayFire(facts: Pick<Prepared, 'request' | 'library' | 'usage'>): boolean;
}

/** Compiles once per configuration version; the result is immutable and may serve any number of requests. */
export function compile(config: NetworkConfig): CompiledNetwork {
  checkRules(config.rules);
  const network = indexNetwork(config);
  const suppliers = config.suppliers;
  const noSupplier = suppliers.length;
  let requestLeaves = 0;
  /** The request-level conditions, by their place in `Frame.known`. */
  const requestTests: Test[] = [];
  const requestComparisons: (Comparison | undefined)[] = [];
  const shared = new Map<string, CompiledNode>();
  const sides = new Map<string, Side>();
  const perCandidate = new CandidateConditions(noSupplier);
  const readers: Readers = (fact, path) => {
    const key = JSON.stringify([fact, path || '']);
    let side = sides.get(key);
    if (!side) sides.set(key, (side = reader(fact, path, suppliers)));
    return side;
  };

  const leafNode = (condition: RuleCondition): CompiledNode => {
    const leaf = compileLeaf(condition, readers);
    const existing = shared.get(leaf.key);
    if (existing) return existing;
    let node: CompiledNode;
    if (leaf.kind === 'request') {
      const slot = requestLeaves++;
      requestTests[slot] = leaf.test;
      requestComparisons[slot] = leaf.comparison;
      node = {
        slot,
        residual: (frame) => {
          let value = frame.known[slot] as number;
          if (value < 0) value = frame.known[slot] = leaf.test(frame) ? 1 : 0;
          return value === 1;
        },
        settled: true,
      };
    } else if (leaf.kind === 'supplier') {
      const table = new Uint8Array(noSupplier + 1);
      const frame = emptyFrame(0, 0);
      for (let i = 0; i <= noSupplier; i++) {
        frame.supplierIndex = i;
        table[i] = leaf.test(frame) ? 1 : 0;
      }
      node = pure(perCandidate.supplierCheck((f) => table[f.supplierIndex] === 1, table));
    } else {
      node = pure(perCandidate.check(leaf.test, leaf.column ?? columnOf(leaf.test)));
    }
    shared.set(leaf.key, node);
    return node;
  };

  const kept = new Map<string, Check>();
  const keep: Keep = (check, parts, how) => {
    if (!parts.every((part) => part.condition !== undefined)) return check;
    const key = `${how} ${parts.map((part) => part.condition).join(' ')}`;
    let same = kept.get(key);
    if (!same) kept.set(key, (same = perCandidate.check(check.test, check.column)));
    return same;
  };

  const compileNode = (node: Node): CompiledNode => {
    const kind = booleanOf(node);
    if (kind === 'not') return negate(compileNode((node as RuleConditions).not as Node), keep);
    if (!kind) return leafNode(node as RuleCondition);
    return combine(((node as RuleConditions)[kind] ?? []).map(compileNode), kind === 'any', noSupplier, keep);
  };

  const compiled = config.rules.map((rule) => compileNode(rule.conditions));
  perCandidate.seal();
  const { keyed, possible } = ruleIndex(config.rules, (fact, path) => readers(fact, path).read, REQUEST_FACTS);
  const rests: Residual[] = [];
  const residuals: ((frame: Frame) => Residual)[] = [];
  const walk = walkOf(
    { tests: requestTests, comparisons: requestComparisons, rests, residuals },
    network.order.map((index, k): Step => {
      const { flat, residual } = compiled[index] as CompiledNode;
      const filed = keyed[index] === 1;
      if (!flat) {
        residuals[k] = residual;
        return { index, filed, called: true, slots: NO_SLOTS, decisive: false };
      }
      rests[k] = flat.rest;
      return { index, filed, called: false, slots: flat.slots, decisive: flat.decisive };
    }),
  );
  const marks = new Uint8Array(config.rules.length);
  const frame = emptyFrame(requestLeaves, noSupplier);
  const fired = new FiredBits(new Int32Array(config.rules.length * Math.ceil(noSupplier / 32)), new Int32Array(noSupplier));
  const room = new MaskRoom();

  /** What is left of each live rule once its request-level conditions are decided: absent when it fires for every candidate. */
  const checks: (Check | undefined)[] = [];
  /** The walk's room for the rules that may fire, copied out at their count: a list grown rule by rule per request would be reallocated as it grows. */
  const live: number[] = [];
  /** The rules that may fire for the request, in order, with what is left of them in `checks`. */
  const begin = (prepared: Pick<Prepared, 'request' | 'library' | 'usage'>, candidates: Candidates | undefined): number[] => {
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
    return live.slice(0, walk(frame, frame.known, marks, checks, live));
  };

  return {
    ...network,
    fire(prepared) {
      const { candidates } = prepared;
      const rules = begin(prepared, candidates);
      const { count, flags } = candidates;
      const words = (count + 31) >>> 5;
      frame.words = words;
      frame.tail = count % 32 === 0 ? -1 : (1 << count % 32) - 1;
      const { flagWords } = frame;
      flagWords.fill(0, 0, FLAG_PLACES * words);
      for (let at = 0; at < count; at++) {
        for (let bits = flags[at] as number; bits !== 0; bits &= bits - 1) {
          const slot = (31 - Math.clz32(bits & -bits)) * words + (at >>> 5);
          flagWords[slot] = (flagWords[slot] as number) | (1 << (at & 31));
        }
      }
      const { bits } = fired;
      for (let k = 0; k < rules.length && count > 0; k++) {
        const check = checks[k];
        if (check === undefined) fillWords(frame, bits, k * words, true);
        else if (check.condition === undefined) check.column(frame, bits, k * words);
        else perCandidate.copy(frame, check.condition, bits, k * words);
      }
      return room.firings(rules, fired.over(count), count);
    },
    mayFire(facts) {
      return begin(facts, undefined).length > 0;
    },
    fireRequestLevel(prepared) {
      const fired: number[] = [];
      begin(prepared, undefined).forEach((index, k) => {
        const check = checks[k];
        if (check === undefined || check.test(frame)) fired.push(index);
      });
      return fired;
    },
  };
}

/**
 * A rule as a request meets it: `filed` when `ruleIndex` filed it under request values; `called`
 * when its node's `residual` is called, otherwise `slots` and `decisive` as its `Flat`.
 */
interface Step {
  index: number;
  filed: boolean;
  called: boolean;
  slots: Int32Array;
  decisive: boolean;
}

/**
 * Walks a request through the rules, made once per configuration version as one function with a
 * line per rule: each condition, read and residual is called from a place of its own, which the
 * runtime can specialise to it, where one loop over the rules would call every one from the same
 * place. The source holds nothing but numbers this code counted (slots, positions, rule indices)
 * and words written here, never a text of the configuration, so no rule can put code in it. It
 * writes to `live` the rules that may fire, as `begin` documents, with what is left of each in
 * `checks`, and returns how many.
 */
type Walk = (frame: Frame, known: Int8Array, marks: Uint8Array, checks: (Check | undefined)[], live: number[]) => number;

/** What the walk's lines call and compare with, by slot (`Frame.known`) or by place in `Network.order`. */
interface WalkValues {
  tests: readonly Test[];
  comparisons: readonly (Comparison | undefined)[];
  rests: readonly Residual[];
  residuals: readonly ((frame: Frame) => Residual)[];
}

/** The walk's source for the request-level condition at `slot`. */
function conditionSource(slot: number, against: Comparison | undefined): string {
  const value = `reads[${slot}](frame)`;
  switch (against?.form) {
    case 'equal':
      return `${value} === values[${slot}]`;
    case 'notEqual':
      return `${value} !== values[${slot}]`;
    case 'in':
      return `sets[${slot}].has(${value})`;
    case 'notIn':
      return `!sets[${slot}].has(${value})`;
    case 'number':
      return `numbers[${against.number}](${value}, values[${slot}])`;
    default:
      return `tests[${slot}](frame)`;
  }
}

function walkOf({ tests, comparisons, rests, residuals }: WalkValues, steps: readonly Step[]): Walk {
  const lines = steps.map(({ index, filed, called, slots, decisive }, k) => {
    const settles = [...slots].map((slot) => `(known[${slot}] < 0 ? (known[${slot}] = ${conditionSource(slot, comparisons[slot])} ? 1 : 0) : known[${slot}]) === ${decisive ? 1 : 0}`);
    const rest = called ? `residuals[${k}](frame)` : settles.length === 0 ? `rests[${k}]` : `${settles.join(' || ')} ? ${decisive} : rests[${k}]`;
    const live = `{ const rest = ${rest}; if (rest !== false) { checks[n] = rest === true ? undefined : rest; live[n++] = ${index}; } }`;
    return filed ? `if (marks[${index}] === 1) ${live}` : live;
  });
  const source = `return (frame, known, marks, checks, live) => {\nlet n = 0;\n${lines.join('\n')}\nreturn n;\n};`;
  const numbers = NUMBER_OPERATORS.map((name) => AGAINST_NUMBER[name]);
  const make = new Function('tests', 'reads', 'values', 'sets', 'numbers', 'rests', 'residuals', source) as (...values: unknown[]) => Walk;
  return make(
    tests,
    comparisons.map((against) => against?.read),
    comparisons.map((against) => against?.constant),
    comparisons.map((against) => against?.members),
    numbers,
    rests,
    residuals,
  );
}

const NO_SLOTS = new Int32Array(0);

/**
 * The network's room for a decision's firings unpacked: a mask per decision would be a buffer
 * allocated and collected per decision.
 */
class MaskRoom {
  fires = 0;
  private bytes = new Uint8Array(0);

  firings(rules: readonly number[], packed: FiredBits, count: number): Firings {
    return new RoomFirings(rules, packed, count, ++this.fires, this);
  }

  unpack(packed: FiredBits, rules: number, count: number): Uint8Array {
    if (this.bytes.length < rules * count) this.bytes = new Uint8Array(Math.max(rules * count, 2 * this.bytes.length));
    return packed.unpack(this.bytes.subarray(0, rules * count), rules);
  }
}

class RoomFirings implements Firings {
  private unpacked: Uint8Array | undefined;

  constructor(
    readonly rules: readonly number[],
    readonly packed: FiredBits,
    private readonly count: number,
    private readonly firing: number,
    private readonly room: MaskRoom,
  ) {}

  /** Only what reads the firings byte by byte unpacks them (json-rules-engine comparisons, tests). */
  get mask(): Uint8Array {
    if (this.firing !== this.room.fires) throw new Error('a firing was read after the network fired again');
    this.unpacked ??= this.room.unpack(this.packed, this.rules.length, this.count);
    return this.unpacked;
  }
}

/** Places of the candidate flag bits (`FLAG`). */
const FLAG_PLACES = 32 - Math.clz32(Math.max(...Object.values(FLAG)));

function emptyFrame(requestLeaves: number, suppliers: number): Frame {
  return {
    request: undefined,
    library: undefined,
    usage: undefined,
    candidates: undefined,
    position: 0,
    supplierIndex: 0,
    words: 0,
    tail: 0,
    flagWords: new Int32Array(FLAG_PLACES * Math.ceil(suppliers / 32)),
    epoch: 0,
    known: new Int8Array(requestLeaves),
  };
}

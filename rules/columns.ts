// The columns rules run down: the frame an evaluation reads, and comparisons made for every
// candidate of a request in one loop, where a condition compares a candidate's or a supplier's value
// with one that is the same for every candidate.

import { OPERATORS, type Operator } from './operators';
import { FLAG, type Candidates, type FlagFact, type NumberFact } from './candidates';

export type Evaluate = (factValue: unknown, ruleValue: unknown) => boolean;

/** As json-rules-engine's Operator evaluates: the fact-value check, then the comparison. */
export function operator(name: string): Evaluate {
  const { validate, compare } = OPERATORS[name] as Operator;
  return (a, b) => validate(a) && compare(a, b);
}

/**
 * The values one evaluation sees: the request's, and the candidate at `position`, whose supplier is
 * `supplierIndex`; without candidates (`suppliers.length` as the index) no supplier is in view.
 */
export interface Frame {
  request: unknown;
  library: unknown;
  usage: unknown;
  candidates: Candidates | undefined;
  position: number;
  supplierIndex: number;
  /** Words a column of the candidates takes, 32 candidates to a word. */
  words: number;
  /** The bits of the last word that are candidates. */
  tail: number;
  /** For each candidate flag bit (`FLAG`), by its place, the candidates that have it: `words` words each. */
  flagWords: Int32Array;
  /** Changes with every request, so values read once per request can be kept until it does. */
  epoch: number;
  /** Request-level condition results for this request: -1 not yet evaluated, 0 false, 1 true. */
  known: Int8Array;
}

export type Read = (frame: Frame) => unknown;
export type Test = (frame: Frame) => boolean;
/**
 * Writes a condition's outcome for every candidate in the frame, packed: candidate `p` is bit
 * `p % 32` of word `at + p / 32`, and the bits past the last candidate are 0.
 */
export type Column = (frame: Frame, out: Int32Array, at: number) => void;

/** A condition left to run per candidate: one at a time, or down the columns. */
export interface Check {
  test: Test;
  column: Column;
  /** Set where the check is one condition's, kept once per request: its number among them. */
  condition?: number;
}

export const NUMBER_FACTS: Record<NumberFact, (candidates: Candidates) => readonly number[]> = {
  targetHours: (candidates) => candidates.targetHours,
  estimatedCost: (candidates) => candidates.estimatedCost,
  load: (candidates) => candidates.load,
};
export const isFlagFact = (key: string): key is FlagFact => Object.hasOwn(FLAG, key);
export const isNumberFact = (key: string): key is NumberFact => Object.hasOwn(NUMBER_FACTS, key);

export function flagReader(bit: number): Read {
  return ({ candidates, position }) => (candidates === undefined ? undefined : ((candidates.flags[position] as number) & bit) !== 0);
}

export function numberReader(column: (candidates: Candidates) => readonly number[]): Read {
  return ({ candidates, position }) => (candidates === undefined ? undefined : column(candidates)[position]);
}

/** Every candidate's bit set, or none. */
export function fillWords(frame: Frame, out: Int32Array, at: number, value: boolean): void {
  const last = at + frame.words - 1;
  out.fill(value ? -1 : 0, at, last);
  out[last] = value ? frame.tail : 0;
}

/** Each candidate's outcome, one at a time: for conditions no column is made for. */
export function columnOf(test: Test): Column {
  return (frame, out, at) => {
    const { index, count } = frame.candidates as Candidates;
    for (let position = 0, w = at; position < count; w++) {
      let word = 0;
      for (let bit = 0; bit < 32 && position < count; bit++, position++) {
        frame.position = position;
        frame.supplierIndex = index[position] as number;
        if (test(frame)) word |= 1 << bit;
      }
      out[w] = word;
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
        for (let p = 0, w = at; p < count; w++) {
          let word = 0;
          for (let bit = 0; bit < 32 && p < count; bit++, p++) if ((values[p] as number) < b) word |= 1 << bit;
          out[w] = word;
        }
      };
    case 'lessThanInclusive':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0, w = at; p < count; w++) {
          let word = 0;
          for (let bit = 0; bit < 32 && p < count; bit++, p++) if ((values[p] as number) <= b) word |= 1 << bit;
          out[w] = word;
        }
      };
    case 'greaterThan':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0, w = at; p < count; w++) {
          let word = 0;
          for (let bit = 0; bit < 32 && p < count; bit++, p++) if ((values[p] as number) > b) word |= 1 << bit;
          out[w] = word;
        }
      };
    case 'greaterThanInclusive':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0, w = at; p < count; w++) {
          let word = 0;
          for (let bit = 0; bit < 32 && p < count; bit++, p++) if ((values[p] as number) >= b) word |= 1 << bit;
          out[w] = word;
        }
      };
    case 'equal':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0, w = at; p < count; w++) {
          let word = 0;
          for (let bit = 0; bit < 32 && p < count; bit++, p++) if (values[p] === b) word |= 1 << bit;
          out[w] = word;
        }
      };
    case 'notEqual':
      return (frame, out, at) => {
        const { values, count, b } = parts(frame);
        for (let p = 0, w = at; p < count; w++) {
          let word = 0;
          for (let bit = 0; bit < 32 && p < count; bit++, p++) if (values[p] !== b) word |= 1 << bit;
          out[w] = word;
        }
      };
    default:
      return undefined;
  }
}

/**
 * A comparison of a candidate fact with a value the same for every candidate (a constant, or a
 * request, library or usage fact), down its column: a flag is true or false, so the comparison is
 * made once for each and the candidates with the flag are the frame's words for it; a number is
 * compared as the operator does.
 */
export function candidateColumn(key: string, name: string, value: Read): Column | undefined {
  const evaluate = operator(name);
  if (isFlagFact(key)) {
    const place = 31 - Math.clz32(FLAG[key]);
    return (frame, out, at) => {
      const b = value(frame);
      const yes = evaluate(true, b);
      const no = evaluate(false, b);
      if (yes === no) return fillWords(frame, out, at, yes);
      const { words, tail, flagWords } = frame;
      const from = place * words;
      for (let w = 0; w < words; w++) {
        const have = flagWords[from + w] as number;
        out[at + w] = yes ? have : ~have & (w === words - 1 ? tail : -1);
      }
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
      for (let p = 0, w = at; p < candidates.count; w++) {
        let word = 0;
        for (let bit = 0; bit < 32 && p < candidates.count; bit++, p++) if (evaluate(values[p], b)) word |= 1 << bit;
        out[w] = word;
      }
    })
  );
}

/** A supplier fact compared with a value the same for every candidate; `flip` when the supplier's is the rule's value, not its fact. */
export function supplierColumn(bySupplier: readonly unknown[], name: string, value: Read, flip: boolean): Column {
  // `equal` and `notEqual` check nothing first and compare either way round alike: no call per candidate.
  if (name === 'equal' || name === 'notEqual') {
    const equal = name === 'equal';
    return (frame, out, at) => {
      const { index, count } = frame.candidates as Candidates;
      const other = value(frame);
      for (let p = 0, w = at; p < count; w++) {
        let word = 0;
        for (let bit = 0; bit < 32 && p < count; bit++, p++) if ((bySupplier[index[p] as number] === other) === equal) word |= 1 << bit;
        out[w] = word;
      }
    };
  }
  const evaluate = operator(name);
  return (frame, out, at) => {
    const { index, count } = frame.candidates as Candidates;
    const other = value(frame);
    for (let p = 0, w = at; p < count; w++) {
      let word = 0;
      for (let bit = 0; bit < 32 && p < count; bit++, p++) {
        const own = bySupplier[index[p] as number];
        if (flip ? evaluate(other, own) : evaluate(own, other)) word |= 1 << bit;
      }
      out[w] = word;
    }
  };
}

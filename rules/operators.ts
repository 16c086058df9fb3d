// The one catalogue of operators a rule condition may use: json-rules-engine's own plus the
// network's. `ill check` accepts exactly these (the rules schema lists the same names for
// editors), and both evaluators run them. json-rules-engine's operator decorators (`not:`,
// `someFact:`, `everyValue:`, `swap:` ...) are left out: `not` groups, `notEqual`, `notIn`,
// `doesNotContain` and `intersects` say what the shipped rules need, and the shape checks below
// could not tell what a decorated comparison needs of its fact and value.
//
// The shapes let `ill check` reject comparisons that can never be true, such as `lessThan` on a
// language code, before a rule silently fails to match.

/** `scalar` is a string, number, boolean or null; `any` is a scalar or a list. */
export type OperandShape = 'scalar' | 'number' | 'string' | 'array' | 'boolean' | 'any';

export interface Operator {
  fact: OperandShape;
  value: OperandShape;
  description: string;
  /** json-rules-engine's fact-value check: when false the condition fails without comparing. */
  validate(factValue: unknown): boolean;
  compare(factValue: unknown, ruleValue: unknown): boolean;
}

const always = (): boolean => true;
/** json-rules-engine's `numberValidator`: anything parseFloat reads a number from. */
export const isNumeric = (value: unknown): boolean =>
  typeof value === 'number' ? !Number.isNaN(value) : !Number.isNaN(Number.parseFloat(value as string));
type Indexable = { indexOf(item: unknown): number };

const numeric = (description: string, compare: (a: number, b: number) => boolean): Operator => ({
  fact: 'number',
  value: 'number',
  description,
  validate: isNumeric,
  compare: (a, b) => compare(a as number, b as number),
});

/**
 * json-rules-engine's built-in operators, as its engine-default-operators module defines them. The
 * engine runs its own; these are what the compiled evaluator runs in their place.
 */
export const ENGINE_OPERATORS: Record<string, Operator> = {
  // json-rules-engine compares with ===, so a list fact never equals anything.
  equal: { fact: 'scalar', value: 'scalar', description: 'the fact is the value', validate: always, compare: (a, b) => a === b },
  notEqual: { fact: 'scalar', value: 'scalar', description: 'the fact is not the value', validate: always, compare: (a, b) => a !== b },
  in: { fact: 'scalar', value: 'array', description: 'the fact is one of the values', validate: always, compare: (a, b) => (b as Indexable).indexOf(a) > -1 },
  notIn: { fact: 'scalar', value: 'array', description: 'the fact is none of the values', validate: always, compare: (a, b) => (b as Indexable).indexOf(a) === -1 },
  contains: {
    fact: 'array',
    value: 'scalar',
    description: 'the fact list contains the value',
    validate: Array.isArray,
    compare: (a, b) => (a as unknown[]).indexOf(b) > -1,
  },
  doesNotContain: {
    fact: 'array',
    value: 'scalar',
    description: 'the fact list does not contain the value',
    validate: Array.isArray,
    compare: (a, b) => (a as unknown[]).indexOf(b) === -1,
  },
  lessThan: numeric('the fact is below the value', (a, b) => a < b),
  lessThanInclusive: numeric('the fact is at most the value', (a, b) => a <= b),
  greaterThan: numeric('the fact is above the value', (a, b) => a > b),
  greaterThanInclusive: numeric('the fact is at least the value', (a, b) => a >= b),
};

/** The network's own operators, registered with json-rules-engine as they are. */
export const NETWORK_OPERATORS: Record<string, Operator> = {
  intersects: {
    fact: 'array',
    value: 'array',
    description: 'the fact list and the value list share at least one element',
    validate: Array.isArray,
    compare: (factValue, ruleValue) => Array.isArray(ruleValue) && (factValue as unknown[]).some((item) => ruleValue.includes(item)),
  },
  startsWith: {
    fact: 'string',
    value: 'string',
    description: 'the fact string begins with the value',
    validate: (factValue) => typeof factValue === 'string',
    compare: (factValue, ruleValue) => typeof ruleValue === 'string' && (factValue as string).startsWith(ruleValue),
  },
  exists: {
    fact: 'any',
    value: 'boolean',
    description: 'with true, the fact is given (not missing, null or an empty string); with false, it is not',
    // A missing fact is what `exists: false` asks about, so it must reach the comparison.
    validate: always,
    compare: (factValue, ruleValue) => (factValue !== undefined && factValue !== null && factValue !== '') === (ruleValue === true),
  },
};

export const OPERATORS: Record<string, Operator> = { ...ENGINE_OPERATORS, ...NETWORK_OPERATORS };

export function isOperatorName(name: unknown): name is string {
  return typeof name === 'string' && Object.hasOwn(OPERATORS, name);
}

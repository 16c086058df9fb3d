// Operators a rule condition may use: json-rules-engine's defaults plus the custom ones below.
// The shapes let `ill check` reject comparisons that can never be true, such as `lessThan` on a
// language code, before a rule silently fails to match.

/** `scalar` is a string, number, boolean or null. */
export type OperandShape = 'scalar' | 'number' | 'string' | 'array';

export interface OperatorSignature {
  fact: OperandShape;
  value: OperandShape;
  description: string;
}

export interface CustomOperator extends OperatorSignature {
  evaluate(factValue: unknown, ruleValue: unknown): boolean;
  /** json-rules-engine's fact validator: when false the condition fails without calling evaluate. */
  validateFact?(factValue: unknown): boolean;
}

export const CUSTOM_OPERATORS: Record<string, CustomOperator> = {
  intersects: {
    fact: 'array',
    value: 'array',
    description: 'the fact list and the value list share at least one element',
    evaluate: (factValue, ruleValue) =>
      Array.isArray(factValue) && Array.isArray(ruleValue) && factValue.some((item) => ruleValue.includes(item)),
    validateFact: Array.isArray,
  },
  startsWith: {
    fact: 'string',
    value: 'string',
    description: 'the fact string begins with the value',
    evaluate: (factValue, ruleValue) =>
      typeof factValue === 'string' && typeof ruleValue === 'string' && factValue.startsWith(ruleValue),
    validateFact: (factValue) => typeof factValue === 'string',
  },
};

const numeric = (description: string): OperatorSignature => ({ fact: 'number', value: 'number', description });

/** json-rules-engine's built-in operators, as its engine-default-operators module defines them. */
export const DEFAULT_OPERATORS: Record<string, OperatorSignature> = {
  // json-rules-engine compares with ===, so a list fact never equals anything.
  equal: { fact: 'scalar', value: 'scalar', description: 'the fact is the value' },
  notEqual: { fact: 'scalar', value: 'scalar', description: 'the fact is not the value' },
  in: { fact: 'scalar', value: 'array', description: 'the fact is one of the values' },
  notIn: { fact: 'scalar', value: 'array', description: 'the fact is none of the values' },
  contains: { fact: 'array', value: 'scalar', description: 'the fact list contains the value' },
  doesNotContain: { fact: 'array', value: 'scalar', description: 'the fact list does not contain the value' },
  lessThan: numeric('the fact is below the value'),
  lessThanInclusive: numeric('the fact is at most the value'),
  greaterThan: numeric('the fact is above the value'),
  greaterThanInclusive: numeric('the fact is at least the value'),
};

export const OPERATORS: Record<string, OperatorSignature> = { ...DEFAULT_OPERATORS, ...CUSTOM_OPERATORS };

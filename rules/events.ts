// The parameters each rule event takes. The evaluator reads events through these names, and
// `ill check` holds rules to them so a misspelt or missing parameter is caught before routing.

import type { RuleEventType } from './types';

export interface ParamSpec {
  type: 'string' | 'number';
  required: boolean;
  /** Smallest allowed value of a number, inclusive. */
  min?: number;
  integer?: boolean;
  description: string;
}

const reason = (description: string): Record<string, ParamSpec> => ({
  reason: { type: 'string', required: true, description },
});

export const EVENT_PARAMS: Record<RuleEventType, Record<string, ParamSpec>> = {
  exclude: reason('why the supplier is not tried, shown in the routing explanation'),
  score: {
    add: { type: 'number', required: true, description: 'points added to the supplier’s score; negative to subtract' },
    reason: { type: 'string', required: false, description: 'why, shown in the routing explanation' },
  },
  tier: {
    tier: { type: 'number', required: true, integer: true, min: 1, description: 'tier of the supplier, 1 is tried first' },
  },
  review: reason('what the reviewing librarian should look at'),
  approveCost: reason('what the library approves'),
  escalate: reason('why search-proxy staff take the request'),
  deadline: {
    hours: { type: 'number', required: true, min: 1, description: 'turnaround deadline for each supplier try, in hours' },
  },
  reject: reason('why the request cannot be served, shown to the reader'),
};

export const EVENT_TYPES = Object.keys(EVENT_PARAMS) as RuleEventType[];

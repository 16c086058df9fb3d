import type { Money } from './request';

/** The limits a price is held to: what the library lets a request cost unasked, and what the reader will pay. */
export interface CostLimits {
  autoApproveLimit?: Money;
  maxCost?: Money;
}

type ExceededLimit = { limit: keyof CostLimits; value: Money };

/**
 * The first limit a price exceeds, or undefined when it is within all of them. A limit in another
 * currency is exceeded: the engine converts no money, so a librarian must look.
 */
export function exceededLimit(price: Money, limits: CostLimits): ExceededLimit | undefined {
  for (const limit of ['autoApproveLimit', 'maxCost'] as const) {
    const value = limits[limit];
    if (value && (value.currency !== price.currency || price.amount > value.amount)) return { limit, value };
  }
  return undefined;
}

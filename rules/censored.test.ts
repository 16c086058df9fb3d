import { describe, expect, it } from 'vitest';
import { censoredInterval } from './censored';

describe('times some of which are still running', () => {
  it('estimates percentiles from times some of which are still running, as Kaplan and Meier do', () => {
    // Nothing open: the times' own percentiles.
    expect(censoredInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [])).toEqual({ p10: 2, median: 6, p90: 10 });
    // Open ones past all ended: their weight is carried past them, in the shape of the longer times
    // kept from before, else of the log-normal that fits the ended ones.
    const ended = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(censoredInterval(ended, [{ hours: 9.5, weight: 3 }], Float64Array.from([...ended, 12, 30]))).toEqual({ p10: 1.7, median: 6.5, p90: 15.6 });
    const fitted = censoredInterval(ended, [{ hours: 9.5, weight: 3 }])!;
    expect(fitted.median).toBe(6.5);
    expect(fitted.p90).toBeGreaterThan(15);
    expect(fitted.p90).toBeLessThan(25);
    // Too little ended to tell.
    expect(censoredInterval([], [{ hours: 3, weight: 1 }])).toBeUndefined();
    expect(censoredInterval([1], Array.from({ length: 20 }, () => ({ hours: 5, weight: 1 })))).toBeUndefined();
  });
});

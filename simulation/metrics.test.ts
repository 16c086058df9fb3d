import { describe, expect, it } from 'vitest';
import { prng } from '../bench/network-generator';
import { demotedAfter, quantile, type Trace } from './metrics';

/** A supplier first choice for `share` of the requests it could serve before `at` 1000, then for `later` of them from request `from` on; every first choice sent. */
function trace(share: number, later: number, from: number, seed = 1): Trace {
  const next = prng(seed);
  const t: Trace = { before: new Map([['s', { plans: 1000, firsts: Math.round(share * 1000) }]]), plans: [], sends: [] };
  for (let i = 0; i < 3000; i++) {
    const at = 1000 + i;
    const first = next() < (i < from ? share : later);
    t.plans.push({ supplierId: 's', at, first });
    if (first) t.sends.push({ supplierId: 's', at });
  }
  return t;
}

describe('demotion of a degraded supplier', () => {
  it('is placed where its share fell, counting the orders sent it until then', () => {
    // First choice for 40 % until the 500th request after it degraded, then for 5 %: about 200 orders.
    const orders = demotedAfter(trace(0.4, 0.05, 500), 's', 1000);
    expect(orders).toBeGreaterThan(170);
    expect(orders).toBeLessThan(230);
    expect(demotedAfter(trace(0.4, 0, 0), 's', 1000)).toBeLessThan(40);
  });

  it('is not seen where its share did not change, nor fell by a tenth, nor where it was seldom chosen before', () => {
    for (let seed = 1; seed <= 20; seed++) {
      expect(demotedAfter(trace(0.05, 0.05, 0, seed), 's', 1000)).toBeNull();
      expect(demotedAfter(trace(0.3, 0.27, 0, seed), 's', 1000)).toBeNull();
    }
    expect(demotedAfter(trace(0.02, 0, 0), 's', 1000)).toBeNull();
  });
});

describe('quantiles', () => {
  it('interpolate between sorted values, and are null for none', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([], 0.5)).toBeNull();
  });
});

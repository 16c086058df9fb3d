import { describe, expect, it } from 'vitest';
import { networkPolicy } from '../bench/network-generator';
import { compile } from './compile';
import type { RouteInput } from './rank';
import { route } from './route';
import { approvalWaitHours, EXPLORATION, optimisticFillRate, rankedHours, turnaroundShare } from './speed';
import type { Library, NetworkConfig, Supplier } from './types';
import { supplierEntry } from '../test/suppliers';

const policy = networkPolicy({ minCandidates: 1, maxRotaLength: 3 });

function library(limit: number): Library {
  const policy = { reviewRequired: false, autoApproveLimit: { amount: limit, currency: 'CNY' }, preferredSuppliers: [], blockedSuppliers: [] };
  return { id: 'pku', name: 'pku', region: 'north', role: 'both', policy, source: { file: 'config/libraries.yaml', line: 10 } };
}

/** A service library holding what is asked, 10 CNY an article, with a prior fill rate of 0.8 unless told otherwise. */
const supplier = (id: string, fields: Partial<Supplier> = {}): Supplier =>
  supplierEntry({ id, kind: 'service-library', adapter: 'iso18626', services: ['copy', 'loan'], cost: { currency: 'CNY', perArticle: 10 }, region: 'north', fillRate: 0.8, ...fields });

function network(suppliers: Supplier[], limit = 50): NetworkConfig {
  return { version: 'sha256:speed', suppliers, libraries: [library(limit)], rules: [], policy, holdings: {}, licences: [] };
}

function input(holdings: string[], over: Partial<RouteInput> = {}): RouteInput {
  return {
    request: { id: 'req-1', requester: { libraryId: 'pku', patronId: 'p1' }, service: 'copy', urgency: 'normal', citation: { title: 'On routing', pages: '1-10', language: 'zh' } },
    holdings,
    now: '2025-03-15',
    ...over,
  };
}

const order = (config: NetworkConfig, routed: RouteInput): string[] => route(compile(config), routed).rota.map((entry) => entry.supplierId);

describe('the wait for a cost approval', () => {
  it('is half the approval task due hours above the library auto-approve limit or the reader maximum, none within them or for what is free', () => {
    const due = policy.lifecycle.taskDueHours.approveCost;
    const cny = (amount: number) => ({ amount, currency: 'CNY' });
    expect(approvalWaitHours(cny(30), {}, library(20), policy)).toBe(due / 2);
    expect(approvalWaitHours(cny(20), {}, library(20), policy)).toBe(0);
    expect(approvalWaitHours(cny(20), { maxCost: cny(10) }, library(50), policy)).toBe(due / 2);
    expect(approvalWaitHours(cny(0), {}, library(0), policy)).toBe(0);
    expect(approvalWaitHours({ amount: 5, currency: 'USD' }, {}, library(50), policy)).toBe(due / 2);
    // Once librarians are seen to answer, their median is the wait.
    const staff = { approveCost: { hours: { p10: 1, median: 3, p90: 7 }, tasks: 25 } };
    expect(approvalWaitHours(cny(30), {}, library(20), policy, staff)).toBe(3);
    expect(approvalWaitHours(cny(20), {}, library(20), policy, staff)).toBe(0);
  });

  it('ranks a supplier whose price needs the library approval below a comparable one within its auto-approve limit', () => {
    // 18 CNY within the library's 20, 22 CNY above it, more reliable; both seen to send in 6 working hours.
    const within = supplier('within', { cost: { currency: 'CNY', perArticle: 18 } });
    const above = supplier('above', { cost: { currency: 'CNY', perArticle: 22 }, fillRate: 0.9 });
    const stats = { within: { fillRate: 0.8, turnaroundHours: 6, orders: 16 }, above: { fillRate: 0.9, turnaroundHours: 6, orders: 16 } };
    const decision = route(compile(network([above, within], 20)), input(['above', 'within'], { stats }));
    expect(decision.rota.map((entry) => entry.supplierId)).toEqual(['within', 'above']);
    const [first, second] = decision.rota;
    expect(second!.terms.turnaround ?? 0).toBeLessThan(first!.terms.turnaround ?? 0);
    // With a limit both are within, the more reliable one leads again.
    expect(order(network([above, within], 50), input(['above', 'within'], { stats }))).toEqual(['above', 'within']);
  });
});

describe('the turnaround term', () => {
  it('is logarithmic in the hours: 2 against 6 working hours weighs about as 6 against 18, all within the weight', () => {
    expect(turnaroundShare(0, 48)).toBe(0);
    expect(turnaroundShare(48, 48)).toBe(1);
    expect(turnaroundShare(500, 48)).toBe(1);
    expect(turnaroundShare(Number.NaN, 48)).toBe(1);
    const early = turnaroundShare(6, 48) - turnaroundShare(2, 48);
    const late = turnaroundShare(18, 48) - turnaroundShare(6, 48);
    expect(early / late).toBeGreaterThan(0.8);
    expect(early / late).toBeLessThan(1.2);
    // Linear in the deadline, the two differ by 4/48 of the weight; here by a fifth of it.
    expect(early).toBeGreaterThan(0.2);
  });

  it('puts a library seen to send in 2 working hours ahead of a more reliable one taking 6, turnaround weighing as much as fill rate', () => {
    const config = network([supplier('fast'), supplier('slow')]);
    config.policy = { ...policy, weights: { ...policy.weights, turnaround: 4, fillRate: 4 } };
    const stats = { fast: { fillRate: 0.75, turnaroundHours: 2, orders: 12 }, slow: { fillRate: 0.85, turnaroundHours: 6, orders: 12 } };
    expect(order(config, input(['slow', 'fast'], { stats }))).toEqual(['fast', 'slow']);
  });
});

describe('a supplier not yet seen to fill', () => {
  const library = { turnaroundHours: 5 };

  it('is expected to take what suppliers of its kind are seen to take, when that is sooner than its promise, and the approval wait on top', () => {
    expect(rankedHours(undefined, library, 48, 0)).toBe(5);
    expect(rankedHours(undefined, library, 4, 0)).toBe(4);
    expect(rankedHours(undefined, library, 48, 24)).toBe(29);
    expect(rankedHours(undefined, undefined, 48, 0)).toBe(48);
    expect(rankedHours({ turnaroundHours: 11 }, library, 4, 0)).toBe(11);
    expect(rankedHours({ fillRate: 0.5 }, library, 48, 1)).toBe(6);
  });

  it('ranks ahead of a library seen to be slow, no longer at the whole deadline', () => {
    const config = network([supplier('slow', { fillRate: 0.85 }), supplier('fast'), supplier('new')]);
    config.policy = { ...policy, weights: { ...policy.weights, turnaround: 4 } };
    const seen = { slow: { fillRate: 0.85, turnaroundHours: 20, orders: 16 }, fast: { fillRate: 0.8, turnaroundHours: 2, orders: 16 } };
    const kinds = { 'service-library': { copy: { turnaroundHours: 11 } } };
    expect(order(config, input(['slow', 'new'], { stats: seen, kinds }))).toEqual(['new', 'slow']);
    // Without what the kind is seen to take, the newcomer is ranked at the whole deadline, behind.
    expect(order(config, input(['slow', 'new'], { stats: seen }))).toEqual(['slow', 'new']);
  });
});

describe('optimism about suppliers little is known of', () => {
  it('raises a fill rate toward 1 by a share that shrinks with the outcomes behind it, and keeps equally known suppliers in order', () => {
    expect(optimisticFillRate(0.6, undefined)).toBeCloseTo(0.6 + 0.4 * EXPLORATION, 10);
    expect(optimisticFillRate(0.6, 0)).toBe(optimisticFillRate(0.6, undefined));
    expect(optimisticFillRate(0.6, 15)).toBeCloseTo(0.6 + 0.4 * (EXPLORATION / 4), 10);
    expect(optimisticFillRate(0.6, 3)).toBeLessThan(optimisticFillRate(0.6, 0));
    expect(optimisticFillRate(1, 0)).toBe(1);
    expect(optimisticFillRate(0.7, 0)).toBeGreaterThan(optimisticFillRate(0.6, 0));
  });

  it('tries a library it has no outcomes of before one seen to fill a little more often', () => {
    const config = network([supplier('known'), supplier('unknown', { fillRate: 0.7 })]);
    const stats = { known: { fillRate: 0.8, turnaroundHours: 48, orders: 16 } };
    expect(order(config, input(['known', 'unknown'], { stats }))).toEqual(['unknown', 'known']);
    // Once as much is known of it, its lower rate puts it second.
    expect(order(config, input(['known', 'unknown'], { stats: { ...stats, unknown: { fillRate: 0.7, turnaroundHours: 48, orders: 16 } } }))).toEqual(['known', 'unknown']);
  });
});

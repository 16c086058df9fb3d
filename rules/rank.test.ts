import { describe, expect, it } from 'vitest';
import { networkPolicy } from '../bench/network-generator';
import { compile } from './compile';
import type { RouteInput } from './rank';
import { route } from './route';
import type { Library, NetworkConfig, Rule, RuleConditions, Supplier } from './types';

function library(id: string, region: string, policy: Partial<Library['policy']> = {}): Library {
  return {
    id,
    name: id,
    region,
    role: 'both',
    policy: { reviewRequired: false, autoApproveLimit: { amount: 50, currency: 'CNY' }, preferredSuppliers: [], blockedSuppliers: [], ...policy },
    source: { file: 'config/libraries.yaml', line: 10 },
  };
}

function supplier(id: string, fields: Partial<Supplier> = {}): Supplier {
  return {
    id,
    name: id,
    kind: 'service-library',
    adapter: 'iso18626',
    services: ['copy', 'loan'],
    formats: ['pdf'],
    coverage: {},
    cost: { currency: 'CNY', perArticle: 10 },
    capacityPerDay: 100,
    sendMode: 'auto',
    status: { state: 'active' },
    region: 'north',
    fillRate: 0.8,
    source: { file: 'config/suppliers.yaml', line: 20 },
    ...fields,
  };
}

function rule(name: string, conditions: RuleConditions, type: Rule['event']['type'], params: Record<string, unknown>, line = 5): Rule {
  return { name, priority: 1, conditions, event: { type, params }, source: { file: 'config/rules/routing.yaml', line } };
}

function network(suppliers: Supplier[], rules: Rule[] = [], libraries: Library[] = [library('pku', 'north')]): NetworkConfig {
  return {
    version: 'sha256:example',
    suppliers,
    libraries,
    rules,
    policy: networkPolicy({ minCandidates: 1, maxRotaLength: 3 }),
    holdings: {},
  };
}

function request(holdings: string[], overrides: Partial<RouteInput['request']> = {}): RouteInput {
  return {
    request: {
      id: 'req-1',
      requester: { libraryId: 'pku', patronId: 'p1' },
      service: 'copy',
      urgency: 'normal',
      citation: { title: 'On routing', pages: '1-10', language: 'zh' },
      ...overrides,
    },
    holdings,
    now: '2025-03-15',
  };
}

const sum = (terms: Record<string, number>): number => Object.values(terms).reduce((a, b) => a + b, 0);
const always: RuleConditions = { all: [] };

describe('route', () => {
  it('ranks cheaper, faster, more reliable suppliers first and explains each score', () => {
    const config = network([
      supplier('thu', { cost: { currency: 'CNY', perArticle: 30 } }),
      supplier('fudan', { fillRate: 0.95 }),
      supplier('zju', { fillRate: 0.6 }),
    ]);
    const decision = route(compile(config), request(['thu', 'fudan', 'zju']));
    expect(decision.outcome).toBe('route');
    expect(decision.rota.map((entry) => entry.supplierId)).toEqual(['fudan', 'zju', 'thu']);
    for (const entry of decision.rota) {
      expect(Object.keys(entry.terms)).toEqual(['cost', 'turnaround', 'fillRate', 'tier', 'load', 'rules']);
      expect(Math.abs(sum(entry.terms) - entry.score)).toBeLessThan(1e-9);
    }
  });

  it('breaks ties by supplier id and cuts the rota at the configured length', () => {
    const config = network(['zju', 'whu', 'thu', 'fudan'].map((id) => supplier(id)));
    const decision = route(compile(config), request(['zju', 'whu', 'thu', 'fudan']));
    expect(decision.rota.map((entry) => entry.supplierId)).toEqual(['fudan', 'thu', 'whu']);
  });

  it('adds score adjustments and tiers from rules, naming the rules that fired', () => {
    const config = network(
      [supplier('thu'), supplier('fudan')],
      [
        rule('east-bonus', { all: [{ fact: 'supplier', path: '$.id', operator: 'equal', value: 'fudan' }] }, 'score', { add: 5 }),
        rule('thu-tier', { all: [{ fact: 'supplier', path: '$.id', operator: 'equal', value: 'thu' }] }, 'tier', { tier: 3 }),
      ],
    );
    const [first, second] = route(compile(config), request(['thu', 'fudan'])).rota;
    expect(first).toMatchObject({ supplierId: 'fudan', rules: ['east-bonus'], terms: { rules: 5, tier: -2 } });
    expect(second).toMatchObject({ supplierId: 'thu', rules: ['thu-tier'], terms: { rules: 0, tier: -4 } });
  });

  it('excludes suppliers with reasons naming the rule, the library policy or the closure, with file and line', () => {
    const config = network(
      [supplier('thu'), supplier('fudan', { status: { state: 'closed', from: '2025-03-01', to: '2025-03-31' } }), supplier('zju'), supplier('whu')],
      [rule('no-zju', { all: [{ fact: 'supplier', path: '$.id', operator: 'equal', value: 'zju' }] }, 'exclude', { reason: 'settlement dispute' }, 42)],
      [library('pku', 'north', { blockedSuppliers: ['whu'] })],
    );
    const decision = route(compile(config), request(['thu', 'fudan', 'zju', 'whu']));
    expect(decision.rota.map((entry) => entry.supplierId)).toEqual(['thu']);
    expect(decision.excluded).toEqual([
      { supplierId: 'fudan', reasons: ["closed (2025-03-01 to 2025-03-31) (builtin:supplier-status, supplier 'fudan', from config/suppliers.yaml:20)"] },
      { supplierId: 'whu', reasons: ["blocked by the library's policy (builtin:blocked-supplier, library 'pku', from config/libraries.yaml:10)"] },
      { supplierId: 'zju', reasons: ["settlement dispute (rule 'no-zju', from config/rules/routing.yaml:42)"] },
    ]);
  });

  it('only considers service libraries that hold the item and sources whose coverage fits', () => {
    const config = network([
      supplier('thu'),
      supplier('cnki', { kind: 'vendor', coverage: { languages: ['zh'] } }),
      supplier('ebsco', { kind: 'vendor', coverage: { languages: ['en'] } }),
      supplier('search-proxy', { kind: 'search-proxy' }),
    ]);
    const decision = route(compile(config), request([]));
    expect(decision.rota.map((entry) => entry.supplierId)).toEqual(['cnki']);
  });

  it('is local when the requesting library holds the item', () => {
    const decision = route(compile(network([supplier('thu')])), request(['pku', 'thu']));
    expect(decision).toMatchObject({ outcome: 'local', rota: [], tasks: [] });
  });

  it('rejects on a reject rule, ahead of escalation and review', () => {
    const config = network(
      [supplier('thu')],
      [
        rule('review-all', always, 'review', { reason: 'check' }),
        rule('escalate-all', always, 'escalate', { reason: 'hard to find' }),
        rule('cap', { all: [{ fact: 'usage', path: '$.titleCopiesThisYear', operator: 'greaterThanInclusive', value: 5 }] }, 'reject', { reason: 'copyright cap' }, 77),
      ],
    );
    const decision = route(compile(config), { ...request(['thu']), usage: { titleCopiesThisYear: 6 } });
    expect(decision).toMatchObject({ outcome: 'reject', rota: [], tasks: [], reason: "copyright cap (rule 'cap', from config/rules/routing.yaml:77)" });
  });

  it('escalates to search-proxy staff when too few suppliers remain, even with none at all', () => {
    const config = network([supplier('thu')], [rule('express', { all: [{ fact: 'request', path: '$.urgency', operator: 'equal', value: 'express' }] }, 'deadline', { hours: 6 })]);
    const decision = route(compile(config), request([], { urgency: 'express' }));
    expect(decision.outcome).toBe('escalate');
    expect(decision.deadlineHours).toBe(6);
    expect(decision.tasks).toEqual([{ type: 'searchProxy', reason: '0 usable supplier(s), fewer than the 1 the network requires' }]);
  });

  it('sends requests to review when a rule or the library says so, and asks approval for costs over the limit', () => {
    const config = network([supplier('thu', { cost: { currency: 'CNY', perArticle: 80 } })], [], [library('pku', 'north', { reviewRequired: true })]);
    const decision = route(compile(config), request(['thu']));
    expect(decision.outcome).toBe('review');
    expect(decision.tasks.map((task) => task.type)).toEqual(['review', 'approveCost']);
    expect(decision.tasks[1]?.reason).toMatch(/estimated cost 80 CNY at 'thu' exceeds the auto-approve limit of 50 CNY/);
  });

  it('routes with the network target as deadline when nothing else applies', () => {
    const decision = route(compile(network([supplier('thu')])), request(['thu']));
    expect(decision).toMatchObject({ outcome: 'route', tasks: [], deadlineHours: 48 });
  });

  it('gives the same decision for the same input', () => {
    const config = network(['thu', 'fudan', 'zju'].map((id, i) => supplier(id, { fillRate: 0.5 + i / 10 })), [rule('bonus', always, 'score', { add: 1.2345 })]);
    const input = { ...request(['thu', 'fudan', 'zju']), load: { thu: 50 }, stats: { zju: { fillRate: 0.2, turnaroundHours: 90 } } };
    const first = JSON.stringify(route(compile(config), input));
    expect(JSON.stringify(route(compile(structuredClone(config)), structuredClone(input)))).toBe(first);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNetwork, generateRequests, networkPolicy } from '../bench/network-generator';
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
    licences: [],
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
      {
        supplierId: 'fudan',
        reasons: ["closed (2025-03-01 to 2025-03-31) (builtin:supplier-status, supplier 'fudan', from config/suppliers.yaml:20)"],
        causes: [{ code: 'closed', from: '2025-03-01', to: '2025-03-31', at: { file: 'config/suppliers.yaml', line: 20 } }],
      },
      {
        supplierId: 'whu',
        reasons: ["blocked by the library's policy (builtin:blocked-supplier, library 'pku', from config/libraries.yaml:10)"],
        causes: [{ code: 'blocked', libraryId: 'pku', at: { file: 'config/libraries.yaml', line: 10 } }],
      },
      {
        supplierId: 'zju',
        reasons: ["settlement dispute (rule 'no-zju', from config/rules/routing.yaml:42)"],
        causes: [{ code: 'rule', rule: 'no-zju', reason: 'settlement dispute', at: { file: 'config/rules/routing.yaml', line: 42 } }],
      },
    ]);
    // The rule that excluded, by its name, with where it is written.
    expect(decision.ruleSources).toEqual({ 'no-zju': { file: 'config/rules/routing.yaml', line: 42 } });
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

describe('coverage and built-in effects', () => {
  const titled = (id: string, titleList: string[]) =>
    supplier(id, { kind: 'vendor', coverage: { languages: ['zh'], titles: `titles/${id}.txt` }, titleList, source: { file: 'config/suppliers/vendors.yaml', line: 7 } });

  it('a title list covers a serial only when its ISSN is listed, and says so of the others', () => {
    const config = network([titled('cnki', ['0254-4164']), titled('vip', ['1000-9825'])]);
    const decision = route(compile(config), request([], { citation: { title: 'x', issn: '0254-4164', language: 'zh' } }));
    expect(decision.rota.map((entry) => entry.supplierId)).toEqual(['cnki']);
    expect(decision.excluded).toEqual([
      {
        supplierId: 'vip',
        reasons: ["neither holds the item nor covers it: ISSN 0254-4164 is not in its title list titles/vip.txt (builtin:coverage, supplier 'vip', from config/suppliers/vendors.yaml:7)"],
        causes: [{ code: 'coverage', gap: 'titles', issn: '0254-4164', titles: 'titles/vip.txt', at: { file: 'config/suppliers/vendors.yaml', line: 7 } }],
      },
    ]);
  });

  it('an open-access resolver covers only a citation with a DOI, and says why it was passed over', () => {
    const config = network([supplier('oa', { kind: 'open-access' }), supplier('nlc', { kind: 'national-library' })]);
    const without = route(compile(config), request([], { citation: { title: 'x' } }));
    expect(without.rota.map((entry) => entry.supplierId)).toEqual(['nlc']);
    expect(without.excluded).toEqual([
      {
        supplierId: 'oa',
        reasons: [expect.stringMatching(/^neither holds the item nor covers it: it looks open copies up by DOI, and the citation gives none \(builtin:coverage, supplier 'oa'/)],
        causes: [{ code: 'coverage', gap: 'doi', at: expect.objectContaining({ file: expect.any(String) }) }],
      },
    ]);
    const cited = route(compile(config), request([], { citation: { title: 'x', doi: '10.1000/x' } }));
    expect(cited.rota.map((entry) => entry.supplierId).sort()).toEqual(['nlc', 'oa']);
  });

  it('a vendor of journal articles is not ranked for a book chapter, and says so; a request that does not say is not ruled out', () => {
    const config = network([supplier('cnki', { kind: 'vendor', coverage: { documentTypes: ['article', 'thesis'] } }), supplier('nlc', { kind: 'national-library' })]);
    const chapter = route(compile(config), request([], { citation: { title: 'x', documentType: 'chapter' } }));
    expect(chapter.rota.map((entry) => entry.supplierId)).toEqual(['nlc']);
    expect(chapter.excluded[0]?.reasons[0]).toMatch(/^neither holds the item nor covers it: does not supply a chapter: it supplies article, thesis \(builtin:coverage, supplier 'cnki'/);
    expect(chapter.excluded[0]?.causes).toEqual([{ code: 'coverage', gap: 'documentType', documentType: 'chapter', supplies: ['article', 'thesis'], at: expect.any(Object) }]);
    const unsaid = route(compile(config), request([], { citation: { title: 'x' } }));
    expect(unsaid.rota.map((entry) => entry.supplierId).sort()).toEqual(['cnki', 'nlc']);
  });

  it('a request without an ISSN is judged by the other facets of a titled supplier', () => {
    const config = network([titled('cnki', ['0254-4164'])]);
    const decision = route(compile(config), request([], { citation: { title: 'x', journalTitle: '计算机学报', language: 'zh' } }));
    expect(decision.rota.map((entry) => entry.supplierId)).toEqual(['cnki']);
  });

  it('names which language, subject or year a source does not cover, and what it does not offer; non-holding service libraries are not listed', () => {
    const config = network([
      supplier('thu'),
      supplier('keris', { kind: 'keris', coverage: { languages: ['ko'] } }),
      supplier('cashl', { kind: 'cashl', coverage: { subjects: ['humanities', 'law'] } }),
      supplier('vip', { kind: 'vendor', coverage: { years: { from: 1989 } } }),
      supplier('ebooks', { kind: 'calis-ebooks', services: ['ebook'] }),
      supplier('nlc', { kind: 'national-library' }),
    ]);
    const decision = route(compile(config), request([], { citation: { title: 'x', language: 'zh', year: 1936, subjects: ['science'] } }));
    expect(decision.rota.map((entry) => entry.supplierId)).toEqual(['nlc']);
    const reasons = Object.fromEntries(decision.excluded.map((entry) => [entry.supplierId, entry.reasons.join('; ')]));
    expect(Object.keys(reasons)).toEqual(['cashl', 'ebooks', 'keris', 'vip']);
    expect(reasons.keris).toMatch(/^neither holds the item nor covers it: does not cover language 'zh': it covers ko \(builtin:coverage, supplier 'keris', from config\/suppliers.yaml:20\)$/);
    expect(reasons.cashl).toMatch(/covers none of the subjects science: it covers humanities, law \(builtin:coverage/);
    expect(reasons.vip).toMatch(/does not cover the year 1936: it covers 1989 to … \(builtin:coverage/);
    expect(reasons.ebooks).toMatch(/^does not offer copy: it offers ebook \(builtin:services, supplier 'ebooks'/);
  });

  it('a preferred supplier no tier rule places is in tier 1 by the built-in preference, and the rota entry says so', () => {
    const config = network(
      [supplier('thu'), supplier('fudan'), supplier('zju')],
      [rule('zju-tier-3', { all: [{ fact: 'supplier', path: '$.id', operator: 'equal', value: 'zju' }] }, 'tier', { tier: 3 })],
      [library('pku', 'north', { preferredSuppliers: ['fudan', 'zju'] })],
    );
    const rota = route(compile(config), request(['thu', 'fudan', 'zju'])).rota;
    expect(rota.map((entry) => [entry.supplierId, entry.rules, entry.terms.tier])).toEqual([
      ['fudan', ['builtin:preferred-supplier'], -0],
      ['thu', [], -2],
      ['zju', ['zju-tier-3'], -4],
    ]);
  });

  it('suppliers ranked but cut by the rota length are excluded with the reason', () => {
    const config = { ...network(['a', 'b', 'c', 'd', 'e'].map((id, i) => supplier(id, { fillRate: 0.9 - i / 10 }))), rotaLengthSource: { file: 'config/policy.yaml', line: 26 } };
    const decision = route(compile(config), request(['a', 'b', 'c', 'd', 'e']));
    expect(decision.rota.map((entry) => entry.supplierId)).toEqual(['a', 'b', 'c']);
    const cut = 'ranked below the 3 supplier(s) the rota holds (builtin:rota-length, policy escalation.maxRotaLength 3, from config/policy.yaml:26)';
    const kind = { code: 'rota-length', max: 3, at: { file: 'config/policy.yaml', line: 26 } };
    expect(decision.excluded).toEqual([
      { supplierId: 'd', reasons: [cut], causes: [kind] },
      { supplierId: 'e', reasons: [cut], causes: [kind] },
    ]);
  });

  it('a local holding says which library holds it', () => {
    const decision = route(compile(network([supplier('thu')])), request(['pku', 'thu']));
    expect(decision).toMatchObject({ outcome: 'local', reason: "library 'pku' holds the item itself, so no supplier is asked (builtin:local-holding, library 'pku', from config/libraries.yaml:10)" });
  });

  it('every supplier considered is in the rota or excluded with a reason', () => {
    const config = network(
      [supplier('thu'), supplier('fudan', { status: { state: 'suspended' } }), supplier('zju'), supplier('whu'), supplier('nku'), supplier('ebsco', { kind: 'vendor', coverage: { languages: ['en'] } })],
      [rule('no-zju', { all: [{ fact: 'supplier', path: '$.id', operator: 'equal', value: 'zju' }] }, 'exclude', { reason: 'dispute' })],
      [library('pku', 'north', { blockedSuppliers: ['whu'] })],
    );
    const decision = route(compile(config), request(['thu', 'fudan', 'zju', 'whu', 'nku']));
    const named = [...decision.rota.map((entry) => entry.supplierId), ...decision.excluded.map((entry) => entry.supplierId)].sort();
    expect(named).toEqual(['ebsco', 'fudan', 'nku', 'thu', 'whu', 'zju']);
    for (const entry of decision.excluded) expect(entry.reasons.length).toBeGreaterThan(0);
  });
});

describe('score terms', () => {
  const weight = fc.double({ min: 0, max: 10, noNaN: true });
  it('cost, turnaround, fill rate and load each stay within their weight, whatever the estimate, budget and observations', () => {
    fc.assert(
      fc.property(
        fc.record({ cost: weight, turnaround: weight, fillRate: weight, tier: weight, load: weight }),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: -1, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 5_000, noNaN: true }),
        fc.integer({ min: -10, max: 1_000 }),
        fc.option(fc.double({ min: 0, max: 1_000, noNaN: true }), { nil: undefined }),
        (weights, perArticle, budget, deadline, fillRate, turnaroundHours, used, maxCost) => {
          const config = network([supplier('thu', { cost: { currency: 'CNY', perArticle }, capacityPerDay: 100 })], [], [library('pku', 'north', { autoApproveLimit: { amount: budget, currency: 'CNY' } })]);
          config.policy = { ...config.policy, weights };
          const input: RouteInput = {
            ...request(['thu']),
            usage: { deadlineHours: deadline },
            load: { thu: used },
            stats: { thu: { fillRate, turnaroundHours } },
          };
          if (maxCost !== undefined) input.request.maxCost = { amount: maxCost, currency: 'CNY' };
          const [entry] = route(compile(config), input).rota;
          const terms = entry?.terms ?? {};
          const within = (term: number | undefined, low: number, high: number) => {
            expect(term).toBeGreaterThanOrEqual(low - 5e-4);
            expect(term).toBeLessThanOrEqual(high + 5e-4);
          };
          within(terms.cost, -weights.cost, 0);
          within(terms.turnaround, -weights.turnaround, 0);
          within(terms.fillRate, 0, weights.fillRate);
          within(terms.load, -weights.load, 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an estimate above the budget costs the whole cost weight and no more', () => {
    const config = network([supplier('thu', { cost: { currency: 'CNY', perArticle: 116 } })], [], [library('pku', 'north', { autoApproveLimit: { amount: 100, currency: 'CNY' } })]);
    config.policy = { ...config.policy, weights: { ...config.policy.weights, cost: 0.3 } };
    expect(route(compile(config), request(['thu'])).rota[0]?.terms.cost).toBe(-0.3);
  });
});

describe('a rota of few places', () => {
  it('is the head of the ranking of every usable candidate, though those that cannot reach it are not scored in full', () => {
    const config = generateNetwork(13, { libraries: 160, serviceLibraries: 80, rules: 40 });
    const inputs = generateRequests(14, config, 150);
    const short = compile(config);
    const long = compile({ ...config, policy: { ...config.policy, escalation: { ...config.policy.escalation, maxRotaLength: 1000 } } });
    let cut = 0;
    for (const input of inputs) {
      const rota = route(short, input).rota;
      const all = route(long, input).rota;
      expect(rota).toEqual(all.slice(0, rota.length));
      expect(rota.length).toBe(Math.min(all.length, config.policy.escalation.maxRotaLength));
      if (all.length > rota.length) cut++;
    }
    expect(cut).toBeGreaterThan(100);
  });
});

// The compiled evaluator against json-rules-engine on random networks, rules and requests: the
// rules fired for every candidate, and the whole decision, must be identical.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNetwork, generateRequests, networkPolicy } from '../bench/network-generator';
import { checkRules, compile } from './compile';
import { FACTS } from './facts';
import { OPERATORS } from './operators';
import { firedFor, prepare, type Prepared, type RouteInput } from './rank';
import { createReference, fireRequestLevelWithReference, fireWithReference, routeWithReference } from './reference';
import { route } from './route';
import type * as T from './types';
import type { Service, Urgency } from '../domain/request';

const LIBRARY_IDS = ['pku', 'thu', 'fudan', 'zju', 'whu'];
const SOURCE_IDS = ['nlc', 'nstl', 'cnki', 'cashl'];
const KINDS: T.SupplierKind[] = ['national-library', 'nstl', 'vendor', 'cashl', 'overseas', 'open-access', 'search-proxy'];
const REGIONS = ['north', 'east', 'south'];
const LANGUAGES = ['zh', 'en', 'ko'];
const SUBJECTS = ['medicine', 'law', 'history'];
const SERVICES: Service[] = ['copy', 'loan', 'ebook'];
const URGENCIES: Urgency[] = ['normal', 'rush', 'express'];
const EVENTS: T.RuleEventType[] = ['exclude', 'score', 'tier', 'review', 'approveCost', 'escalate', 'deadline', 'reject'];

const FACT_NAMES = Object.keys(FACTS) as (keyof typeof FACTS)[];
/** Catalogue paths plus the odd ones: whole facts, list elements, missing steps, and jsonpath-plus syntax. */
const ODD_PATHS = ['', '$.citation', '$.citation.subjects[0]', '$.missing.deep', '$.coverage.languages.length', '$..id', '$.policy.preferredSuppliers[1]', '$.citation.title.length'];
const PATHS = [...new Set([...FACT_NAMES.flatMap((fact) => Object.keys(FACTS[fact].paths)), ...ODD_PATHS])];

const scalar = fc.oneof(
  fc.constantFrom(...LIBRARY_IDS, ...SOURCE_IDS, ...KINDS, ...REGIONS, ...LANGUAGES, ...SUBJECTS, ...SERVICES, ...URGENCIES, 'active', 'closed', 'auto', '10.1', 'p', ''),
  fc.constantFrom(0, 1, 2, 5, 24, 48, 100, 0.5, 0.9, 1990, 2010, -1, Number.NaN),
  fc.boolean(),
  fc.constant(null),
);
const list = fc.array(scalar, { maxLength: 4 });
const OPERATOR_NAMES = Object.keys(OPERATORS);
const LIST_VALUED = new Set(['in', 'notIn']);

const factReference = fc.record({ fact: fc.constantFrom(...FACT_NAMES, 'weather'), path: fc.constantFrom(...PATHS) });

const leaf: fc.Arbitrary<T.RuleCondition> = fc
  .record({
    fact: fc.constantFrom(...FACT_NAMES, ...FACT_NAMES, 'weather'),
    path: fc.constantFrom(...PATHS),
    operator: fc.constantFrom(...OPERATOR_NAMES),
    constant: fc.oneof(scalar, list),
    list,
    reference: factReference,
    useReference: fc.boolean(),
  })
  .map(({ fact, path, operator, constant, list: values, reference, useReference }) => {
    // Shapes the engine would throw on are refused by checkRules; the property covers the rest.
    const value = LIST_VALUED.has(operator) ? values : useReference ? reference : constant;
    return { fact, operator, value, ...(path === '' ? {} : { path }) };
  });

const conditions: fc.Arbitrary<T.RuleConditions> = fc.letrec<{ node: T.RuleConditions | T.RuleCondition; group: T.RuleConditions }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('group')),
  group: fc.oneof(
    fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
  ),
})).group;

const params: Record<T.RuleEventType, fc.Arbitrary<Record<string, unknown>>> = {
  exclude: fc.constant({ reason: 'not this one' }),
  score: fc.record({ add: fc.constantFrom(-5, -0.3333, 1, 2.5, 10) }),
  tier: fc.record({ tier: fc.constantFrom(1, 2, 3) }),
  review: fc.constant({ reason: 'check' }),
  approveCost: fc.constant({ reason: 'costly' }),
  escalate: fc.constant({ reason: 'hard to find' }),
  deadline: fc.record({ hours: fc.constantFrom(4, 8, 24) }),
  reject: fc.constant({ reason: 'out of scope' }),
};

const rules: fc.Arbitrary<T.Rule[]> = fc.array(
  fc.record({
    conditions,
    priority: fc.constantFrom(0, 1, 1, 2, 3, 10),
    type: fc.constantFrom(...EVENTS),
    seed: fc.nat(),
  }).chain(({ conditions: root, priority, type }) => params[type].map((p) => ({ root, priority, type, params: p }))),
  { maxLength: 10 },
).map((drawn) =>
  drawn.map(({ root, priority, type, params: p }, i) => ({
    name: `r${i}`,
    priority,
    conditions: root,
    event: { type, params: p },
    source: { file: 'rules.yaml', line: 1 + i * 5 },
  })),
);

const cost = fc.record(
  { currency: fc.constantFrom('CNY', 'CNY', 'USD'), perArticle: fc.constantFrom(0, 5, 40), perPage: fc.constantFrom(0, 0.3), perLoan: fc.constantFrom(0, 25) },
  { requiredKeys: ['currency'], noNullPrototype: true },
);
const status = fc.oneof(
  fc.constant({ state: 'active' as const }),
  fc.record({ state: fc.constantFrom('suspended' as const, 'closed' as const), from: fc.constantFrom('2025-01-01', '2025-03-10'), to: fc.constantFrom('2025-03-12', '2025-12-31') }, { requiredKeys: ['state'], noNullPrototype: true }),
);
const supplierFields = fc.record({
  services: fc.subarray<Service | 'purchase'>(['copy', 'loan', 'ebook', 'purchase'], { minLength: 1 }),
  coverage: fc.record({ languages: fc.subarray(LANGUAGES), subjects: fc.subarray(SUBJECTS), years: fc.record({ from: fc.constantFrom(1950, 2000), to: fc.constantFrom(2010, 2030) }, { requiredKeys: [], noNullPrototype: true }) }, { requiredKeys: [], noNullPrototype: true }),
  cost,
  turnaround: fc.option(fc.constantFrom(4, 12, 72), { nil: undefined }),
  capacityPerDay: fc.constantFrom(0, 10, 100),
  sendMode: fc.constantFrom('auto' as const, 'manual' as const),
  status,
  region: fc.option(fc.constantFrom(...REGIONS), { nil: undefined }),
  fillRate: fc.option(fc.constantFrom(0.2, 0.8), { nil: undefined }),
});

type SupplierFields = typeof supplierFields extends fc.Arbitrary<infer T> ? T : never;

function supplier(id: string, kind: T.SupplierKind, fields: SupplierFields, line: number): T.Supplier {
  return {
    id,
    name: id,
    kind,
    adapter: kind === 'service-library' ? 'iso18626' : 'manual',
    services: fields.services,
    formats: ['pdf'],
    coverage: fields.coverage,
    cost: fields.cost,
    ...(fields.turnaround === undefined ? {} : { turnaroundHours: { copy: { normal: fields.turnaround, rush: fields.turnaround / 2 } } }),
    capacityPerDay: fields.capacityPerDay,
    sendMode: fields.sendMode,
    status: fields.status,
    ...(fields.region === undefined ? {} : { region: fields.region }),
    ...(fields.fillRate === undefined ? {} : { fillRate: fields.fillRate }),
    source: { file: 'suppliers.yaml', line },
  };
}

const ALL_IDS = [...LIBRARY_IDS, ...SOURCE_IDS];

const network: fc.Arbitrary<T.NetworkConfig> = fc
  .record({
    libraryFields: fc.array(
      fc.record({
        region: fc.constantFrom(...REGIONS),
        reviewRequired: fc.boolean(),
        limit: fc.record({ amount: fc.constantFrom(0, 10, 50), currency: fc.constantFrom('CNY', 'USD') }),
        preferred: fc.subarray(ALL_IDS, { maxLength: 2 }),
        blocked: fc.subarray(ALL_IDS, { maxLength: 1 }),
      }),
      { minLength: LIBRARY_IDS.length, maxLength: LIBRARY_IDS.length },
    ),
    serviceFields: fc.array(supplierFields, { minLength: LIBRARY_IDS.length, maxLength: LIBRARY_IDS.length }),
    sourceFields: fc.array(fc.tuple(fc.constantFrom(...KINDS), supplierFields), { minLength: SOURCE_IDS.length, maxLength: SOURCE_IDS.length }),
    rules,
    minCandidates: fc.constantFrom(0, 1, 2),
    maxRotaLength: fc.constantFrom(1, 3, 10),
  })
  .map(({ libraryFields, serviceFields, sourceFields, rules: drawn, minCandidates, maxRotaLength }) => {
    const libraries: T.Library[] = LIBRARY_IDS.map((id, i) => {
      const f = libraryFields[i] as (typeof libraryFields)[number];
      return {
        id,
        name: id,
        region: f.region,
        role: 'both',
        policy: { reviewRequired: f.reviewRequired, autoApproveLimit: f.limit, preferredSuppliers: f.preferred, blockedSuppliers: f.blocked },
        source: { file: 'libraries.yaml', line: 1 + i * 10 },
      };
    });
    const suppliers = [
      ...LIBRARY_IDS.map((id, i) => supplier(id, 'service-library', serviceFields[i] as (typeof serviceFields)[number], 1 + i * 20)),
      ...SOURCE_IDS.map((id, i) => {
        const [kind, fields] = sourceFields[i] as (typeof sourceFields)[number];
        return supplier(id, kind, fields, 200 + i * 20);
      }),
    ];
    return {
      version: 'sha256:test',
      suppliers,
      libraries,
      rules: drawn,
      policy: networkPolicy({ minCandidates, maxRotaLength }),
      holdings: {},
      licences: [],
    };
  });

const input: fc.Arbitrary<RouteInput> = fc.record({
  request: fc.record({
    id: fc.constantFrom('req-1', 'req-2'),
    requester: fc.record({ libraryId: fc.constantFrom(...LIBRARY_IDS), patronId: fc.constant('p1') }),
    service: fc.constantFrom(...SERVICES),
    urgency: fc.constantFrom(...URGENCIES),
    citation: fc.record(
      {
        title: fc.constantFrom('Lu Xun studies', ''),
        issn: fc.constantFrom('1234-5678', '0028-0836'),
        doi: fc.constantFrom('10.1016/x', '10.1007/y'),
        year: fc.constantFrom(1930, 1995, 2015),
        pages: fc.constantFrom('10-19', '5', 'xii'),
        language: fc.constantFrom(...LANGUAGES),
        subjects: fc.subarray(SUBJECTS),
      },
      // Requests arrive as parsed JSON, whose objects always have a prototype.
      { requiredKeys: [], noNullPrototype: true },
    ),
    maxCost: fc.option(fc.record({ amount: fc.constantFrom(0, 20, 100), currency: fc.constantFrom('CNY', 'USD') }), { nil: undefined }),
  }).map(({ maxCost, ...request }) => (maxCost ? { ...request, maxCost } : request)),
  holdings: fc.subarray(ALL_IDS),
  usage: fc.record({ deadlineHours: fc.constantFrom(0, 12), titleCopiesThisYear: fc.constantFrom(0, 6), holders: fc.constantFrom(1, 40) }, { requiredKeys: [], noNullPrototype: true }),
  load: fc.dictionary(fc.constantFrom(...ALL_IDS), fc.constantFrom(0, 5, 200), { noNullPrototype: true }),
  stats: fc.dictionary(
    fc.constantFrom(...ALL_IDS),
    fc.record({ fillRate: fc.constantFrom(0.1, 0.95), turnaroundHours: fc.constantFrom(3, 100) }, { requiredKeys: [], noNullPrototype: true }),
    { noNullPrototype: true },
  ),
  now: fc.constantFrom('2025-03-11', '2026-01-01'),
  ownCopy: fc.integer({ min: 0, max: 9 }),
}).map(({ ownCopy, ...drawn }) =>
  // A library that holds the item itself needs no routing; keep that case rare so candidates get ranked.
  ownCopy === 0 ? drawn : { ...drawn, holdings: drawn.holdings.filter((id) => id !== drawn.request.requester.libraryId) },
);

describe('compiled rules against json-rules-engine', () => {
  it('fire the same rules for every candidate and decide the same', async () => {
    await fc.assert(
      fc.asyncProperty(network, fc.array(input, { minLength: 1, maxLength: 3 }), async (config, inputs) => {
        const compiled = compile(config);
        const reference = createReference(config);
        for (const request of inputs) {
          const prepared = prepare(compiled, request);
          const firings = compiled.fire(prepared);
          const lists = Array.from({ length: prepared.candidates.count }, (_, at) => firedFor(firings, prepared.candidates.count, at));
          expect(lists).toEqual(await fireWithReference(reference, prepared));
          expect(compiled.fireRequestLevel(prepared)).toEqual(await fireRequestLevelWithReference(reference, prepared));
          expect(route(compiled, request)).toEqual(await routeWithReference(reference, request));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fire the same rules where candidates take several words, and unpack a firing only until the network fires again', async () => {
    const config = generateNetwork(11);
    const compiled = compile(config);
    const reference = createReference(config);
    const inputs = generateRequests(13, config, 6);
    const prepared = inputs.map((request) => prepare(compiled, request));
    expect(Math.max(...prepared.map((each) => each.candidates.count))).toBeGreaterThan(64);
    for (const each of prepared) {
      const { count } = each.candidates;
      const firings = compiled.fire(each);
      const lists = Array.from({ length: count }, (_, at) => firedFor(firings, count, at));
      expect(lists).toEqual(await fireWithReference(reference, each));
    }
    const [first, second] = prepared as [Prepared, Prepared];
    const earlier = compiled.fire(first);
    compiled.fire(second);
    expect(() => earlier.mask).toThrow(/fired again/);
  });

  it('compare values and paths that read as code as the text they are', async () => {
    const code = "'); globalThis.injected = true; ('";
    const config = generateNetwork(11);
    const conditions: T.RuleConditions[] = [
      { all: [{ fact: 'request', path: '$.service', operator: 'equal', value: code }] },
      { any: [{ fact: 'request', path: '$.urgency', operator: 'notIn', value: [code, '`${globalThis.injected = true}`'] }, { fact: 'library', path: `$.${code}`, operator: 'exists', value: true }] },
      { all: [{ fact: 'request', path: '$.citation.year', operator: 'lessThan', value: 2000 }, { fact: 'supplier', path: '$.kind', operator: 'notEqual', value: '*/ globalThis.injected = true; /*' }] },
    ];
    const rules = conditions.map((root, i): T.Rule => ({ name: `${code}${i}`, priority: 1, conditions: root, event: { type: 'score', params: { add: 1 } }, source: { file: 'rules.yaml', line: 1 + i } }));
    const injected = { ...config, rules };
    const compiled = compile(injected);
    const reference = createReference(injected);
    for (const request of generateRequests(13, injected, 4)) {
      const prepared = prepare(compiled, request);
      const firings = compiled.fire(prepared);
      const lists = Array.from({ length: prepared.candidates.count }, (_, at) => firedFor(firings, prepared.candidates.count, at));
      expect(lists).toEqual(await fireWithReference(reference, prepared));
    }
    expect((globalThis as { injected?: boolean }).injected).toBeUndefined();
  });

  it('refuses conditions the engine would throw on, naming the rule and its line', () => {
    const rule = (conditions: T.RuleConditions): T.Rule => ({
      name: 'bad',
      priority: 1,
      conditions,
      event: { type: 'review', params: { reason: 'x' } },
      source: { file: 'rules.yaml', line: 7 },
    });
    const refused = [
      { all: [{ fact: 'request', path: '$.service', operator: 'like', value: 'copy' }] },
      { all: [{ fact: 'request', path: '$.service', operator: 'in', value: 'copy'.length }] },
      { all: [{ fact: 'supplier', path: '$.id', operator: 'in', value: { fact: 'library', path: '$.policy.preferredSuppliers' } }] },
      { any: [{ fact: 'request', path: '$.service', operator: 'someValue:equal', value: ['copy'] }] },
      { all: [{ fact: 'request', path: '$.service', operator: 'not:in', value: ['copy'] }] },
      { not: [] } as unknown as T.RuleConditions,
      { all: [{ condition: 'shared' }] } as unknown as T.RuleConditions,
    ];
    for (const conditions of refused) expect(() => checkRules([rule(conditions)])).toThrow(/rule 'bad' \(rules\.yaml:7\)/);
    expect(() => checkRules([{ ...rule({ all: [] }), priority: -2 }])).toThrow(/priority/);
    expect(() => checkRules([rule({ not: { all: [{ fact: 'request', path: '$.service', operator: 'in', value: ['copy'] }] } })])).not.toThrow();
  });
});

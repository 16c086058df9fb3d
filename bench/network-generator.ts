// A synthetic CALIS network at full scale, generated from a seed so every run routes the same
// requests against the same configuration: 1,132 member libraries of which 450 are service
// libraries, 20 national, public, vendor and overseas sources, and routing rules of the shapes
// administrators write (library-specific reviews and blocks, regional preferences, cost and load
// limits, copyright caps, deadlines by urgency).

import type { RouteInput } from '../rules/rank';
import type { Library, NetworkConfig, NetworkPolicy, Rule, RuleCondition, RuleConditions, RuleEventType, Supplier, SupplierKind } from '../rules/types';
import type { Citation, Service, Urgency } from '../domain/request';

/** mulberry32: small, fast and identical on every platform. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NetworkSize {
  libraries: number;
  serviceLibraries: number;
  rules: number;
}

export const FULL_SCALE: NetworkSize = { libraries: 1132, serviceLibraries: 450, rules: 200 };

export const REGIONS = ['north', 'northeast', 'east', 'central', 'south', 'southwest', 'northwest'];
export const SUBJECTS = ['medicine', 'engineering', 'physics', 'chemistry', 'economics', 'law', 'history', 'literature', 'agriculture', 'computing'];
export const LANGUAGES = ['zh', 'en', 'ko', 'ja', 'de'];
const RULES_FILE = 'config/rules/routing.yaml';

/** Draws of one seeded stream: integers, picks, chances, distinct picks, money. */
export class Draw {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  some<T>(items: readonly T[], count: number): T[] {
    const chosen = new Set<T>();
    while (chosen.size < Math.min(count, items.length)) chosen.add(this.pick(items));
    return [...chosen];
  }
  money(lo: number, hi: number): number {
    return Math.round((lo + this.next() * (hi - lo)) * 100) / 100;
  }
}

const libraryId = (i: number): string => `lib-${String(i + 1).padStart(4, '0')}`;

function serviceLibrary(draw: Draw, library: Library, line: number): Supplier {
  const turnaround = draw.chance(0.3) ? { copy: { normal: draw.int(24, 72), rush: draw.int(8, 24) } } : undefined;
  const status = draw.chance(0.03)
    ? { state: draw.pick(['suspended', 'closed'] as const), from: '2025-03-01', to: draw.pick(['2025-03-31', '2025-03-10']) }
    : { state: 'active' as const };
  return {
    id: library.id,
    name: `${library.name} ILL office`,
    kind: 'service-library',
    adapter: 'iso18626',
    services: draw.chance(0.8) ? ['copy', 'loan'] : ['copy'],
    formats: ['pdf'],
    coverage: {},
    cost: { currency: 'CNY', perArticle: draw.money(3, 15), perPage: draw.money(0.1, 0.5), perLoan: draw.money(10, 30), fees: draw.chance(0.3) ? [{ name: 'postage', amount: 8 }] : [] },
    ...(turnaround ? { turnaroundHours: turnaround } : {}),
    capacityPerDay: draw.int(20, 200),
    sendMode: draw.chance(0.8) ? 'auto' : 'manual',
    status,
    region: library.region,
    fillRate: draw.money(0.5, 0.95),
    source: { file: 'config/suppliers/service-libraries.yaml', line },
  };
}

interface SourceSpec {
  id: string;
  kind: SupplierKind;
  services: Service[];
  coverage: Supplier['coverage'];
  perArticle?: number;
  perLoan?: number;
  region?: string;
}

const SOURCES: SourceSpec[] = [
  { id: 'nlc', kind: 'national-library', services: ['copy', 'loan'], coverage: {}, perArticle: 10, perLoan: 30, region: 'north' },
  { id: 'shanghai-library', kind: 'public-library', services: ['copy', 'loan'], coverage: { languages: ['zh', 'en'] }, perArticle: 8, perLoan: 25, region: 'east' },
  { id: 'guangdong-library', kind: 'public-library', services: ['copy'], coverage: { languages: ['zh'] }, perArticle: 6, region: 'south' },
  { id: 'nstl', kind: 'nstl', services: ['copy'], coverage: { subjects: ['medicine', 'engineering', 'physics', 'chemistry', 'agriculture', 'computing'] }, perArticle: 12 },
  { id: 'cashl', kind: 'cashl', services: ['copy', 'loan'], coverage: { subjects: ['economics', 'law', 'history', 'literature'] }, perArticle: 10, perLoan: 20 },
  { id: 'keris', kind: 'keris', services: ['copy'], coverage: { languages: ['ko'] }, perArticle: 15 },
  { id: 'cnki', kind: 'vendor', services: ['copy'], coverage: { languages: ['zh'], years: { from: 1994 } }, perArticle: 25 },
  { id: 'vip', kind: 'vendor', services: ['copy'], coverage: { languages: ['zh'], years: { from: 1989 } }, perArticle: 20 },
  { id: 'wanfang', kind: 'vendor', services: ['copy'], coverage: { languages: ['zh'], years: { from: 1998 } }, perArticle: 22 },
  { id: 'ebsco', kind: 'vendor', services: ['copy'], coverage: { languages: ['en'], years: { from: 1975 } }, perArticle: 60 },
  { id: 'founder', kind: 'vendor', services: ['ebook'], coverage: { languages: ['zh'] }, perArticle: 15 },
  { id: 'springer-ppv', kind: 'vendor', services: ['copy'], coverage: { languages: ['en', 'de'], subjects: ['medicine', 'engineering', 'physics', 'chemistry', 'computing'] }, perArticle: 280 },
  { id: 'elsevier-ppv', kind: 'vendor', services: ['copy'], coverage: { languages: ['en'], years: { from: 1995 } }, perArticle: 250 },
  { id: 'wiley-ppv', kind: 'vendor', services: ['copy'], coverage: { languages: ['en'], years: { from: 1997 } }, perArticle: 230 },
  { id: 'open-access', kind: 'open-access', services: ['copy', 'ebook'], coverage: { years: { from: 2005 } } },
  { id: 'calis-ebooks', kind: 'calis-ebooks', services: ['ebook'], coverage: { languages: ['zh', 'en'] } },
  { id: 'harvard-yenching', kind: 'overseas', services: ['copy'], coverage: { languages: ['zh', 'ja', 'ko'], years: { to: 1949 } }, perArticle: 120 },
  { id: 'cuhk', kind: 'overseas', services: ['copy', 'loan'], coverage: { languages: ['zh', 'en'], subjects: ['history', 'literature', 'law'] }, perArticle: 80, perLoan: 150, region: 'south' },
  { id: 'hku', kind: 'overseas', services: ['copy'], coverage: { languages: ['en', 'zh'], subjects: ['medicine', 'law', 'economics'] }, perArticle: 90, region: 'south' },
  { id: 'search-proxy', kind: 'search-proxy', services: ['copy', 'loan'], coverage: {} },
];

/** Vendors and NSTL are reached through their systems (simulated on loopback); every other source's staff use the engine's lists. */
function adapterOf(spec: SourceSpec): Pick<Supplier, 'adapter' | 'endpoint' | 'agencyId'> {
  if (spec.kind === 'vendor') return { adapter: 'vendor-ppv', endpoint: `http://127.0.0.1:3100/vendor/${spec.id}` };
  if (spec.kind === 'nstl') return { adapter: 'iso18626', endpoint: `http://127.0.0.1:3100/iso18626/${spec.id}`, agencyId: `ISIL:CN-${spec.id.toUpperCase()}` };
  return { adapter: 'manual' };
}

function source(draw: Draw, spec: SourceSpec, line: number): Supplier {
  return {
    id: spec.id,
    name: spec.id,
    kind: spec.kind,
    ...adapterOf(spec),
    services: spec.services,
    formats: ['pdf'],
    coverage: spec.coverage,
    cost: { currency: 'CNY', ...(spec.perArticle === undefined ? {} : { perArticle: spec.perArticle }), ...(spec.perLoan === undefined ? {} : { perLoan: spec.perLoan }) },
    turnaroundHours: { copy: { normal: draw.int(4, 48), rush: draw.int(2, 12), express: draw.int(1, 6) } },
    capacityPerDay: draw.int(500, 5000),
    sendMode: spec.kind === 'overseas' ? 'manual' : 'auto',
    status: { state: 'active' },
    ...(spec.region === undefined ? {} : { region: spec.region }),
    fillRate: draw.money(0.6, 0.98),
    source: { file: 'config/suppliers/sources.yaml', line },
  };
}

const leaf = (fact: string, path: string, operator: string, value: unknown): RuleCondition => ({ fact, path, operator, value });

/** One rule of a shape administrators write; `i` spreads library-specific rules over the members. */
function ruleShape(draw: Draw, libraries: readonly Library[], suppliers: readonly Supplier[]): { conditions: RuleConditions; type: RuleEventType; params: Record<string, unknown> } {
  const someLibrary = (): string => draw.pick(libraries).id;
  const someSupplier = (): string => draw.pick(suppliers).id;
  const shapes: (() => { conditions: RuleConditions; type: RuleEventType; params: Record<string, unknown> })[] = [
    () => ({
      conditions: { all: [leaf('request', '$.requester.libraryId', 'equal', someLibrary()), leaf('request', '$.service', 'equal', draw.pick(['loan', 'copy']))] },
      type: 'review',
      params: { reason: 'the library checks these requests by hand' },
    }),
    () => ({
      conditions: { all: [leaf('request', '$.requester.libraryId', 'in', draw.some(libraries, 5).map((l) => l.id)), leaf('supplier', '$.id', 'equal', someSupplier())] },
      type: 'exclude',
      params: { reason: 'settlement dispute with this supplier' },
    }),
    () => ({
      conditions: { all: [leaf('request', '$.requester.libraryId', 'equal', someLibrary()), leaf('candidate', '$.sameRegion', 'equal', true)] },
      type: 'score',
      params: { add: draw.int(1, 10), reason: 'regional agreement' },
    }),
    () => ({
      conditions: { all: [leaf('candidate', '$.sameRegion', 'equal', true), leaf('request', '$.urgency', 'in', ['rush', 'express'])] },
      type: 'score',
      params: { add: draw.int(2, 8), reason: 'same-region courier for urgent requests' },
    }),
    () => ({
      conditions: { all: [leaf('supplier', '$.kind', 'equal', 'vendor'), leaf('request', '$.citation.language', 'equal', draw.pick(LANGUAGES))] },
      type: 'score',
      params: { add: -draw.int(1, 6), reason: 'prefer free sources' },
    }),
    () => ({
      conditions: { all: [leaf('candidate', '$.estimatedCost', 'greaterThan', draw.int(50, 250)), leaf('request', '$.maxCost.amount', 'lessThan', draw.int(20, 100))] },
      type: 'exclude',
      params: { reason: 'costs more than the reader will pay' },
    }),
    () => ({
      conditions: { all: [leaf('candidate', '$.load', 'greaterThanInclusive', draw.pick([0.9, 0.95, 1]))] },
      type: 'exclude',
      params: { reason: 'at daily capacity' },
    }),
    () => ({
      conditions: { all: [leaf('usage', '$.titleCopiesThisYear', 'greaterThanInclusive', draw.int(5, 8)), leaf('request', '$.service', 'equal', 'copy')] },
      type: draw.pick(['reject', 'escalate'] as const),
      params: { reason: 'copyright cap on copies from one journal title' },
    }),
    () => ({
      conditions: { all: [leaf('request', '$.citation.year', 'lessThan', draw.int(1911, 1960))] },
      type: 'escalate',
      params: { reason: 'early material: search-proxy staff locate it' },
    }),
    () => ({
      conditions: { all: [leaf('request', '$.urgency', 'equal', draw.pick(['rush', 'express']))] },
      type: 'deadline',
      params: { hours: draw.pick([4, 8, 24]) },
    }),
    () => ({
      conditions: { all: [leaf('supplier', '$.kind', 'in', ['national-library', 'nstl', 'cashl']), leaf('request', '$.service', 'equal', 'copy')] },
      type: 'tier',
      params: { tier: 1 },
    }),
    () => ({
      conditions: { all: [leaf('request', '$.citation.subjects', 'intersects', draw.some(SUBJECTS, 2)), leaf('supplier', '$.kind', 'equal', draw.pick(['cashl', 'nstl', 'overseas']))] },
      type: 'score',
      params: { add: draw.int(2, 9), reason: 'subject specialist' },
    }),
    () => ({
      conditions: { any: [leaf('request', '$.citation.issn', 'startsWith', String(draw.int(0, 9))), leaf('request', '$.citation.doi', 'startsWith', '10.1016')] },
      type: 'approveCost',
      params: { reason: 'titles billed separately' },
    }),
    () => ({
      conditions: { all: [leaf('supplier', '$.region', 'equal', { fact: 'library', path: '$.region' }), leaf('supplier', '$.sendMode', 'equal', 'auto')] },
      type: 'score',
      params: { add: draw.int(1, 4), reason: 'automatic sending in the same region' },
    }),
    () => ({
      conditions: { any: [leaf('candidate', '$.preferred', 'equal', true), { all: [leaf('candidate', '$.holds', 'equal', true), leaf('supplier', '$.fillRate', 'greaterThan', 0.9)] }] },
      type: 'score',
      params: { add: draw.int(1, 5), reason: 'reliable holder' },
    }),
    () => ({
      conditions: { all: [leaf('supplier', '$.sendMode', 'equal', 'manual'), leaf('request', '$.urgency', 'in', ['rush', 'express']), { not: leaf('candidate', '$.preferred', 'equal', true) }] },
      type: 'score',
      params: { add: -draw.int(2, 6), reason: 'manual sending is slow' },
    }),
    () => ({
      conditions: { all: [leaf('request', '$.maxCost.amount', 'greaterThan', draw.int(100, 300))] },
      type: 'approveCost',
      params: { reason: 'high value request' },
    }),
    () => ({
      conditions: { all: [leaf('supplier', '$.fillRate', 'lessThan', draw.pick([0.55, 0.6, 0.65])), leaf('usage', '$.holders', 'greaterThan', draw.int(5, 50))] },
      type: 'tier',
      params: { tier: 3 },
    }),
    () => ({
      conditions: { all: [leaf('candidate', '$.targetHours', 'greaterThan', { fact: 'usage', path: '$.deadlineHours' })] },
      type: 'score',
      params: { add: -draw.int(1, 3), reason: 'slower than the network target' },
    }),
    () => ({
      conditions: { all: [leaf('library', '$.region', 'equal', draw.pick(REGIONS)), leaf('supplier', '$.id', 'equal', draw.pick(SOURCES).id), leaf('request', '$.service', 'equal', 'copy')] },
      type: 'score',
      params: { add: draw.int(2, 6), reason: 'regional contract' },
    }),
    () => ({
      conditions: { all: [leaf('library', '$.role', 'equal', 'user'), leaf('request', '$.urgency', 'equal', 'express'), leaf('library', '$.policy.reviewRequired', 'equal', false)] },
      type: 'review',
      params: { reason: 'express requests from user libraries are checked' },
    }),
  ];
  // Library-specific rules are most of what administrators write.
  const libraryShapes = 3;
  const index = draw.chance(0.45) ? draw.int(0, libraryShapes - 1) : draw.int(libraryShapes, shapes.length - 1);
  return (shapes[index] as (typeof shapes)[number])();
}

/** Network targets and weights as the centre publishes them; tests vary only the escalation limits. */
export function networkPolicy(escalation: NetworkPolicy['escalation']): NetworkPolicy {
  return {
    targets: {
      copy: { normal: 48, rush: 24, express: 8 },
      loan: { normal: 168, rush: 96, express: 72 },
      ebook: { normal: 24, rush: 8, express: 4 },
    },
    weights: { cost: 3, turnaround: 2, fillRate: 4, tier: 2, load: 1 },
    escalation,
    delivery: { copyLinkValidHours: 72, ebookValidDays: 30, loanPeriodDays: 28 },
    lifecycle: {
      expectToSupplyExtensionHours: 24,
      willSupplyExtensionHours: 48,
      loanReminderDaysBeforeDue: 3,
      returnConfirmDays: 7,
      taskDueHours: { review: 24, approveCost: 48, loanCondition: 48, searchProxy: 72, receive: 24, renewAnswer: 24 },
    },
  };
}

export function generateNetwork(seed: number, size: NetworkSize = FULL_SCALE): NetworkConfig {
  const draw = new Draw(prng(seed));
  const libraries: Library[] = [];
  for (let i = 0; i < size.libraries; i++) {
    const service = i < size.serviceLibraries;
    libraries.push({
      id: libraryId(i),
      name: `University library ${i + 1}`,
      region: draw.pick(REGIONS),
      role: service ? (draw.chance(0.7) ? 'both' : 'service') : 'user',
      policy: {
        reviewRequired: draw.chance(0.08),
        autoApproveLimit: { amount: draw.pick([0, 20, 50, 100, 200]), currency: 'CNY' },
        preferredSuppliers: [],
        blockedSuppliers: [],
      },
      source: { file: 'config/libraries.yaml', line: 1 + i * 12 },
    });
  }
  const suppliers = [
    ...libraries.slice(0, size.serviceLibraries).map((library, i) => serviceLibrary(draw, library, 1 + i * 20)),
    ...SOURCES.map((spec, i) => source(draw, spec, 1 + i * 25)),
  ];
  const supplierIds = suppliers.map((s) => s.id);
  for (const library of libraries) {
    library.policy.preferredSuppliers = draw.some(supplierIds, draw.int(0, 3));
    library.policy.blockedSuppliers = draw.chance(0.1) ? draw.some(supplierIds, 1) : [];
  }
  const rules: Rule[] = [];
  for (let i = 0; i < size.rules; i++) {
    const { conditions, type, params } = ruleShape(draw, libraries, suppliers);
    rules.push({
      name: `rule-${String(i + 1).padStart(3, '0')}`,
      priority: draw.int(1, 10),
      conditions,
      event: { type, params },
      source: { file: RULES_FILE, line: 1 + i * 9 },
    });
  }
  return {
    version: `sha256:generated-${seed}`,
    suppliers,
    libraries,
    rules,
    policy: networkPolicy({ minCandidates: 2, maxRotaLength: 8 }),
    holdings: {},
    licences: [],
  };
}

function citation(draw: Draw, i: number): Citation {
  const first = draw.int(1, 400);
  return {
    title: `Article ${i}`,
    journalTitle: `Journal ${draw.int(1, 3000)}`,
    issn: `${draw.int(1000, 9999)}-${draw.int(1000, 9999)}`,
    ...(draw.chance(0.4) ? { doi: `10.${draw.pick(['1016', '1007', '1038'])}/x${i}` } : {}),
    year: draw.chance(0.05) ? draw.int(1900, 1960) : draw.int(1961, 2024),
    pages: `${first}-${first + draw.int(0, 30)}`,
    language: draw.pick(['zh', 'zh', 'zh', 'en', 'en', 'ko', 'ja', 'de']),
    subjects: draw.some(SUBJECTS, draw.int(1, 2)),
  };
}

/** Requests held by 5 to 300 libraries, mostly service libraries, from any member. */
export function generateRequests(seed: number, config: NetworkConfig, count: number): RouteInput[] {
  const draw = new Draw(prng(seed));
  const services = config.suppliers.filter((s) => s.kind === 'service-library').map((s) => s.id);
  const members = config.libraries.map((l) => l.id);
  const inputs: RouteInput[] = [];
  for (let i = 0; i < count; i++) {
    const service = draw.pick<Service>(['copy', 'copy', 'copy', 'copy', 'copy', 'copy', 'copy', 'loan', 'loan', 'ebook']);
    const urgency = draw.pick<Urgency>(['normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'rush', 'rush', 'express']);
    const holders = draw.int(5, 300);
    const requester = draw.pick(members);
    const held = new Set([...draw.some(services, Math.round(holders * 0.92)), ...draw.some(members, Math.round(holders * 0.08))]);
    // Readers mostly ask for what their own library lacks.
    if (draw.chance(0.9)) held.delete(requester);
    const holdings = [...held];
    const load: Record<string, number> = {};
    for (const id of draw.some(supplierIdsOf(config), 40)) load[id] = draw.int(0, 220);
    const stats: Record<string, { fillRate?: number; turnaroundHours?: number }> = {};
    for (const id of draw.some(holdings, 10)) stats[id] = { fillRate: draw.money(0.3, 1), turnaroundHours: draw.int(2, 96) };
    inputs.push({
      request: {
        id: `req-${seed}-${i}`,
        requester: { libraryId: requester, patronId: `p${draw.int(1, 99999)}` },
        service,
        citation: citation(draw, i),
        urgency,
        ...(draw.chance(0.5) ? { maxCost: { amount: draw.int(10, 300), currency: 'CNY' } } : {}),
      },
      holdings,
      usage: { titleCopiesThisYear: draw.chance(0.1) ? draw.int(4, 8) : draw.int(0, 3) },
      load,
      stats,
      now: '2025-03-15',
    });
  }
  return inputs;
}

function supplierIdsOf(config: NetworkConfig): string[] {
  return config.suppliers.map((s) => s.id);
}

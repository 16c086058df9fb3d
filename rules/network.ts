// What one configuration version knows before any request arrives: its suppliers as columns,
// indexed by position in the configuration, and, made on a library's first request and kept, how
// near each supplier is to that library and what its policy says of it. Routing reads these a
// hundred times a decision, so none of it is worked out again per request.

import type { Library, NetworkConfig, Rule, Supplier } from './types';
import { holdingOf, type Holding, type HoldingRef } from '../domain/holdings';
import type { Exclusion, ExclusionCause, TryDeadline, WrittenAt } from '../domain/decision';
import type { Service, Urgency } from '../domain/request';
import { indexSubjects, type SubjectIndex } from './subjects';

export type { Exclusion };

/** What a decision says of a rule: why it excludes or asks for a task, citing where it is written. */
export interface RuleWords {
  reason: string;
  at: WrittenAt;
  cause: ExclusionCause;
}

/** Fill rate assumed for a supplier with neither a prior nor observations. */
export const DEFAULT_FILL_RATE = 0.5;

export const SERVICES: readonly Service[] = ['copy', 'loan', 'ebook'];
const URGENCIES: readonly Urgency[] = ['normal', 'rush', 'express'];

export const serviceSlot = (service: Service): number => SERVICES.indexOf(service);
export const urgencySlot = (urgency: Urgency): number => URGENCIES.indexOf(urgency);

/** Bits of a supplier's place relative to one requesting library (`Network.viewOf`). */
export const NEAR = {
  sameRegion: 1,
  sameProvince: 2,
  sameCity: 4,
  sameProximityGroup: 8,
  preferred: 16,
  blocked: 32,
} as const;

/** Every supplier's figures that routing reads per candidate, by configuration position. */
export interface SupplierTable {
  /** A service library: a candidate only when the union catalogue lists it as a holder. */
  serviceLibrary: Uint8Array;
  /** Bit `serviceSlot(s)` set when the supplier offers service `s`. */
  offers: Uint8Array;
  /** What a request costs before its pages, by `serviceSlot`; then the price of each copied page. */
  fixedCost: readonly Float64Array[];
  perPage: Float64Array;
  /** Promised working hours by `serviceSlot * 3 + urgencySlot`; NaN where it promises none. */
  promised: Float64Array;
  /** The configured fill rate, else `DEFAULT_FILL_RATE`. */
  prior: Float64Array;
  capacity: Float64Array;
  /** Active, with no suspension or closure to judge against the day. */
  active: Uint8Array;
  /** Its coverage limits nothing, so every citation falls within it. */
  coversAll: Uint8Array;
}

export interface Network {
  config: NetworkConfig;
  supplierIndex: ReadonlyMap<string, number>;
  /**
   * Every supplier and member library by id, as one number: a supplier's configuration position,
   * or, for a library that is no supplier, the suppliers' count plus its place among the libraries.
   * A holder is looked up once, whichever it is. A record without a prototype rather than a Map:
   * some 150 holders a request are looked up, and a property lookup by an id the engine has
   * already seen as a key is cheaper than hashing it for a Map.
   */
  members: Readonly<Record<string, number | undefined>>;
  /** Room for a decision to mark the members it has seen in, cleared again once done. */
  seen: Uint8Array;
  /** Room for a decision to pack its firings into (`FiredBits`): a word per 32 suppliers for every rule. */
  firedBits: Int32Array;
  /** Room for the candidates one rule fired for. */
  hits: Int32Array;
  /** Room for a decision to note its exclusions in by supplier rank (`Exclusions`), cleared again once read. */
  slots: Int32Array;
  libraries: ReadonlyMap<string, Library>;
  /** The member library each supplier is, by configuration position, where it is a service library. */
  supplierLibraries: readonly (Library | undefined)[];
  table: SupplierTable;
  /** Suppliers other than service libraries, which qualify by coverage as well as by holdings. */
  sources: readonly number[];
  /** Rule indices in the order both evaluators report firings. */
  order: readonly number[];
  /** What request subjects map to; without it they are read as written. */
  subjects?: SubjectIndex;
  /** Each supplier's position among the suppliers sorted by id, so exclusions sort by number. */
  idRank: Uint32Array;
  /** The supplier index at each rank by id. */
  byRank: Uint32Array;
  /**
   * Each supplier's exclusion for falling below a full rota, made once: the reason is the same
   * for every request, and a rota of 5 out of 120 holders cuts 115 a decision.
   */
  cut: (Exclusion | undefined)[];
  /**
   * Exclusions of sources that cannot supply, by supplier and what they lack (a service, a
   * language, subjects, a year), made once: the same few recur on every request. Title lists are
   * not kept here, as ISSNs are too many to remember.
   */
  unable: Map<string, Exclusion>[];
  /** Exclusions of suppliers for lacking a service, by `supplier * SERVICES.length + serviceSlot`, made once each. */
  lacking: (Exclusion | undefined)[];
  /** Exclusions of candidates by their hard reasons and the exclusion rules fired for them, by supplier, made once each (`exclusionOf` in rank.ts). */
  excludedBy: Map<string, Map<string, Exclusion>>[];
  /** Rota deadlines that name no instant, by supplier and hours (`deadlineOf` in rank.ts), made once each. */
  deadlines: Map<number, TryDeadline>[];
  /** What decisions say of each rule, by configuration position, made on first use. */
  ruleWords: (RuleWords | undefined)[];
  /** `NEAR` bits of every supplier for a requesting library, by library id, made on its first request. */
  views: Map<string, Uint8Array>;
  /** Room for a decision to note each supplier's candidate position in, -1 elsewhere, and -1 again once done. */
  positions: Int32Array;
}

/**
 * json-rules-engine runs rules of one priority concurrently, so the order its results arrive in
 * depends on how deep each rule's conditions are. Both evaluators instead report firings by
 * priority, highest first, then by position in the configuration.
 */
export function canonicalOrder(rules: readonly Rule[]): number[] {
  const priorities = rules.map((rule) => effectivePriority(rule));
  return rules.map((_, i) => i).sort((a, b) => (priorities[b] ?? 0) - (priorities[a] ?? 0) || a - b);
}

/** The priority json-rules-engine gives a rule: `priority || 1`, truncated to an integer. */
export function effectivePriority(rule: Rule): number {
  const raw: unknown = rule.priority;
  return Number.parseInt(String(raw || 1), 10);
}

/** What a request of `service` costs at this supplier before its pages are counted. */
export function fixedCost({ cost }: Pick<Supplier, 'cost'>, service: Service): number {
  let total = 0;
  for (const fee of cost.fees ?? []) total += fee.amount;
  return total + ((service === 'loan' ? cost.perLoan : cost.perArticle) ?? 0);
}

/** A request's price from the fixed part of it and the price of a page: pages count only for a copy. */
export function priceOf(fixed: number, perPage: number, service: Service, pages: number): number {
  return service === 'copy' ? fixed + perPage * pages : fixed;
}

/** What a request is expected to cost at this supplier. */
export function estimateCost(supplier: Pick<Supplier, 'cost'>, service: Service, pages: number): number {
  return priceOf(fixedCost(supplier, service), supplier.cost.perPage ?? 0, service, pages);
}

function supplierTable(suppliers: readonly Supplier[]): SupplierTable {
  const n = suppliers.length;
  const table: SupplierTable = {
    serviceLibrary: new Uint8Array(n),
    offers: new Uint8Array(n),
    fixedCost: SERVICES.map(() => new Float64Array(n)),
    perPage: new Float64Array(n),
    promised: new Float64Array(n * SERVICES.length * URGENCIES.length).fill(Number.NaN),
    prior: new Float64Array(n),
    capacity: new Float64Array(n),
    active: new Uint8Array(n),
    coversAll: new Uint8Array(n),
  };
  suppliers.forEach((supplier, i) => {
    table.serviceLibrary[i] = supplier.kind === 'service-library' ? 1 : 0;
    SERVICES.forEach((service, s) => {
      if (supplier.services.includes(service)) table.offers[i] = (table.offers[i] ?? 0) | (1 << s);
      (table.fixedCost[s] as Float64Array)[i] = fixedCost(supplier, service);
      URGENCIES.forEach((urgency, u) => {
        const hours = supplier.turnaroundHours?.[service]?.[urgency];
        if (hours !== undefined) table.promised[(i * SERVICES.length + s) * URGENCIES.length + u] = hours;
      });
    });
    table.perPage[i] = supplier.cost.perPage ?? 0;
    table.prior[i] = supplier.fillRate ?? DEFAULT_FILL_RATE;
    table.capacity[i] = supplier.capacityPerDay;
    table.active[i] = supplier.status.state === 'active' ? 1 : 0;
    const { documentTypes, languages, subjects, years } = supplier.coverage;
    const limited = documentTypes?.length || languages?.length || subjects?.length || years?.from !== undefined || years?.to !== undefined || supplier.titleList || supplier.kind === 'open-access';
    table.coversAll[i] = limited ? 0 : 1;
  });
  return table;
}

/** Where in `SupplierTable.promised` a supplier's promise for a service and urgency is. */
export const promisedSlot = (supplier: number, service: number, urgency: number): number => (supplier * SERVICES.length + service) * URGENCIES.length + urgency;

export function indexNetwork(config: NetworkConfig): Network {
  const supplierIndex = new Map<string, number>();
  const sources: number[] = [];
  config.suppliers.forEach((supplier, i) => {
    supplierIndex.set(supplier.id, i);
    // Search-proxy staff take escalated requests; they are never tried as an ordinary supplier.
    if (supplier.kind !== 'service-library' && supplier.kind !== 'search-proxy') sources.push(i);
  });
  const ids = config.suppliers.map((supplier) => supplier.id);
  const byRank = Uint32Array.from(ids.map((_, i) => i).sort((a, b) => ((ids[a] ?? '') < (ids[b] ?? '') ? -1 : 1)));
  const idRank = new Uint32Array(ids.length);
  byRank.forEach((index, rank) => (idRank[index] = rank));
  const members: Record<string, number | undefined> = Object.create(null) as Record<string, number | undefined>;
  for (const [id, index] of supplierIndex) members[id] = index;
  config.libraries.forEach((library, i) => (members[library.id] ??= config.suppliers.length + i));
  const libraries = new Map(config.libraries.map((library) => [library.id, library]));
  return {
    config,
    supplierIndex,
    members,
    seen: new Uint8Array(config.suppliers.length + config.libraries.length),
    slots: new Int32Array(config.suppliers.length),
    firedBits: new Int32Array(config.rules.length * Math.ceil(config.suppliers.length / 32)),
    hits: new Int32Array(config.suppliers.length),
    table: supplierTable(config.suppliers),
    idRank,
    byRank,
    cut: new Array<Exclusion | undefined>(config.suppliers.length),
    unable: config.suppliers.map(() => new Map()),
    lacking: new Array<Exclusion | undefined>(config.suppliers.length * SERVICES.length),
    excludedBy: config.suppliers.map(() => new Map()),
    ruleWords: new Array<RuleWords | undefined>(config.rules.length),
    deadlines: config.suppliers.map(() => new Map()),
    views: new Map(),
    positions: new Int32Array(config.suppliers.length).fill(-1),
    libraries,
    supplierLibraries: config.suppliers.map((supplier) => (supplier.kind === 'service-library' ? libraries.get(supplier.id) : undefined)),
    sources,
    order: canonicalOrder(config.rules),
    subjects: config.subjects && indexSubjects(config.subjects),
  };
}

/** The proximity groups a library belongs to, by its province or its city. */
function groupsOf(config: NetworkConfig, library: Library | undefined): string[] {
  if (!library) return [];
  const member = (place: string) => place === library.province || place === library.city;
  return Object.entries(config.policy.proximity?.groups ?? {})
    .filter(([, places]) => places.some(member))
    .map(([name]) => name);
}

/**
 * How every supplier stands with a requesting library (`NEAR` bits): the same region, and for a
 * member library the same province, city or proximity group; the library's preferred and blocked
 * suppliers. Suppliers of other kinds are near to none.
 */
export function viewOf(network: Network, library: Library): Uint8Array {
  const known = network.views.get(library.id);
  if (known) return known;
  const { config } = network;
  const groups = groupsOf(config, library);
  const { preferredSuppliers, blockedSuppliers } = library.policy;
  const view = Uint8Array.from(config.suppliers, (supplier, i) => {
    let bits = supplier.region !== undefined && supplier.region === library.region ? NEAR.sameRegion : 0;
    const other = network.supplierLibraries[i];
    if (other?.province !== undefined && other.province === library.province) {
      bits |= NEAR.sameProvince;
      // City names repeat across provinces rarely, but they do.
      if (other.city !== undefined && other.city === library.city) bits |= NEAR.sameCity;
    }
    if (other && groups.length > 0 && groupsOf(config, other).some((group) => groups.includes(group))) bits |= NEAR.sameProximityGroup;
    return bits;
  });
  // A library names a few suppliers, each looked up once, rather than every supplier sought in its lists.
  const mark = (ids: readonly string[], bit: number): void => {
    for (const id of ids) {
      const i = network.supplierIndex.get(id);
      if (i !== undefined) view[i] = (view[i] as number) | bit;
    }
  };
  mark(preferredSuppliers, NEAR.preferred);
  mark(blockedSuppliers, NEAR.blocked);
  network.views.set(library.id, view);
  return view;
}

export interface Holders {
  /** The suppliers among them, by configuration position, each once, in the order first listed. */
  suppliers: number[];
  /** How many libraries hold the item, each counted once. */
  count: number;
  /** The requesting library's own holding, where it has one. */
  own?: Holding;
}

/** The holders of an item, each looked up once by id and counted once however often listed. */
export function holdersOf(network: Network, library: Library, holdings: readonly HoldingRef[]): Holders {
  const { members, seen } = network;
  const suppliers = network.supplierIndex.size;
  // As long as the holdings, so that neither list is copied as it grows; cut to length after.
  const found = new Array<number>(holdings.length);
  let count = 0;
  let strangers: Set<string> | undefined;
  let own: Holding | undefined;
  for (const ref of holdings) {
    const id = typeof ref === 'string' ? ref : ref.libraryId;
    if (own === undefined && id === library.id) own = holdingOf(ref);
    const member = members[id];
    if (member === undefined) (strangers ??= new Set()).add(id);
    else if (seen[member] === 0) {
      seen[member] = 1;
      found[count++] = member;
    }
  }
  const list = new Array<number>(count);
  let listed = 0;
  for (let i = 0; i < count; i++) {
    const member = found[i] as number;
    seen[member] = 0;
    if (member < suppliers) list[listed++] = member;
  }
  list.length = listed;
  return { suppliers: list, count: count + (strangers?.size ?? 0), ...(own && { own }) };
}

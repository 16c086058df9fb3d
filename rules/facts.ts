// The facts a routing rule may read. The evaluator provides exactly these, and `ill check` rejects
// rules naming anything else, so an administrator's typo fails at check time instead of silently
// never matching.

import common from '../config/schemas/common.schema.json';
import type { LibraryRole, SupplierKind, SupplierService, SupplierStatus } from './types';
import type { DocumentType, Service, Urgency } from '../domain/request';

export type FactType = 'string' | 'number' | 'boolean' | 'string[]';

export interface PathSpec {
  type: FactType;
  description: string;
  /** The closed set of values the path can take, so rule values can be checked against it. */
  values?: readonly string[];
  /** The path holds ids of configured suppliers or libraries. */
  refers?: 'supplier' | 'library';
  /** The values are subjects of the vocabulary, ISO 639-1 codes or calendar dates. */
  format?: 'subject' | 'language' | 'date';
}

export interface FactSpec {
  description: string;
  /** True when the value differs for each supplier considered for the request. */
  dependsOnCandidate: boolean;
  /** JSONPath (as json-rules-engine reads `path`) to what is found there. */
  paths: Record<string, PathSpec>;
}

function keysOf<T extends string>(all: Record<T, true>): readonly T[] {
  return Object.keys(all) as T[];
}

export const SERVICES = keysOf<Service>({ copy: true, loan: true, ebook: true });
export const URGENCIES = keysOf<Urgency>({ normal: true, rush: true, express: true });
export const DOCUMENT_TYPES = keysOf<DocumentType>({
  article: true,
  chapter: true,
  book: true,
  thesis: true,
  'conference-paper': true,
  standard: true,
  patent: true,
});
export const SUPPLIER_SERVICES = keysOf<SupplierService>({ copy: true, loan: true, ebook: true, purchase: true });
export const LIBRARY_ROLES = keysOf<LibraryRole>({ service: true, user: true, both: true });
export const SUPPLIER_STATES = keysOf<SupplierStatus['state']>({ active: true, suspended: true, closed: true });
export const SUPPLIER_KINDS = keysOf<SupplierKind>({
  'service-library': true,
  'national-library': true,
  'public-library': true,
  nstl: true,
  cashl: true,
  keris: true,
  vendor: true,
  'open-access': true,
  'calis-ebooks': true,
  overseas: true,
  'search-proxy': true,
});

const text = (description: string): PathSpec => ({ type: 'string', description });
const number = (description: string): PathSpec => ({ type: 'number', description });
const flag = (description: string): PathSpec => ({ type: 'boolean', description });
const list = (description: string): PathSpec => ({ type: 'string[]', description });
const oneOf = (values: readonly string[], description: string): PathSpec => ({ type: 'string', description, values });
const formatted = (format: PathSpec['format'], type: 'string' | 'string[]', description: string): PathSpec => ({ type, description, format });
const idOf = (refers: 'supplier' | 'library', description: string, type: 'string' | 'string[]' = 'string'): PathSpec => ({ type, description, refers });

function turnaroundPaths(): Record<string, PathSpec> {
  const paths: Record<string, PathSpec> = {};
  for (const service of SERVICES) {
    for (const urgency of URGENCIES) {
      paths[`$.turnaroundHours.${service}.${urgency}`] = number(`promised ${urgency} turnaround for ${service} in hours`);
    }
  }
  return paths;
}

export const FACTS = {
  request: {
    description: 'the request being routed',
    dependsOnCandidate: false,
    paths: {
      '$.id': text('request id'),
      '$.requester.libraryId': idOf('library', 'requesting library'),
      '$.requester.patronId': text('reader id at the requesting library'),
      '$.service': oneOf(SERVICES, 'copy, loan or ebook'),
      '$.urgency': oneOf(URGENCIES, 'normal, rush or express'),
      '$.citation.documentType': oneOf(DOCUMENT_TYPES, 'article, chapter, book, thesis, conference-paper, standard or patent'),
      '$.citation.title': text('article, chapter or book title'),
      '$.citation.authors': list('authors'),
      '$.citation.journalTitle': text('journal title'),
      '$.citation.issn': text('ISSN'),
      '$.citation.isbn': text('ISBN'),
      '$.citation.doi': text('DOI'),
      '$.citation.year': number('publication year'),
      '$.citation.volume': text('volume'),
      '$.citation.issue': text('issue'),
      '$.citation.pages': text('pages'),
      '$.citation.language': formatted('language', 'string', 'ISO 639-1 language code'),
      '$.citation.subjects': formatted('subject', 'string[]', 'subjects of the vocabulary in subjects.yaml, mapped from what the request wrote'),
      '$.maxCost.amount': number('most the reader will pay'),
      '$.maxCost.currency': text('currency of maxCost'),
      '$.holdings': idOf('library', 'libraries known to hold the item', 'string[]'),
    },
  },
  library: {
    description: 'the requesting library',
    dependsOnCandidate: false,
    paths: {
      '$.id': idOf('library', 'library id'),
      '$.name': text('library name'),
      '$.region': text('CALIS region'),
      '$.province': oneOf(common.$defs.province.enum, 'ISO 3166-2:CN code of the library’s province, for example CN-SH'),
      '$.city': text('the library’s city'),
      '$.role': oneOf(LIBRARY_ROLES, 'service, user or both'),
      '$.policy.reviewRequired': flag('every request waits for a librarian'),
      '$.policy.autoApproveLimit.amount': number('cost the library accepts without approval'),
      '$.policy.autoApproveLimit.currency': text('currency of the auto-approve limit'),
      '$.policy.preferredSuppliers': idOf('supplier', 'suppliers the library prefers', 'string[]'),
      '$.policy.blockedSuppliers': idOf('supplier', 'suppliers the library never uses', 'string[]'),
    },
  },
  supplier: {
    description: 'the supplier being considered',
    dependsOnCandidate: true,
    paths: {
      '$.id': idOf('supplier', 'supplier id'),
      '$.name': text('supplier name'),
      '$.kind': oneOf(SUPPLIER_KINDS, 'kind of source'),
      '$.adapter': text('adapter module'),
      '$.services': { type: 'string[]', description: 'services offered', values: SUPPLIER_SERVICES },
      '$.formats': list('delivery formats'),
      '$.coverage.subjects': formatted('subject', 'string[]', 'subjects covered'),
      '$.coverage.languages': formatted('language', 'string[]', 'languages covered'),
      '$.coverage.years.from': number('first year covered'),
      '$.coverage.years.to': number('last year covered'),
      '$.coverage.regions': list('requesting regions served'),
      '$.cost.currency': text('currency of the prices'),
      '$.cost.perArticle': number('price of one article'),
      '$.cost.perPage': number('price per page'),
      '$.cost.perLoan': number('price of one loan'),
      ...turnaroundPaths(),
      '$.capacityPerDay': number('requests accepted per day'),
      '$.sendMode': oneOf(['auto', 'manual'], 'auto or manual sending'),
      '$.status.state': oneOf(SUPPLIER_STATES, 'active, suspended or closed'),
      '$.status.from': formatted('date', 'string', 'start of a closure or suspension'),
      '$.status.to': formatted('date', 'string', 'end of a closure or suspension'),
      '$.region': text('CALIS region'),
      '$.fillRate': number('prior fill rate, 0..1'),
    },
  },
  candidate: {
    description: 'values derived for the request and the supplier being considered',
    dependsOnCandidate: true,
    paths: {
      '$.holds': flag('the supplier holds the item'),
      '$.sameRegion': flag('the supplier is in the requesting library’s region'),
      '$.sameProvince': flag('the supplier is a member library in the requesting library’s province'),
      '$.sameCity': flag('the supplier is a member library in the requesting library’s city'),
      '$.sameProximityGroup': flag('the supplier is a member library in a proximity group (policy.yaml) with the requesting library'),
      '$.targetHours': number('turnaround the supplier promises for this service and urgency'),
      '$.estimatedCost': number('what this request would cost at this supplier, in its currency'),
      '$.load': number('share of today’s capacity already used, 0..1'),
      '$.preferred': flag('the requesting library prefers the supplier'),
      '$.blocked': flag('the requesting library blocks the supplier'),
      '$.covers': flag('the supplier’s coverage matches the language, subjects, year and, where it lists titles, ISSN'),
    },
  },
  usage: {
    description: 'values derived for the request as a whole',
    dependsOnCandidate: false,
    paths: {
      '$.deadlineHours': number('turnaround target for the request’s service and urgency'),
      '$.titleCopiesThisYear': number('copies from this journal title supplied to the library this year'),
      '$.holders': number('number of libraries holding the item'),
    },
  },
} satisfies Record<string, FactSpec>;

export type FactName = keyof typeof FACTS;

export function isFactName(name: string): name is FactName {
  return Object.hasOwn(FACTS, name);
}

/** What `path` of `fact` holds; an index into a list (`$.citation.subjects[0]`) names one element. */
export function pathSpec(fact: FactName, path: string): PathSpec | undefined {
  const paths: Record<string, PathSpec> = FACTS[fact].paths;
  const exact = paths[path];
  if (exact) return exact;
  const element = /^(.*)\[\d+\]$/.exec(path);
  const whole = element?.[1] === undefined ? undefined : paths[element[1]];
  return whole?.type === 'string[]' ? { ...whole, type: 'string' } : undefined;
}

// The generated network (network-generator.ts) written out as a configuration directory that
// `ill check` and `ill route` load like the shipped one (config/): suppliers, libraries, rules,
// policy, the union catalogue's holdings and the subject vocabulary, each in its own YAML file.
// Where loading fills a value in (a rule's default priority, where an entry was written) the
// generated value is left out, so what loads is what was generated.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RouteInput } from '../rules/rank';
import type { HoldingEntry, Library, NetworkConfig, Rule, Supplier } from '../rules/types';
import type { IllRequest } from '../domain/request';
import { SUBJECTS } from './network-generator';

const schema = (name: string) => `# yaml-language-server: $schema=schemas/${name}.schema.json\n`;

/**
 * A supplier as written, without what loading adds: its peer system's address where its adapter
 * needs one, and turnarounds only for the services it offers (`ill check` rejects the others; the
 * generator gives e-book sources a copy turnaround, which routing never reads).
 */
function supplierEntry({ source: _source, titleList: _titles, turnaroundHours, ...supplier }: Supplier): Omit<Supplier, 'source' | 'titleList'> {
  const offered = Object.entries(turnaroundHours ?? {}).filter(([service]) => (supplier.services as string[]).includes(service));
  const written = { ...supplier, ...(offered.length > 0 ? { turnaroundHours: Object.fromEntries(offered) } : {}) };
  if (supplier.adapter !== 'iso18626' || (supplier.endpoint && supplier.agencyId)) return written;
  return { ...written, endpoint: `http://127.0.0.1:3100/iso18626/${supplier.id}`, agencyId: `ISIL:CN-${supplier.id.toUpperCase()}` };
}

const libraryEntry = ({ source: _source, ...library }: Library): Omit<Library, 'source'> => library;
const ruleEntry = ({ source: _source, ...rule }: Rule): Omit<Rule, 'source'> => rule;

function write(dir: string, relative: string, header: string, value: unknown): void {
  const file = join(dir, relative);
  mkdirSync(join(file, '..'), { recursive: true });
  // Lists of scalars (holders, services, ids) on one line each, as administrators write them.
  writeFileSync(file, header + stringify(value, { lineWidth: 0, collectionStyle: 'any' }).replace(/^\s*$/gm, ''));
}

/** Holders flow-styled: a list of a few hundred library ids a line each would be most of the file. */
function holdingsText(holdings: Record<string, HoldingEntry[]>): string {
  const lines = Object.entries(holdings).map(([item, holders]) => `  '${item}': [${holders.map((holder) => (typeof holder === 'string' ? holder : JSON.stringify(holder))).join(', ')}]`);
  return `${schema('holdings')}holdings:\n${lines.join('\n')}\n`;
}

/** Writes `config` as a configuration directory at `dir` (created if need be). */
export function writeNetwork(config: NetworkConfig, dir: string): void {
  const services = config.suppliers.filter((supplier) => supplier.kind === 'service-library');
  const sources = config.suppliers.filter((supplier) => supplier.kind !== 'service-library');
  write(dir, 'suppliers/service-libraries.yaml', schema('suppliers'), { suppliers: services.map(supplierEntry) });
  write(dir, 'suppliers/sources.yaml', schema('suppliers'), { suppliers: sources.map(supplierEntry) });
  write(dir, 'libraries/members.yaml', schema('libraries'), { libraries: config.libraries.map(libraryEntry) });
  write(dir, 'rules/routing.yaml', schema('rules'), { rules: config.rules.map(ruleEntry) });
  write(dir, 'policy.yaml', schema('policy'), config.policy);
  if (config.licences.length > 0) write(dir, 'licences.yaml', schema('licences'), { licences: config.licences });
  // The generator's subjects are the vocabulary itself: every request and rule names its terms.
  write(dir, 'subjects.yaml', schema('subjects'), config.subjects ?? { vocabulary: Object.fromEntries(SUBJECTS.map((subject) => [subject, subject])) });
  const file = join(dir, 'holdings.yaml');
  writeFileSync(file, holdingsText(config.holdings));
}

/** An ISSN with its check digit, `0000-0019` onwards, for the `n`th journal. */
export function issnOf(n: number): string {
  const digits = String(n).padStart(7, '0');
  const sum = [...digits].reduce((total, digit, index) => total + Number(digit) * (8 - index), 0);
  const check = (11 - (sum % 11)) % 11;
  return `${digits.slice(0, 4)}-${digits.slice(4)}${check === 10 ? 'X' : String(check)}`;
}

/**
 * The generated requests as readers send them, with the union catalogue that knows their holders:
 * each cites its journal by an ISSN of that journal, and the catalogue lists the journal's holders,
 * those the generator drew for the first request citing it. A request thus carries no holders of
 * its own: routing finds them in the holdings, as `ill route` and the engine do.
 */
export function catalogued(inputs: readonly RouteInput[]): { requests: IllRequest[]; holdings: Record<string, string[]> } {
  const holdings: Record<string, string[]> = {};
  const issns = new Map<string, string>();
  const requests = inputs.map(({ request, holdings: holders }) => {
    const journal = request.citation.journalTitle ?? request.citation.title ?? request.id;
    let issn = issns.get(journal);
    if (issn === undefined) {
      issn = issnOf(issns.size + 1);
      issns.set(journal, issn);
      holdings[issn] = [...new Set((holders ?? []).map((holder) => (typeof holder === 'string' ? holder : holder.libraryId)))].sort();
    }
    const { holdings: _own, ...rest } = request;
    return { ...rest, citation: { ...request.citation, issn } };
  });
  // A journal the generator drew no holder for is not in the catalogue: its requests find none.
  for (const [issn, holders] of Object.entries(holdings)) if (holders.length === 0) delete holdings[issn];
  return { requests, holdings };
}

// Loads and checks the network configuration directory:
//
//   suppliers/*.yaml  libraries/*.yaml  rules/*.yaml  policy.yaml  holdings.yaml  subjects.yaml
//   licences.yaml (optional)  requests/*.json
//   and the title lists suppliers name in `coverage.titles` (titles/*.txt)
//
// Every problem is collected in one run, each located at the line and column to edit, so an
// administrator fixes them all at once. The configuration is returned only when there are none:
// the engine never routes with a configuration that failed its checks.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  closureProblems,
  duplicateProblems,
  holdingsProblems,
  libraryProblems,
  licenceProblems,
  proximityProblems,
  quotaProblems,
  requestProblems,
  supplierProblems,
  type Entry,
  type Known,
  type LibraryInput,
  type Named,
  type SupplierInput,
  workingHoursProblems,
} from './check';
import { ruleProblems, type KnownIds, type RuleInput } from './conditions';
import { ruleWarnings } from './lint';
import { parseTitleList } from './titles';
import { readHoldingsLines } from './holdings';
import { FIRST, parseLocated, pointerOf, type LocatedText, type ParseCache } from './located';
import { schemaProblems, type SchemaName } from './schemas';
import { indexSubjects, mappingProblems, requestSubjectProblem, termProblems, type SubjectIndex } from './subjects';
import type { HoldingEntry, Library, Licence, NetworkConfig, NetworkPolicy, Problem, Rule, SubjectMapping, Supplier } from './types';
import type { IllRequest } from '../domain/request';
import { configVersion } from './version';
import common from '../config/schemas/common.schema.json';
import { minutesOf } from './clock';

interface Parsed {
  doc?: LocatedText;
  /** Pointers at which the schema failed; an entry containing one is not used further. */
  invalid: string[];
}

interface Collection<T> {
  entries: Entry<T>[];
  named: Named[];
  /** False when a file failed as a whole, so references into the collection cannot be judged. */
  complete: boolean;
}

const YAML = /\.ya?ml$/;

/** Problems in the order an administrator reads them: by file, then line and column. */
export function byLocation(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

function covers(pointer: string, inner: string): boolean {
  return inner === pointer || inner.startsWith(pointer + '/');
}

/** How a load reads its directory; all optional. */
export interface LoadOptions {
  /** Texts parsed before (two configurations loaded one after the other) are not parsed again. */
  cache?: ParseCache;
  /**
   * Texts that stand in for files of the directory, by path relative to it: a draft an
   * administrator edits, checked as the configuration it would make without being written.
   */
  drafts?: ReadonlyMap<string, string>;
  /**
   * How files are named in problems and in where each supplier, library and rule is written:
   * relative to the directory unless given (what the API may show anyone); the command line names
   * them by a path its user can open.
   */
  name?: (relative: string) => string;
}

class Loader {
  readonly problems: Problem[] = [];
  /** What deserves a second look but does not stop the configuration from being used. */
  readonly warnings: Problem[] = [];
  private readonly cache?: ParseCache;
  private readonly drafts: ReadonlyMap<string, string>;
  readonly name: (relative: string) => string;

  constructor(
    private readonly dir: string,
    options: LoadOptions,
  ) {
    this.cache = options.cache;
    this.drafts = options.drafts ?? new Map();
    this.name = options.name ?? ((relative) => relative);
  }

  private exists(relative: string): boolean {
    return this.drafts.has(relative) || existsSync(join(this.dir, relative));
  }

  private read(relative: string): string {
    return this.drafts.get(relative) ?? readFileSync(join(this.dir, relative), 'utf8');
  }

  /** `quick` reads a data file of a shape it knows without the YAML parser (`parseLocated`). */
  private parse(relative: string, schema: SchemaName, quick?: (text: string) => unknown): Parsed {
    const text = this.read(relative);
    const { located, problems } = parseLocated(this.name(relative), text, this.cache, quick);
    this.problems.push(...problems);
    if (!located) return { invalid: [''] };
    if (this.cache?.conforms(text, schema)) return { doc: located, invalid: [] };
    const errors = schemaProblems(located, schema);
    if (errors.length === 0) this.cache?.conforming(text, schema);
    this.problems.push(...errors.map((error) => error.problem));
    return { doc: located, invalid: errors.map((error) => error.pointer) };
  }

  private files(folder: string, pattern: RegExp, required: boolean): string[] {
    const path = join(this.dir, folder);
    const names = existsSync(path) ? readdirSync(path).filter((name) => pattern.test(name)).sort() : [];
    if (names.length === 0 && required) {
      this.problems.push({ file: this.name(folder), ...FIRST, message: `no ${folder} configured: expected ${folder}/*.yaml` });
    }
    return names.map((name) => `${folder}/${name}`);
  }

  /** A single required file, or undefined after reporting that it is missing or broken. */
  single<T>(relative: string, schema: SchemaName, quick?: (text: string) => T | undefined): { doc: LocatedText; value: T } | undefined {
    if (!this.exists(relative)) {
      this.problems.push({ file: this.name(relative), ...FIRST, message: `missing ${relative}` });
      return undefined;
    }
    return this.present<T>(relative, schema, quick);
  }

  /** A single file that may be absent (`missing`), or undefined after reporting that it is broken. */
  optional<T>(relative: string, schema: SchemaName): { doc: LocatedText; value: T } | 'missing' | undefined {
    return this.exists(relative) ? this.present<T>(relative, schema) : 'missing';
  }

  private present<T>(relative: string, schema: SchemaName, quick?: (text: string) => T | undefined): { doc: LocatedText; value: T } | undefined {
    const { doc, invalid } = this.parse(relative, schema, quick);
    return doc && invalid.length === 0 ? { doc, value: doc.value as T } : undefined;
  }

  collection<T>(folder: 'suppliers' | 'libraries' | 'rules', key: 'id' | 'name'): Collection<T> {
    const result: Collection<T> = { entries: [], named: [], complete: true };
    const files = this.files(folder, YAML, true);
    for (const relative of files) {
      const { doc, invalid } = this.parse(relative, folder);
      const items = (doc?.value as Record<string, unknown> | null)?.[folder];
      if (!doc || !Array.isArray(items) || invalid.some((pointer) => !pointer.startsWith(`/${folder}/`))) {
        result.complete = false;
      }
      if (!doc || !Array.isArray(items)) continue;
      items.forEach((item: unknown, index) => {
        const pointer = pointerOf(folder, index);
        const name = (item as Record<string, unknown> | null)?.[key];
        if (typeof name === 'string') result.named.push({ name, doc, pointer: pointerOf(folder, index, key) });
        if (!invalid.some((inner) => covers(pointer, inner))) result.entries.push({ doc, pointer, value: item as T });
      });
    }
    result.complete &&= files.length > 0;
    return result;
  }

  /** The ISSNs of each supplier's title list, by the supplier's pointer; a list that fails is reported and left out. */
  titleLists(entries: Entry<SupplierInput>[]): Map<Entry<SupplierInput>, string[]> {
    const lists = new Map<Entry<SupplierInput>, string[]>();
    for (const entry of entries) {
      const relative = entry.value.coverage.titles;
      if (relative === undefined) continue;
      const file = join(this.dir, relative);
      if (!this.drafts.has(relative) && (!existsSync(file) || !statSync(file).isFile())) {
        this.problems.push(entry.doc.problem(`${entry.pointer}/coverage/titles`, `title list '${relative}' not found: expected a file of ISSNs at ${this.name(relative)}`));
        continue;
      }
      const { issns, problems, warnings } = parseTitleList(this.name(relative), this.read(relative));
      this.problems.push(...problems);
      this.warnings.push(...warnings);
      if (issns.length === 0 && problems.length === 0) {
        this.problems.push(entry.doc.problem(`${entry.pointer}/coverage/titles`, `title list '${relative}' lists no ISSN, so the supplier would cover no serial with an ISSN`));
      }
      lists.set(entry, issns);
    }
    return lists;
  }

  /** Sample requests stand for what readers send, so a subject no rule could ever see is a mistake here. */
  requests(libraries?: ReadonlySet<string>, subjects?: SubjectIndex) {
    for (const relative of this.files('requests', /\.json$/, false)) {
      const { doc, invalid } = this.parse(relative, 'request');
      if (!doc || invalid.length > 0) continue;
      const request = doc.value as IllRequest;
      this.problems.push(...requestProblems(doc, request, libraries));
      request.citation.subjects?.forEach((subject, index) => {
        const message = subjects && requestSubjectProblem(subjects, subject);
        if (message) this.problems.push(doc.problem(`/citation/subjects/${index}`, message));
      });
    }
  }
}

/** Undefined when a file of the collection failed as a whole: references into it cannot be judged. */
function known<T>(collection: Collection<T>, id: (value: T) => string): Known<T> | undefined {
  if (!collection.complete) return undefined;
  return {
    ids: new Set(collection.named.map((named) => named.name)),
    valid: new Map(collection.entries.map((entry) => [id(entry.value), entry.value])),
  };
}

/** A supplier that sets only one end of its day may end it before the network's starts, or start it after the network's ends. */
function mergedHoursProblems({ doc, pointer, value }: Entry<SupplierInput>, policy: NetworkPolicy): Problem[] {
  const own = value.workingHours;
  if (typeof own !== 'object' || !policy.workingHours || (own.from !== undefined) === (own.to !== undefined)) return [];
  const merged = { ...policy.workingHours, ...own };
  const from = minutesOf(merged.from);
  const to = minutesOf(merged.to);
  if (from === undefined || to === undefined || from < to) return [];
  const key = own.from !== undefined ? 'from' : 'to';
  return [doc.problem(`${pointer}/workingHours/${key}`, `with the network's hours (policy.yaml) this supplier's day runs from ${merged.from} to ${merged.to}, ending before it starts`)];
}

const sourceOf = ({ doc, pointer }: Entry<unknown>) => ({ file: doc.file, line: doc.at(pointer).line });

/**
 * The configuration when it has no problems, the problems, and warnings: located like problems,
 * but about configurations that load and route, only perhaps not as their author meant. Files
 * whose text `cache` holds (two configurations loaded one after the other) are not parsed again.
 */
export function loadNetwork(dir: string, options: LoadOptions = {}): { config?: NetworkConfig; problems: Problem[]; warnings: Problem[] } {
  const loader = new Loader(dir, options);
  const suppliers = loader.collection<SupplierInput>('suppliers', 'id');
  const libraries = loader.collection<LibraryInput>('libraries', 'id');
  const rules = loader.collection<RuleInput & { priority?: number }>('rules', 'name');
  const policy = loader.single<NetworkPolicy>('policy.yaml', 'policy');
  // The union catalogue's export runs to half a million holders, one item a line: read without the YAML parser where it can be.
  const holdings = loader.single<{ holdings: Record<string, HoldingEntry[]> }>('holdings.yaml', 'holdings', readHoldingsLines);
  const licences = loader.optional<{ licences: Licence[] }>('licences.yaml', 'licences');
  const subjects = loader.single<SubjectMapping>('subjects.yaml', 'subjects');
  const subjectIndex = subjects && indexSubjects(subjects.value);

  for (const { value: library } of libraries.entries) {
    // Optional in the YAML: most libraries state neither.
    library.policy.preferredSuppliers ??= [];
    library.policy.blockedSuppliers ??= [];
  }
  const knownSuppliers = known(suppliers, (supplier) => supplier.id);
  const knownLibraries = known(libraries, (library) => library.id);
  const ids: KnownIds = { supplier: knownSuppliers?.ids, library: knownLibraries?.ids, subjects: subjectIndex };
  loader.problems.push(
    ...duplicateProblems(suppliers.named, 'supplier id'),
    ...duplicateProblems(libraries.named, 'library id'),
    ...duplicateProblems(rules.named, 'rule name'),
    ...supplierProblems(suppliers.entries, knownLibraries),
    ...libraryProblems(libraries.entries, knownSuppliers),
    ...rules.entries.flatMap(({ doc, pointer, value }) => ruleProblems(doc, pointer, value, ids)),
    ...(holdings ? holdingsProblems(holdings.doc, holdings.value.holdings, ids.library) : []),
    ...(licences && licences !== 'missing' ? licenceProblems(licences.doc, licences.value.licences, ids.library) : []),
    ...(subjects ? mappingProblems(subjects.doc, subjects.value) : []),
    ...(policy?.value.proximity && libraries.complete
      ? proximityProblems(policy.doc, policy.value.proximity.groups, common.$defs.province.enum, libraries.entries.map((entry) => entry.value))
      : []),
    ...(subjectIndex
      ? suppliers.entries.flatMap(({ doc, pointer, value }) => termProblems(doc, `${pointer}/coverage/subjects`, value.coverage.subjects, subjectIndex))
      : []),
    ...(policy?.value.workingHours ? workingHoursProblems(policy.doc, '/workingHours', policy.value.workingHours) : []),
    ...(policy ? closureProblems(policy.doc, '/closures', policy.value.closures) : []),
    ...(policy ? quotaProblems(policy.doc, policy.value.quotas, ids.library) : []),
    ...(policy ? suppliers.entries.flatMap((entry) => mergedHoursProblems(entry, policy.value)) : []),
  );
  loader.requests(ids.library, subjectIndex);
  const titleLists = loader.titleLists(suppliers.entries);
  loader.warnings.push(...ruleWarnings(rules.entries, knownSuppliers));

  const problems = loader.problems.sort(byLocation);
  const warnings = loader.warnings.sort(byLocation);
  if (problems.length > 0 || !policy || !holdings || !subjects || !licences) return { problems, warnings };
  const content = {
    suppliers: suppliers.entries.map((entry): Supplier => {
      const titleList = titleLists.get(entry);
      return { ...entry.value, ...(titleList ? { titleList } : {}), source: sourceOf(entry) };
    }),
    libraries: libraries.entries.map((entry): Library => ({ ...entry.value, source: sourceOf(entry) })),
    rules: rules.entries.map(
      (entry): Rule => ({
        ...entry.value,
        priority: entry.value.priority ?? 1,
        event: { type: entry.value.event.type, params: entry.value.event.params ?? {} },
        source: sourceOf(entry),
      }),
    ),
    policy: policy.value,
    holdings: holdings.value.holdings,
    licences: licences === 'missing' ? [] : licences.value.licences,
    subjects: subjects.value,
  };
  const rotaLengthSource = { file: policy.doc.file, line: policy.doc.at('/escalation/maxRotaLength').line };
  return { config: { version: configVersion(content), ...content, rotaLengthSource }, problems, warnings };
}

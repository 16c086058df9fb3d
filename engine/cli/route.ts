import { createReadStream, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { loadNetwork } from '../../rules/load';
import { ParseCache } from '../../rules/located';
import { compile, route, type RouteInput } from '../../rules/route';
import type { Problem } from '../../rules/types';
import { compareVersions, same, type RoutingChange } from '../../rules/versions';
import type { IllRequest } from '../../domain/request';
import type { RouteDecision } from '../../domain/decision';
import { lookupHolders } from '../../rules/holdings';
import { formatProblem, type LoadedNetwork } from '../network';
import { readRequest, type Lines } from './compare-batch';
import { compareBatches, MAX_THREADS_PER_CORE, MIN_REQUESTS, SLOW_BATCH_MS, Workers, type Threads } from './compare-pool';
import type { CliIo } from './io';

const USAGE =
  'usage: ill route [--config DIR] [--now ISO] [FACTS] --request FILE | ill route [--config NEW] --compare OLD --requests FILE.jsonl [--now ISO] [--threads N] [FACTS]; ' +
  '--threads N: worker threads beside this one (default: one for each core but this one, for a file of 20000 requests or more, started once 1000 requests take 100 ms unless both versions decide every request); ' +
  'FACTS: --usage NAME=N (deadlineHours, titleCopiesThisYear, holders), --load SUPPLIER=N (requests sent today), --facts FILE.json ({"usage": {...}, "load": {...}})';

/** What the store would tell routing in service: copies counted against a title, each supplier's load today. */
type Facts = Pick<RouteInput, 'usage' | 'load'>;

const USAGE_FACTS = ['deadlineHours', 'titleCopiesThisYear', 'holders'] as const;

/** A mistake in how the command was called rather than in what it was given to read. */
class UsageError extends Error {}

type Invocation =
  | { mode: 'help' }
  | { mode: 'route'; config: string; now: string; facts: Facts; request: string }
  | { mode: 'compare'; config: string; now: string; facts: Facts; compare: string; requests: string; threads: Threads };

function count(value: unknown, what: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) throw new UsageError(`${what} must be a number of 0 or more, not ${JSON.stringify(value)}`);
  return number;
}

/** `--usage`, `--load` and `--facts` together; a name given twice keeps the last, flags after the file. */
function factsOf(usage: string[] = [], load: string[] = [], file?: string): Facts {
  const given: { usage?: unknown; load?: unknown } = file === undefined ? {} : (JSON.parse(readFileSync(file, 'utf8')) as { usage?: unknown; load?: unknown });
  const pairs = (flag: string, values: string[]) =>
    values.map((value) => {
      const at = value.indexOf('=');
      if (at <= 0) throw new UsageError(`--${flag} '${value}' is not NAME=N`);
      return [value.slice(0, at), value.slice(at + 1)] as const;
    });
  const facts: Facts = {};
  const usageEntries = [...Object.entries((given.usage ?? {}) as object), ...pairs('usage', usage)];
  for (const [name, value] of usageEntries) {
    if (!USAGE_FACTS.includes(name as (typeof USAGE_FACTS)[number])) throw new UsageError(`--usage '${name}' is not a usage fact (${USAGE_FACTS.join(', ')})`);
    (facts.usage ??= {})[name as (typeof USAGE_FACTS)[number]] = count(value, `usage ${name}`);
  }
  for (const [supplier, value] of [...Object.entries((given.load ?? {}) as object), ...pairs('load', load)]) {
    (facts.load ??= {})[supplier] = count(value, `load of '${supplier}'`);
  }
  return facts;
}

function invocation(args: string[], env: CliIo['env']): Invocation {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        request: { type: 'string' },
        compare: { type: 'string' },
        requests: { type: 'string' },
        now: { type: 'string' },
        usage: { type: 'string', multiple: true },
        load: { type: 'string', multiple: true },
        facts: { type: 'string' },
        threads: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    // parseArgs goes on to explain positional arguments, which this command has none of.
    throw new UsageError((error as Error).message.split('. ')[0]);
  }
  if (values.help) return { mode: 'help' };
  // Without --now the day is today's but no time of it is, so deadlines come in working hours only and the output is the same all day.
  const now = values.now ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}/.test(now) || Number.isNaN(Date.parse(now))) {
    throw new UsageError(`--now '${now}' is not an ISO date like 2026-03-02 or 2026-03-02T09:30:00Z`);
  }
  const config = values.config ?? env.ILL_CONFIG_DIR ?? 'config';
  const facts = factsOf(values.usage, values.load, values.facts);
  const { request, compare, requests } = values;
  if (request !== undefined) {
    if (compare !== undefined || requests !== undefined || values.threads !== undefined) {
      throw new UsageError('--request routes one request; --compare and --requests compare two configurations');
    }
    return { mode: 'route', config, now, facts, request };
  }
  if (compare === undefined && requests === undefined) throw new UsageError('missing --request FILE');
  if (compare === undefined || requests === undefined) throw new UsageError('--compare and --requests go together');
  // Threads asked for are started at once; by default, only once a batch proves slow.
  const threads =
    values.threads === undefined
      ? { threads: availableParallelism() - 1, slowBatchMs: SLOW_BATCH_MS, minRequests: MIN_REQUESTS }
      : { threads: count(values.threads, '--threads'), slowBatchMs: 0, minRequests: 0 };
  if (!Number.isInteger(threads.threads)) throw new UsageError(`--threads must be a whole number, not ${values.threads}`);
  // Each worker holds both versions compiled: thousands asked for by a slip of the keyboard would exhaust memory, and beyond the cores none helps.
  const most = MAX_THREADS_PER_CORE * availableParallelism();
  if (threads.threads > most) throw new UsageError(`--threads must be at most ${most} (${MAX_THREADS_PER_CORE} for each of this machine's ${availableParallelism()} cores), not ${values.threads}`);
  return { mode: 'compare', config, now, facts, compare, requests, threads };
}

function load(dir: string, cache?: ParseCache): { network?: LoadedNetwork; problems: Problem[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`configuration directory '${dir}' not found`);
  const { config, problems } = loadNetwork(dir, { cache, name: (relative) => join(dir, relative) });
  return { network: config && { config, compiled: compile(config) }, problems };
}

async function readText(file: string, io: CliIo): Promise<string> {
  if (file !== '-') return readFileSync(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin ?? process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const shown = (file: string): string => (file === '-' ? '<stdin>' : file);

const membersOf = ({ config }: LoadedNetwork): Set<string> => new Set(config.libraries.map((library) => library.id));

function routeWith({ config, compiled }: LoadedNetwork, request: IllRequest, now: string, facts: Facts): RouteDecision {
  return route(compiled, { request, holdings: lookupHolders(config, request), now, ...facts });
}

/** Load given for a supplier the configuration lacks is a typing mistake that would otherwise change nothing, silently. */
function unknownLoad(network: LoadedNetwork, facts: Facts): void {
  const known = new Set(network.config.suppliers.map((supplier) => supplier.id));
  const unknown = Object.keys(facts.load ?? {}).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UsageError(`--load names suppliers not in the configuration: ${unknown.join(', ')}`);
}

function printProblems(io: CliIo, problems: Problem[]): void {
  for (const problem of problems) io.stderr.write(`${formatProblem(problem)}\n`);
}

function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function routeOne(dir: string, file: string, now: string, facts: Facts, io: CliIo): Promise<number> {
  const { network, problems } = load(dir);
  if (!network) {
    printProblems(io, problems);
    return 1;
  }
  unknownLoad(network, facts);
  const read = readRequest(await readText(file, io), shown(file), membersOf(network));
  if (!read.request) {
    printProblems(io, read.problems);
    return 1;
  }
  printJson(io, routeWith(network, read.request, now, facts));
  return 0;
}

/** The lines of a file or of stdin (`-`) as they arrive, each numbered from 1; a line ends at LF, and a CR before it is not part of it. */
function linesOf(file: string, io: CliIo): AsyncGenerator<{ line: string; number: number }> {
  // Opened before anything is read, so that a missing file fails before the report begins.
  const input = file === '-' ? (io.stdin ?? process.stdin) : createReadStream('', { fd: openSync(file, 'r') });
  return (async function* () {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let number = 0;
    for await (const chunk of input) {
      pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
      let start = 0;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
        const line = pending.slice(start, end);
        yield { line: line.endsWith('\r') ? line.slice(0, -1) : line, number: ++number };
        start = end + 1;
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
    yield { line: pending, number: ++number };
  })();
}

/** Writes in pieces of some tens of kilobytes: a write per change would cost more than deciding it. */
class Buffered {
  private text = '';
  constructor(private readonly out: CliIo['stdout']) {}
  write(text: string): void {
    this.text += text;
    if (this.text.length >= 1 << 16) this.flush();
  }
  flush(): void {
    if (this.text !== '') this.out.write(this.text);
    this.text = '';
  }
}

/** `value` as it reads nested `depth` levels deep in JSON indented by 2. */
const nested = (value: unknown, depth: number): string => JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);

/**
 * The report, written as the requests are decided: which configurations, then each change as it
 * is found, then the counts. The text is what `JSON.stringify(report, null, 2)` gives for an
 * object of the keys in that order, however long the batch.
 */
class Report {
  private readonly out: Buffered;
  private changes = 0;

  constructor(io: CliIo, old: string, next: string) {
    this.out = new Buffered(io.stdout);
    this.out.write(`{\n  "old": ${JSON.stringify(old)},\n  "new": ${JSON.stringify(next)},\n  "changes": [`);
  }

  change(change: RoutingChange): void {
    this.out.write(`${this.changes++ === 0 ? '' : ','}\n    ${nested(change, 2)}`);
  }

  end(requests: number, invalid: number): void {
    this.out.write(`${this.changes === 0 ? '' : '\n  '}],\n  "requests": ${requests},\n  "changed": ${this.changes},\n  "invalid": ${invalid}\n}\n`);
    this.out.flush();
  }
}

/** Lines a batch is compared in, by this thread or by a worker thread. */
const BATCH = 1000;

/** The lines that are not blank, a batch at a time. */
async function* batchesOf(lines: AsyncIterable<{ line: string; number: number }>): AsyncGenerator<Lines> {
  let batch: Lines = { texts: [], numbers: [] };
  for await (const { line, number } of lines) {
    if (line.trim() === '') continue;
    batch.texts.push(line);
    batch.numbers.push(number);
    if (batch.texts.length === BATCH) {
      yield batch;
      batch = { texts: [], numbers: [] };
    }
  }
  if (batch.texts.length > 0) yield batch;
}

/**
 * Routes each request of the batch under both configurations (rules/versions.ts works out once
 * what depends only on the request), on worker threads too where that pays (compare-pool.ts). A
 * line is read as JSON first and by the located parser only when that fails, to say where its
 * mistakes are.
 */
async function compareConfigs(call: Extract<Invocation, { mode: 'compare' }>, io: CliIo): Promise<number> {
  const { requests: file, threads } = call;
  // A missing file is reported when it is opened, after the configurations are checked.
  const stat = file === '-' ? undefined : statSync(file, { throwIfNoEntry: false });
  // How many requests a pipe brings is not known: as many as a file may hold.
  const fileBytes = stat?.isFile() ? stat.size : undefined;
  // Workers likely to be wanted load their code while this thread loads the configurations.
  const workers = new Workers(threads, fileBytes);
  try {
    return await compareLoaded(call, io, workers, fileBytes);
  } finally {
    await workers.end();
  }
}

/** The comparison once the workers likely to be wanted are on their way: both configurations loaded, then the batch compared. */
async function compareLoaded({ config: newDir, compare: oldDir, requests: file, now, facts, threads }: Extract<Invocation, { mode: 'compare' }>, io: CliIo, workers: Workers, fileBytes: number | undefined): Promise<number> {
  // A draft is most often a copy of the configuration in force with a few edits: the files it did not edit are parsed once.
  const parsed = new ParseCache();
  const next = load(newDir, parsed);
  const previous = load(oldDir, parsed);
  if (!next.network || !previous.network) {
    printProblems(io, [...next.problems, ...previous.problems]);
    return 1;
  }
  unknownLoad(next.network, facts);
  const [before, after] = [previous.network, next.network];
  const batches = batchesOf(linesOf(file, io));
  const report = new Report(io, before.config.version, after.config.version);
  let requests = 0;
  let invalid = 0;
  const counted = (async function* () {
    for await (const lines of batches) {
      requests += lines.texts.length;
      yield lines;
    }
  })();
  // Holdings both versions hold alike become one object, which each comparison (and each worker, sent it once) then sees is the same.
  const holdings = same(before.config.holdings, after.config.holdings) ? before.config.holdings : after.config.holdings;
  const shared = { ...after.config, holdings };
  const draft = holdings === after.config.holdings ? after : { config: shared, compiled: compile(shared) };
  const setup = { before: before.config, after: draft.config, file: shown(file), facts: { now, ...facts } };
  // A request is compared only when both configurations can route it.
  const comparison = compareVersions(before.compiled, draft.compiled);
  // Where both versions decide every request, no batch need prove slow before the workers start.
  const start = comparison.shared === 'all but changed rules' ? threads : { ...threads, slowBatchMs: 0 };
  await compareBatches(comparison, setup, start, workers, fileBytes, counted, (findings) => {
    for (const finding of findings) {
      if ('change' in finding) report.change(finding.change);
      else {
        invalid++;
        printProblems(io, finding.problems);
      }
    }
  });
  // The report is whole all the same: what a stopped worker held was compared by this thread.
  for (const { message } of workers.stopped) io.stderr.write(`ill route: ${message}; any requests it held were compared again by this thread\n`);
  report.end(requests, invalid);
  return 0;
}

/**
 * `ill route`: how the network would route a request, by the engine's own rules and ranking but as
 * if nothing had been sent yet (no supplier load today, no copies counted against a journal title)
 * unless `--usage`, `--load` or `--facts` say otherwise, so a copyright cap or a load rule can be
 * tried offline; or, with `--compare`, which of a batch of requests a new configuration routes
 * differently (rota, outcome, tasks) from the one in force — what an administrator reads before
 * publishing a rule change. With `--now` an instant, each rota supplier's deadline is given as one. Mistakes in the files
 * read go to stderr as `FILE:LINE:COLUMN: message` (exit 1), so stdout carries only the JSON answer.
 */
export async function runRoute(args: string[], io: CliIo): Promise<number> {
  try {
    const call = invocation(args, io.env);
    if (call.mode === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (call.mode === 'route') return await routeOne(call.config, call.request, call.now, call.facts, io);
    return await compareConfigs(call, io);
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    io.stderr.write(error instanceof UsageError ? `ill route: ${message}; ${USAGE}\n` : `ill route: ${message}\n`);
    return 2;
  }
}

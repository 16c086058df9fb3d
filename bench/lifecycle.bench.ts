// Request lifecycles through a real Temporal server: how many requests per second reach `delivered`
// with suppliers that answer at once, against a bare workflow doing the least a filled copy needs
// (5 activities, 1 signal), and how much memory a worker needs with 10,000 requests waiting on suppliers.
// Run with `npm run bench:lifecycle`; the last line of output is a JSON summary.

import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createSimulatedAdapter } from '../adapters/simulated';
import { createActivities } from '../engine/activities';
import { lookupHoldings } from '../rules/holdings';
import { issnCheckDigit } from '../rules/titles';
import { openDatabase, type Database } from '../engine/db/database';
import { NetworkHolder } from '../engine/network';
import { RequestService } from '../engine/requests';
import { KnexRequestStore } from '../engine/store/knex-store';
import type { RequestStore } from '../engine/store/store';
import { temporalCliPath } from '../engine/temporal/cli-path';
import { connectTemporal, type TemporalConnections } from '../engine/temporal/connect';
import { devServerSearchAttributeArgs } from '../engine/temporal/search-attributes';
import { createWorker, workflowsPath } from '../engine/worker';
import type { IllRequest } from '../domain/request';
import type { ReaderNotice } from '../domain/notices';
import type { Charge } from '../domain/ledger';
import type { TransitionRecord } from '../domain/transitions';
import { requestWorkflowId } from '../workflows/definitions';
import { childrenNamed, cpuMsOf, ownCpuMs } from './cpu';
import { BARE_ACTIVITIES, bareSignal, TIMED_TO, type BareActivities, type bareWorkflow } from './fixtures/bare-workflow';

const ROOT = path.resolve(__dirname, '..');
const SHIPPED_CONFIG_DIR = path.join(ROOT, 'config');
const REQUESTS = 1_000;
/** The lifecycle and the baseline take turns in short rounds, so a change in the machine's load falls on both alike. */
const ROUNDS = 10;
const OPEN_REQUESTS = 10_000;
const STARTS_IN_FLIGHT = 50;
/** Run before timing, so neither side pays for its first workflow tasks and activities. */
const WARM_UP = 20;
const WAIT_LIMIT_MS = 10 * 60_000;
/** Past this the memory phase submits no more and measures what it has; `ILL_BENCH_OPEN_MINUTES` changes it. */
const OPEN_BUDGET_MS = Number(process.env.ILL_BENCH_OPEN_MINUTES ?? 40) * 60_000;
/** The memory phase's worker cache, as `ILL_WORKFLOW_CACHE_SIZE` sets it for the service. */
const OPEN_CACHE_SIZE = Number(process.env.ILL_WORKFLOW_CACHE_SIZE ?? 50);
/** Memory-phase requests on their way to a supplier at once: enough to keep the server busy, fewer than the worker caches, so none replays its history at every step. */
const OPEN_IN_PROGRESS = Math.min(200, Math.floor(OPEN_CACHE_SIZE / 2));
const SAMPLE_EVERY = 1_000;
/** How long the worker must have had nothing in flight before the open requests count as settled. */
const SETTLED_MS = 2_000;
const MIB = 1024 * 1024;
const EventType = temporal.api.enums.v1.EventType;

const quiet = new DefaultLogger('WARN');

/** Runs `task` on every item, never more than `limit` at once. */
async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Counts requests passing a point, so phases end without asking the server about each request. */
class Tally {
  count = 0;
  private waiting: { target: number; resolve: () => void }[] = [];
  private listeners: ((count: number) => void)[] = [];

  add(): void {
    this.count += 1;
    this.waiting = this.waiting.filter((w) => (this.count >= w.target ? (w.resolve(), false) : true));
    for (const listener of this.listeners) listener(this.count);
  }

  onEach(listener: (count: number) => void): void {
    this.listeners.push(listener);
  }

  reach(target: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: ${this.count} of ${target} after ${WAIT_LIMIT_MS / 1000} s`)), WAIT_LIMIT_MS);
      const done = () => (clearTimeout(timer), resolve());
      if (this.count >= target) done();
      else this.waiting.push({ target, resolve: done });
    });
  }
}

/** The store, counting the points the benchmark waits for as the activities pass them. */
class CountingStore extends KnexRequestStore {
  /** Readers told their copy was delivered: the last thing a request does before its link expires. */
  readonly delivered = new Tally();
  /** Orders handed to a supplier: the last thing a request does before it waits on the supplier. */
  readonly sent = new Tally();

  override async addReaderNotice(notice: ReaderNotice): Promise<boolean> {
    const added = await super.addReaderNotice(notice);
    if (notice.kind === 'delivered') this.delivered.add();
    return added;
  }

  override async recordFill(fill: { charge?: Charge; notice: ReaderNotice }, events?: TransitionRecord[]): Promise<void> {
    await super.recordFill(fill, events);
    if (fill.notice.kind === 'delivered') this.delivered.add();
  }

  override async markSent(key: string): Promise<void> {
    await super.markSent(key);
    this.sent.add();
  }
}

/** PGlite in memory, or a schema of its own on DATABASE_URL that is dropped afterwards. */
async function benchDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) return openDatabase({ pgliteDir: 'memory://' });
  const schema = `bench_${randomUUID().replaceAll('-', '')}`;
  const database = await openDatabase({ url, schema });
  return {
    ...database,
    async close() {
      await database.db.raw('drop schema ?? cascade', [schema]);
      await database.close();
    },
  };
}

const sample: IllRequest = (() => {
  const { $schema: _schema, ...request } = JSON.parse(readFileSync(path.join(SHIPPED_CONFIG_DIR, 'requests/chinese-article-ppv.json'), 'utf8'));
  return request;
})();

/** The n-th journal of the benchmark's own: an ISSN of 9 and n's six digits, with its check digit. */
function benchIssn(n: number): string {
  const digits = `9${String(n).padStart(6, '0')}`;
  return `${digits.slice(0, 4)}-${digits.slice(4)}${issnCheckDigit(digits)}`;
}

/** The benchmark's journals: more than either phase submits. */
const BENCH_JOURNALS = Math.max(WARM_UP + REQUESTS, OPEN_REQUESTS);

/**
 * The shipped configuration in a directory of its own, each vendor title list that names the
 * sample's journal also naming the benchmark's journals, so that a request for one of them is
 * covered by the same vendors as the sample and routes like it. Removed after the run.
 */
function benchConfigDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ill-bench-config-'));
  cpSync(SHIPPED_CONFIG_DIR, dir, { recursive: true });
  const titles = path.join(dir, 'titles');
  const lines = Array.from({ length: BENCH_JOURNALS }, (_, n) => `${benchIssn(n)}  ${sample.citation.journalTitle} ${n}\n`).join('');
  for (const file of readdirSync(titles)) {
    const listed = readFileSync(path.join(titles, file), 'utf8').split(/\r?\n/).some((line) => line.split(/\s+/)[0] === sample.citation.issn);
    if (listed) appendFileSync(path.join(titles, file), `# The lifecycle benchmark's own journals, covered as the sample's is.\n${lines}`);
  }
  return dir;
}

/** The configuration every phase of this run loads: made by `main`, handed to the memory phase's worker process. */
let CONFIG_DIR = SHIPPED_CONFIG_DIR;

/**
 * The shipped sample under unique ids. The library's copyright cap sends the 11th copy of one journal
 * title to review, so each request names its own journal (one of `benchConfigDir`'s) while keeping
 * the sample's holders and hence its rota.
 */
function sampleRequests(network: NetworkHolder, prefix: string, count: number): IllRequest[] {
  const holdings = lookupHoldings(network.current().config, sample);
  return Array.from({ length: count }, (_, n) => ({
    ...sample,
    id: `${sample.id}-${prefix}-${n}`,
    citation: {
      ...sample.citation,
      journalTitle: `${sample.citation.journalTitle} ${n}`,
      issn: benchIssn(n),
    },
    holdings,
  }));
}

/** The rota's suppliers in order (each entry's deadline counts from the moment of routing, so it is left out). */
const suppliersOf = (decision: { rota: { supplierId: string }[] }) => decision.rota.map((entry) => entry.supplierId).join(', ');

/** Fails at once, rather than after a long wait, when the requests would not route straight to a supplier. */
async function checkRoutesStraight(network: NetworkHolder, store: KnexRequestStore, request: IllRequest): Promise<void> {
  const activities = createActivities({ store, network, adapterFor: () => ({ send: async () => undefined, notify: async () => undefined }) });
  const route = async (r: IllRequest) => (await activities.routeRequest({ request: r, holdings: lookupHoldings(network.current().config, r).map((h) => h.libraryId) })).decision;
  const [original, variant] = [await route(sample), await route(request)];
  if (variant.outcome !== 'route' || variant.tasks.length > 0 || suppliersOf(variant) !== suppliersOf(original)) {
    throw new Error(`benchmark requests would not route like ${sample.id}: ${JSON.stringify(variant)}`);
  }
}

const submitter = (service: RequestService) => async (request: IllRequest) => {
  const { outcome } = await service.submit(request);
  if (outcome !== 'created') throw new Error(`request ${request.id} was not created: ${outcome}`);
};

/** Ends the runs the benchmark left open; one that failed part-way leaves some never started. */
async function terminateAll(client: Client, workflowIds: readonly string[]): Promise<void> {
  await inParallel(workflowIds, STARTS_IN_FLIGHT, async (id) => {
    try {
      await client.workflow.getHandle(id).terminate('benchmark finished');
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  });
}

/** One side of the throughput comparison, its worker running until `close`. */
interface Contender {
  /** Starts the next `count` requests and resolves with the seconds until the last one is done. */
  run(count: number): Promise<number>;
  close(): Promise<void>;
}

/** Starts items, at most STARTS_IN_FLIGHT at a time, and times them until `done` has counted them all. */
async function timeRequests<T>(items: readonly T[], start: (item: T) => Promise<unknown>, done: Tally, what: string): Promise<number> {
  const target = done.count + items.length;
  const started = performance.now();
  await inParallel(items, STARTS_IN_FLIGHT, start);
  await done.reach(target, what);
  return (performance.now() - started) / 1000;
}

/** Hands out the next `count` items of a list, so each run of a contender starts fresh requests. */
function batches<T>(items: readonly T[]): (count: number) => T[] {
  let next = 0;
  return (count) => items.slice(next, (next += count));
}

/**
 * The activities one request ran up to delivery, local ones included, in the order they ran. A fill
 * recorded inside a workflow task reaches the history when that task completes, after the reader's
 * notice is written: the history is read once the request sleeps out its copy link.
 */
async function activitiesOf(client: Client, workflowId: string): Promise<string[]> {
  let history = await client.workflow.getHandle(workflowId).fetchHistory();
  for (let tries = 0; tries < 100 && !history.events?.some((event) => event.eventType === EventType.EVENT_TYPE_TIMER_STARTED); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    history = await client.workflow.getHandle(workflowId).fetchHistory();
  }
  const activityTypes: string[] = [];
  for (const event of history.events ?? []) {
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) activityTypes.push(event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?');
    const marker = event.eventType === EventType.EVENT_TYPE_MARKER_RECORDED ? event.markerRecordedEventAttributes : undefined;
    if (marker?.markerName === 'core_local_activity') {
      const data = marker.details?.data?.payloads?.[0]?.data;
      activityTypes.push(`${data ? (JSON.parse(Buffer.from(data).toString()) as { activity_type: string }).activity_type : '?'} (local)`);
    }
  }
  return activityTypes;
}

/**
 * Requests from the shipped sample through the real workflow, activities, database and
 * configuration, with suppliers that fill at once. Done when the reader has been told of the
 * delivery, the last activity before the workflow sleeps until the copy link expires.
 */
async function lifecycleContender(
  { client, worker: connection }: TemporalConnections,
  namespace: string,
  bundle: string,
  runId: string,
  opened: string[],
): Promise<Contender & { activityTypes: string[] }> {
  const database = await benchDatabase();
  const store = new CountingStore(database.db);
  const network = new NetworkHolder(CONFIG_DIR);
  const taskQueue = `bench-lifecycle-${runId}`;
  const service = new RequestService(client, store, network, taskQueue);
  const adapter = createSimulatedAdapter({ reply: (requestId, message) => service.supplierMessage(requestId, message) });
  const worker = await createWorker({ connection, namespace, taskQueue, workflowBundle: { code: bundle } }, { store, network, adapterFor: () => adapter });
  const running = worker.run();
  const close = async () => {
    worker.shutdown();
    await running;
    await database.close();
  };
  try {
    const requests = sampleRequests(network, runId, WARM_UP + REQUESTS);
    opened.push(...requests.map((r) => requestWorkflowId(r.id)));
    await checkRoutesStraight(network, store, requests[0]!);
    const next = batches(requests);
    const run = (count: number) => timeRequests(next(count), submitter(service), store.delivered, 'requests delivered');
    await run(WARM_UP);
    return { activityTypes: await activitiesOf(client, requestWorkflowId(requests[0]!.id)), run, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The bare workflow, on a worker with the same (default) settings as the lifecycle's. */
async function baselineContender({ client, worker: connection }: TemporalConnections, namespace: string, bundle: string, runId: string): Promise<Contender> {
  const finished = new Tally();
  const activities: BareActivities = {
    async noop(step) {
      if (step === TIMED_TO) finished.add();
    },
    async signalSelf(workflowId) {
      await client.workflow.getHandle(workflowId).signal(bareSignal);
    },
  };
  const linkValidHours = new NetworkHolder(CONFIG_DIR).current().config.policy.delivery.copyLinkValidHours;
  const taskQueue = `bench-bare-${runId}`;
  // What createWorker gives the lifecycle's worker, around other workflows and activities.
  const worker = await Worker.create({ connection, namespace, taskQueue, workflowBundle: { code: bundle }, activities });
  const running = worker.run();
  const next = batches(Array.from({ length: WARM_UP + REQUESTS }, (_, n) => `bench-bare-${runId}-${n}`));
  const start = (workflowId: string) => client.workflow.start<typeof bareWorkflow>('bareWorkflow', { workflowId, taskQueue, args: [linkValidHours] });
  const run = (count: number) => timeRequests(next(count), start, finished, 'bare workflows done');
  const close = async () => {
    worker.shutdown();
    await running;
  };
  try {
    await run(WARM_UP);
    return { run, close };
  } catch (error) {
    await close();
    throw error;
  }
}

interface Throughput {
  activityTypes: string[];
  /** Per round, seconds for REQUESTS / ROUNDS requests. */
  lifecycleSeconds: number[];
  baselineSeconds: number[];
  /** Per round, CPU ms per request of this process and of the Temporal server it started (absent for one at TEMPORAL_ADDRESS). */
  lifecycleCpu: RoundCpu[];
  baselineCpu: RoundCpu[];
}

interface RoundCpu {
  benchmark: number;
  server?: number;
}

/** Runs one round of a contender, noting the CPU it cost per request as well as the time it took. */
async function round(contender: Contender, count: number, server: number[], seconds: number[], cpu: RoundCpu[]): Promise<void> {
  const before = { benchmark: ownCpuMs(), server: cpuMsOf(server) };
  seconds.push(await contender.run(count));
  const benchmark = (ownCpuMs() - before.benchmark) / count;
  cpu.push(server.length > 0 ? { benchmark, server: (cpuMsOf(server) - before.server) / count } : { benchmark });
}

async function throughput(temporalConnections: TemporalConnections, namespace: string, bundles: { lifecycle: string; bare: string }, runId: string, opened: string[]): Promise<Throughput> {
  const lifecycle = await lifecycleContender(temporalConnections, namespace, bundles.lifecycle, runId, opened);
  try {
    const baseline = await baselineContender(temporalConnections, namespace, bundles.bare, runId);
    try {
      const timed: Throughput = { activityTypes: lifecycle.activityTypes, lifecycleSeconds: [], baselineSeconds: [], lifecycleCpu: [], baselineCpu: [] };
      const server = process.env.TEMPORAL_ADDRESS ? [] : childrenNamed('temporal');
      for (let turn = 0; turn < ROUNDS; turn++) {
        await round(lifecycle, REQUESTS / ROUNDS, server, timed.lifecycleSeconds, timed.lifecycleCpu);
        await round(baseline, REQUESTS / ROUNDS, server, timed.baselineSeconds, timed.baselineCpu);
      }
      return timed;
    } finally {
      await baseline.close();
    }
  } finally {
    await lifecycle.close();
  }
}

interface ChildBrief {
  address: string;
  namespace: string;
  taskQueue: string;
  bundlePath: string;
  configDir: string;
  maxCachedWorkflows: number;
}

interface MemorySample {
  rssMiB: number;
  heapUsedMiB: number;
  cachedWorkflows: number;
}

type FromChild =
  | ({ kind: 'ready'; maxCachedWorkflows: number } & MemorySample)
  | { kind: 'store'; id: number; method: keyof RequestStore; args: unknown[] }
  | ({ kind: 'sample' } & MemorySample)
  | ({ kind: 'settled' } & MemorySample);
type ToChild = { kind: 'store'; id: number; result?: unknown; error?: string } | { kind: 'sample' | 'settle' | 'stop' };

const CHILD_BRIEF = 'ILL_BENCH_LIFECYCLE_WORKER';

/** The store of the parent process, whose database holds the submitted requests, reached over IPC. */
function storeInParent(): RequestStore {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  process.on('message', (message: ToChild) => {
    if (message.kind !== 'store') return;
    const call = pending.get(message.id)!;
    pending.delete(message.id);
    if (message.error === undefined) call.resolve(message.result);
    else call.reject(new Error(message.error));
  });
  const call =
    (method: keyof RequestStore) =>
    (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        process.send!({ kind: 'store', id, method, args } satisfies FromChild);
      });
  return new Proxy({} as RequestStore, {
    get: (_, method) => (method === 'then' ? undefined : call(method as keyof RequestStore)),
  });
}

/**
 * The memory phase's worker, alone in its process so that its resident size is the worker and its
 * open requests: not PGlite (some 500 MiB by itself), the workflow bundler or the earlier phases.
 */
async function workerProcess(brief: ChildBrief): Promise<void> {
  Runtime.install({ logger: quiet });
  const connection = await NativeConnection.connect({ address: brief.address });
  const silent = createSimulatedAdapter({ reply: async () => undefined, behaviour: () => [] });
  const worker = await createWorker(
    { connection, namespace: brief.namespace, taskQueue: brief.taskQueue, workflowBundle: { codePath: brief.bundlePath }, maxCachedWorkflows: brief.maxCachedWorkflows },
    { store: storeInParent(), network: new NetworkHolder(brief.configDir), adapterFor: () => silent },
  );
  const running = worker.run();
  const send = (message: FromChild) => process.send!(message);
  const measure = (): MemorySample => {
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    return { rssMiB: rss / MIB, heapUsedMiB: heapUsed / MIB, cachedWorkflows: worker.getStatus().numCachedWorkflows };
  };
  process.on('message', async (message: ToChild) => {
    if (message.kind === 'sample') send({ kind: 'sample', ...measure() });
    if (message.kind === 'settle') {
      // The last orders are out; their workflows still have to hear so and start waiting.
      let quietSince = Date.now();
      while (Date.now() - quietSince < SETTLED_MS) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const status = worker.getStatus();
        if (status.numInFlightWorkflowActivations > 0 || status.numInFlightActivities > 0) quietSince = Date.now();
      }
      send({ kind: 'settled', ...measure() });
    }
    if (message.kind === 'stop') {
      worker.shutdown();
      await running;
      await connection.close();
      process.disconnect();
    }
  });
  send({ kind: 'ready', maxCachedWorkflows: worker.options.maxCachedWorkflows, ...measure() });
}

/** Talks to the worker process: answers its store calls and waits for its replies. */
function workerLink(child: ChildProcess, store: RequestStore) {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const send = (message: ToChild) => child.send(message);
  child.on('message', async (message: FromChild) => {
    if (message.kind !== 'store') return;
    try {
      send({ kind: 'store', id: message.id, result: await (store[message.method] as (...args: unknown[]) => Promise<unknown>).apply(store, message.args) });
    } catch (error) {
      send({ kind: 'store', id: message.id, error: (error as Error).message });
    }
  });
  const reply = <K extends FromChild['kind']>(kind: K) =>
    Promise.race([
      new Promise<Extract<FromChild, { kind: K }>>((resolve) => {
        const take = (message: FromChild) => message.kind === kind && (child.off('message', take), resolve(message as Extract<FromChild, { kind: K }>));
        child.on('message', take);
      }),
      exited.then((code) => Promise.reject(new Error(`the worker process exited with code ${code} before its '${kind}'`))),
    ]);
  return { send, reply, exited };
}

interface OpenRun {
  openRequests: number;
  secondsToOpen: number;
  maxCachedWorkflows: number;
  idle: MemorySample;
  /** Taken each SAMPLE_EVERY requests with a supplier, with up to OPEN_IN_PROGRESS more on their way. */
  samples: (MemorySample & { open: number })[];
  settled: MemorySample;
}

/**
 * Opens OPEN_REQUESTS requests, or as many as OPEN_BUDGET_MS allows, on a worker in a child process
 * and has it measure itself once they all wait on a supplier.
 */
async function openRequests(client: Client, address: string, namespace: string, bundlePath: string, runId: string): Promise<OpenRun> {
  const database = await benchDatabase();
  const store = new CountingStore(database.db);
  const network = new NetworkHolder(CONFIG_DIR);
  const brief: ChildBrief = { address, namespace, taskQueue: `bench-open-${runId}`, bundlePath, configDir: CONFIG_DIR, maxCachedWorkflows: OPEN_CACHE_SIZE };
  const service = new RequestService(client, store, network, brief.taskQueue);
  const child = fork(__filename, [], {
    env: { ...process.env, [CHILD_BRIEF]: JSON.stringify(brief) },
    execArgv: [...process.execArgv, '--expose-gc'],
    serialization: 'advanced',
  });
  const worker = workerLink(child, store);
  const opened: IllRequest[] = [];
  try {
    const { kind: _ready, maxCachedWorkflows, ...idle } = await worker.reply('ready');
    const samples: Promise<OpenRun['samples'][number]>[] = [];
    store.sent.onEach((open) => {
      if (open % SAMPLE_EVERY !== 0) return;
      worker.send({ kind: 'sample' });
      samples.push(worker.reply('sample').then(({ kind: _sample, ...measured }) => ({ open, ...measured })));
    });
    const submit = submitter(service);
    const started = performance.now();
    await inParallel(sampleRequests(network, `open-${runId}`, OPEN_REQUESTS), STARTS_IN_FLIGHT, async (request) => {
      while (opened.length - store.sent.count >= OPEN_IN_PROGRESS) await store.sent.reach(opened.length - OPEN_IN_PROGRESS + 1, 'requests with a supplier');
      if (performance.now() - started > OPEN_BUDGET_MS) return;
      opened.push(request);
      await submit(request);
    });
    await store.sent.reach(opened.length, 'requests with a supplier');
    const secondsToOpen = (performance.now() - started) / 1000;
    worker.send({ kind: 'settle' });
    const { kind: _settled, ...settled } = await worker.reply('settled');
    return { openRequests: opened.length, secondsToOpen, maxCachedWorkflows, idle, samples: await Promise.all(samples), settled };
  } finally {
    if (child.connected) worker.send({ kind: 'stop' });
    await worker.exited;
    await terminateAll(client, opened.map((r) => requestWorkflowId(r.id)));
    await database.close();
  }
}

interface Server {
  address: string;
  namespace: string;
  stop(): Promise<void>;
}

async function temporalServer(): Promise<Server> {
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  if (process.env.TEMPORAL_ADDRESS) return { address: process.env.TEMPORAL_ADDRESS, namespace, stop: async () => undefined };
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await temporalCliPath() },
      ip: '127.0.0.1',
      extraArgs: [...devServerSearchAttributeArgs(), '--log-level', 'error'],
    },
  });
  return { address: env.address, namespace: 'default', stop: () => env.teardown() };
}

const quietBundle = async (from: string) => (await bundleWorkflowCode({ workflowsPath: from, logger: quiet })).code;
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Median CPU ms per request over the rounds, by process, rounded to 0.1 ms. */
function medianCpu(rounds: RoundCpu[]): RoundCpu {
  const tenth = (value: number) => Math.round(value * 10) / 10;
  const servers = rounds.flatMap((r) => (r.server === undefined ? [] : [r.server]));
  return { benchmark: tenth(median(rounds.map((r) => r.benchmark))), ...(servers.length > 0 ? { server: tenth(median(servers)) } : {}) };
}

function report({ activityTypes, lifecycleSeconds, baselineSeconds, lifecycleCpu, baselineCpu }: Throughput, memory: OpenRun): void {
  const perRound = REQUESTS / ROUNDS;
  const rates = (seconds: number[]) => seconds.map((s) => (perRound / s).toFixed(1)).join(', ');
  const requestsPerSec = REQUESTS / sum(lifecycleSeconds);
  const baselineRequestsPerSec = REQUESTS / sum(baselineSeconds);
  // Each round's lifecycle rate over the baseline's in the round beside it: the machine's load drifts less within a round.
  const ratios = lifecycleSeconds.map((seconds, round) => baselineSeconds[round]! / seconds);
  const mib = (sample: MemorySample) => `${sample.rssMiB.toFixed(0)} MiB (heap ${sample.heapUsedMiB.toFixed(0)}, ${sample.cachedWorkflows} cached)`;
  console.log(`temporal: ${process.env.TEMPORAL_ADDRESS ?? 'development server started for this run'}; database: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite in memory'}`);
  console.log(`one lifecycle request up to delivered: ${activityTypes.length} activities (${activityTypes.join(', ')}) and 1 supplier message; baseline: ${TIMED_TO} of its ${BARE_ACTIVITIES} activities and 1 signal`);
  console.log(`lifecycle: ${REQUESTS} requests delivered in ${sum(lifecycleSeconds).toFixed(1)} s, ${requestsPerSec.toFixed(1)}/s (rounds of ${perRound}: ${rates(lifecycleSeconds)})`);
  console.log(`bare workflow: ${REQUESTS} in ${sum(baselineSeconds).toFixed(1)} s, ${baselineRequestsPerSec.toFixed(1)}/s (rounds of ${perRound}: ${rates(baselineSeconds)})`);
  console.log(`ratio per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ${median(ratios).toFixed(2)}`);
  const cpu = { lifecycle: medianCpu(lifecycleCpu), baseline: medianCpu(baselineCpu) };
  const cpuText = ({ benchmark, server }: RoundCpu) => `${benchmark} ms in this process${server === undefined ? '' : `, ${server} ms in the Temporal server`}`;
  console.log(`CPU per request, median of the rounds: lifecycle ${cpuText(cpu.lifecycle)}; bare workflow ${cpuText(cpu.baseline)}`);
  console.log(`open requests: ${memory.openRequests} with a supplier after ${memory.secondsToOpen.toFixed(0)} s${memory.openRequests < OPEN_REQUESTS ? ` (the ${OPEN_BUDGET_MS / 60_000}-minute budget ran out)` : ''}`);
  console.log(`worker process (maxCachedWorkflows ${memory.maxCachedWorkflows}) rss: idle ${mib(memory.idle)}; ${memory.samples.map((s) => `${s.open} open ${mib(s)}`).join('; ')}`);
  console.log(`worker process rss with all ${memory.openRequests} waiting: ${mib(memory.settled)}`);
  console.log(
    JSON.stringify({
      bench: 'lifecycle',
      requests: REQUESTS,
      activities: activityTypes.length,
      requestsPerSec: Number(requestsPerSec.toFixed(1)),
      baselineRequestsPerSec: Number(baselineRequestsPerSec.toFixed(1)),
      ratio: Number(median(ratios).toFixed(2)),
      cpuMsPerRequest: cpu,
      openRequests: memory.openRequests,
      workflowCacheSize: memory.maxCachedWorkflows,
      workerRssMiB: Math.round(memory.settled.rssMiB),
    }),
  );
}

async function main(): Promise<void> {
  Runtime.install({ logger: quiet });
  const runId = randomUUID().slice(0, 8);
  const server = await temporalServer();
  const temporalConnections = await connectTemporal(server.address, server.namespace);
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'ill-bench-'));
  CONFIG_DIR = benchConfigDir();
  const lifecycleWorkflowIds: string[] = [];
  let results: [Throughput, OpenRun] | undefined;
  try {
    const bundles = { lifecycle: await quietBundle(workflowsPath), bare: await quietBundle(path.join(__dirname, 'fixtures/bare-workflow.ts')) };
    const bundlePath = path.join(bundleDir, 'workflows.js');
    writeFileSync(bundlePath, bundles.lifecycle);
    const timed = await throughput(temporalConnections, server.namespace, bundles, runId, lifecycleWorkflowIds);
    results = [timed, await openRequests(temporalConnections.client, server.address, server.namespace, bundlePath, runId)];
  } finally {
    // The delivered requests sleep until their links expire; a shared server should not keep them.
    await terminateAll(temporalConnections.client, lifecycleWorkflowIds);
    await temporalConnections.close();
    await server.stop();
    rmSync(bundleDir, { recursive: true, force: true });
    rmSync(CONFIG_DIR, { recursive: true, force: true });
  }
  // Only now, so that nothing the server logs while stopping comes after the summary line.
  report(...results);
}

const childBrief = process.env[CHILD_BRIEF];
void (childBrief ? workerProcess(JSON.parse(childBrief) as ChildBrief) : main());

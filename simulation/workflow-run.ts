// The network simulation's requests through the real request workflows, on the time-skipping test
// server: the real `requestLifecycle` and the real activities over a real database, every supplier
// answering through the simulation's supplier model, and librarians and search-proxy staff
// answering tasks as the simulation has them answer.
//
// - A reader's submission, a supplier's answer and a task's answer each happen at the instant the
//   simulation's model gives, on the server's clock: the `driver` workflow (driver-workflows.ts)
//   waits for it and then acts through the engine's own paths (RequestService: the submission, the
//   supplier-message update a peer's message becomes, the task updates the API sends).
// - The suppliers' adapter, on each order, asks the model how the supplier answers the request
//   sent at that instant (`answerOf`), and arranges for the answer to arrive that many of the
//   supplier's working hours later. An answer that would come after the try's deadline is never
//   sent: the workflow's own deadline moves the request on, as a silent supplier would.
// - Tasks are seen opening in the audit trail the activities write; each is answered after the
//   staff's working hours by the centre's clock, by whoever it is assigned to by then.
// - Routing sees no load and no observed figures (the store reports none), so every request is
//   routed on the configuration alone, as the simulation routes it when run without feedback; the
//   copies a library already had from a journal this year are charges in the database, as they are
//   in service.
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { SupplierAdapter } from '../adapters/adapter';
import type { Charge } from '../domain/ledger';
import type { HoldingRef } from '../domain/holdings';
import type { ReaderNotice } from '../domain/notices';
import type { OutboxEntry, SupplierOrder } from '../domain/orders';
import type { IllRequest } from '../domain/request';
import type { RequestState, RequestStatus } from '../domain/request-state';
import type { SupplierMessage } from '../domain/supplier-messages';
import type { TransitionRecord } from '../domain/transitions';
import type { LoadedNetwork } from '../engine/network';
import { Refused, RequestService } from '../engine/requests';
import { KnexRequestStore } from '../engine/store/knex-store';
import type { OrderOutcome, TaskOutcome } from '../engine/store/store';
import { createWorker } from '../engine/worker';
import { holdingOf } from '../domain/holdings';
import { networkClock, supplierClock, tryDeadline } from '../rules/clock';
import { covers } from '../rules/rank';
import type { Supplier } from '../rules/types';
import { approveCostUpdate, reviewUpdate, searchProxyUpdate } from '../workflows/definitions';
import { dueSignal, type Due, type DriverAction, type TaskAnswer } from './driver-workflows';
import { answeredAt, answerOf, searchProxyFills, staffHours, type Answer, type Profiles } from './suppliers';

/** A request of the run: what the reader asks, who holds it, and when it is submitted (epoch ms). */
export interface RunRequest {
  request: IllRequest;
  holdings: readonly HoldingRef[];
  at: number;
  /** Copies the library already had this year from the same journal, which the copyright cap counts. */
  titleCopiesThisYear?: number;
}

/** An order as the run sent it, and what its supplier made of it. */
export interface SentOrder {
  key: string;
  requestId: string;
  supplierId: string;
  sentAt: number;
  /** When the try runs out, by the supplier's clock. */
  deadline: number;
  answer: Answer;
  /** When the answer comes; it is sent only before the deadline. */
  answersAt: number;
  overCapacity: boolean;
}

export interface WorkflowRunOptions {
  env: TestWorkflowEnvironment;
  network: LoadedNetwork;
  profiles: Profiles;
  /** A fresh database: the run's requests, orders and charges are the only ones in it. */
  db: ConstructorParameters<typeof KnexRequestStore>[0];
  /** The engine's workflow code, bundled (the suite's global setup bundles it once). */
  workflowBundle: { code: string };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A request resting here waits for nothing the run will do, or for nothing at all. */
const RESTING: readonly RequestStatus[] = ['delivered', 'shipped', 'completed', 'unfilled', 'rejected', 'cancelled'];
/** What staff say of what they cannot find. */
const UNFINDABLE = 'not found by search-proxy staff';

/** The message a supplier sends for an answer: a copy or e-book delivered, a loan shipped, or a decline. */
export function messageOf(supplierId: string, request: IllRequest, answer: Answer): SupplierMessage {
  if (!answer.filled) return { supplierId, status: 'Unfilled', reason: 'NotAvailableForILL' };
  const cost = answer.price ? { cost: answer.price } : {};
  if (request.service === 'loan') return { supplierId, status: 'Loaned', ...cost };
  return { supplierId, status: 'CopyCompleted', deliveryUrl: `https://${supplierId}.example/deliver/${encodeURIComponent(request.id)}`, ...cost };
}

/** The calendar day in China, where suppliers count their day's orders against `capacityPerDay`. */
const chinaDay = (at: number): string => new Date(at + 8 * HOUR).toISOString().slice(0, 10);

/** The server's instant an activity was scheduled at: the workflow's clock, not this process's. */
function serverNow(): Date {
  try {
    return new Date(Context.current().info.currentAttemptScheduledTimestampMs);
  } catch {
    return new Date();
  }
}

/**
 * The real store, watched: every audit-trail entry the activities write is seen as it is written,
 * and routing reads no load and no observed figures from it.
 */
class WatchedStore extends KnexRequestStore {
  constructor(
    db: ConstructorParameters<typeof KnexRequestStore>[0],
    private readonly seen: (events: readonly TransitionRecord[]) => Promise<void>,
  ) {
    super(db);
  }

  override async appendEvents(events: TransitionRecord[]): Promise<number> {
    const written = await super.appendEvents(events);
    await this.seen(events);
    return written;
  }

  override async enqueueForSupplier(entry: OutboxEntry, events: TransitionRecord[] = []): Promise<boolean> {
    const enqueued = await super.enqueueForSupplier(entry, events);
    await this.seen(events);
    return enqueued;
  }

  override async recordFill(fill: { charge?: Charge; notice: ReaderNotice }, events: TransitionRecord[] = []): Promise<void> {
    await super.recordFill(fill, events);
    await this.seen(events);
  }

  override async ordersSince(): Promise<Record<string, number>> {
    return {};
  }

  override async supplierOutcomes(): Promise<OrderOutcome[]> {
    return [];
  }

  override async staffTasks(): Promise<TaskOutcome[]> {
    return [];
  }
}

export class WorkflowRun {
  readonly taskQueue = `simulated-network-${process.pid}-${Date.now()}`;
  readonly driverQueue = `${this.taskQueue}-driver`;
  /** Orders sent, by their key, in the order they went out. */
  readonly orders = new Map<string, SentOrder>();
  /** Actions the engine refused: none, in a run that agrees with the simulation. */
  readonly refused: string[] = [];
  private readonly holdings = new Map<string, readonly HoldingRef[]>();
  /** Each request's latest audit-trail entry: its number and status. */
  private readonly latest = new Map<string, { n: number; status: RequestStatus }>();
  /** Orders per supplier and China day, as the suppliers count them against their capacity. */
  private readonly load = new Map<string, number>();
  private readonly scheduled = new Set<string>();
  /** Each request's state as it came to rest, asked for while its workflow is still in the worker's cache. */
  private readonly rested = new Map<string, Promise<RequestState | undefined>>();
  private pending = 0;
  /** Audit-trail entries seen so far. */
  private entries = 0;
  private readonly requests: RequestService;
  private readonly store: WatchedStore;
  private workers: { worker: Worker; running: Promise<void> }[] = [];
  private driver?: WorkflowHandle;

  constructor(private readonly options: WorkflowRunOptions) {
    this.store = new WatchedStore(options.db, (events) => this.seen(events));
    this.requests = new RequestService(options.env.client, this.store, { current: () => options.network }, this.taskQueue);
  }

  private get config() {
    return this.options.network.config;
  }

  async start(): Promise<void> {
    const { env } = this.options;
    const namespace = env.namespace ?? 'default';
    const suppliers: SupplierAdapter = {
      send: (order, supplier) => this.sent(order, supplier),
      notify: async () => undefined,
      // A resolver finds a free copy only of what its configuration says it covers, as the simulation has it.
      findCopy: async (request, supplier) => {
        if (!covers(supplier, request.citation)) return undefined;
        const answer = answerOf(this.options.profiles, supplier, request, serverNow().getTime(), { degraded: false, overCapacity: false });
        return answer.filled ? { url: `https://${supplier.id}.example/open/${encodeURIComponent(request.id)}` } : undefined;
      },
    };
    const engine = createWorker(
      { connection: env.nativeConnection, namespace, taskQueue: this.taskQueue, workflowBundle: this.options.workflowBundle },
      {
        store: this.store,
        network: { current: () => this.options.network },
        adapterFor: () => suppliers,
        holdings: { holders: async (request) => (this.holdings.get(request.id) ?? []).map(holdingOf) },
        now: serverNow,
      },
    );
    const driver = Worker.create({
      connection: env.nativeConnection,
      namespace,
      taskQueue: this.driverQueue,
      workflowsPath: path.join(__dirname, 'driver-workflows.ts'),
      activities: { act: (action: DriverAction) => this.act(action) },
    });
    this.workers = (await Promise.all([engine, driver])).map((worker) => ({ worker, running: worker.run() }));
    this.driver = await env.client.workflow.start('driver', { taskQueue: this.driverQueue, workflowId: `${this.driverQueue}-clock` });
  }

  async close(): Promise<void> {
    for (const { worker } of this.workers) worker.shutdown();
    await Promise.all(this.workers.map(({ running }) => running));
  }

  /**
   * Submits each request at its instant and lets the server's clock run, a day at a time, until
   * every request rests (filled, ended, or escalated with nothing more to come); then their states.
   */
  async run(requests: readonly RunRequest[], maxDays = 400): Promise<Map<string, RequestState>> {
    for (const { request, holdings } of requests) this.holdings.set(request.id, holdings);
    await this.priorCopies(requests);
    for (let i = 0; i < requests.length; i += 50) {
      await this.schedule(...requests.slice(i, i + 50).map(({ request, at }): Due => ({ id: `submit-${request.id}`, at, action: { kind: 'submit', request } })));
    }
    // Settled twice running, with nothing written between: a step that was on its way when a day ended has shown by then.
    for (let day = 0, before = -1; !(this.settled(requests) && before === this.entries); day++) {
      if (day >= maxDays) throw new Error(`after ${maxDays} days ${this.unsettled(requests).join(', ')} still move`);
      before = this.settled(requests) ? this.entries : -1;
      await this.options.env.sleep(DAY);
    }
    const states = new Map<string, RequestState>();
    await inBatches(requests, 20, async ({ request }) => {
      const rested = await this.rested.get(request.id);
      states.set(request.id, rested && RESTING.includes(rested.status) ? rested : await this.requests.state(request.id));
    });
    return states;
  }

  /**
   * The copies each library had this year from a request's journal, as copies it requested and was
   * charged for earlier in the year, so the engine's copyright cap counts what the simulation gives.
   */
  private async priorCopies(requests: readonly RunRequest[]): Promise<void> {
    const first = Math.min(...requests.map((r) => r.at));
    const postedAt = new Date(Date.UTC(new Date(first).getUTCFullYear(), 0, 1, 12));
    for (const { request, titleCopiesThisYear = 0 } of requests) {
      if (request.service !== 'copy') continue;
      for (let n = 1; n <= titleCopiesThisYear; n++) {
        const prior: IllRequest = { ...request, id: `${request.id}-prior-${n}`, citation: { ...request.citation, title: `${request.citation.title}, an earlier article` } };
        await this.store.insertRequest(prior, `prior-${prior.id}`);
        const key = `prior:${prior.id}`;
        await this.store.postCharge({ key, requestId: prior.id, libraryId: request.requester.libraryId, supplierId: 'prior', amount: 1, currency: 'CNY' });
        await this.options.db('charges').where({ key }).update({ posted_at: postedAt });
      }
    }
  }

  private unsettled(requests: readonly RunRequest[]): string[] {
    return requests.filter(({ request }) => !RESTING.includes(this.latest.get(request.id)?.status ?? 'submitted')).map(({ request }) => `${request.id} (${this.latest.get(request.id)?.status ?? 'not submitted'})`);
  }

  /** Nothing is due from the run, and every request rests or waits on staff who will not answer. */
  private settled(requests: readonly RunRequest[]): boolean {
    if (this.pending > 0) return false;
    return requests.every(({ request }) => {
      const status = this.latest.get(request.id)?.status;
      return status !== undefined && (RESTING.includes(status) || status.startsWith('awaiting-') || status === 'with-search-proxy');
    });
  }

  /** Hands the driver what is to happen and when, each once by its id. */
  private async schedule(...items: Due[]): Promise<void> {
    const fresh = items.filter((item) => !this.scheduled.has(item.id));
    if (fresh.length === 0) return;
    for (const item of fresh) this.scheduled.add(item.id);
    this.pending += fresh.length;
    await this.driver!.signal(dueSignal, fresh);
  }

  /** A supplier got an order: its answer is arranged for the instant the model gives, if that is before the try runs out. */
  private async sent(order: SupplierOrder, supplier: Supplier): Promise<void> {
    const known = this.orders.get(order.key);
    if (known) return;
    const state = await this.requests.state(order.requestId);
    const attempt = order.key.slice(order.key.lastIndexOf(':') + 1);
    const sentEntry = state.history.findLast((entry) => entry.note === `try ${attempt}` && entry.supplierId === supplier.id);
    if (!sentEntry || !state.decision) throw new Error(`${order.key}: the request's history does not say when try ${attempt} was sent`);
    const sentAt = Date.parse(sentEntry.at);
    const deadline = Date.parse(tryDeadline(this.config, supplier.id, state.decision.deadlineHours, sentEntry.at).at!);
    const day = `${supplier.id} ${chinaDay(sentAt)}`;
    const count = (this.load.get(day) ?? 0) + 1;
    this.load.set(day, count);
    const overCapacity = supplier.capacityPerDay !== undefined && count > supplier.capacityPerDay;
    const answer = answerOf(this.options.profiles, supplier, order.request, sentAt, { degraded: false, overCapacity });
    const answersAt = answeredAt(supplierClock(this.config, supplier.id), sentAt, answer.workingHours);
    this.orders.set(order.key, { key: order.key, requestId: order.requestId, supplierId: supplier.id, sentAt, deadline, answer, answersAt, overCapacity });
    // An answer at the deadline itself still counts, as the simulation has it.
    if (answersAt > deadline) return;
    await this.schedule({ id: `answer-${order.key}`, at: answersAt, action: { kind: 'supplierMessage', requestId: order.requestId, message: messageOf(supplier.id, order.request, answer) } });
  }

  /** Audit-trail entries as the activities write them: a task that opens is answered when staff would answer it. */
  private async seen(events: readonly TransitionRecord[]): Promise<void> {
    for (const event of events) {
      const n = Number(event.key.slice(event.key.lastIndexOf(':') + 1));
      const status = event.status as RequestStatus;
      const latest = this.latest.get(event.requestId);
      // A retried activity writes its entries again; the request's own steps come one after another.
      if (latest && latest.n >= n) continue;
      this.entries++;
      this.latest.set(event.requestId, { n, status });
      if (RESTING.includes(status) && !this.rested.has(event.requestId)) {
        // Once the activity that carries the entry is done; a closed workflow is asked again at the end.
        const state = new Promise((resolve) => setTimeout(resolve, 50)).then(() => this.requests.state(event.requestId)).catch(() => undefined);
        this.rested.set(event.requestId, state);
      }
      // A task opens as the request enters its status; an entry in the same status (a task gone overdue to the centre) opens none.
      const task = taskOpening(status);
      if (!task || latest?.status === status) continue;
      const { answer, hours } = this.staffAnswer(task, event.requestId);
      const at = answeredAt(networkClock(this.config), Date.parse(event.at), hours);
      await this.schedule({ id: `task-${event.key}`, at, action: { kind: 'task', requestId: event.requestId, task, answer } });
    }
  }

  /** How staff answer a task of a request, and after how many of the centre's working hours. */
  private staffAnswer(task: 'review' | 'approveCost' | 'searchProxy', requestId: string): { answer: TaskAnswer; hours: number } {
    const { profiles } = this.options;
    const hours = staffHours(profiles, task, requestId);
    if (task === 'review') return { answer: { decision: 'approve' }, hours };
    if (task === 'approveCost') return { answer: { approve: true }, hours };
    const answer: TaskAnswer = searchProxyFills(profiles, requestId)
      ? { outcome: 'supplied', deliveryUrl: `https://search-proxy.example/deliver/${encodeURIComponent(requestId)}` }
      : { outcome: 'unfillable', reason: UNFINDABLE };
    return { answer, hours };
  }

  /** Does what is due: through the engine's own paths, as the reader, the supplier or the staff would. */
  private async act(action: DriverAction): Promise<void> {
    try {
      if (action.kind === 'submit') {
        const { outcome } = await this.requests.submit(action.request);
        if (outcome !== 'created') this.refused.push(`submit ${action.request.id}: ${outcome}`);
      } else if (action.kind === 'supplierMessage') {
        const receipt = await this.requests.supplierMessage(action.requestId, action.message);
        if (receipt.outcome !== 'accepted') this.refused.push(`${action.message.supplierId} on ${action.requestId}: ${action.message.status} ${receipt.outcome}`);
      } else {
        const state = await this.requests.state(action.requestId);
        const task = state.tasks.find((t) => t.type === action.task);
        if (!task) throw new Refused(`no open ${action.task} task (it is ${state.status})`);
        const actor = { subject: `${task.assignee.role}@${task.assignee.libraryId}`, ...task.assignee };
        const update = { review: reviewUpdate, approveCost: approveCostUpdate, searchProxy: searchProxyUpdate }[action.task];
        await this.requests.decide(action.requestId, update as typeof reviewUpdate, { actor, ...action.answer } as never);
      }
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      this.refused.push(`${action.kind} ${'requestId' in action ? action.requestId : action.request.id}: ${error.message}`);
    }
    this.pending--;
  }
}

/** The task an entry of the audit trail opens, if it opens one the run answers. */
function taskOpening(status: RequestStatus): 'review' | 'approveCost' | 'searchProxy' | undefined {
  if (status === 'awaiting-review') return 'review';
  if (status === 'awaiting-cost-approval') return 'approveCost';
  if (status === 'with-search-proxy') return 'searchProxy';
  return undefined;
}

async function inBatches<T>(items: readonly T[], size: number, task: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(task));
}


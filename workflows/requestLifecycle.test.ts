import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createOpenAccessAdapter } from '../adapters/open-access';
import { createSimulatedAdapter, fills, type SimulatedBehaviour } from '../adapters/simulated';
import { fakeOpenAccess } from '../simulator/open-access';
import { listen } from '../simulator/vendor';
import type { Database } from '../engine/db/database';
import { NetworkHolder } from '../engine/network';
import { tryDeadline } from '../rules/clock';
import { HOUR } from './lifecycle/deadlines';
import { lifecycleTimings } from '../engine/timings';
import { RequestService } from '../engine/requests';
import { KnexRequestStore } from '../engine/store/knex-store';
import type { IllRequest } from '../domain/request';
import { createTimeSkippingEnv } from '../test/time-skipping';
import { startTestWorker, testDatabase } from '../test/harness';
import {
  approveCostUpdate,
  cancelUpdate,
  loanConditionUpdate,
  receiveUpdate,
  renewAnswerUpdate,
  renewUpdate,
  returnUpdate,
  reviewUpdate,
  searchProxyUpdate,
  statusQuery,
  supplierNoteUpdate,
  requestWorkflowId,
} from './definitions';
import type { Actor, RequestState } from '../domain/request-state';
import type { SupplierMessage } from '../domain/supplier-messages';
import { eventually } from '../test/eventually';

// Request lifecycles through a real Temporal test server whose clock skips ahead, so deadlines of
// hours and days are tested without waiting; activities write to a real database.

const HISTORIES = path.join(__dirname, 'histories');
const root = path.resolve(__dirname, '..');

let env: TestWorkflowEnvironment;
let database: Database;
let store: KnexRequestStore;
let worker: Worker;
let running: Promise<void>;
let requests: RequestService;
let network: NetworkHolder;
/** How the simulated suppliers answer an order; each test sets its own. */
let suppliers: SimulatedBehaviour = () => [];
let serial = 0;
let resolver: { url: string; close: () => Promise<void> };
const OPEN_DOI = '10.1000/open-1';
const OPEN_URL = 'https://repository.example/item/open-1';

const librarianOf = (libraryId: string): Actor => ({ subject: `librarian@${libraryId}`, role: 'librarian', libraryId });
const reader = (request: IllRequest): Actor => ({ subject: request.requester.patronId, role: 'reader', libraryId: request.requester.libraryId });
const staff: Actor = { subject: 'proxy-1', role: 'search-proxy', libraryId: 'centre' };

/** A shipped sample request under a fresh id. */
function sample(name: string, changes: Partial<IllRequest> = {}): IllRequest {
  const { $schema: _schema, ...request } = JSON.parse(readFileSync(path.join(root, 'config/requests', `${name}.json`), 'utf8'));
  return { ...request, id: `${request.id}-${process.pid}-${++serial}`, ...changes };
}

const handle = (request: IllRequest) => env.client.workflow.getHandle(requestWorkflowId(request.id));
const state = (request: IllRequest) => handle(request).query(statusQuery);

const until = (request: IllRequest, check: (state: RequestState) => boolean, what: string): Promise<RequestState> =>
  eventually(() => state(request), check, (current) => `request never reached ${what}; it is ${current.status}: ${JSON.stringify(current.history.slice(-3))}`);
const status = (request: IllRequest, wanted: RequestState['status']) => until(request, (s) => s.status === wanted, wanted);

async function submit(request: IllRequest): Promise<IllRequest> {
  expect((await requests.submit(request)).outcome).toBe('created');
  return request;
}

const say = (request: IllRequest, message: SupplierMessage) => requests.supplierMessage(request.id, message);

/** Keeps a finished run's history for the replay test in the folder RECORD_HISTORIES names. */
async function keepHistory(request: IllRequest, name: string) {
  const version = process.env.RECORD_HISTORIES;
  if (!version) return;
  mkdirSync(path.join(HISTORIES, version), { recursive: true });
  writeFileSync(path.join(HISTORIES, version, `${name}.json`), `${historyToJSON(await handle(request).fetchHistory())}\n`);
}

const attemptOf = (key: string) => Number(key.split(':send:')[1]);

type HistoryEvents = NonNullable<Awaited<ReturnType<ReturnType<typeof handle>['fetchHistory']>>['events']>;

/** The activities a request ran, in order: those scheduled on the task queue, and those run in a workflow task (`(local)`), by the type their marker records. */
const activitiesRun = (events: HistoryEvents): string[] =>
  events.flatMap((event) => {
    if (event.activityTaskScheduledEventAttributes) return [event.activityTaskScheduledEventAttributes.activityType!.name!];
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    const data = JSON.parse(Buffer.from(marker.details!.data!.payloads![0]!.data!).toString()) as { activity_type: string };
    return [`${data.activity_type} (local)`];
  });


/** How the store says each of the request's orders ended, once it has `count` of them: what the dispatch knowledge base learns from. */
const outcomesOf = async (request: IllRequest, count: number) => {
  const read = async () => (await store.supplierOutcomes(new Date(Date.now() - 86_400_000), 10_000)).filter((outcome) => outcome.requestId === request.id);
  const outcomes = await eventually(read, (found) => found.length >= count, (found) => `${found.length} outcomes of ${count}`);
  return outcomes.map((outcome) => [outcome.supplierId, outcome.result]);
};

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  database = await testDatabase();
  store = new KnexRequestStore(database.db);
  network = new NetworkHolder(path.join(root, 'config'));
  const reply = (requestId: string, message: SupplierMessage) => requests.supplierMessage(requestId, message);
  const adapter = createSimulatedAdapter({ reply, behaviour: (order) => suppliers(order) });
  // The open-access resolver is a real one over HTTP, knowing one free article.
  resolver = await listen(fakeOpenAccess({ basePath: '/unpaywall', articles: [{ doi: OPEN_DOI, openCopy: { landingPage: OPEN_URL, hostType: 'repository' } }] }));
  const openAccess = createOpenAccessAdapter({ reply, email: 'ill@calis.example', env: {} });
  const endpoint = `${resolver.url}/unpaywall`;
  const withResolver = {
    current: () => {
      const loaded = network.current();
      return { ...loaded, config: { ...loaded.config, suppliers: loaded.config.suppliers.map((s) => (s.kind === 'open-access' ? { ...s, endpoint } : s)) } };
    },
  };
  const taskQueue = `lifecycle-${process.pid}`;
  worker = await startTestWorker(
    { nativeConnection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue },
    { store, network: withResolver, adapterFor: (name) => (name === 'open-access' ? openAccess : adapter), now: () => new Date(Date.UTC(2026, 10, 25)) },
  );
  running = worker.run();
  requests = new RequestService(env.client, store, network, taskQueue);
});

afterEach(() => {
  suppliers = () => [];
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await database?.close();
  await resolver?.close();
  await env?.teardown();
});

describe('sourcing', () => {
  it('delivers a free copy found before routing without asking any supplier, and completes when the link expires', async () => {
    suppliers = fills;
    const base = sample('chinese-article-ppv');
    const request = await submit({ ...base, citation: { ...base.citation, doi: OPEN_DOI } });
    const delivered = await status(request, 'delivered');
    expect(delivered.decision).toMatchObject({ outcome: 'open-access', rota: [], openCopy: { supplierId: 'oa-resolver', url: OPEN_URL } });
    expect(delivered.delivery).toMatchObject({ kind: 'copy', supplierId: 'oa-resolver', url: OPEN_URL });
    expect(delivered.charges).toEqual([]);
    const result = await handle(request).result();
    expect(result.status).toBe('completed');
    const events = (await handle(request).fetchHistory()).events ?? [];
    // Routing and the fill's record run inside workflow tasks; only the closing audit-trail entry needs one more.
    expect(activitiesRun(events)).toEqual(['routeRequest (local)', 'recordFill (local)', 'recordTransitions (local)']);
    expect(await store.listOutbox('oa-resolver', 10)).toEqual([]);
    await keepHistory(request, 'open-access-first');
  });

  it('tells the reader where their own library has it, and asks no supplier', async () => {
    const base = sample('chinese-article-ppv');
    // whu licenses CNKI's journals, this one among them.
    const request = await submit({ ...base, requester: { libraryId: 'whu', patronId: 'p-9' } });
    const result = await handle(request).result();
    expect(result).toMatchObject({ status: 'completed', decision: { outcome: 'local', local: { libraryId: 'whu', licence: { name: expect.stringContaining('CNKI') } } } });
    expect(result.history.at(-1)?.note).toMatch(/^licensed by .+CNKI/);
    const events = (await handle(request).fetchHistory()).events ?? [];
    expect(activitiesRun(events)).toEqual(['routeRequest (local)', 'notifyReader', 'recordTransitions (local)']);
    await keepHistory(request, 'served-locally');
  });

  it('delivers a copy filled by the first supplier, charges once, and completes when the link expires', async () => {
    suppliers = fills;
    const request = await submit(sample('chinese-article-ppv'));
    const delivered = await status(request, 'delivered');
    expect(delivered.decision?.rulesetVersion).toBe(network.current().config.version);
    expect(delivered.delivery).toMatchObject({ kind: 'copy', supplierId: 'cnki' });
    expect(delivered.tried).toEqual([]);
    expect(delivered.charges).toHaveLength(1);
    expect(await store.listCharges(request.id)).toEqual([expect.objectContaining({ supplierId: 'cnki', libraryId: 'szu', currency: 'CNY' })]);

    const result = await handle(request).result();
    expect(result.status).toBe('completed');
    expect(result.history.at(-1)?.note).toBe('copy link expired');
    const trail = (await store.listEvents(request.id)).map((event) => event.status);
    expect(trail).toEqual(['submitted', 'checking', 'routing', 'routing', 'with-supplier', 'delivered', 'completed']);
    const decided = (await store.listEvents(request.id))[3]!;
    expect(decided.detail.note).toBe(`route under configuration ${network.current().config.version}`);
    // Each transition travels with the activity it goes with: 4 activities, local ones included, and
    // only the send goes through the task queue; routing and the fill's record run in workflow tasks.
    const events = (await handle(request).fetchHistory()).events ?? [];
    expect(activitiesRun(events)).toEqual(['routeRequest (local)', 'sendToSupplier', 'recordFill (local)', 'recordTransitions (local)']);
    // One patch marker, whatever earlier changes the request runs with.
    expect(events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toHaveLength(1);
    // Search attributes are set when the request starts to wait: delivered (the supplier had answered
    // before the request would have waited for it, so it never waited with its supplier), then completed.
    const upserted = events.map((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}).filter((key) => key.startsWith('Ill')).sort());
    expect(upserted.filter((keys) => keys.length > 0)).toEqual([['IllRulesetVersion', 'IllStatus', 'IllSupplier'], ['IllStatus']]);
    expect(result.charges).toHaveLength(1);
    await keepHistory(request, 'filled-by-first-supplier');
  });

  it('moves past three unfilled suppliers and is filled by the fourth', async () => {
    suppliers = (order) => (attemptOf(order.key) <= 3 ? [{ status: 'Unfilled', reason: 'not held' }] : fills(order));
    const request = await submit(sample('chinese-article-ppv'));
    const delivered = await status(request, 'delivered');
    const rota = delivered.decision!.rota.map((entry) => entry.supplierId);
    expect(delivered.tried.map((t) => [t.supplierId, t.outcome])).toEqual(rota.slice(0, 3).map((id) => [id, 'unfilled']));
    expect(delivered.delivery?.supplierId).toBe(rota[3]);
    expect((await store.listCharges(request.id)).map((c) => c.supplierId)).toEqual([rota[3]]);
    expect(await outcomesOf(request, 4)).toEqual([...rota.slice(0, 3).map((id) => [id, 'unfilled']), [rota[3], 'filled']]);
    await keepHistory(request, 'unfilled-three-times');
  });

  it("does not take a supplier's repeated answer for the next supplier's", async () => {
    suppliers = (order) => (attemptOf(order.key) === 1 ? [{ status: 'Unfilled' }, { status: 'Unfilled' }] : fills(order));
    const request = await submit(sample('chinese-article-ppv'));
    const delivered = await status(request, 'delivered');
    const rota = delivered.decision!.rota.map((entry) => entry.supplierId);
    expect(delivered.tried.map((t) => t.supplierId)).toEqual([rota[0]]);
    expect(delivered.delivery?.supplierId).toBe(rota[1]);
  });

  it("acts once on a supplier's repeated or out-of-order messages, records them, and refuses other suppliers", async () => {
    const request = await submit(sample('chinese-article-ppv'));
    const sent = await until(request, (s) => s.supplier !== undefined && s.history.at(-1)?.note === 'try 1', 'the first supplier');
    const supplierId = sent.supplier!.id;
    const receipts = [];
    const messages: Omit<SupplierMessage, 'supplierId'>[] = [{ status: 'RequestReceived' }, { status: 'WillSupply' }, { status: 'RequestReceived', reason: 'queued' }, { status: 'WillSupply' }];
    for (const message of messages) receipts.push(await say(request, { supplierId, ...message }));
    expect(receipts.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'out-of-order', 'duplicate']);
    await expect(say(request, { supplierId: 'not-the-holder', status: 'CopyCompleted' })).rejects.toThrow(/is not with supplier not-the-holder/);
    await say(request, { supplierId, status: 'CopyCompleted', deliveryUrl: 'https://cnki.example/z' });
    const delivered = await status(request, 'delivered');
    expect(delivered.history.filter((h) => h.note?.startsWith('WillSupply'))).toHaveLength(1);
    expect(delivered.history.filter((h) => h.note === 'RequestReceived')).toHaveLength(1);
    // All five accepted updates stand in the history, though only three moved the request.
    const events = (await handle(request).fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'supplierMessage')).toHaveLength(5);
    await keepHistory(request, 'supplier-messages-repeated');
  });

  it('tries the next supplier when one misses its deadline, and tells the late one', async () => {
    suppliers = (order) => (attemptOf(order.key) === 1 ? [{ status: 'RequestReceived' }] : fills(order));
    const request = await submit(sample('chinese-article-ppv'));
    const first = await until(request, (s) => s.supplier?.status === 'RequestReceived', 'the first supplier');
    await env.sleep('25 hours');
    const delivered = await status(request, 'delivered');
    expect(delivered.tried).toEqual([expect.objectContaining({ supplierId: first.supplier!.id, outcome: 'deadline-missed' })]);
    expect(await outcomesOf(request, 2)).toEqual([[first.supplier!.id, 'expired'], [delivered.delivery!.supplierId, 'filled']]);
    const notices = await store.listOutbox(first.supplier!.id, 10);
    expect(notices.filter((n) => n.requestId === request.id).map((n) => n.action).sort()).toEqual(['cancel', 'send']);
  });

  it("gives a supplier its deadline in its own working hours, counted from the send", async () => {
    suppliers = (order) => (attemptOf(order.key) === 1 ? [{ status: 'RequestReceived' }] : fills(order));
    const request = await submit(sample('korean-article-keris'));
    const first = await until(request, (s) => s.supplier?.status === 'RequestReceived', 'the first supplier');
    expect(first.supplier?.id).toBe('keris');
    const sentAt = first.history.findLast((entry) => entry.note === 'try 1')!.at;
    const expected = tryDeadline(network.current().config, 'keris', first.decision!.deadlineHours, sentAt);
    expect(first.supplier?.deadline).toBe(expected.at);
    // 24 working hours of 9 a day: a day and an hour later the supplier still has time.
    expect(Date.parse(expected.at!) - Date.parse(sentAt)).toBeGreaterThan(25 * HOUR);
    await env.sleep('25 hours');
    expect((await state(request)).supplier?.id).toBe('keris');
    await env.sleep(Date.parse(expected.at!) - Date.parse(sentAt));
    const moved = await until(request, (s) => s.tried.length > 0, 'the next supplier');
    expect(moved.tried[0]).toEqual(expect.objectContaining({ supplierId: 'keris', outcome: 'deadline-missed' }));
    await keepHistory(request, 'working-hour-deadline');
  });

  it('extends the deadline when the supplier will supply', async () => {
    suppliers = (order) => (attemptOf(order.key) === 1 ? [{ status: 'WillSupply' }] : fills(order));
    const request = await submit(sample('chinese-article-ppv'));
    const promised = await until(request, (s) => s.supplier?.status === 'WillSupply', 'WillSupply');
    await env.sleep('30 hours');
    const still = await state(request);
    expect(still.status).toBe('with-supplier');
    expect(still.supplier?.id).toBe(promised.supplier?.id);
    await say(request, { supplierId: promised.supplier!.id, status: 'CopyCompleted', deliveryUrl: 'https://cnki.example/x' });
    expect((await status(request, 'delivered')).tried).toEqual([]);
  });

  it('accepts a price within the limits by itself and charges it', async () => {
    suppliers = (order) =>
      attemptOf(order.key) === 1 ? [{ status: 'RetryPossible', cost: { amount: 12.5, currency: 'CNY' }, reason: 'CostExceedsMaxCost' }] : [];
    const request = await submit(sample('chinese-article-ppv'));
    const accepted = await until(request, (s) => s.history.some((h) => h.note?.includes('accepted')), 'cost accepted');
    await say(request, { supplierId: accepted.supplier!.id, status: 'CopyCompleted', deliveryUrl: 'https://cnki.example/y' });
    await status(request, 'delivered');
    expect((await store.listCharges(request.id)).map((c) => c.amount)).toEqual([12.5]);
    const notices = await store.listOutbox(accepted.supplier!.id, 10);
    expect(notices.filter((n) => n.requestId === request.id).map((n) => n.action)).toContain('acceptCost');
  });

  it('asks the librarian about a price above the limit, and moves on when refused', async () => {
    suppliers = (order) => (attemptOf(order.key) === 1 ? [{ status: 'RetryPossible', cost: { amount: 480, currency: 'CNY' } }] : fills(order));
    const request = await submit(sample('chinese-article-ppv'));
    const asking = await status(request, 'awaiting-cost-approval');
    expect(asking.tasks).toEqual([expect.objectContaining({ type: 'approveCost', assignee: { role: 'librarian', libraryId: 'szu' } })]);
    const answered = await handle(request).executeUpdate(approveCostUpdate, { args: [{ actor: librarianOf('szu'), approve: false, reason: 'too dear' }] });
    expect(answered.tasks).toEqual([]);
    const delivered = await status(request, 'delivered');
    expect(delivered.tried).toEqual([expect.objectContaining({ outcome: 'cost-refused' })]);
    await keepHistory(request, 'cost-refused');
  });

  it('sends on after the librarian approves a price above the limit', async () => {
    suppliers = (order) => (attemptOf(order.key) === 1 ? [{ status: 'RetryPossible', cost: { amount: 480, currency: 'CNY' } }] : []);
    const request = await submit(sample('chinese-article-ppv'));
    await status(request, 'awaiting-cost-approval');
    const approved = await handle(request).executeUpdate(approveCostUpdate, { args: [{ actor: librarianOf('szu'), approve: true }] });
    expect(approved.status).toBe('with-supplier');
    await say(request, { supplierId: approved.supplier!.id, status: 'CopyCompleted', deliveryUrl: 'https://x.example/1' });
    await status(request, 'delivered');
    // The charge is written with the reader's notice, by the activity after the one that marks the request delivered.
    const charges = await eventually(() => store.listCharges(request.id), (found) => found.length > 0, () => 'no charge was posted');
    expect(charges.map((c) => c.amount)).toEqual([480]);
  });
});

describe('loan conditions and notes between library and supplier', () => {
  const noticesTo = async (supplierId: string, request: IllRequest) => (await store.listOutbox(supplierId, 10)).filter((n) => n.requestId === request.id);
  /** An article from a journal of its own, so these fills count nowhere near the library's yearly cap on another title. */
  const article = () => {
    const request = sample('chinese-article-ppv');
    return { ...request, citation: { ...request.citation, journalTitle: '中国图书馆学报', issn: '1001-8867' } };
  };

  it('asks the librarian about a loan condition, and asks the supplier again once it is accepted', async () => {
    suppliers = (order) => (attemptOf(order.key) === 1 ? [{ status: 'RetryPossible', loanCondition: 'LibraryUseOnly', reason: 'LoanCondition: reading room only' }] : []);
    const request = await submit(article());
    const asking = await status(request, 'awaiting-condition-approval');
    const supplierId = asking.supplier!.id;
    const task = asking.tasks[0]!;
    expect(asking.tasks).toEqual([
      expect.objectContaining({ type: 'loanCondition', assignee: { role: 'librarian', libraryId: 'szu' }, detail: { supplierId, condition: 'LibraryUseOnly', reason: 'LoanCondition: reading room only' } }),
    ]);
    expect(Date.parse(task.dueAt) - Date.parse(task.openedAt)).toBe(network.current().config.policy.lifecycle.taskDueHours.loanCondition * 3_600_000);
    await expect(handle(request).executeUpdate(loanConditionUpdate, { args: [{ actor: librarianOf('pku'), approve: true }] })).rejects.toThrow(WorkflowUpdateFailedError);
    const accepted = await handle(request).executeUpdate(loanConditionUpdate, { args: [{ actor: librarianOf('szu'), approve: true }] });
    expect(accepted).toMatchObject({ status: 'with-supplier', tasks: [] });
    await until(request, (s) => s.history.at(-1)?.note === 'asked again, accepting loan condition LibraryUseOnly', 'asked again');
    const [again] = await noticesTo(supplierId, request);
    expect(again).toMatchObject({ action: 'acceptCondition', detail: { condition: 'LibraryUseOnly', request: { id: request.id } } });
    await say(request, { supplierId, status: 'CopyCompleted', deliveryUrl: 'https://cnki.example/reading-room' });
    expect((await status(request, 'delivered')).tried).toEqual([]);
    await keepHistory(request, 'loan-condition-accepted');
  });

  it('tells the supplier and moves on when the librarian refuses a loan condition', async () => {
    suppliers = (order) => (attemptOf(order.key) === 1 ? [{ status: 'RetryPossible', loanCondition: 'NoReproduction' }] : fills(order));
    const request = await submit(article());
    const asking = await status(request, 'awaiting-condition-approval');
    await handle(request).executeUpdate(loanConditionUpdate, { args: [{ actor: librarianOf('szu'), approve: false, reason: 'the reader needs a copy' }] });
    const delivered = await status(request, 'delivered');
    expect(delivered.tried).toEqual([expect.objectContaining({ supplierId: asking.supplier!.id, outcome: 'condition-refused', reason: 'NoReproduction' })]);
    expect((await noticesTo(asking.supplier!.id, request)).map((n) => n.action)).toEqual(['refuseCondition', 'send']);
    expect(delivered.history).toContainEqual(expect.objectContaining({ by: 'librarian@szu', note: 'loan condition NoReproduction refused: the reader needs a copy' }));
  });

  it("records a supplier's note once and acts on nothing in it; sends a librarian's note to the supplier", async () => {
    suppliers = (order) => (attemptOf(order.key) === 1 ? [{ status: 'RequestReceived' }, { status: 'WillSupply' }] : []);
    const request = await submit(article());
    const promised = await until(request, (s) => s.supplier?.status === 'WillSupply', 'WillSupply');
    const supplierId = promised.supplier!.id;
    // A note names the status as the supplier sees it, here an earlier one.
    const note: SupplierMessage = { supplierId, status: 'RequestReceived', notification: true, reason: 'the volume is at the bindery until Friday' };
    expect(await say(request, note)).toMatchObject({ outcome: 'accepted', status: 'with-supplier' });
    expect(await say(request, note)).toMatchObject({ outcome: 'duplicate' });
    const noted = await state(request);
    const heard = `note from ${supplierId}: the volume is at the bindery until Friday`;
    expect(noted.history.filter((h) => h.note === heard)).toEqual([expect.objectContaining({ status: 'with-supplier', supplierId })]);
    expect(noted.supplier).toEqual(promised.supplier);
    expect((await store.listEvents(request.id)).map((e) => e.detail.note)).toContain(heard);

    const sent = await handle(request).executeUpdate(supplierNoteUpdate, { args: [{ actor: librarianOf('szu'), note: 'Pages 512-520 alone would do.' }] });
    expect(sent.history.at(-1)).toMatchObject({ status: 'with-supplier', by: 'librarian@szu', supplierId, note: `note to ${supplierId}: Pages 512-520 alone would do.` });
    expect((await noticesTo(supplierId, request))[0]).toMatchObject({ action: 'note', detail: { note: 'Pages 512-520 alone would do.', by: 'librarian@szu' } });
    const refused = (note: string, actor = librarianOf('szu')) => handle(request).executeUpdate(supplierNoteUpdate, { args: [{ actor, note }] });
    await expect(refused('  ')).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(refused('x'.repeat(2001))).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(refused('from elsewhere', librarianOf('pku'))).rejects.toThrow(WorkflowUpdateFailedError);

    await say(request, { supplierId, status: 'CopyCompleted', deliveryUrl: 'https://cnki.example/bound' });
    expect((await status(request, 'delivered')).tried).toEqual([]);
    await keepHistory(request, 'notes-both-ways');
  });
});

describe('review, escalation and cancellation', () => {
  it('ends a request the reviewing librarian rejects', async () => {
    const request = await submit(sample('express-copy-review'));
    const waiting = await status(request, 'awaiting-review');
    expect(waiting.tasks).toEqual([expect.objectContaining({ type: 'review', assignee: { role: 'librarian', libraryId: 'xtu' } })]);
    await handle(request).executeUpdate(reviewUpdate, { args: [{ actor: librarianOf('xtu'), decision: 'reject', reason: 'held in the reading room' }] });
    const result = await handle(request).result();
    expect(result).toMatchObject({ status: 'rejected', reason: 'held in the reading room' });
    await keepHistory(request, 'review-rejected');
  });

  it('sends to the rota a reviewer chose', async () => {
    suppliers = fills;
    const request = await submit(sample('express-copy-review'));
    const waiting = await status(request, 'awaiting-review');
    const chosen = waiting.decision!.rota[2]!.supplierId;
    await handle(request).executeUpdate(reviewUpdate, { args: [{ actor: librarianOf('xtu'), decision: 'changeRota', rota: [chosen] }] });
    expect((await status(request, 'delivered')).delivery?.supplierId).toBe(chosen);
  });

  it('hands an exhausted rota to search-proxy staff, who find it elsewhere', async () => {
    suppliers = (order) => (order.supplierId === 'harvard-yenching' ? fills(order) : [{ status: 'Unfilled' }]);
    const request = await submit(sample('chinese-article-ppv'));
    const escalated = await status(request, 'with-search-proxy');
    expect(escalated.tried).toHaveLength(escalated.decision!.rota.length);
    expect(escalated.tasks).toEqual([expect.objectContaining({ type: 'searchProxy', assignee: { role: 'search-proxy', libraryId: 'centre' } })]);
    await handle(request).executeUpdate(searchProxyUpdate, { args: [{ actor: staff, outcome: 'found', supplierId: 'harvard-yenching' }] });
    const delivered = await status(request, 'delivered');
    expect(delivered.delivery?.supplierId).toBe('harvard-yenching');
    await keepHistory(request, 'search-proxy-found');
  });

  it('escalates a request the rules send to search-proxy staff, who may find it unfillable', async () => {
    const request = await submit(sample('rare-escalate'));
    await status(request, 'with-search-proxy');
    await handle(request).executeUpdate(searchProxyUpdate, { args: [{ actor: staff, outcome: 'unfillable', reason: 'no copy survives' }] });
    expect(await handle(request).result()).toMatchObject({ status: 'unfilled', reason: 'no copy survives' });
  });

  it('cancels a request while a supplier has it, and tells the supplier', async () => {
    suppliers = () => [{ status: 'RequestReceived' }];
    const request = await submit(sample('chinese-article-ppv'));
    const withSupplier = await until(request, (s) => s.supplier?.status === 'RequestReceived', 'with a supplier');
    const cancelled = await handle(request).executeUpdate(cancelUpdate, { args: [{ actor: reader(request), reason: 'found it myself' }] });
    expect(cancelled.status).toBe('cancelled');
    const notices = await store.listOutbox(withSupplier.supplier!.id, 10);
    expect(notices.filter((n) => n.requestId === request.id).map((n) => n.action).sort()).toEqual(['cancel', 'send']);
    expect(await store.listCharges(request.id)).toEqual([]);
    await keepHistory(request, 'cancelled-with-supplier');
  });

  it('moves a task nobody answers in time to the centre, where only the centre may answer it', async () => {
    const request = await submit(sample('express-copy-review'));
    await status(request, 'awaiting-review');
    await env.sleep('9 hours');
    const escalated = await until(request, (s) => s.tasks[0]?.escalated === true, 'escalation');
    expect(escalated.tasks[0]!.assignee).toEqual({ role: 'administrator', libraryId: 'centre' });
    await expect(
      handle(request).executeUpdate(reviewUpdate, { args: [{ actor: librarianOf('xtu'), decision: 'approve' }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    const admin: Actor = { subject: 'admin-1', role: 'administrator', libraryId: 'centre' };
    await handle(request).executeUpdate(reviewUpdate, { args: [{ actor: admin, decision: 'reject', reason: 'duplicate' }] });
    expect((await handle(request).result()).status).toBe('rejected');
  });
});

describe('decisions that do not fit', () => {
  it('refuses stale and invalid updates at once and changes nothing', async () => {
    const request = await submit(sample('express-copy-review'));
    const before = await status(request, 'awaiting-review');
    const refused = async (promise: Promise<unknown>, message: RegExp) => {
      const error = await promise.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((error as WorkflowUpdateFailedError).cause?.message).toMatch(message);
    };
    const h = handle(request);
    await refused(h.executeUpdate(approveCostUpdate, { args: [{ actor: librarianOf('xtu'), approve: true }] }), /no open approveCost task/);
    await refused(h.executeUpdate(loanConditionUpdate, { args: [{ actor: librarianOf('xtu'), approve: true }] }), /no open loanCondition task/);
    await refused(h.executeUpdate(supplierNoteUpdate, { args: [{ actor: librarianOf('xtu'), note: 'hello' }] }), /awaiting-review and with no supplier to send a note to/);
    await refused(h.executeUpdate(reviewUpdate, { args: [{ actor: librarianOf('xtu'), decision: 'changeRota', rota: ['nowhere'] }] }), /not in the rota: nowhere/);
    await refused(h.executeUpdate(reviewUpdate, { args: [{ actor: librarianOf('pku'), decision: 'approve' }] }), /assigned to a librarian of xtu/);
    await refused(h.executeUpdate(reviewUpdate, { args: [{ actor: librarianOf('xtu'), decision: 'reject' }] }), /reason for rejecting is required/);
    await refused(h.executeUpdate(receiveUpdate, { args: [{ actor: librarianOf('xtu') }] }), /no open receive task/);
    await refused(h.executeUpdate(returnUpdate, { args: [{ actor: librarianOf('xtu') }] }), /not on loan/);
    await refused(h.executeUpdate(cancelUpdate, { args: [{ actor: reader(request), reason: ' ' }] }), /reason for cancelling is required/);
    const after = await state(request);
    expect(after.history).toEqual(before.history);
    expect(after.tasks).toEqual(before.tasks);

    await h.executeUpdate(cancelUpdate, { args: [{ actor: reader(request), reason: 'no longer needed' }] });
    await refused(h.executeUpdate(cancelUpdate, { args: [{ actor: reader(request), reason: 'again' }] }), /is cancelled and can no longer be cancelled/);
  });
});

describe('delivery that lasts', () => {
  it('expires a CALIS e-book download after a month', async () => {
    suppliers = fills;
    const request = await submit(sample('ebook-calis'));
    const delivered = await status(request, 'delivered');
    expect(delivered.delivery?.kind).toBe('ebook');
    expect(Date.parse(delivered.delivery!.expiresAt) - Date.parse(delivered.history.at(-1)!.at)).toBe(30 * 24 * 3_600_000);
    const result = await handle(request).result();
    expect(result).toMatchObject({ status: 'completed' });
    expect(result.history.at(-1)?.note).toBe('e-book download expired');
    await keepHistory(request, 'ebook-expired');
  });

  it('follows a loan through receipt, reminder, renewal, recall, overdue and return', async () => {
    suppliers = () => [{ status: 'Loaned' }];
    const request = await submit(sample('loan-same-region', { maxCost: { amount: 1, currency: 'CNY' } }));
    await status(request, 'awaiting-cost-approval');
    await handle(request).executeUpdate(approveCostUpdate, { args: [{ actor: librarianOf('hunnu'), approve: true }] });
    const shipped = await status(request, 'shipped');
    const lender = shipped.loan!.supplierId;
    const library = librarianOf('hunnu');

    await handle(request).executeUpdate(receiveUpdate, { args: [{ actor: library }] });
    const loaned = await status(request, 'loaned');
    const firstDue = loaned.loan!.dueDate;

    await env.sleep('28 days');
    await until(request, (s) => s.loan?.remindedFor === firstDue, 'a reminder');

    await handle(request).executeUpdate(renewUpdate, { args: [{ actor: reader(request) }] });
    const asked = await until(request, (s) => s.tasks.some((t) => t.type === 'renewAnswer'), 'a renewal task');
    expect(asked.tasks[0]!.assignee).toEqual({ role: 'supplier', libraryId: lender });
    const newDue = new Date(Date.parse(firstDue) + 14 * 86_400_000).toISOString();
    const supplierLibrarian: Actor = { subject: `loans@${lender}`, role: 'supplier', libraryId: lender };
    await expect(
      handle(request).executeUpdate(renewAnswerUpdate, { args: [{ actor: supplierLibrarian, approve: true, dueDate: firstDue }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    await handle(request).executeUpdate(renewAnswerUpdate, { args: [{ actor: supplierLibrarian, approve: true, dueDate: newDue }] });
    expect((await status(request, 'renewed')).loan).toMatchObject({ dueDate: newDue, renewals: 1 });

    const recallDue = new Date(Date.parse(newDue) - 7 * 86_400_000).toISOString();
    await say(request, { supplierId: lender, status: 'Recalled', dueDate: recallDue });
    expect((await status(request, 'recalled')).loan?.dueDate).toBe(recallDue);

    await env.sleep('30 days');
    await status(request, 'overdue');

    await handle(request).executeUpdate(returnUpdate, { args: [{ actor: library }] });
    await status(request, 'returned');
    await say(request, { supplierId: lender, status: 'LoanCompleted' });
    const result = await handle(request).result();
    expect(result.status).toBe('completed');
    const kinds = await database.db('reader_notices').where({ request_id: request.id }).orderBy('created_at').pluck('kind');
    // The recall set a new due date, which gets a reminder of its own.
    expect(kinds).toEqual(['shipped', 'reminder', 'recalled', 'reminder', 'overdue']);
    await keepHistory(request, 'loan-full-cycle');
  });

  it('continues a long loan as a new run, keeping its state, so its history stays short', async () => {
    suppliers = () => [{ status: 'Loaned' }];
    const request = sample('loan-same-region', { maxCost: { amount: 1, currency: 'CNY' } });
    const timings = { ...lifecycleTimings(network.current().config.policy), historyLimit: 60 };
    await store.insertRequest(request, requestWorkflowId(request.id));
    const started = await env.client.workflow.start('requestLifecycle', {
      workflowId: requestWorkflowId(request.id),
      taskQueue: `lifecycle-${process.pid}`,
      args: [{ request, timings }],
    });
    await status(request, 'awaiting-cost-approval');
    await handle(request).executeUpdate(approveCostUpdate, { args: [{ actor: librarianOf('hunnu'), approve: true }] });
    const shipped = await status(request, 'shipped');
    const lender = shipped.loan!.supplierId;
    await handle(request).executeUpdate(receiveUpdate, { args: [{ actor: librarianOf('hunnu') }] });
    await status(request, 'loaned');

    const supplierLibrarian: Actor = { subject: `loans@${lender}`, role: 'supplier', libraryId: lender };
    for (let renewal = 1; renewal <= 4; renewal++) {
      await handle(request).executeUpdate(renewUpdate, { args: [{ actor: librarianOf('hunnu') }] });
      const asked = await until(request, (s) => s.tasks.some((t) => t.type === 'renewAnswer'), 'a renewal task');
      const dueDate = new Date(Date.parse(asked.loan!.dueDate) + 14 * 86_400_000).toISOString();
      await handle(request).executeUpdate(renewAnswerUpdate, { args: [{ actor: supplierLibrarian, approve: true, dueDate }] });
      await until(request, (s) => s.loan?.renewals === renewal, `renewal ${renewal}`);
    }
    const deadline = Date.now() + 10_000;
    while ((await handle(request).describe()).runId === started.firstExecutionRunId && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await handle(request).describe()).runId).not.toBe(started.firstExecutionRunId);
    const firstRun = env.client.workflow.getHandle(requestWorkflowId(request.id), started.firstExecutionRunId);
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    // The answer that tipped the run over and the continue-as-new leave in one workflow task, so an
    // update sent after that answer can only reach the new run: one that reached a closing run was
    // left waiting by the test server until the test timed out.
    const closing = (await firstRun.fetchHistory()).events ?? [];
    const answeredAt = closing.findLastIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes);
    const continuedAt = closing.findIndex((e) => e.workflowExecutionContinuedAsNewEventAttributes);
    expect(answeredAt).toBeGreaterThan(0);
    expect(closing.slice(answeredAt, continuedAt).filter((e) => e.workflowTaskStartedEventAttributes)).toEqual([]);

    await handle(request).executeUpdate(returnUpdate, { args: [{ actor: librarianOf('hunnu') }] });
    await say(request, { supplierId: lender, status: 'LoanCompleted' });
    const result = await handle(request).result();
    expect(result).toMatchObject({ status: 'completed', loan: { renewals: 4 } });
    expect(result.history[0]).toMatchObject({ status: 'submitted' });
  });
});

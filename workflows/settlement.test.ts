import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { PermanentSupplierError, type SupplierAdapter } from '../adapters/adapter';
import type { Database } from '../engine/db/database';
import { NetworkHolder } from '../engine/network';
import { RequestService } from '../engine/requests';
import { KnexRequestStore } from '../engine/store/knex-store';
import type { IllRequest } from '../domain/request';
import type { Actor, RequestState } from '../domain/request-state';
import { connectTestTemporal, startTestWorker, testDatabase, type TemporalHarness } from '../test/harness';
import { eventually } from '../test/eventually';
import { closeUpdate, receiveUpdate, statusQuery, requestWorkflowId } from './definitions';

// Settlement through the real workflow on Temporal with the real activities: a fill whose record
// is retried after it was written posts once, and a loan closed while on loan is reversed once.

const root = path.resolve(__dirname, '..');
let temporal: TemporalHarness;
let database: Database;
let store: KnexRequestStore;
let requests: RequestService;
let worker: Worker;
let running: Promise<void>;
let serial = 0;
/** Fills whose record is written and then, once, reported failed, as when a worker dies before the activity completes. */
const failAfterWriting = new Set<string>();
/** Requests whose supplier's system refuses every notice, as one that has gone wrong does. */
const noticesRefused = new Set<string>();
const recordFills: string[] = [];

function sample(name: string): IllRequest {
  const { $schema: _schema, ...request } = JSON.parse(readFileSync(path.join(root, 'config/requests', `${name}.json`), 'utf8'));
  return { ...request, id: `${request.id}-settle-${process.pid}-${++serial}` };
}

const state = (request: IllRequest) => temporal.client.workflow.getHandle(requestWorkflowId(request.id)).query(statusQuery);
const until = (request: IllRequest, check: (s: RequestState) => boolean) => eventually(() => state(request), check, (s) => `request is ${s.status}: ${JSON.stringify(s.history.slice(-3))}`);
const centre: Actor = { subject: 'staff@centre', role: 'administrator', libraryId: 'centre' };

/** Submits a request and has the first supplier of its rota fill it with `message`. */
async function filled(request: IllRequest, message: Record<string, unknown>): Promise<RequestState> {
  expect((await requests.submit(request)).outcome).toBe('created');
  const sent = await until(request, (s) => s.status === 'with-supplier');
  const supplierId = sent.supplier!.id;
  await requests.supplierMessage(request.id, { supplierId, ...message } as never);
  return until(request, (s) => s.charges.length > 0 && ['delivered', 'shipped'].includes(s.status));
}

beforeAll(async () => {
  temporal = await connectTestTemporal();
  database = await testDatabase();
  const real = new KnexRequestStore(database.db);
  // The real store, but a fill named in `failAfterWriting` fails once after its write went through.
  store = Object.assign(Object.create(real) as KnexRequestStore, {
    async recordFill(...args: Parameters<KnexRequestStore['recordFill']>) {
      recordFills.push(args[0].notice.requestId);
      await real.recordFill(...args);
      if (failAfterWriting.delete(args[0].notice.requestId)) throw new Error('the worker died before the fill was acknowledged');
    },
  });
  const network = new NetworkHolder(path.join(root, 'config'));
  requests = new RequestService(temporal.client, store, network, temporal.taskQueue);
  // Suppliers' staff answer from the outbox, as with the manual adapter.
  const staffAnswered: SupplierAdapter = {
    send: async () => undefined,
    notify: async (notice) => {
      if (noticesRefused.has(notice.requestId)) throw new PermanentSupplierError('the peer answered ERROR: UnrecognisedDataValue');
    },
  };
  worker = await startTestWorker(temporal, { store, network, adapterFor: () => staffAnswered });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await database?.close();
  await temporal?.close();
});

describe('settlement in the request workflow', () => {
  it('posts a fill once when its record is retried after it was written', async () => {
    const request = sample('chinese-article-ppv');
    failAfterWriting.add(request.id);
    const delivered = await filled(request, { status: 'CopyCompleted', deliveryUrl: 'https://example.org/a.pdf', cost: { amount: 12.34, currency: 'CNY' } });
    expect(recordFills.filter((id) => id === request.id)).toHaveLength(2);
    expect(failAfterWriting.has(request.id)).toBe(false);

    expect(await store.listCharges(request.id)).toEqual([expect.objectContaining({ key: delivered.charges[0]!.key, amount: 12.34 })]);
    const postings = await store.listPostings(request.id);
    expect(postings.filter((p) => p.kind === 'price').map((p) => [p.account.kind, p.amountMinor])).toEqual([
      ['library', 1234],
      ['supplier', -1234],
    ]);
    expect(new Set(postings.map((p) => p.transactionKey))).toEqual(new Set([delivered.charges[0]!.key]));
    expect(postings.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(0);
  });

  it('closes a loan while the library holds it: the lender is told by a note (a loan sent cannot be cancelled), its charge reversed once, and the request cancelled', async () => {
    const request = sample('loan-same-region');
    const shipped = await filled(request, { status: 'Loaned', dueDate: '2027-01-20T00:00:00.000Z', cost: { amount: 15, currency: 'CNY' } });
    const lender = shipped.loan!.supplierId;
    const handle = temporal.client.workflow.getHandle(requestWorkflowId(request.id));
    await handle.executeUpdate(receiveUpdate, { args: [{ actor: { subject: 'librarian@hunnu', role: 'librarian', libraryId: 'hunnu' } }] });
    await until(request, (s) => s.status === 'loaned');

    const closed = await handle.executeUpdate(closeUpdate, { args: [{ actor: centre, reason: 'the book was lost in the post' }] });
    expect(closed).toMatchObject({ status: 'cancelled', reason: 'closed by the centre: the book was lost in the post' });
    const notices = (await store.listOutbox(lender, 50)).filter((entry) => entry.requestId === request.id);
    expect(notices.map((entry) => entry.action)).toEqual(['note', 'received', 'send']);
    expect(notices[0]?.detail).toMatchObject({ note: 'closed by the centre: the book was lost in the post', closed: true });
    const postings = await store.listPostings(request.id);
    expect(postings.filter((p) => p.kind === 'reversal')).toHaveLength(postings.length / 2);
    expect(postings.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(0);
    // Run again (a retry), the reversal posts nothing more.
    expect(await store.reverseRequestPostings(request.id, new Date().toISOString())).toEqual({ reversed: postings.length / 2, settled: 0 });
    expect(await store.listPostings(request.id)).toHaveLength(postings.length);
    await expect(handle.executeUpdate(closeUpdate, { args: [{ actor: centre, reason: 'again' }] })).rejects.toThrow();
  });

  it("closes a request whose supplier's system refuses to hear of it, and says so in the audit trail", async () => {
    const request = sample('chinese-article-ppv');
    noticesRefused.add(request.id);
    expect((await requests.submit(request)).outcome).toBe('created');
    const sent = await until(request, (s) => s.status === 'with-supplier');
    const closed = await requests.decide(request.id, closeUpdate, { actor: centre, reason: 'the order was sent twice by a fault' });
    expect(closed.status).toBe('cancelled');
    const events = await store.listEvents(request.id);
    // The class of the failure, not the peer's words, which may name its system.
    expect(events.map((entry) => entry.detail)).toContainEqual(expect.objectContaining({ event: 'close-not-told', supplierId: sent.supplier!.id, reason: 'rejected' }));
    const notes = events.map((entry) => entry.detail.note);
    expect(notes).toContain(`could not tell ${sent.supplier!.id} of the close: rejected`);
    expect(notes.at(-1)).toBe('closed by the centre: the order was sent twice by a fault');
  });

  it('refuses a close by anyone but the centre, and one without a reason, leaving the request as it was', async () => {
    const request = sample('chinese-article-ppv');
    expect((await requests.submit(request)).outcome).toBe('created');
    await until(request, (s) => s.status === 'with-supplier');
    const librarian: Actor = { subject: 'librarian@szu', role: 'librarian', libraryId: request.requester.libraryId };
    await expect(requests.decide(request.id, closeUpdate, { actor: librarian, reason: 'not needed' })).rejects.toThrow("only the centre's staff (administrator) can close a request");
    await expect(requests.decide(request.id, closeUpdate, { actor: centre, reason: ' ' })).rejects.toThrow('a reason for closing is required');
    expect((await state(request)).status).toBe('with-supplier');
  });
});

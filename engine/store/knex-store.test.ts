import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/harness';
import type { Database } from '../db/database';
import type { IllRequest } from '../../domain/request';
import type { LendingRequest } from '../../domain/lending';
import { KnexRequestStore } from './knex-store';
import { learnFrom, priorsOf } from '../../rules/knowledge';
import { loadNetwork } from '../../rules/load';
import { SHIPPED_CONFIG } from '../../rules/config-fixture';

const request = (id: string): IllRequest => ({
  id,
  requester: { libraryId: 'whu', patronId: 'p-7' },
  service: 'copy',
  citation: { title: '中国近代史纲要', language: 'zh', subjects: ['history'] },
  urgency: 'rush',
  maxCost: { amount: 30, currency: 'CNY' },
});

const lendingRequest = (id: string, borrowerRequestId: string): LendingRequest => ({
  id,
  lenderId: 'pku',
  lenderAgencyId: 'ISIL:CN-PKU',
  borrower: { agencyId: 'ISIL:CN-100000-0', requestId: borrowerRequestId, address: 'http://127.0.0.1:9/iso18626' },
  citation: { title: '燕园考古', journalTitle: '北京大学学报' },
  service: 'copy',
  urgency: 'normal',
  receivedAt: '2026-11-30T08:00:00.000Z',
});

describe.each(databaseKinds)('request store on $name', ({ open }) => {
  let database: Database;
  let store: KnexRequestStore;

  beforeAll(async () => {
    database = await open();
    store = new KnexRequestStore(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('keeps a request as submitted, and refuses a second with the same id without changing the first', async () => {
    expect(await store.insertRequest(request('s-1'), 'request-s-1')).toBe(true);
    expect(await store.insertRequest({ ...request('s-1'), urgency: 'normal' }, 'request-s-1')).toBe(false);
    const stored = await store.getRequest('s-1');
    expect(stored?.request).toEqual(request('s-1'));
    expect(stored?.workflowId).toBe('request-s-1');
    expect(await store.getRequest('nope')).toBeUndefined();
  });

  it('appends each audit event once, however often it is retried, in order', async () => {
    await store.insertRequest(request('s-2'), 'request-s-2');
    const event = (n: number, status: string) => ({ key: `request-s-2:${n}`, requestId: 's-2', status, at: `2026-11-25T10:0${n}:00.000Z`, detail: { n } });
    expect(await store.appendEvents([event(1, 'submitted')])).toBe(1);
    expect(await store.appendEvents([event(1, 'submitted'), event(2, 'routing')])).toBe(1);
    expect(await store.appendEvents([])).toBe(0);
    const events = await store.listEvents('s-2');
    expect(events.map((e) => [e.key, e.status, e.at, e.detail])).toEqual([
      ['request-s-2:1', 'submitted', '2026-11-25T10:01:00.000Z', { n: 1 }],
      ['request-s-2:2', 'routing', '2026-11-25T10:02:00.000Z', { n: 2 }],
    ]);
  });

  /** A request's audit trail from `[hours after Monday 2 November 2026, 09:00 in Beijing, status, supplier, note]`; each `try N` is an order sent. */
  const MONDAY = Date.UTC(2026, 10, 2, 1);
  const hours = (h: number) => new Date(MONDAY + h * 3_600_000).toISOString();
  async function trail(id: string, entries: [number, string, string?, string?][]) {
    await store.insertRequest(request(id), `request-${id}`);
    for (const [n, [h, status, supplierId, note]] of entries.entries()) {
      const event = { key: `request-${id}:${n + 1}`, requestId: id, status, at: hours(h), detail: { ...(supplierId ? { supplierId } : {}), ...(note ? { note } : {}) } };
      if (status === 'with-supplier' && note?.startsWith('try ')) {
        await store.enqueueForSupplier({ key: `request-${id}:send:${note.slice(4)}`, requestId: id, supplierId: supplierId!, action: 'send', detail: {} }, [event]);
      } else {
        await store.appendEvents([event]);
      }
    }
  }

  it("gives how each order sent ended, in the order they ended, from the requests' audit trails", async () => {
    await trail('out-1', [
      [0, 'with-supplier', 'nstl', 'try 1'],
      [0.5, 'with-supplier', 'nstl', 'RequestReceived'],
      [2, 'with-supplier', 'nstl', 'Unfilled: not held'],
      [2, 'with-supplier', 'cashl', 'try 2'],
      [5, 'delivered', 'cashl', 'copy available until …'],
      [200, 'completed'],
    ]);
    // CASHL's try is still with it: an order with no end.
    await trail('out-2', [
      [1, 'with-supplier', 'nstl', 'try 1'],
      [25, 'with-supplier', 'nstl', `deadline ${hours(25)} missed`],
      [25, 'with-supplier', 'cashl', 'try 2'],
      [26, 'with-supplier', 'cashl', 'WillSupply; deadline …'],
    ]);
    // A price refused is the library's answer, not the supplier's: that try is not counted. The
    // supplier searched out after the rota tries again, as an order of its own.
    await trail('out-3', [
      [3, 'with-supplier', 'cashl', 'try 1'],
      [4, 'awaiting-cost-approval', 'cashl', 'cashl: 80 CNY'],
      [6, 'with-supplier', 'cashl', 'cost refused'],
      [6, 'with-supplier', 'nstl', 'try 2'],
      [6.1, 'with-supplier', 'nstl', 'could not send: 500 Internal Server Error'],
      [7, 'with-search-proxy', undefined, 'rota exhausted after 2 tries'],
      [30, 'routing', undefined, 'found at cashl'],
      [30, 'with-supplier', 'cashl', 'try 3'],
      [40, 'shipped', 'cashl', 'due …'],
    ]);
    // Cancelled while with its supplier: no outcome of the supplier's.
    await trail('out-4', [
      [2, 'with-supplier', 'nstl', 'try 1'],
      [3, 'cancelled', undefined, 'ordered by mistake'],
    ]);
    await trail('out-5', [
      [0, 'with-supplier', 'nstl', 'try 1'],
      [1, 'with-supplier', 'nstl', 'RetryPossible: not for loan'],
    ]);
    await trail('out-7', [[50, 'with-supplier', 'nstl', 'try 1']]);
    // Sent before the window.
    await trail('out-6', [
      [0, 'with-supplier', 'cashl', 'try 1'],
      [0.2, 'delivered', 'cashl'],
    ]);
    await database.db('supplier_outbox').where({ key: 'request-out-6:send:1' }).update({ created_at: new Date(Date.now() - 100 * 86_400_000) });

    const since = new Date(Date.now() - 86_400_000);
    const ours = async (latest: number) => (await store.supplierOutcomes(since, latest)).filter((outcome) => outcome.requestId.startsWith('out-'));
    const outcome = (requestId: string, supplierId: string, result: string, sent: number, ended: number) => ({ requestId, supplierId, service: 'copy', result, sentAt: hours(sent), endedAt: hours(ended) });
    expect(await ours(100)).toEqual([
      outcome('out-5', 'nstl', 'unfilled', 0, 1),
      outcome('out-1', 'nstl', 'unfilled', 0, 2),
      outcome('out-1', 'cashl', 'filled', 2, 5),
      outcome('out-3', 'nstl', 'unfilled', 6, 6.1),
      outcome('out-2', 'nstl', 'expired', 1, 25),
      outcome('out-3', 'cashl', 'filled', 30, 40),
      // Still with their suppliers: after those that ended, in the order sent, with no end.
      { requestId: 'out-2', supplierId: 'cashl', service: 'copy', sentAt: hours(25) },
      { requestId: 'out-7', supplierId: 'nstl', service: 'copy', sentAt: hours(50) },
    ]);
    // Of each supplier, the latest orders sent only: of NSTL's last three, one was cancelled and one
    // is still open; of CASHL's last two, one ended in a price refused.
    expect((await ours(2)).map((o) => `${o.requestId} ${o.supplierId}`)).toEqual(['out-5 nstl', 'out-3 cashl', 'out-7 nstl']);
    expect((await ours(3)).map((o) => `${o.requestId} ${o.supplierId}`)).toEqual(['out-5 nstl', 'out-3 cashl', 'out-2 cashl', 'out-7 nstl']);

    // Routing learns from them: NSTL's unfilled answers lower its fill rate, CASHL's fills raise its.
    const { config } = loadNetwork(SHIPPED_CONFIG);
    const stats = learnFrom(config!, await ours(100)).stats(priorsOf(config!));
    const prior = (id: string) => config!.suppliers.find((supplier) => supplier.id === id)!.fillRate!;
    expect(stats.nstl!.fillRate).toBeLessThan(prior('nstl') / 2);
    expect(stats.cashl!.fillRate).toBeGreaterThan(prior('cashl'));
    // Counted in working hours, 08:30–17:30: 3 on Monday (11:00 to 14:00), 2.5 for a loan sent at 15:00 on Tuesday and shipped that night.
    expect(stats.cashl).toMatchObject({ turnaroundP10: 2.55, turnaroundHours: 2.75, turnaroundP90: 2.95 });
    // The orders still open are left to the knowledge base (rules/knowledge.test.ts), as of an instant.
    const asOf = learnFrom(config!, await ours(100), [], hours(60)).stats(priorsOf(config!));
    expect(asOf.cashl).toMatchObject({ turnaroundP10: 2.55, turnaroundHours: 2.75, turnaroundP90: 2.95 });
  });

  it("gives how each staff task ended, in the order they ended, from the requests' audit trails", async () => {
    await trail('task-1', [
      [0, 'awaiting-review'],
      [1.5, 'routing', undefined, 'review: approve; rota nstl'],
      [1.5, 'with-supplier', 'nstl', 'try 1'],
      [2, 'awaiting-cost-approval', 'nstl', 'nstl: 80 CNY'],
      [3, 'with-supplier', 'nstl', 'cost approved'],
      [3.5, 'delivered', 'nstl'],
    ]);
    // Cancelled while the librarian had it: no answer of theirs.
    await trail('task-2', [
      [0, 'awaiting-review'],
      [4, 'cancelled', undefined, 'ordered by mistake'],
    ]);
    // Search-proxy staff found a supplier that then filled; the next request they gave up.
    await trail('task-3', [
      [0, 'with-search-proxy', undefined, 'escalated by routing'],
      [20, 'routing', undefined, 'found at cashl'],
      [20, 'with-supplier', 'cashl', 'try 1'],
      [30, 'delivered', 'cashl'],
    ]);
    await trail('task-4', [
      [1, 'with-search-proxy', undefined, 'rota exhausted after 2 tries'],
      [25, 'unfilled', undefined, 'not found'],
    ]);
    // Still with search-proxy staff: open, with no end.
    await trail('task-5', [[2, 'with-search-proxy', undefined, 'escalated by routing']]);

    const since = new Date(Date.UTC(2026, 10, 1));
    const ours = async (latest: number) => (await store.staffTasks(since, latest)).filter((task) => task.requestId.startsWith('task-'));
    const task = (requestId: string, kind: string, opened: number, ended: number, filled?: boolean) => ({
      requestId,
      task: kind,
      libraryId: 'whu',
      openedAt: hours(opened),
      endedAt: hours(ended),
      ...(filled === undefined ? {} : { filled }),
    });
    const still = { requestId: 'task-5', task: 'searchProxy', libraryId: 'whu', openedAt: hours(2) };
    expect(await ours(100)).toEqual([task('task-1', 'review', 0, 1.5), task('task-1', 'approveCost', 2, 3), task('task-4', 'searchProxy', 1, 25, false), task('task-3', 'searchProxy', 0, 30, true), still]);
    // Of each kind, the latest opened only: the last search-proxy request is still open, after those that ended.
    expect((await ours(1)).map((t) => `${t.requestId} ${t.task}`)).toEqual(['task-1 approveCost', 'task-5 searchProxy']);

    // The prediction learns from them, in the network's working hours (08:30–17:30).
    const { config } = loadNetwork(SHIPPED_CONFIG);
    const staff = learnFrom(config!, [], await ours(100)).staffStats();
    expect(staff).toMatchObject({ review: { hours: { median: 1.5 }, tasks: 1 }, approveCost: { hours: { median: 1 }, tasks: 1 }, searchProxy: { tasks: 1, fillRate: expect.closeTo(0.5, 2) } });
  });

  it('keeps lending requests once per borrower request, lists them newest first by status, and records each entry and message once', async () => {
    expect(await store.insertLending(lendingRequest('L1', 'b-1'), 'lending-L1')).toBe(true);
    expect(await store.insertLending(lendingRequest('L1-again', 'b-1'), 'lending-L1-again')).toBe(false);
    expect(await store.insertLending(lendingRequest('L2', 'b-2'), 'lending-L2')).toBe(true);
    expect(await store.insertLending({ ...lendingRequest('L3', 'b-3'), lenderId: 'tsinghua' }, 'lending-L3')).toBe(true);
    expect((await store.getLending('L1'))?.lending).toEqual(lendingRequest('L1', 'b-1'));

    const entry = { key: 'lending-L1:2', requestId: 'L1', status: 'will-supply', at: '2026-11-30T09:00:00.000Z', detail: { by: 'librarian@pku' } };
    await store.recordLending('L1', 'will-supply', [entry]);
    await store.recordLending('L1', 'will-supply', [entry]);
    expect(await store.listLendingEvents('L1')).toEqual([entry]);

    const ids = async (page: Parameters<typeof store.listLending>[1]) => (await store.listLending('pku', page)).map((stored) => stored.lending.id);
    expect(await ids({ limit: 10 })).toEqual(['L2', 'L1']);
    expect(await ids({ limit: 10, statuses: ['will-supply'] })).toEqual(['L1']);
    const [first] = await store.listLending('pku', { limit: 1 });
    expect(await ids({ limit: 10, before: first!.seq })).toEqual(['L1']);

    const message = { key: 'lending-L1:tell:2', lendingId: 'L1', status: 'WillSupply' as const, reasonForMessage: 'StatusChange' as const };
    expect(await store.keepBorrowerMessage(message)).toBe(true);
    expect(await store.keepBorrowerMessage(message)).toBe(false);
    expect(await store.isToldBorrower(message.key)).toBe(false);
    await store.markToldBorrower(message.key);
    expect(await store.isToldBorrower(message.key)).toBe(true);
  });

  it('writes an outbox entry with its audit-trail entries in one statement, each once', async () => {
    await store.insertRequest(request('s-tx'), 'request-s-tx');
    const event = { key: 'request-s-tx:1', requestId: 's-tx', status: 'sent', at: '2026-11-25T10:00:00.000Z', detail: {} };
    const entry = { key: 'request-s-tx:send:1', requestId: 's-tx', supplierId: 'cnki', action: 'send' as const, detail: {} };
    // An audit-trail entry for a request that does not exist breaks the statement: the outbox entry is not kept either.
    await expect(store.enqueueForSupplier(entry, [{ ...event, requestId: 'none' }])).rejects.toThrow();
    expect(await store.listOutbox('cnki', 10)).toEqual([]);

    expect(await store.enqueueForSupplier(entry, [event])).toBe(true);
    expect(await store.enqueueForSupplier(entry, [event])).toBe(false);
    expect(await store.listEvents('s-tx')).toEqual([event]);
    expect((await store.listOutbox('cnki', 10)).map((e) => e.key)).toEqual([entry.key]);
  });

  it('records a fill (audit trail, charge and notice) in one statement, each once', async () => {
    await store.insertRequest(request('s-fill'), 'request-s-fill');
    const event = { key: 'request-s-fill:1', requestId: 's-fill', status: 'delivered', at: '2026-11-25T10:00:00.000Z', detail: {} };
    const charge = { key: 'request-s-fill:charge:cnki', requestId: 's-fill', libraryId: 'szu', supplierId: 'cnki', amount: 12, currency: 'CNY' };
    const notice = { key: 'request-s-fill:notice:delivered', requestId: 's-fill', libraryId: 'szu', patronId: 'p1', kind: 'delivered' as const, detail: {} };
    // An audit-trail entry for a request that does not exist breaks the statement: the charge and the notice are not kept either.
    await expect(store.recordFill({ charge, notice }, [{ ...event, requestId: 'none' }])).rejects.toThrow();
    expect(await store.listCharges('s-fill')).toEqual([]);

    await store.recordFill({ charge, notice }, [event]);
    await store.recordFill({ charge, notice }, [event]);
    expect(await store.listEvents('s-fill')).toEqual([event]);
    expect(await store.listCharges('s-fill')).toEqual([charge]);
    // Kept once: a second notice with its key adds nothing.
    expect(await store.addReaderNotice(notice)).toBe(false);
  });

  it('answers a ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

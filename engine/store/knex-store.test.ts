import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/harness';
import type { Database } from '../db/database';
import type { IllRequest } from '../../domain/request';
import type { LendingRequest } from '../../domain/lending';
import { KnexRequestStore } from './knex-store';

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

  it('observes fill rate and turnaround of suppliers with enough recent orders', async () => {
    const since = new Date(Date.now() - 86_400_000);
    for (let n = 0; n < 24; n++) {
      const id = `stats-${n}`;
      await store.insertRequest(request(id), `request-${id}`);
      const supplierId = n < 20 ? 'nstl' : 'cashl';
      await store.enqueueForSupplier({ key: `request-${id}:send:1`, requestId: id, supplierId, action: 'send', detail: {} });
      if (n % 4 !== 0) {
        const sent = await database.db('supplier_outbox').where({ key: `request-${id}:send:1` }).first('created_at');
        const at = new Date(new Date(sent.created_at).getTime() + 2 * 3_600_000).toISOString();
        await store.appendEvents([{ key: `request-${id}:9`, requestId: id, status: 'delivered', at, detail: { supplierId } }]);
      }
    }
    const stats = await store.supplierStats(since, 20);
    expect(Object.keys(stats)).toEqual(['nstl']);
    expect(stats.nstl!.fillRate).toBe(15 / 20);
    expect(stats.nstl!.turnaroundHours).toBe(2);
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

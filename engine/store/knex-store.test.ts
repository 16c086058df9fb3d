import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/harness';
import type { Database } from '../db/database';
import type { IllRequest } from '../../domain/request';
import { KnexRequestStore } from './knex-store';

const request = (id: string): IllRequest => ({
  id,
  requester: { libraryId: 'whu', patronId: 'p-7' },
  service: 'copy',
  citation: { title: '中国近代史纲要', language: 'zh', subjects: ['history'] },
  urgency: 'rush',
  maxCost: { amount: 30, currency: 'CNY' },
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

  it('answers a ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

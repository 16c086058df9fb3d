import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/harness';
import type { Database } from '../db/database';
import type { IllRequest, Service, Urgency } from '../../domain/request';
import { KnexRequestStore } from './knex-store';
import { Reports } from './reports';

// Reports read what the store keeps; each request here is a trail of `[hours after submission,
// status, supplier, note]`, the way the workflows write it.

const HOUR = 3_600_000;

describe.each(databaseKinds)('reports on $name', ({ open }) => {
  let database: Database;
  let reports: Reports;
  const scope = { from: '2026-10-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };

  async function request(id: string, libraryId: string, service: Service, urgency: Urgency, submittedAt: string, trail: [number, string, string?, string?][]) {
    const store = new KnexRequestStore(database.db);
    const body: IllRequest = { id, requester: { libraryId, patronId: 'p-1' }, service, urgency, citation: { title: `title of ${id}` } };
    await store.insertRequest(body, `request-${id}`);
    await database.db('requests').where({ id }).update({ created_at: submittedAt });
    const start = Date.parse(submittedAt);
    await store.appendEvents(
      trail.map(([hours, status, supplierId, note], n) => ({
        key: `request-${id}:${n + 1}`,
        requestId: id,
        status,
        at: new Date(start + hours * HOUR).toISOString(),
        detail: { ...(supplierId ? { supplierId } : {}), ...(note ? { note } : {}) },
      })),
    );
  }

  beforeAll(async () => {
    database = await open();
    reports = new Reports(database.db);
    // 01:00 on 1 November in Beijing: November's, though October's by UTC.
    await request('r1', 'whu', 'copy', 'normal', '2026-10-31T17:00:00Z', [[0, 'routing'], [0, 'with-supplier', 'pku', 'try 1'], [4, 'delivered', 'pku']]);
    await request('r2', 'whu', 'copy', 'rush', '2026-11-02T00:00:00Z', [
      [0, 'with-supplier', 'pku', 'try 1'],
      [1, 'with-supplier', 'pku', 'Unfilled: not held'],
      [1, 'with-supplier', 'nju', 'try 2'],
      [10, 'delivered', 'nju'],
      [200, 'completed', undefined, 'copy link expired'],
    ]);
    await request('r3', 'xtu', 'loan', 'normal', '2026-11-03T00:00:00Z', [[0, 'with-supplier', 'nju', 'try 1'], [30, 'shipped', 'nju'], [40, 'loaned']]);
    await request('r4', 'xtu', 'copy', 'normal', '2026-11-04T00:00:00Z', [
      [0, 'with-supplier', 'pku', 'try 1'],
      [2, 'with-supplier', 'pku', 'Unfilled: missing pages'],
      [3, 'with-search-proxy'],
      [20, 'unfilled', undefined, 'not found anywhere'],
    ]);
    await request('r5', 'whu', 'copy', 'normal', '2026-11-05T00:00:00Z', [[0, 'with-supplier', 'pku', 'try 1'], [1, 'cancelled', undefined, 'no longer needed']]);
    await request('r6', 'whu', 'copy', 'express', '2026-11-06T00:00:00Z', [[0, 'with-supplier', 'pku', 'try 1']]);
    await request('r7', 'whu', 'copy', 'normal', '2026-12-01T00:00:00Z', [[1, 'delivered', 'pku']]);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('counts how requests submitted in the range ended, and the fill rate of those that ended filled or unfilled', async () => {
    expect(await reports.fillRate(scope)).toEqual([{ requests: 6, filled: 3, unfilled: 1, cancelled: 1, rejected: 0, open: 1, fillRate: 0.75 }]);
    expect(await reports.fillRate({ ...scope, libraryId: 'xtu' })).toEqual([{ requests: 2, filled: 1, unfilled: 1, cancelled: 0, rejected: 0, open: 0, fillRate: 0.5 }]);
    // With no range, December's request counts too.
    expect((await reports.fillRate({}))[0]).toMatchObject({ requests: 7, filled: 4 });
  });

  it('gives volumes by library, and months in Beijing time', async () => {
    expect(await reports.fillRate(scope, ['library'])).toEqual([
      { library: 'whu', requests: 4, filled: 2, unfilled: 0, cancelled: 1, rejected: 0, open: 1, fillRate: 1 },
      { library: 'xtu', requests: 2, filled: 1, unfilled: 1, cancelled: 0, rejected: 0, open: 0, fillRate: 0.5 },
    ]);
    expect((await reports.fillRate({}, ['month'])).map((row) => [row.month, row.requests])).toEqual([
      ['2026-11', 6],
      ['2026-12', 1],
    ]);
  });

  it('gives median and 90th-percentile turnaround in hours by supplier, service and urgency', async () => {
    expect(await reports.turnaround(scope, ['supplier'])).toEqual([
      { supplier: 'nju', filled: 2, medianHours: 20, p90Hours: 28 },
      { supplier: 'pku', filled: 1, medianHours: 4, p90Hours: 4 },
    ]);
    expect(await reports.turnaround(scope, ['service', 'urgency'])).toEqual([
      { service: 'copy', urgency: 'normal', filled: 1, medianHours: 4, p90Hours: 4 },
      { service: 'copy', urgency: 'rush', filled: 1, medianHours: 10, p90Hours: 10 },
      { service: 'loan', urgency: 'normal', filled: 1, medianHours: 30, p90Hours: 30 },
    ]);
    expect(await reports.turnaround(scope, [])).toEqual([{ filled: 3, medianHours: 10, p90Hours: 26 }]);
  });

  it("finds a month's requests, the network's or one library's, by index", async () => {
    // The tables here are small enough to scan; the plan that matters is the one for a network's years of requests.
    const plan = (sql: string) =>
      database.db.transaction(async (trx) => {
        await trx.raw('set local enable_seqscan = off');
        const { rows } = await trx.raw<{ rows: { 'QUERY PLAN': string }[] }>(`explain ${sql}`);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
    expect(await plan(`select id from requests r where r.created_at >= '2026-11-01' and r.created_at < '2026-12-01'`)).toContain('requests_submitted');
    expect(await plan(`select id from requests r where r.created_at >= '2026-11-01' and r.library_id = 'whu'`)).toContain('requests_library_submitted');
  });

  it('says why requests went unfilled, and why suppliers declined their tries', async () => {
    expect(await reports.unfilledReasons(scope)).toEqual([
      { level: 'request', supplierId: null, reason: 'not found anywhere', count: 1 },
      { level: 'supplier', supplierId: 'pku', reason: 'missing pages', count: 1 },
      { level: 'supplier', supplierId: 'pku', reason: 'not held', count: 1 },
    ]);
    expect(await reports.unfilledReasons({ ...scope, libraryId: 'whu' })).toEqual([{ level: 'supplier', supplierId: 'pku', reason: 'not held', count: 1 }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/harness';
import type { Database } from '../db/database';
import type { IllRequest } from '../../domain/request';
import { KnexRequestStore } from './knex-store';

// A reader's open requests, which a new request of theirs is checked against.

const request = (id: string, libraryId = 'whu', patronId = 'p-1'): IllRequest => ({
  id,
  requester: { libraryId, patronId },
  service: 'copy',
  citation: { title: `title of ${id}` },
  urgency: 'normal',
});

describe.each(databaseKinds)('open requests of a reader on $name', ({ open }) => {
  let database: Database;
  let store: KnexRequestStore;
  const at = '2026-12-07T08:00:00.000Z';
  const entries = (id: string, ...statuses: string[]) =>
    store.appendEvents(statuses.map((status, index) => ({ key: `request-${id}:${index + 1}`, requestId: id, status, at, detail: {} })));

  beforeAll(async () => {
    database = await open();
    store = new KnexRequestStore(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('are those whose latest audit-trail entry is not final, and those with none yet, oldest first', async () => {
    expect(await store.openRequestsOf('whu', 'p-1')).toEqual([]);
    for (const id of ['o-new', 'o-routing', 'o-cancelled', 'o-completed', 'o-unfilled', 'o-rejected', 'o-loaned']) {
      await store.insertRequest(request(id), `request-${id}`);
    }
    await entries('o-routing', 'submitted', 'checking', 'routing');
    await entries('o-cancelled', 'submitted', 'with-supplier', 'cancelled');
    await entries('o-completed', 'submitted', 'delivered', 'completed');
    await entries('o-unfilled', 'submitted', 'with-search-proxy', 'unfilled');
    await entries('o-rejected', 'submitted', 'awaiting-review', 'rejected');
    await entries('o-loaned', 'submitted', 'shipped', 'loaned');

    const openOnes = await store.openRequestsOf('whu', 'p-1');
    expect(openOnes.map((stored) => stored.request.id)).toEqual(['o-new', 'o-routing', 'o-loaned']);
    expect(openOnes[0]).toEqual({ request: request('o-new'), workflowId: 'request-o-new', createdAt: expect.any(String) });
  });

  it("are the reader's own: not another reader's, nor a namesake's at another library", async () => {
    await store.insertRequest(request('x-other-reader', 'whu', 'p-2'), 'request-x-other-reader');
    await store.insertRequest(request('x-other-library', 'pku', 'p-1'), 'request-x-other-library');
    expect((await store.openRequestsOf('whu', 'p-2')).map((stored) => stored.request.id)).toEqual(['x-other-reader']);
    expect((await store.openRequestsOf('pku', 'p-1')).map((stored) => stored.request.id)).toEqual(['x-other-library']);
    expect((await store.openRequestsOf('whu', 'p-1')).map((stored) => stored.request.id)).not.toContain('x-other-reader');
  });

  it('are found by an index on the reader', async () => {
    // The tables here are small enough to scan; the plan that matters is the one for a network's years of requests.
    const { rows } = await database.db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      return trx.raw<{ rows: { 'QUERY PLAN': string }[] }>(`explain select id from request_index where library_id = 'whu' and patron_id = 'p-1' and status <> 'completed'`);
    });
    expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('request_index_patron');
  });
});

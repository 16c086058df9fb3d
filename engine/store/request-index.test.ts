import { FINAL_STATUSES } from '../../domain/request-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/harness';
import type { Database } from '../db/database';
import type { IllRequest } from '../../domain/request';
import type { RequestStanding } from '../../domain/standing';
import type { TransitionRecord } from '../../domain/transitions';
import { KnexRequestStore } from './knex-store';
import { InvalidCursor, type RequestSearch } from './store';
import * as requestIndex from './migrations/20261207_08_request_index';

const request = (id: string, over: Partial<IllRequest> = {}): IllRequest => ({
  id,
  requester: { libraryId: 'whu', patronId: 'p-7' },
  service: 'copy',
  citation: { title: '中国近代史纲要', journalTitle: 'Journal of Modern History', authors: ['Li Wei'], issn: '1003-0077', doi: '10.1000/ABC.1', language: 'zh' },
  urgency: 'rush',
  ...over,
});

const entry = (id: string, n: number, status: string, standing?: RequestStanding, detail: Record<string, unknown> = {}): TransitionRecord => ({
  key: `request-${id}:${n}`,
  requestId: id,
  status,
  at: new Date(Date.UTC(2026, 11, 1, 8, n)).toISOString(),
  detail,
  ...(standing ? { standing } : {}),
});

const task = (id: string, type: string, assignee: { role: string; libraryId: string }, dueAt: string, escalated = false) =>
  ({ id, type, assignee, openedAt: '2026-12-01T08:00:00.000Z', dueAt, escalated }) as RequestStanding['tasks'][number];

describe.each(databaseKinds)('request index on $name', ({ open }) => {
  let database: Database;
  let store: KnexRequestStore;
  const row = async (id: string) => (await store.searchRequests({ text: undefined, sort: 'submitted', order: 'asc', limit: 500 })).items.find((r) => r.id === id);

  beforeAll(async () => {
    database = await open();
    store = new KnexRequestStore(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('has a row for a request from the moment it is saved, and none for a second saved under its id', async () => {
    await store.insertRequest(request('ix-1'), 'request-ix-1');
    expect(await store.insertRequest(request('ix-1', { urgency: 'normal', requester: { libraryId: 'pku', patronId: 'x' } }), 'request-ix-1')).toBe(false);
    const stored = await store.getRequest('ix-1');
    expect(await row('ix-1')).toEqual({
      id: 'ix-1',
      libraryId: 'whu',
      patronId: 'p-7',
      service: 'copy',
      urgency: 'rush',
      status: 'submitted',
      title: '中国近代史纲要',
      suppliers: [],
      tasks: [],
      submittedAt: stored!.createdAt,
      updatedAt: stored!.createdAt,
    });
  });

  it('follows where the workflow says the request stands, in the write of its entries, and never goes back', async () => {
    await store.insertRequest(request('ix-2'), 'request-ix-2');
    const review = task('review-3', 'review', { role: 'librarian', libraryId: 'whu' }, '2026-12-02T08:00:00.000Z');
    await store.appendEvents([entry('ix-2', 1, 'submitted'), entry('ix-2', 2, 'routing'), entry('ix-2', 3, 'awaiting-review', { status: 'awaiting-review', asked: [], tasks: [review] })]);
    expect(await row('ix-2')).toMatchObject({ status: 'awaiting-review', tasks: [review], actBy: review.dueAt, updatedAt: entry('ix-2', 3, '').at });

    const withNstl: RequestStanding = { status: 'with-supplier', supplier: { id: 'nstl', deadline: '2026-12-03T08:00:00.000Z' }, asked: ['nstl'], tasks: [] };
    await store.enqueueForSupplier({ key: 'request-ix-2:send:1', requestId: 'ix-2', supplierId: 'nstl', action: 'send', detail: {} }, [entry('ix-2', 4, 'routing'), entry('ix-2', 5, 'with-supplier', withNstl)]);
    expect(await row('ix-2')).toMatchObject({ status: 'with-supplier', supplierId: 'nstl', supplierDeadline: withNstl.supplier!.deadline, suppliers: ['nstl'], tasks: [], actBy: withNstl.supplier!.deadline });

    // A retried activity's write of an earlier transition arrives late: the row stays where it is, though its entry is written.
    expect(await store.appendEvents([entry('ix-2', 3, 'awaiting-review', { status: 'awaiting-review', asked: [], tasks: [review] })])).toBe(0);
    expect(await store.appendEvents([entry('ix-2', 6, 'with-supplier')])).toBe(1);
    await store.appendEvents([entry('ix-2', 5, 'with-supplier', withNstl), entry('ix-2', 4, 'awaiting-review', { status: 'awaiting-review', asked: [], tasks: [review] })]);
    expect(await row('ix-2')).toMatchObject({ status: 'with-supplier', supplierId: 'nstl', tasks: [], updatedAt: entry('ix-2', 6, '').at });

    const delivered: RequestStanding = { status: 'delivered', supplier: { id: 'cashl' }, asked: ['nstl', 'cashl'], tasks: [] };
    await store.recordFill(
      { notice: { key: 'request-ix-2:reader:8:delivered', requestId: 'ix-2', libraryId: 'whu', patronId: 'p-7', kind: 'delivered', detail: {} } },
      [entry('ix-2', 7, 'with-supplier'), entry('ix-2', 8, 'delivered', delivered)],
    );
    const filled = await row('ix-2');
    expect(filled).toMatchObject({ status: 'delivered', supplierId: 'cashl', suppliers: ['cashl', 'nstl'] });
    expect(filled?.actBy).toBeUndefined();
  });

  it('moves the row only with the entries it follows: a write that fails changes neither', async () => {
    await store.insertRequest(request('ix-4'), 'request-ix-4');
    const routing: RequestStanding = { status: 'routing', asked: [], tasks: [] };
    // The second entry names a request the store does not have: the whole write is refused.
    await expect(store.appendEvents([entry('ix-4', 1, 'routing', routing), { ...entry('nowhere', 2, 'routing'), requestId: 'nowhere' }])).rejects.toThrow();
    expect(await row('ix-4')).toMatchObject({ status: 'submitted' });
    expect(await store.listEvents('ix-4')).toEqual([]);
  });

  it('takes the status, and a supplier named, from entries written before the workflow said where a request stands', async () => {
    await store.insertRequest(request('ix-3'), 'request-ix-3');
    await store.appendEvents([entry('ix-3', 1, 'submitted'), entry('ix-3', 2, 'with-supplier', undefined, { supplierId: 'nlc', note: 'try 1' })]);
    expect(await row('ix-3')).toMatchObject({ status: 'with-supplier', supplierId: 'nlc', suppliers: ['nlc'] });
    await store.appendEvents([entry('ix-3', 3, 'unfilled', undefined, { note: 'not held' })]);
    const ended = await row('ix-3');
    expect(ended).toMatchObject({ status: 'unfilled', suppliers: ['nlc'], tasks: [] });
    expect(ended?.supplierId).toBeUndefined();
  });

  describe('searches', () => {
    const ids = ['sr-1', 'sr-2', 'sr-3', 'sr-4', 'sr-5', 'sr-6'];
    const search = (over: Partial<RequestSearch>) => store.searchRequests({ sort: 'submitted', order: 'asc', limit: 100, ...over }).then((page) => page.items.map((item) => item.id).filter((id) => ids.includes(id)));

    beforeAll(async () => {
      const variants: Partial<IllRequest>[] = [
        { citation: { title: 'Deep Learning for Word Segmentation', journalTitle: '中文信息学报', issn: '1003-0077' } },
        { citation: { title: '圖書館學研究', authors: ['王小明'] }, requester: { libraryId: 'pku', patronId: 'p-1' }, urgency: 'normal' },
        { citation: { title: 'Remote sensing', isbn: '978-7-03-012345-6', doi: '10.1016/J.RSE.2020.1' }, service: 'loan', requester: { libraryId: 'pku', patronId: 'p-2' } },
        { citation: { title: '100% pure_match' } },
        { citation: { title: 'Another title' }, urgency: 'express' },
        { citation: { title: 'Last one' }, service: 'ebook' },
      ];
      for (const [n, id] of ids.entries()) {
        await store.insertRequest(request(id, variants[n]), `request-${id}`);
        // Distinct submission times, the order of the ids.
        await database.db('request_index').where({ id }).update({ submitted_at: new Date(Date.UTC(2026, 10, 1 + n, 12)) });
      }
      const standing = (status: RequestStanding['status'], supplier?: string, deadline?: string, tasks: RequestStanding['tasks'] = []): RequestStanding => ({
        status,
        ...(supplier ? { supplier: { id: supplier, ...(deadline ? { deadline } : {}) } } : {}),
        asked: supplier ? [supplier] : [],
        tasks,
      });
      await store.appendEvents([entry('sr-1', 9, 'with-supplier', standing('with-supplier', 'nstl', '2026-12-05T00:00:00.000Z'))]);
      await store.appendEvents([entry('sr-2', 9, 'with-supplier', standing('with-supplier', 'nstl', '2026-12-04T00:00:00.000Z'))]);
      await store.appendEvents([entry('sr-3', 9, 'awaiting-review', standing('awaiting-review', undefined, undefined, [task('review-9', 'review', { role: 'librarian', libraryId: 'pku' }, '2026-12-03T00:00:00.000Z')]))]);
      await store.appendEvents([entry('sr-4', 9, 'with-supplier', standing('with-supplier', 'cashl', '2026-12-06T00:00:00.000Z'))]);
      await store.appendEvents([entry('sr-4', 10, 'unfilled', standing('unfilled'))]);
    });

    it('filters by status, library, supplier, reader, urgency, service and submission time', async () => {
      expect(await search({ statuses: ['with-supplier', 'awaiting-review'] })).toEqual(['sr-1', 'sr-2', 'sr-3']);
      expect(await search({ libraryId: 'pku' })).toEqual(['sr-2', 'sr-3']);
      expect(await search({ libraryId: 'pku', patronId: 'p-2' })).toEqual(['sr-3']);
      expect(await search({ supplierId: 'nstl' })).toEqual(['sr-1', 'sr-2']);
      // CASHL's request ended unfilled: it is with no one now, but CASHL was asked.
      expect(await search({ supplierId: 'cashl' })).toEqual([]);
      expect(await search({ askedOf: 'cashl' })).toEqual(['sr-4']);
      expect(await search({ urgencies: ['normal', 'express'] })).toEqual(['sr-2', 'sr-5']);
      expect(await search({ services: ['loan', 'ebook'] })).toEqual(['sr-3', 'sr-6']);
      expect(await search({ submittedFrom: '2026-11-02T12:00:00Z', submittedTo: '2026-11-04T12:00:00Z' })).toEqual(['sr-2', 'sr-3']);
      expect(await search({ submittedFrom: '2026-11-02T20:00:00+08:00' })).toEqual(['sr-2', 'sr-3', 'sr-4', 'sr-5', 'sr-6']);
    });

    it('finds words of the title, journal, authors, ISSN, ISBN and DOI, whatever their case or script', async () => {
      expect(await search({ text: 'word SEGMENTATION' })).toEqual(['sr-1']);
      expect(await search({ text: '信息学' })).toEqual(['sr-1']);
      // Written in simplified characters, found in traditional ones, and the other way round.
      expect(await search({ text: '图书馆学' })).toEqual(['sr-2']);
      expect(await search({ text: '中文信息學報' })).toEqual(['sr-1']);
      expect(await search({ text: '王小明' })).toEqual(['sr-2']);
      expect(await search({ text: '1003-0077' })).toEqual(['sr-1']);
      expect(await search({ text: '978-7-03' })).toEqual(['sr-3']);
      expect(await search({ text: '10.1016/j.rse' })).toEqual(['sr-3']);
      // Wildcards of SQL are taken as the characters they are.
      expect(await search({ text: '100%' })).toEqual(['sr-4']);
      expect(await search({ text: '_' })).toEqual(['sr-4']);
      expect(await search({ text: '%' })).toEqual(['sr-4']);
    });

    it('sorts by submission, update or deadline either way, and pages through all of them with a cursor', async () => {
      expect(await search({ sort: 'submitted', order: 'desc' })).toEqual([...ids].reverse());
      // Those with no deadline last, ascending.
      expect((await search({ sort: 'deadline', order: 'asc' })).slice(0, 3)).toEqual(['sr-3', 'sr-2', 'sr-1']);
      for (const sort of ['submitted', 'updated', 'deadline'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          const whole = await search({ sort, order });
          const paged: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.searchRequests({ sort, order, limit: 2, cursor, libraryId: undefined });
            paged.push(...page.items.map((item) => item.id).filter((id) => ids.includes(id)));
            cursor = page.next;
          } while (cursor);
          expect(paged, `${sort} ${order}`).toEqual(whole);
        }
      }
      const first = await store.searchRequests({ sort: 'submitted', order: 'asc', limit: 2, libraryId: 'pku' });
      expect(first.next).toBeUndefined();
      await expect(store.searchRequests({ sort: 'submitted', order: 'asc', limit: 2, cursor: 'nonsense' })).rejects.toBeInstanceOf(InvalidCursor);
      await expect(store.searchRequests({ sort: 'submitted', order: 'asc', limit: 2, cursor: Buffer.from('["x","y"]').toString('base64url') })).rejects.toBeInstanceOf(InvalidCursor);
    });

    it('finds open requests whose earliest deadline passed, oldest first', async () => {
      expect(await search({ stalledBefore: '2026-12-04T12:00:00.000Z', sort: 'deadline', order: 'asc' })).toEqual(['sr-3', 'sr-2']);
      // sr-4's supplier deadline passed too, but the request has ended.
      expect(await search({ stalledBefore: '2026-12-07T00:00:00.000Z', sort: 'deadline', order: 'asc' })).toEqual(['sr-3', 'sr-2', 'sr-1']);
    });
  });

  it('looks for citation text through an index, Chinese text included', async () => {
    await database.db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const { rows } = await trx.raw<{ rows: Record<string, string>[] }>(`explain select id from request_index where search_text like ?`, ['%图书馆学%']);
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('request_index_search_text');
    });
  });

  it("lists each one's inbox, overdue first, with counts by kind, a kind filter and pages", async () => {
    const now = new Date('2026-12-03T00:00:00.000Z');
    const librarian = { role: 'librarian', libraryId: 'hit' };
    await store.insertRequest(request('in-1', { requester: { libraryId: 'hit', patronId: 'p' } }), 'request-in-1');
    await store.insertRequest(request('in-2', { requester: { libraryId: 'hit', patronId: 'p' }, service: 'loan' }), 'request-in-2');
    await store.insertRequest(request('in-3', { requester: { libraryId: 'hit', patronId: 'p' } }), 'request-in-3');
    const cost = task('approveCost-5', 'approveCost', librarian, '2026-12-04T00:00:00.000Z');
    const receive = task('receive-7', 'receive', librarian, '2026-12-02T00:00:00.000Z');
    const renew = task('renewAnswer-9', 'renewAnswer', { role: 'supplier', libraryId: 'zju' }, '2026-12-05T00:00:00.000Z');
    const escalated = task('searchProxy-4', 'searchProxy', { role: 'administrator', libraryId: 'centre' }, '2026-12-01T00:00:00.000Z', true);
    await store.appendEvents([entry('in-1', 5, 'awaiting-cost-approval', { status: 'awaiting-cost-approval', supplier: { id: 'zju', deadline: '2026-12-06T00:00:00.000Z' }, asked: ['zju'], tasks: [cost] })]);
    await store.appendEvents([entry('in-2', 9, 'loaned', { status: 'loaned', supplier: { id: 'zju' }, asked: ['zju'], tasks: [receive, renew] })]);
    await store.appendEvents([entry('in-3', 5, 'with-search-proxy', { status: 'with-search-proxy', asked: [], tasks: [escalated] })]);
    await store.insertRequest(request('in-4', { requester: { libraryId: 'hit', patronId: 'p' } }), 'request-in-4');
    await store.appendEvents([entry('in-4', 4, 'with-supplier', { status: 'with-supplier', supplier: { id: 'zju', deadline: '2026-12-02T12:00:00.000Z' }, asked: ['zju'], tasks: [] })]);
    await store.insertLending(
      {
        id: 'lend-ix-1',
        lenderId: 'zju',
        lenderAgencyId: 'ISIL:CN-ZJU',
        borrower: { agencyId: 'ISIL:KR-1', requestId: 'b-1', address: 'http://127.0.0.1:9/iso18626' },
        citation: { title: '浙江通志' },
        service: 'copy',
        urgency: 'normal',
        receivedAt: '2026-12-01T08:00:00.000Z',
      },
      'lending-lend-ix-1',
    );

    const mine = await store.inbox(librarian, { limit: 10, now });
    expect(mine.items.map((item) => [item.kind, item.requestId, item.overdue])).toEqual([
      ['receive', 'in-2', true],
      ['approveCost', 'in-1', false],
    ]);
    expect(mine.counts).toEqual({ receive: 1, approveCost: 1 });
    expect(mine.items[0]).toMatchObject({ taskId: 'receive-7', title: '中国近代史纲要', openedAt: receive.openedAt, dueAt: receive.dueAt, escalated: false });

    const supplier = await store.inbox({ role: 'supplier', libraryId: 'zju' }, { limit: 10, now });
    expect(supplier.items.map((item) => [item.kind, item.requestId ?? item.lendingId])).toEqual([
      ['supply', 'in-4'],
      ['renewAnswer', 'in-2'],
      ['lendingAnswer', 'lend-ix-1'],
    ]);
    expect(supplier.counts).toEqual({ supply: 1, renewAnswer: 1, lendingAnswer: 1 });
    const renewals = await store.inbox({ role: 'supplier', libraryId: 'zju' }, { limit: 10, now, kinds: ['renewAnswer'] });
    expect(renewals.items.map((item) => item.requestId)).toEqual(['in-2']);
    expect(renewals.counts).toEqual(supplier.counts);

    const centre = await store.inbox({ role: 'administrator', libraryId: 'centre' }, { limit: 10, now });
    expect(centre.items.filter((item) => item.requestId?.startsWith('in-')).map((item) => [item.kind, item.requestId, item.escalated])).toEqual([['searchProxy', 'in-3', true]]);
    expect((await store.inbox({ role: 'search-proxy', libraryId: 'centre' }, { limit: 10, now })).items.filter((item) => item.requestId?.startsWith('in-'))).toEqual([]);
    expect((await store.inbox({ role: 'librarian', libraryId: 'zju' }, { limit: 10, now })).items).toEqual([]);

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.inbox({ role: 'supplier', libraryId: 'zju' }, { limit: 1, now, cursor });
      pages.push(...page.items.map((item) => item.key));
      cursor = page.next;
    } while (cursor);
    expect(pages).toEqual(supplier.items.map((item) => item.key));

    // Answered: the task leaves the inbox with the next write.
    await store.appendEvents([entry('in-2', 10, 'loaned', { status: 'loaned', supplier: { id: 'zju' }, asked: ['zju'], tasks: [renew] })]);
    expect((await store.inbox(librarian, { limit: 10, now })).items.map((item) => item.kind)).toEqual(['approveCost']);

    const work = await store.openWork();
    expect(work.tasks).toMatchObject({ approveCost: expect.any(Number), renewAnswer: expect.any(Number), searchProxy: expect.any(Number) });
    expect(work.tasks.receive).toBeUndefined();
    expect(work.requests).toMatchObject({ loaned: 1, 'with-search-proxy': 1 });
    // Ended requests are the reports' to count, not every scrape's.
    for (const status of FINAL_STATUSES) expect(work.requests[status]).toBeUndefined();
  });

  it('keeps a returned loan in its lender’s inbox until the lender confirms it back', async () => {
    const now = new Date('2026-12-03T00:00:00.000Z');
    const lender = { role: 'supplier', libraryId: 'lzu' };
    const supplied = async () => (await store.inbox(lender, { limit: 10, now })).items.filter((item) => item.kind === 'supply').map((item) => item.requestId);
    await store.insertRequest(request('rt-1', { requester: { libraryId: 'hit', patronId: 'p' }, service: 'loan' }), 'request-rt-1');
    await store.appendEvents([entry('rt-1', 5, 'loaned', { status: 'loaned', supplier: { id: 'lzu' }, asked: ['lzu'], tasks: [] })]);
    expect(await supplied()).toEqual([]);
    await store.appendEvents([entry('rt-1', 6, 'returned', { status: 'returned', supplier: { id: 'lzu' }, asked: ['lzu'], tasks: [] })]);
    expect(await supplied()).toEqual(['rt-1']);
    await store.appendEvents([entry('rt-1', 7, 'completed', { status: 'completed', supplier: { id: 'lzu' }, asked: ['lzu'], tasks: [] })]);
    expect(await supplied()).toEqual([]);
  });

  it('gives the requests saved before the index a row each, from their latest entry and the orders sent for them', async () => {
    const { db } = database;
    await requestIndex.down(db);
    const saved = async (id: string) => {
      await db('requests').insert({ id, library_id: 'whu', patron_id: 'p-7', service: 'copy', urgency: 'rush', body: JSON.stringify(request(id, { citation: { title: '圖書館學報' } })), workflow_id: `request-${id}` });
    };
    await saved('old-1');
    await db('request_events').insert([entry('old-1', 1, 'submitted'), entry('old-1', 2, 'with-supplier', undefined, { supplierId: 'nlc' })].map((e) => ({ event_key: e.key, request_id: e.requestId, status: e.status, at: e.at, detail: JSON.stringify(e.detail) })));
    await db('supplier_outbox').insert({ key: 'request-old-1:send:1', request_id: 'old-1', supplier_id: 'nlc', action: 'send' });
    await saved('old-2');
    await requestIndex.up(db);

    expect(await row('old-1')).toMatchObject({ status: 'with-supplier', supplierId: 'nlc', suppliers: ['nlc'], updatedAt: entry('old-1', 2, '').at, title: '圖書館學報' });
    expect(await row('old-2')).toMatchObject({ status: 'submitted', suppliers: [], tasks: [] });
    const found = await store.searchRequests({ text: '图书馆', sort: 'submitted', order: 'asc', limit: 100 });
    expect(found.items.map((item) => item.id).filter((id) => id.startsWith('old-'))).toEqual(['old-1', 'old-2']);
    // Later entries of theirs are newer than the one the row was made from.
    await store.appendEvents([entry('old-1', 2, 'cancelled'), entry('old-1', 3, 'cancelled')]);
    expect(await row('old-1')).toMatchObject({ status: 'cancelled' });
  });
});

import type { Knex } from 'knex';
import type { IllRequest } from '../../domain/request';
import { ledgerMonth, type Account, type AccountKind, type Charge, type Posting, type PostingKind } from '../../domain/ledger';
import type { ReaderNotice } from '../../domain/notices';
import type { OutboxEntry } from '../../domain/orders';
import type { TransitionRecord } from '../../domain/transitions';
import type { LenderMessage, LendingRequest, LendingStatus } from '../../domain/lending';
import type { Admission, CurrencyTotals, IndexedRequest, InboxItem, InboxOwner, InboxPage, OrderOutcome, Page, RequestSearch, RequestStore, Statement, StoredLending, StoredRequest, TaskOutcome } from './store';
import { inbox, indexRowOf, indexUpdates, openWork, searchRequests } from './request-index';
import { FINAL_STATUSES } from '../../domain/request-state';

interface RequestRow {
  id: string;
  body: IllRequest;
  workflow_id: string;
  created_at: Date | string;
}

interface EventRow {
  event_key: string;
  request_id: string;
  status: string;
  at: Date | string;
  detail: Record<string, unknown>;
}

interface LendingRow {
  id: string;
  lender_id: string;
  body: LendingRequest;
  status: LendingStatus;
  workflow_id: string;
  seq: number | string;
  updated_at: Date | string;
}

interface OutcomeRow {
  supplier_id: string;
  request_id: string;
  service: OrderOutcome['service'];
  result: 'filled' | 'unfilled' | 'expired' | null;
  sent_at: Date | string;
  ended_at: Date | string | null;
}

interface TaskRow {
  request_id: string;
  library_id: string;
  task: TaskOutcome['task'];
  filled: boolean | null;
  opened_at: Date | string;
  ended_at: Date | string | null;
}

/**
 * How each of the latest `?` orders sent to each supplier since `?` ended, read from the request's
 * audit trail, in the order they ended. An order's try starts with the `with-supplier` entry `try
 * N` that went with its send (`…:send:N`); what ends it is the first entry after that the try
 * cannot go on past: a delivery or a shipment (filled), an `Unfilled` answer, a `RetryPossible`
 * taken as one or a send the supplier refused (unfilled), its deadline missed (expired), or any
 * other move of the request (the next try, a cancellation: no outcome of the supplier's). An order
 * nothing has ended yet is still with its supplier: it comes after those that ended, with no end.
 * Both lookups go by the audit trail's (request_id, seq) index, a request's few dozen entries each.
 */
const SUPPLIER_OUTCOMES = `
with sent as (
  select * from (
    select o.supplier_id, o.request_id, o.key, row_number() over (partition by o.supplier_id order by o.seq desc) as rank
    from supplier_outbox o
    where o.action = 'send' and o.created_at >= ?
  ) recent
  where rank <= ?
)
select o.supplier_id, o.request_id, r.service, e.mark as result, s.at as sent_at, e.at as ended_at
from sent o
join requests r on r.id = o.request_id
join lateral (
  select s.seq, s.at from request_events s
  where s.request_id = o.request_id and s.status = 'with-supplier' and s.detail->>'supplierId' = o.supplier_id
    and s.detail->>'note' = 'try ' || substring(o.key from ':send:([0-9]+)$')
  order by s.seq limit 1
) s on true
left join lateral (
  select * from (
    select e.seq, e.at, case
      when e.status in ('delivered', 'shipped') then 'filled'
      when e.status not in ('with-supplier', 'awaiting-cost-approval', 'awaiting-condition-approval') then 'over'
      when e.status <> 'with-supplier' then null
      when e.detail->>'note' like 'try %' then 'over'
      when e.detail->>'supplierId' <> o.supplier_id then null
      when e.detail->>'note' like 'deadline % missed' then 'expired'
      when e.detail->>'note' = 'Unfilled' or e.detail->>'note' like 'Unfilled: %' or e.detail->>'note' like 'RetryPossible%' or e.detail->>'note' like 'could not send: %' then 'unfilled'
    end as mark
    from request_events e
    where e.request_id = o.request_id and e.seq > s.seq
  ) marked
  where mark is not null
  order by seq limit 1
) e on true
where e.mark is null or e.mark <> 'over'
order by e.at nulls last, e.seq, s.at, o.request_id`;

/**
 * How each of the latest `?` staff tasks of each kind opened since `?` ended, read from the
 * request's audit trail, in the order they ended. A review opens with `awaiting-review`, a cost
 * approval with `awaiting-cost-approval`: the librarian's answer is the request's next entry (the
 * rota sent on, a refusal), unless it is a cancellation. Search-proxy staff take a request at
 * `with-search-proxy`, and end with its delivery or shipment, or with it unfilled or rejected; a
 * cancellation, or the request back with them after what they found failed, is no outcome of
 * theirs. The tasks are found by the partial index of their opening entries, the rest by the audit
 * trail's (request_id, seq) index.
 */
const STAFF_TASKS = `
with opened as (
  select * from (
    select t.request_id, t.seq, t.status, t.at, row_number() over (partition by t.status order by t.seq desc) as rank
    from request_events t
    where t.status in ('awaiting-review', 'awaiting-cost-approval', 'with-search-proxy') and t.at >= ?
  ) recent
  where rank <= ?
)
select o.request_id, r.library_id, case o.status when 'awaiting-review' then 'review' when 'awaiting-cost-approval' then 'approveCost' else 'searchProxy' end as task,
  e.status in ('delivered', 'shipped') as filled, o.at as opened_at, e.at as ended_at
from opened o
join requests r on r.id = o.request_id
left join lateral (
  select e.seq, e.at, e.status from request_events e
  where e.request_id = o.request_id and e.seq > o.seq
    and (o.status <> 'with-search-proxy' or e.status in ('delivered', 'shipped', 'unfilled', 'rejected', 'cancelled', 'with-search-proxy'))
  order by e.seq limit 1
) e on true
where e.status is null or e.status not in ('cancelled', 'with-search-proxy')
order by e.at nulls last, e.seq, o.at, o.request_id`;

const iso = (value: Date | string) => new Date(value).toISOString();
const toEvent = (row: EventRow & { lending_id?: string }): TransitionRecord => ({ key: row.event_key, requestId: row.request_id ?? row.lending_id, status: row.status, at: iso(row.at), detail: row.detail });
const toStored = (row: RequestRow): StoredRequest => ({ request: row.body, workflowId: row.workflow_id, createdAt: iso(row.created_at) });
const toLending = (row: LendingRow): StoredLending => ({ lending: row.body, status: row.status, workflowId: row.workflow_id, seq: Number(row.seq), updatedAt: iso(row.updated_at) });

const eventRow = (event: TransitionRecord) => ({ event_key: event.key, request_id: event.requestId, status: event.status, at: event.at, detail: JSON.stringify(event.detail) });

const outboxRow = (entry: OutboxEntry) => ({
  key: entry.key,
  request_id: entry.requestId,
  supplier_id: entry.supplierId,
  action: entry.action,
  detail: JSON.stringify(entry.detail),
});

const chargeRow = (charge: Charge) => ({
  key: charge.key,
  request_id: charge.requestId,
  library_id: charge.libraryId,
  supplier_id: charge.supplierId,
  amount: charge.amount,
  currency: charge.currency,
});

interface PostingRow {
  key: string;
  transaction_key: string;
  account_kind: AccountKind;
  account_id: string;
  counterparty_kind: AccountKind;
  counterparty_id: string;
  amount_minor: number | string;
  currency: string;
  request_id: string;
  month: string;
  kind: PostingKind;
  reverses: string | null;
  posted_at: Date | string;
}

const postingRow = (posting: Posting) => ({
  key: posting.key,
  transaction_key: posting.transactionKey,
  account_kind: posting.account.kind,
  account_id: posting.account.id,
  counterparty_kind: posting.counterparty.kind,
  counterparty_id: posting.counterparty.id,
  amount_minor: posting.amountMinor,
  currency: posting.currency,
  request_id: posting.requestId,
  month: posting.month,
  kind: posting.kind,
  reverses: posting.reverses ?? null,
  posted_at: posting.postedAt,
});

const toPosting = (row: PostingRow): Posting => ({
  key: row.key,
  transactionKey: row.transaction_key,
  account: { kind: row.account_kind, id: row.account_id },
  counterparty: { kind: row.counterparty_kind, id: row.counterparty_id },
  amountMinor: Number(row.amount_minor),
  currency: row.currency,
  requestId: row.request_id,
  month: row.month,
  kind: row.kind,
  postedAt: iso(row.posted_at),
  ...(row.reverses ? { reverses: row.reverses } : {}),
});

/**
 * A reversal of each posting of a request that has none yet and is not settled (its month's
 * statements not closed), in one statement: the reversal takes the posting's account, counterparty
 * and currency, the opposite amount, and its own month and key. A second run conflicts on the key
 * (and on `reverses`) and posts nothing. It counts the request's reversals, those of an earlier run
 * among them, and its settled postings.
 */
const REVERSE_POSTINGS = `
with reversed as (
  insert into ledger_postings (key, transaction_key, account_kind, account_id, counterparty_kind, counterparty_id, amount_minor, currency, request_id, month, kind, reverses, posted_at)
  select p.key || ':reversed', p.transaction_key || ':reversed', p.account_kind, p.account_id, p.counterparty_kind, p.counterparty_id, -p.amount_minor, p.currency, p.request_id, ?, 'reversal', p.key, ?
  from ledger_postings p
  where p.request_id = ? and p.kind <> 'reversal' and p.month not in (select month from ledger_months)
  order by p.seq
  on conflict do nothing
  returning key
)
select (select count(*) from reversed) + (select count(*) from ledger_postings p where p.request_id = ? and p.kind = 'reversal') as reversed,
  (select count(*) from ledger_postings p join ledger_months m on m.month = p.month where p.request_id = ? and p.kind <> 'reversal') as settled`;

const noticeRow = (notice: ReaderNotice) => ({
  key: notice.key,
  request_id: notice.requestId,
  library_id: notice.libraryId,
  patron_id: notice.patronId,
  kind: notice.kind,
  detail: JSON.stringify(notice.detail),
});

export class KnexRequestStore implements RequestStore {
  constructor(private readonly db: Knex) {}

  async insertRequest(request: IllRequest, workflowId: string, admit?: Admission): Promise<boolean> {
    // The request and its row of the request index, both or neither: a request is never missing from searches.
    return this.db.transaction(async (trx) => {
      if (admit) {
        const { libraryId, patronId } = request.requester;
        // Held until the transaction ends, on every instance sharing the database.
        await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`ill:reader:${libraryId}:${patronId}`]);
        const known = await trx('requests').where({ id: request.id }).first('id');
        if (!known) admit(await this.openRequestsIn(trx, libraryId, patronId));
      }
      const inserted = await trx('requests')
        .insert({
          id: request.id,
          library_id: request.requester.libraryId,
          patron_id: request.requester.patronId,
          service: request.service,
          urgency: request.urgency,
          body: JSON.stringify(request),
          workflow_id: workflowId,
        })
        .onConflict('id')
        .ignore()
        .returning(['id', 'created_at']);
      if (inserted.length !== 1) return false;
      await trx('request_index').insert(indexRowOf(request, new Date(inserted[0].created_at)));
      return true;
    });
  }

  async getRequest(id: string): Promise<StoredRequest | undefined> {
    const row = await this.db<RequestRow>('requests').where({ id }).first();
    return row && toStored(row);
  }

  private insertEvents(events: TransitionRecord[]) {
    return this.db('request_events').insert(events.map(eventRow)).onConflict('event_key').ignore();
  }

  /**
   * The audit-trail entries as a data-modifying CTE of `query`, so that they and what they
   * accompany are written by one statement: all of it or none, in one round trip.
   */
  private withEvents(events: TransitionRecord[]): Knex.QueryBuilder {
    return events.length === 0 ? this.db.queryBuilder() : this.withIndex(events).with('events', this.insertEvents(events));
  }

  /** The request index follows the entries in the same statement as they are written. */
  private withIndex(events: TransitionRecord[]): Knex.QueryBuilder {
    const query = this.db.queryBuilder();
    indexUpdates(this.db, events).forEach((update, n) => query.with(`indexed_${n}`, update));
    return query;
  }

  async appendEvents(events: TransitionRecord[]): Promise<number> {
    if (events.length === 0) return 0;
    const inserted = await this.withIndex(events).insert(events.map(eventRow)).into('request_events').onConflict('event_key').ignore().returning('seq');
    return inserted.length;
  }

  async listEvents(requestId: string): Promise<TransitionRecord[]> {
    const rows = await this.db<EventRow>('request_events').where({ request_id: requestId }).orderBy('seq');
    return rows.map(toEvent);
  }

  openRequestsOf(libraryId: string, patronId: string): Promise<StoredRequest[]> {
    return this.openRequestsIn(this.db, libraryId, patronId);
  }

  private async openRequestsIn(db: Knex, libraryId: string, patronId: string): Promise<StoredRequest[]> {
    // The request index has every request from the moment it is saved, with the status of its latest entry.
    const rows: RequestRow[] = await db('request_index as i')
      .join('requests as r', 'r.id', 'i.id')
      .where({ 'i.library_id': libraryId, 'i.patron_id': patronId })
      .whereNotIn('i.status', FINAL_STATUSES)
      .orderBy([{ column: 'i.submitted_at' }, { column: 'i.id' }])
      .select('r.*');
    return rows.map(toStored);
  }

  private async insertOnce(table: string, row: Record<string, unknown>, query: Knex.QueryBuilder = this.db.queryBuilder()): Promise<boolean> {
    const inserted = await query.insert(row).into(table).onConflict('key').ignore().returning('key');
    return inserted.length === 1;
  }

  enqueueForSupplier(entry: OutboxEntry, events: TransitionRecord[] = []): Promise<boolean> {
    return this.insertOnce('supplier_outbox', outboxRow(entry), this.withEvents(events));
  }

  async isSent(key: string): Promise<boolean> {
    const row = await this.db('supplier_outbox').where({ key }).whereNotNull('sent_at').first('key');
    return row !== undefined;
  }

  async markSent(key: string): Promise<void> {
    await this.db('supplier_outbox').where({ key }).whereNull('sent_at').update({ sent_at: this.db.fn.now() });
  }

  async listOutbox(supplierId: string, limit: number, before?: number): Promise<OutboxEntry[]> {
    const query = this.db('supplier_outbox').where({ supplier_id: supplierId });
    if (before !== undefined) query.where('seq', '<', before);
    const rows = await query.orderBy('seq', 'desc').limit(limit);
    return rows.map((row) => ({
      seq: Number(row.seq),
      key: row.key,
      requestId: row.request_id,
      supplierId: row.supplier_id,
      action: row.action,
      detail: row.detail,
      createdAt: iso(row.created_at),
      sentAt: row.sent_at ? iso(row.sent_at) : undefined,
    }));
  }

  /** The postings as a data-modifying CTE of `query`, written by the same statement as what they go with. */
  private withPostings(query: Knex.QueryBuilder, postings: Posting[] = []): Knex.QueryBuilder {
    return postings.length === 0 ? query : query.with('postings', this.db('ledger_postings').insert(postings.map(postingRow)).onConflict('key').ignore());
  }

  postCharge(charge: Charge, postings: Posting[] = []): Promise<boolean> {
    return this.insertOnce('charges', chargeRow(charge), this.withPostings(this.db.queryBuilder(), postings));
  }

  async recordFill({ charge, postings, notice }: { charge?: Charge; postings?: Posting[]; notice: ReaderNotice }, events: TransitionRecord[] = []): Promise<void> {
    const query = this.withEvents(events);
    if (charge) this.withPostings(query.with('charge', this.db('charges').insert(chargeRow(charge)).onConflict('key').ignore()), postings);
    await this.insertOnce('reader_notices', noticeRow(notice), query);
  }

  async reverseRequestPostings(requestId: string, at: string): Promise<{ reversed: number; settled: number }> {
    const { rows } = await this.db.raw<{ rows: { reversed: string; settled: string }[] }>(REVERSE_POSTINGS, [ledgerMonth(at), at, requestId, requestId, requestId]);
    return { reversed: Number(rows[0]!.reversed), settled: Number(rows[0]!.settled) };
  }

  closeMonth(month: string, by: string): Promise<boolean> {
    return this.db('ledger_months')
      .insert({ month, closed_by: by })
      .onConflict('month')
      .ignore()
      .returning('month')
      .then((rows) => rows.length === 1);
  }

  async monthClosed(month: string): Promise<{ at: string; by: string } | undefined> {
    const row = await this.db('ledger_months').where({ month }).first();
    return row && { at: iso(row.closed_at), by: row.closed_by };
  }

  async listPostings(requestId: string): Promise<Posting[]> {
    const rows = await this.db<PostingRow>('ledger_postings').where({ request_id: requestId }).orderBy('seq');
    return rows.map(toPosting);
  }

  async statement(account: Account, month: string): Promise<Statement> {
    const own = { account_kind: account.kind, account_id: account.id };
    const [before, rows] = await Promise.all([
      this.db('ledger_postings').where(own).andWhere('month', '<', month).groupBy('currency').select('currency').sum<{ currency: string; sum: string }[]>({ sum: 'amount_minor' }),
      this.db<PostingRow>('ledger_postings').where({ ...own, month }).orderBy('seq'),
    ]);
    const postings = rows.map(toPosting);
    const currencies = [...new Set([...before.map((row) => row.currency), ...postings.map((posting) => posting.currency)])].sort();
    const balances = currencies.map((currency) => {
      const openingMinor = Number(before.find((row) => row.currency === currency)?.sum ?? 0);
      const amounts = postings.filter((posting) => posting.currency === currency).map((posting) => posting.amountMinor);
      const debitsMinor = amounts.filter((amount) => amount > 0).reduce((sum, amount) => sum + amount, 0);
      const creditsMinor = amounts.filter((amount) => amount < 0).reduce((sum, amount) => sum + amount, 0);
      return { currency, openingMinor, debitsMinor, creditsMinor, closingMinor: openingMinor + debitsMinor + creditsMinor };
    });
    return { account, month, balances, postings };
  }

  async monthTotals(month: string): Promise<CurrencyTotals[]> {
    const rows = await this.db('ledger_postings')
      .where({ month })
      .groupBy('currency')
      .orderBy('currency')
      .select('currency')
      .select(this.db.raw('coalesce(sum(case when amount_minor > 0 then amount_minor end), 0) as debits'))
      .select(this.db.raw('coalesce(sum(case when amount_minor < 0 then amount_minor end), 0) as credits'))
      .select(this.db.raw('sum(amount_minor) as total'))
      .count<{ currency: string; debits: string; credits: string; total: string; count: string }[]>({ count: '*' });
    return rows.map((row) => ({ currency: row.currency, debitsMinor: Number(row.debits), creditsMinor: Number(row.credits), sumMinor: Number(row.total), postings: Number(row.count) }));
  }

  async listCharges(requestId: string): Promise<Charge[]> {
    const rows = await this.db('charges').where({ request_id: requestId }).orderBy('posted_at');
    return rows.map((row) => ({
      key: row.key,
      requestId: row.request_id,
      libraryId: row.library_id,
      supplierId: row.supplier_id,
      amount: Number(row.amount),
      currency: row.currency,
    }));
  }

  addReaderNotice(notice: ReaderNotice): Promise<boolean> {
    return this.insertOnce('reader_notices', noticeRow(notice));
  }

  async countTitleCopies(libraryId: string, title: { issn?: string; journalTitle?: string }, year: number): Promise<number> {
    if (!title.issn && !title.journalTitle) return 0;
    const [row] = await this.db('charges as c')
      .join('requests as r', 'r.id', 'c.request_id')
      .where('c.library_id', libraryId)
      .andWhere('r.service', 'copy')
      .andWhere('c.posted_at', '>=', new Date(Date.UTC(year, 0, 1)))
      .andWhere('c.posted_at', '<', new Date(Date.UTC(year + 1, 0, 1)))
      .andWhere((q) => {
        if (title.issn) q.orWhereRaw(`r.body->'citation'->>'issn' = ?`, [title.issn]);
        if (title.journalTitle) q.orWhereRaw(`r.body->'citation'->>'journalTitle' = ?`, [title.journalTitle]);
      })
      .count<{ count: string }[]>({ count: '*' });
    return Number(row?.count ?? 0);
  }

  async ordersSince(since: Date): Promise<Record<string, number>> {
    const rows = await this.db('supplier_outbox')
      .where('action', 'send')
      .andWhere('created_at', '>=', since)
      .groupBy('supplier_id')
      .select('supplier_id')
      .count<{ supplier_id: string; count: string }[]>({ count: '*' });
    return Object.fromEntries(rows.map((row) => [row.supplier_id, Number(row.count)]));
  }

  async supplierOutcomes(since: Date, latest: number): Promise<OrderOutcome[]> {
    // One statement, outside any transaction: a worker killed mid-read must leave no transaction
    // open on a database it shares (PGlite serves every worker through one session).
    const { rows } = await this.db.raw<{ rows: OutcomeRow[] }>(SUPPLIER_OUTCOMES, [since, latest]);
    return rows.map((row) => {
      const order = { supplierId: row.supplier_id, requestId: row.request_id, service: row.service, sentAt: iso(row.sent_at) };
      return row.result === null || row.ended_at === null ? order : { ...order, result: row.result, endedAt: iso(row.ended_at) };
    });
  }

  async staffTasks(since: Date, latest: number): Promise<TaskOutcome[]> {
    const { rows } = await this.db.raw<{ rows: TaskRow[] }>(STAFF_TASKS, [since, latest]);
    return rows.map((row) => {
      const task = { requestId: row.request_id, task: row.task, libraryId: row.library_id, openedAt: iso(row.opened_at) };
      if (row.ended_at === null) return task;
      return { ...task, endedAt: iso(row.ended_at), ...(row.task === 'searchProxy' ? { filled: row.filled === true } : {}) };
    });
  }

  async orderSentAt(requestId: string, supplierId: string): Promise<string | undefined> {
    const row = await this.db('supplier_outbox').where({ request_id: requestId, supplier_id: supplierId, action: 'send' }).orderBy('seq', 'desc').first('created_at', 'sent_at');
    return row && iso(row.sent_at ?? row.created_at);
  }

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  searchRequests(search: RequestSearch): Promise<Page<IndexedRequest>> {
    return searchRequests(this.db, search);
  }

  inbox(owner: InboxOwner, page: InboxPage): Promise<Page<InboxItem> & { counts: Record<string, number> }> {
    return inbox(this.db, owner, page);
  }

  openWork(): Promise<{ tasks: Record<string, number>; requests: Record<string, number> }> {
    return openWork(this.db);
  }

  async insertLending(lending: LendingRequest, workflowId: string): Promise<boolean> {
    const inserted = await this.db('lending_requests')
      .insert({
        id: lending.id,
        lender_id: lending.lenderId,
        borrower_agency: lending.borrower.agencyId,
        borrower_request_id: lending.borrower.requestId,
        status: 'received',
        body: JSON.stringify(lending),
        workflow_id: workflowId,
      })
      .onConflict(['borrower_agency', 'borrower_request_id'])
      .ignore()
      .returning('id');
    return inserted.length === 1;
  }

  async getLending(id: string): Promise<StoredLending | undefined> {
    const row = await this.db<LendingRow>('lending_requests').where({ id }).first();
    return row && toLending(row);
  }

  async listLending(lenderId: string, page: { limit: number; before?: number; statuses?: LendingStatus[] }): Promise<StoredLending[]> {
    const query = this.db<LendingRow>('lending_requests').where({ lender_id: lenderId });
    if (page.before !== undefined) query.where('seq', '<', page.before);
    if (page.statuses?.length) query.whereIn('status', page.statuses);
    return (await query.orderBy('seq', 'desc').limit(page.limit)).map(toLending);
  }

  async recordLending(lendingId: string, status: LendingStatus, events: TransitionRecord[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      if (events.length > 0) {
        const rows = events.map((event) => ({ event_key: event.key, lending_id: lendingId, status: event.status, at: event.at, detail: JSON.stringify(event.detail) }));
        await trx('lending_events').insert(rows).onConflict('event_key').ignore();
      }
      await trx('lending_requests').where({ id: lendingId }).update({ status, updated_at: trx.fn.now() });
    });
  }

  async listLendingEvents(lendingId: string): Promise<TransitionRecord[]> {
    const rows = await this.db('lending_events').where({ lending_id: lendingId }).orderBy('seq');
    return rows.map(toEvent);
  }

  keepBorrowerMessage(message: LenderMessage): Promise<boolean> {
    return this.insertOnce('borrower_messages', { key: message.key, lending_id: message.lendingId, detail: JSON.stringify(message) });
  }

  async isToldBorrower(key: string): Promise<boolean> {
    return (await this.db('borrower_messages').where({ key }).whereNotNull('sent_at').first('key')) !== undefined;
  }

  async markToldBorrower(key: string): Promise<void> {
    await this.db('borrower_messages').where({ key }).whereNull('sent_at').update({ sent_at: this.db.fn.now() });
  }
}

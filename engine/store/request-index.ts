// The request index: one row per request, written with the request and with every batch of its
// audit-trail entries, and the searches and inboxes read from it.
import type { Knex } from 'knex';
import { FINAL_STATUSES, type SupplyStage } from '../../domain/request-state';
import type { IllRequest } from '../../domain/request';
import type { StandingTask } from '../../domain/standing';
import type { TransitionRecord } from '../../domain/transitions';
import { searchable, searchTextOf } from './search-text';
import { InvalidCursor, type IndexedRequest, type InboxItem, type InboxOwner, type InboxPage, type Page, type RequestSearch } from './store';

interface IndexRow {
  id: string;
  library_id: string;
  patron_id: string;
  service: string;
  urgency: string;
  status: string;
  title: string | null;
  supplier_id: string | null;
  supplier_deadline: Date | null;
  suppliers: string[];
  tasks: StandingTask[];
  act_by: Date | null;
  submitted_at: Date;
  updated_at: Date;
}

interface InboxRow {
  key: string;
  kind: string;
  task_id: string;
  request_id: string | null;
  lending_id: string | null;
  title: string | null;
  opened_at: Date;
  due_at: Date | null;
  escalated: boolean;
  service: string | null;
  stage: SupplyStage | null;
}

const TITLE_LENGTH = 500;
/** Sort keys of rows with no deadline, as the database orders them and as cursors name them. */
const NO_DEADLINE = 'infinity';
const OPEN = (column: string) => `${column} not in (${FINAL_STATUSES.map((status) => `'${status}'`).join(', ')})`;

export function indexRowOf(request: IllRequest, submittedAt: Date) {
  return {
    id: request.id,
    library_id: request.requester.libraryId,
    patron_id: request.requester.patronId,
    service: request.service,
    urgency: request.urgency,
    status: 'submitted',
    submitted_at: submittedAt,
    updated_at: submittedAt,
    search_text: searchTextOf(request.citation),
    title: request.citation.title?.slice(0, TITLE_LENGTH) ?? null,
  };
}

/** The transition number in an entry's key (`<workflow id>:<n>`). */
const transitionOf = (record: TransitionRecord): number => Number(/:(\d+)$/.exec(record.key)?.[1] ?? Number.NaN);

const earliest = (times: (string | undefined)[]): string | null =>
  times.filter((time): time is string => time !== undefined).sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null;

/**
 * How each request's index row follows a batch of its entries: to where the latest says the request
 * stands, unless the row already follows a later transition (a retried activity arriving late).
 * Entries written before the workflow said where the request stands give only its status, and its
 * supplier when they name one.
 */
export function indexUpdates(db: Knex, events: TransitionRecord[]): Knex.QueryBuilder[] {
  const latest = new Map<string, { record: TransitionRecord; n: number }>();
  for (const record of events) {
    const n = transitionOf(record);
    const seen = latest.get(record.requestId);
    if (Number.isInteger(n) && (!seen || n > seen.n)) latest.set(record.requestId, { record, n });
  }
  return [...latest.values()].map(({ record, n }) => {
    const { standing } = record;
    const final = (FINAL_STATUSES as readonly string[]).includes(record.status);
    const detailSupplier = typeof record.detail.supplierId === 'string' ? record.detail.supplierId : undefined;
    const supplierId = standing ? standing.supplier?.id : final ? undefined : detailSupplier;
    const supplier = (id: string | undefined, deadline: string | null) => ({
      supplier_id: id ?? null,
      supplier_since: id ? db.raw('case when supplier_id is distinct from ? then ?::timestamptz else supplier_since end', [id, record.at]) : null,
      supplier_deadline: deadline,
      suppliers: db.raw('array(select distinct s from unnest(suppliers || ?::text[]) s order by s)', [[...(standing?.asked ?? []), ...(id ? [id] : [])]]),
    });
    const patch = standing
      ? {
          ...supplier(supplierId, standing.supplier?.deadline ?? null),
          tasks: JSON.stringify(standing.tasks),
          act_by: earliest([standing.supplier?.deadline, ...standing.tasks.map((task) => task.dueAt)]),
        }
      : final
        ? { ...supplier(undefined, null), tasks: '[]', act_by: null }
        : supplierId
          ? supplier(supplierId, null)
          : {};
    return db('request_index')
      .where({ id: record.requestId })
      .andWhere('transition', '<', n)
      .update({ ...patch, status: record.status, updated_at: record.at, transition: n });
  });
}

export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** A cursor's values: an instant (or `infinity`) then a key, as `encodeCursor` wrote them. */
function decodeCursor(cursor: string): [string, string] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor('cursor is not one this list handed out');
  }
  const [at, key] = Array.isArray(values) && values.length === 2 ? values : [];
  const instant = at === NO_DEADLINE || (typeof at === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(at) && !Number.isNaN(Date.parse(at)));
  if (!instant || typeof key !== 'string') throw new InvalidCursor('cursor is not one this list handed out');
  return [at as string, key];
}

const iso = (value: Date) => value.toISOString();
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const SORT_COLUMNS = { submitted: 'submitted_at', updated: 'updated_at', deadline: `coalesce(act_by, '${NO_DEADLINE}'::timestamptz)` } as const;

function toIndexed(row: IndexRow): IndexedRequest {
  return {
    id: row.id,
    libraryId: row.library_id,
    patronId: row.patron_id,
    service: row.service,
    urgency: row.urgency,
    status: row.status,
    ...(row.title ? { title: row.title } : {}),
    ...(row.supplier_id ? { supplierId: row.supplier_id } : {}),
    ...(row.supplier_deadline ? { supplierDeadline: iso(row.supplier_deadline) } : {}),
    suppliers: row.suppliers,
    tasks: row.tasks,
    ...(row.act_by ? { actBy: iso(row.act_by) } : {}),
    submittedAt: iso(row.submitted_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function searchRequests(db: Knex, search: RequestSearch): Promise<Page<IndexedRequest>> {
  const query = db<IndexRow>('request_index');
  if (search.statuses?.length) query.whereIn('status', search.statuses);
  if (search.libraryId) query.where('library_id', search.libraryId);
  if (search.patronId) query.where('patron_id', search.patronId);
  if (search.supplierId) query.where('supplier_id', search.supplierId);
  if (search.askedOf) query.whereRaw('suppliers @> ?::text[]', [[search.askedOf]]);
  if (search.urgencies?.length) query.whereIn('urgency', search.urgencies);
  if (search.services?.length) query.whereIn('service', search.services);
  if (search.submittedFrom) query.where('submitted_at', '>=', search.submittedFrom);
  if (search.submittedTo) query.where('submitted_at', '<', search.submittedTo);
  const text = search.text && searchable(search.text);
  if (text) query.whereRaw(`search_text like ? escape '\\'`, [likePattern(text)]);
  if (search.stalledBefore) query.whereRaw(OPEN('status')).where('act_by', '<', search.stalledBefore);

  const sortBy = SORT_COLUMNS[search.sort];
  const direction = search.order === 'asc' ? 'asc' : 'desc';
  if (search.cursor) {
    const [at, id] = decodeCursor(search.cursor);
    query.whereRaw(`(${sortBy}, id) ${direction === 'asc' ? '>' : '<'} (?::timestamptz, ?)`, [at, id]);
  }
  const rows = await query.orderByRaw(`${sortBy} ${direction}, id ${direction}`).limit(search.limit + 1);
  const items = rows.slice(0, search.limit).map(toIndexed);
  const last = items[items.length - 1];
  if (rows.length <= search.limit || !last) return { items };
  const at = search.sort === 'submitted' ? last.submittedAt : search.sort === 'updated' ? last.updatedAt : (last.actBy ?? NO_DEADLINE);
  return { items, next: encodeCursor([at, last.id]) };
}

/**
 * Tasks are matched by their assignee: a librarian's, a supplier's or search-proxy staff's of their
 * own library (so only the centre's desk lists the searches it alone may answer), the centre's queue
 * (escalated tasks) for administrators.
 * A supplier's inbox also has the requests its library is working on, the loans on their way back
 * to it (it confirms their return), and lending requests from outside borrowers still awaiting its answer.
 */
function inboxItems(db: Knex, owner: InboxOwner): Knex.Raw {
  const assignee = owner.role === 'administrator' ? { role: owner.role } : { role: owner.role, libraryId: owner.libraryId };
  const tasks = db.raw(
    `select i.id || '/' || t.id as key, t.type as kind, t.id as task_id, i.id as request_id, null::text as lending_id, i.title,
       t."openedAt" as opened_at, t."dueAt" as due_at, t.escalated, i.service, null::text as stage
     from request_index i
     cross join lateral jsonb_to_recordset(i.tasks) as t(id text, type text, assignee jsonb, "openedAt" timestamptz, "dueAt" timestamptz, escalated boolean)
     where i.tasks <> '[]'::jsonb and i.tasks @> ?::jsonb and t.assignee @> ?::jsonb`,
    [JSON.stringify([{ assignee }]), JSON.stringify(assignee)],
  );
  if (owner.role !== 'supplier') return tasks;
  return db.raw(
    `? union all
     select i.id || '/supply', 'supply', 'supply', i.id, null, i.title, coalesce(i.supplier_since, i.updated_at), i.supplier_deadline, false,
       i.service, case when i.status = 'returned' then 'returned' else 'asked' end
     from request_index i where i.supplier_id = ? and i.status in ('with-supplier', 'returned')
     union all
     select 'lending/' || l.id, 'lendingAnswer', 'lendingAnswer', null, l.id, l.body->'citation'->>'title', l.created_at, null, false,
       l.body->>'service', 'asked'
     from lending_requests l where l.lender_id = ? and l.status = 'received'`,
    [tasks, owner.libraryId, owner.libraryId],
  );
}

export async function inbox(db: Knex, owner: InboxOwner, page: InboxPage): Promise<Page<InboxItem> & { counts: Record<string, number> }> {
  const items = inboxItems(db, owner);
  const counted = await db.raw<{ rows: { kind: string; count: string }[] }>('select kind, count(*) as count from (?) items group by kind', [items]);
  const counts = Object.fromEntries(counted.rows.map((row) => [row.kind, Number(row.count)]));

  // Ordered by due time, overdue items come first; those with no due time come last.
  const dueKey = `coalesce(due_at, '${NO_DEADLINE}'::timestamptz)`;
  const where: string[] = [];
  const bindings: unknown[] = [items];
  if (page.kinds?.length) {
    where.push(`kind in (${page.kinds.map(() => '?').join(', ')})`);
    bindings.push(...page.kinds);
  }
  if (page.cursor) {
    where.push(`(${dueKey}, key) > (?::timestamptz, ?)`);
    bindings.push(...decodeCursor(page.cursor));
  }
  bindings.push(page.limit + 1);
  const { rows } = await db.raw<{ rows: InboxRow[] }>(
    `select * from (?) items ${where.length ? `where ${where.join(' and ')}` : ''} order by ${dueKey}, key limit ?`,
    bindings as Knex.RawBinding[],
  );
  const now = page.now.getTime();
  const listed = rows.slice(0, page.limit).map(
    (row): InboxItem => ({
      key: row.key,
      kind: row.kind,
      taskId: row.task_id,
      ...(row.request_id ? { requestId: row.request_id } : {}),
      ...(row.lending_id ? { lendingId: row.lending_id } : {}),
      ...(row.title ? { title: row.title } : {}),
      openedAt: iso(new Date(row.opened_at)),
      ...(row.due_at ? { dueAt: iso(new Date(row.due_at)) } : {}),
      overdue: row.due_at !== null && new Date(row.due_at).getTime() < now,
      escalated: row.escalated === true,
      ...(row.service ? { service: row.service } : {}),
      ...(row.stage ? { stage: row.stage } : {}),
    }),
  );
  const last = listed[listed.length - 1];
  return { items: listed, counts, ...(rows.length > page.limit && last ? { next: encodeCursor([last.dueAt ?? NO_DEADLINE, last.key]) } : {}) };
}

export async function openWork(db: Knex): Promise<{ tasks: Record<string, number>; requests: Record<string, number> }> {
  const tasks = await db.raw<{ rows: { type: string; count: string }[] }>(
    `select t.type, count(*) as count from request_index i cross join lateral jsonb_to_recordset(i.tasks) as t(type text)
     where i.tasks <> '[]'::jsonb group by t.type`,
  );
  // Open requests only: every scrape reads this, and the ended ones, which grow for ever, are the reports' to count.
  const requests = await db('request_index').whereNotIn('status', FINAL_STATUSES).select('status').count<{ status: string; count: string }[]>({ count: '*' }).groupBy('status');
  return {
    tasks: Object.fromEntries(tasks.rows.map((row) => [row.type, Number(row.count)])),
    requests: Object.fromEntries(requests.map((row) => [row.status, Number(row.count)])),
  };
}

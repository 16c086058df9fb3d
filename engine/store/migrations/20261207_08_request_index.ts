import type { Knex } from 'knex';
import { FINAL_STATUSES } from '../../../domain/request-state';
import type { Citation } from '../../../domain/request';
import { searchTextOf } from '../search-text';

const BACKFILL_BATCH = 1_000;

// One row per request, kept from the workflow's transitions in the same write as its audit-trail
// entries, so that requests are searched and tasks listed without asking every workflow.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('request_index', (t) => {
    t.string('id', 128).primary().references('requests.id').onDelete('CASCADE');
    t.string('library_id', 64).notNullable();
    t.string('patron_id', 128).notNullable();
    t.string('service', 16).notNullable();
    t.string('urgency', 16).notNullable();
    t.string('status', 48).notNullable();
    t.string('supplier_id', 64);
    // When the request came to its current supplier, and when that supplier's try runs out.
    t.timestamp('supplier_since', { useTz: true });
    t.timestamp('supplier_deadline', { useTz: true });
    // Every supplier asked so far: a supplier sees the requests it is or was asked to supply.
    t.specificType('suppliers', 'text[]').notNullable().defaultTo('{}');
    // Open tasks: [{id, type, assignee: {role, libraryId}, openedAt, dueAt, escalated}].
    t.jsonb('tasks').notNullable().defaultTo('[]');
    // The earliest time anyone must act by: the supplier's deadline or a task's due time.
    t.timestamp('act_by', { useTz: true });
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    // The number of the latest transition written here: an older one arriving late changes nothing.
    t.integer('transition').notNullable().defaultTo(0);
    // Title, journal, authors, ISSN, ISBN and DOI, lower case, traditional characters as simplified.
    t.text('search_text').notNullable().defaultTo('');
    t.string('title', 500);
  });
  // Filled before its indexes are made, which is quicker than keeping them up row by row.
  await backfill(db);
  const open = `status not in (${FINAL_STATUSES.map((s) => `'${s}'`).join(', ')})`;
  await db.raw(`create index request_index_library on request_index (library_id, submitted_at, id)`);
  await db.raw(`create index request_index_patron on request_index (library_id, patron_id, submitted_at)`);
  await db.raw(`create index request_index_submitted on request_index (submitted_at, id)`);
  await db.raw(`create index request_index_updated on request_index (updated_at, id)`);
  await db.raw(`create index request_index_act_by on request_index ((coalesce(act_by, 'infinity'::timestamptz)), id)`);
  await db.raw(`create index request_index_status on request_index (status, submitted_at)`);
  await db.raw(`create index request_index_supplier on request_index (supplier_id, status)`);
  await db.raw(`create index request_index_suppliers on request_index using gin (suppliers)`);
  await db.raw(`create index request_index_tasks on request_index using gin (tasks jsonb_path_ops) where tasks <> '[]'::jsonb`);
  await db.raw(`create index request_index_stalled on request_index (act_by) where ${open}`);
  await indexCitationText(db);
}

/** Requests already in the store: their status is their latest entry's, and their suppliers those their orders went to. */
async function backfill(db: Knex): Promise<void> {
  await db.raw(
    `insert into request_index (id, library_id, patron_id, service, urgency, status, submitted_at, updated_at, transition, title, suppliers, supplier_id)
     select r.id, r.library_id, r.patron_id, r.service, r.urgency, coalesce(e.status, 'submitted'), date_trunc('milliseconds', r.created_at),
       coalesce(e.at, date_trunc('milliseconds', r.created_at)), coalesce(substring(e.event_key from ':([0-9]+)$')::int, 0),
       left(r.body->'citation'->>'title', 500),
       array(select distinct o.supplier_id from supplier_outbox o where o.request_id = r.id and o.action = 'send' order by 1),
       case when e.status in (${FINAL_STATUSES.map(() => '?').join(', ')}) then null else e.detail->>'supplierId' end
     from requests r
     left join lateral (select * from request_events e where e.request_id = r.id order by e.seq desc limit 1) e on true`,
    [...FINAL_STATUSES],
  );
  // Their searchable text is made as a new request's is, a batch at a time.
  for (let after = ''; ; ) {
    const batch: { id: string; citation: Citation }[] = await db('requests').where('id', '>', after).orderBy('id').limit(BACKFILL_BATCH).select('id', db.raw(`body->'citation' as citation`));
    if (batch.length === 0) break;
    await db.raw(`update request_index i set search_text = v.text from (values ${batch.map(() => '(?, ?)').join(', ')}) as v(id, text) where i.id = v.id`, batch.flatMap(({ id, citation }) => [id, searchTextOf(citation)]));
    after = batch[batch.length - 1]!.id;
  }
}

/**
 * Free-text search looks for a substring anywhere in the citation: trigrams (pg_trgm, which splits
 * Chinese text too) let an index find it. A server without the extension, or whose user may not
 * install it, searches without the index.
 */
async function indexCitationText(db: Knex): Promise<void> {
  // pg_trgm is a trusted extension: a user who may create schemas in the database may install it. A
  // managed server's application user often may not; the service then starts and searches unindexed.
  const { rows: usable } = await db.raw<{ rows: { installed: boolean; creatable: boolean }[] }>(
    `select exists (select 1 from pg_extension where extname = 'pg_trgm') as installed,
            exists (select 1 from pg_available_extensions where name = 'pg_trgm') and has_database_privilege(current_database(), 'CREATE') as creatable`,
  );
  if (!usable[0]!.installed && !usable[0]!.creatable) return;
  // One database's schemas migrating at once (test runs, each in a schema of its own) would race to create it.
  await db.raw(`select pg_advisory_xact_lock(hashtext('ill:create extension pg_trgm'))`);
  await db.raw('create extension if not exists pg_trgm');
  // Wherever it was installed, schema by schema test runs included: its operator class is named with its schema.
  const { rows } = await db.raw<{ rows: { schema: string }[] }>(
    `select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`,
  );
  await db.raw(`create index request_index_search_text on request_index using gin (search_text ??.gin_trgm_ops)`, [rows[0]!.schema]);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('request_index');
}

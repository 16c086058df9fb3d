import type { Knex } from 'knex';

// Routing reads the day's orders, recent fills and a library's copies of one journal title for every
// request; without these indexes each read scans tables that grow with every request the network handles.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('supplier_outbox', (t) => t.index(['action', 'created_at']));
  await db.raw(`create index requests_citation_issn on requests ((body->'citation'->>'issn'))`);
  await db.raw(`create index request_events_fills on request_events (request_id) where status in ('delivered', 'shipped')`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop index request_events_fills');
  await db.raw('drop index requests_citation_issn');
  await db.schema.alterTable('supplier_outbox', (t) => t.dropIndex(['action', 'created_at']));
}

import type { Knex } from 'knex';

// The delivery prediction reads how long staff took over the latest reviews, cost approvals and
// search-proxy requests every few minutes; their opening entries are a small part of the audit trail.
export async function up(db: Knex): Promise<void> {
  await db.raw(`create index request_events_staff_tasks on request_events (status, seq) where status in ('awaiting-review', 'awaiting-cost-approval', 'with-search-proxy')`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop index request_events_staff_tasks');
}

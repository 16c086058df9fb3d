import type { Knex } from 'knex';

// Reports read the requests submitted in a range of months, the centre's or one library's; without
// these indexes each report reads every request the network ever handled.
export async function up(db: Knex): Promise<void> {
  await db.raw('create index requests_submitted on requests (created_at)');
  await db.raw('create index requests_library_submitted on requests (library_id, created_at)');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop index requests_library_submitted');
  await db.raw('drop index requests_submitted');
}

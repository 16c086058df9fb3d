import type { Knex } from 'knex';

// Who holds a notice's lease. A sender whose lease ran out while it worked through a slow batch
// must not mail a notice another instance has claimed since: before mailing it, it renews the lease
// only if the lease is still its own.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('reader_notices', (t) => {
    t.uuid('mail_lease_holder');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('reader_notices', (t) => {
    t.dropColumn('mail_lease_holder');
  });
}

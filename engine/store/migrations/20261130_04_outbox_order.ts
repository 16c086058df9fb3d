import type { Knex } from 'knex';

// A supplier's librarians page through what the network sent them, newest first. Timestamps tie and
// lose precision on the way out, so the list is ordered and paged by a sequence number instead.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('supplier_outbox', (t) => {
    t.bigIncrements('seq', { primaryKey: false });
  });
  await db.schema.alterTable('supplier_outbox', (t) => t.index(['supplier_id', 'seq']));
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('supplier_outbox', (t) => {
    t.dropIndex(['supplier_id', 'seq']);
    t.dropColumn('seq');
  });
}

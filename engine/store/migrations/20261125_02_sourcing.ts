import type { Knex } from 'knex';

// Everything the request workflow hands to the outside world is keyed by workflow id and try,
// so an activity that Temporal retries writes, sends or charges nothing twice.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('supplier_outbox', (t) => {
    t.string('key', 200).primary();
    t.string('request_id', 128).notNullable().index();
    t.string('supplier_id', 64).notNullable();
    t.string('action', 24).notNullable();
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    // Set once the adapter has handed it over; a retry re-sends only what was never confirmed sent.
    t.timestamp('sent_at', { useTz: true });
    t.index(['supplier_id', 'created_at']);
  });
  await db.schema.createTable('charges', (t) => {
    t.string('key', 200).primary();
    t.string('request_id', 128).notNullable().index();
    t.string('library_id', 64).notNullable();
    t.string('supplier_id', 64).notNullable();
    t.decimal('amount', 12, 2).notNullable();
    t.string('currency', 3).notNullable();
    t.timestamp('posted_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['library_id', 'posted_at']);
  });
  await db.schema.createTable('reader_notices', (t) => {
    t.string('key', 200).primary();
    t.string('request_id', 128).notNullable().index();
    t.string('library_id', 64).notNullable();
    t.string('patron_id', 128).notNullable();
    t.string('kind', 24).notNullable();
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('reader_notices');
  await db.schema.dropTable('charges');
  await db.schema.dropTable('supplier_outbox');
}

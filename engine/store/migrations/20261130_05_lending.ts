import type { Knex } from 'knex';

// Lending requests: what outside systems asked of the network's service libraries, their audit
// trail, and the messages their borrowers were sent. A borrower's own request id is unique per
// borrower, so a repeated `request` finds the lending request it made before.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('lending_requests', (t) => {
    t.string('id', 128).primary();
    // Librarians page through their library's lending requests, newest first, by this number.
    t.bigIncrements('seq', { primaryKey: false });
    t.string('lender_id', 64).notNullable();
    t.string('borrower_agency', 160).notNullable();
    t.string('borrower_request_id', 200).notNullable();
    t.string('status', 24).notNullable();
    t.jsonb('body').notNullable();
    t.string('workflow_id', 160).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['borrower_agency', 'borrower_request_id']);
    t.index(['lender_id', 'seq']);
  });
  await db.schema.createTable('lending_events', (t) => {
    t.bigIncrements('seq').primary();
    t.string('lending_id', 128).notNullable().references('lending_requests.id').onDelete('CASCADE');
    t.string('event_key', 200).notNullable().unique();
    t.string('status', 24).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.index(['lending_id', 'seq']);
  });
  await db.schema.createTable('borrower_messages', (t) => {
    t.string('key', 200).primary();
    t.string('lending_id', 128).notNullable().index();
    t.jsonb('detail').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    // Set once the borrower confirmed it; a retry sends only what was never confirmed.
    t.timestamp('sent_at', { useTz: true });
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('borrower_messages');
  await db.schema.dropTable('lending_events');
  await db.schema.dropTable('lending_requests');
}

import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('requests', (t) => {
    t.string('id', 128).primary();
    t.string('library_id', 64).notNullable().index();
    t.string('patron_id', 128).notNullable();
    t.string('service', 16).notNullable();
    t.string('urgency', 16).notNullable();
    t.jsonb('body').notNullable();
    t.string('workflow_id', 160).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  // The audit trail: one row per transition. The key makes a retried activity append nothing new.
  await db.schema.createTable('request_events', (t) => {
    t.bigIncrements('seq').primary();
    t.string('request_id', 128).notNullable().references('requests.id').onDelete('CASCADE');
    t.string('event_key', 200).notNullable().unique();
    t.string('status', 48).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.index(['request_id', 'seq']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('request_events');
  await db.schema.dropTable('requests');
}

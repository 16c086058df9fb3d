import type { Knex } from 'knex';

// The configuration versions administrators published from the workbench, newest last: who, when,
// why, and the files they changed as they were before and after, so the history shows what changed.
// A draft is recorded once by its key (the version it replaced and its files), so publishing it
// again, or a retry after a lost answer, adds nothing.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('config_versions', (t) => {
    t.bigIncrements('seq').primary();
    t.string('key', 80).notNullable().unique();
    t.string('version', 80).notNullable();
    t.string('based_on', 80).notNullable();
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.string('published_by', 128).notNullable();
    t.text('note').notNullable();
    // [{ path, before, after }]
    t.jsonb('files').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('config_versions');
}

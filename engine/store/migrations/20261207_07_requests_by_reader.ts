import type { Knex } from 'knex';

// Every request a reader submits is checked against the reader's open requests (the same document
// asked for twice, the library's cap on open requests): without this index each check scans the
// library's requests.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('requests', (t) => t.index(['library_id', 'patron_id'], 'requests_by_reader'));
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('requests', (t) => t.dropIndex(['library_id', 'patron_id'], 'requests_by_reader'));
}

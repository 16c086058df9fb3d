import type { Knex } from 'knex';

// Each reader's notice is mailed once, by its key: the sender claims a pending notice with a lease
// (so two service instances never mail it at once), sends it and marks it. Notices written before
// readers were mailed are left unmailed: telling a reader today of a reminder months old helps nobody.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('reader_notices', (t) => {
    // pending, sent, kept (written under the data directory, no mail server), no-address, refused, predates-mail
    t.string('mail_status', 16).notNullable().defaultTo('pending');
    t.integer('mail_attempts').notNullable().defaultTo(0);
    t.timestamp('mail_next_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    // Until then the instance that claimed the notice is sending it; after, another may claim it.
    t.timestamp('mail_lease_until', { useTz: true });
    t.string('mail_to', 254);
    t.string('mail_message_id', 200);
    t.text('mail_error');
    t.timestamp('mailed_at', { useTz: true });
  });
  await db('reader_notices').update({ mail_status: 'predates-mail' });
  await db.raw(`create index reader_notices_mail_pending on reader_notices (mail_next_at) where mail_status = 'pending'`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop index reader_notices_mail_pending');
  await db.schema.alterTable('reader_notices', (t) => {
    t.dropColumns('mail_status', 'mail_attempts', 'mail_next_at', 'mail_lease_until', 'mail_to', 'mail_message_id', 'mail_error', 'mailed_at');
  });
}

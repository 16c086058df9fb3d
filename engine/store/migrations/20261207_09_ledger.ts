import type { Knex } from 'knex';

// The centre's double-entry books beside the charges. Each posting has a key of its own, made from
// its charge's key, so a fill or a reversal that is retried, or run again after a worker died,
// posts nothing twice. Amounts are whole hundredths of the currency (fen), so sums are exact.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('ledger_postings', (t) => {
    t.bigIncrements('seq').primary();
    t.string('key', 240).notNullable().unique();
    t.string('transaction_key', 220).notNullable().index();
    t.string('account_kind', 16).notNullable();
    t.string('account_id', 64).notNullable();
    t.string('counterparty_kind', 16).notNullable();
    t.string('counterparty_id', 64).notNullable();
    t.bigInteger('amount_minor').notNullable();
    t.string('currency', 3).notNullable();
    t.string('request_id', 128).notNullable().index();
    t.string('month', 7).notNullable();
    t.string('kind', 16).notNullable();
    t.string('reverses', 240).unique();
    t.timestamp('posted_at', { useTz: true }).notNullable();
    // A statement reads one account's month and the sum of its months before.
    t.index(['account_kind', 'account_id', 'month', 'seq']);
    t.index(['month', 'currency']);
  });
  // Months whose statements the centre has closed: what was posted in them is settled, and a request
  // closed later has it reversed no more.
  await db.schema.createTable('ledger_months', (t) => {
    t.string('month', 7).primary();
    t.timestamp('closed_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.string('closed_by', 128).notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('ledger_months');
  await db.schema.dropTable('ledger_postings');
}

import type { Knex } from 'knex';
import * as requests from './migrations/20261125_01_requests';
import * as sourcing from './migrations/20261125_02_sourcing';
import * as routingIndexes from './migrations/20261125_03_routing_indexes';
import * as outboxOrder from './migrations/20261130_04_outbox_order';
import * as lending from './migrations/20261130_05_lending';
import * as staffTasks from './migrations/20261130_06_staff_tasks';
import * as readerMail from './migrations/20261207_07_reader_mail';
import * as requestIndex from './migrations/20261207_08_request_index';
import * as ledger from './migrations/20261207_09_ledger';
import * as requestsBySubmission from './migrations/20261207_10_requests_by_submission';
import * as configVersions from './migrations/20261207_11_config_versions';
import * as mailLeaseHolder from './migrations/20261207_12_mail_lease_holder';

// Migrations are listed here rather than discovered on disk, so they run the same from
// TypeScript sources, from a bundle and from tests. New ones go at the end, dated.
const migrations: Record<string, Knex.Migration> = {
  '20261125_01_requests': requests,
  '20261125_02_sourcing': sourcing,
  '20261125_03_routing_indexes': routingIndexes,
  '20261130_04_outbox_order': outboxOrder,
  '20261130_05_lending': lending,
  '20261130_06_staff_tasks': staffTasks,
  '20261207_07_reader_mail': readerMail,
  '20261207_08_request_index': requestIndex,
  '20261207_09_ledger': ledger,
  '20261207_10_requests_by_submission': requestsBySubmission,
  '20261207_11_config_versions': configVersions,
  '20261207_12_mail_lease_holder': mailLeaseHolder,
};

const source: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};

/** How long an instance waits for another that is migrating the same database. */
const RACING_WAIT_MS = 120_000;

/**
 * Whether an error is another instance, started at the same moment, doing the same thing first:
 * holding knex's migration lock, or creating the schema or the migrations' own tables.
 */
function racedBy(error: unknown): boolean {
  const { name, code } = error as { name?: string; code?: string };
  return name === 'MigrationLocked' || code === '23505' || code === '42P07';
}

/**
 * Runs a step of setting up a database that instances started together race for; the losers wait
 * and try again, and then find nothing left to do, rather than failing to start.
 */
export async function whileRacing(step: () => Promise<unknown>): Promise<void> {
  const giveUpAt = Date.now() + RACING_WAIT_MS;
  for (;;) {
    try {
      await step();
      return;
    } catch (error) {
      if (!racedBy(error) || Date.now() > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export function migrateToLatest(db: Knex): Promise<void> {
  return whileRacing(() => db.migrate.latest({ migrationSource: source, tableName: 'ill_migrations' }));
}

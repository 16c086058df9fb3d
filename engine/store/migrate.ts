import type { Knex } from 'knex';
import * as requests from './migrations/20261125_01_requests';
import * as sourcing from './migrations/20261125_02_sourcing';
import * as routingIndexes from './migrations/20261125_03_routing_indexes';
import * as outboxOrder from './migrations/20261130_04_outbox_order';
import * as lending from './migrations/20261130_05_lending';
import * as staffTasks from './migrations/20261130_06_staff_tasks';
import * as ledger from './migrations/20261207_07_ledger';

// Migrations are listed here rather than discovered on disk, so they run the same from
// TypeScript sources, from a bundle and from tests. New ones go at the end, dated.
const migrations: Record<string, Knex.Migration> = {
  '20261125_01_requests': requests,
  '20261125_02_sourcing': sourcing,
  '20261125_03_routing_indexes': routingIndexes,
  '20261130_04_outbox_order': outboxOrder,
  '20261130_05_lending': lending,
  '20261130_06_staff_tasks': staffTasks,
  '20261207_07_ledger': ledger,
};

const source: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};

export async function migrateToLatest(db: Knex): Promise<void> {
  await db.migrate.latest({ migrationSource: source, tableName: 'ill_migrations' });
}

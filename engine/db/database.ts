import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SettingError, redactUrl } from '../settings';
import { freePort } from '../net';
import { migrateToLatest, whileRacing } from '../store/migrate';

export interface Database {
  db: Knex;
  /** Where the data lives, safe to print: the URL without its password, or the PGlite directory. */
  description: string;
  /** Whether it is the embedded PGlite (one connection, in this process). */
  embedded: boolean;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL server; absent means embedded PGlite. */
  url?: string;
  /** PGlite's directory; `memory://` keeps it in memory (tests). */
  pgliteDir?: string;
  /** A PostgreSQL schema of its own, so test runs sharing one server never see each other's rows. */
  schema?: string;
}

async function reachable(db: Knex, url: string): Promise<void> {
  try {
    await db.raw('select 1');
  } catch (error) {
    await db.destroy();
    const reason = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code : String(error);
    throw new SettingError('DATABASE_URL', `cannot connect to ${redactUrl(url)} (${reason})`);
  }
}

/**
 * Opens the store's database and brings its schema up to date. PGlite runs in this process behind
 * a PostgreSQL socket so that the same `pg` driver and the same SQL serve both kinds of database.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const db = knex({
      client: 'pg',
      // The store's reads are many short index lookups (the order outcomes routing learns from
      // above all), which the planner can cost high enough to compile: compiling takes longer than
      // running them.
      connection: { connectionString: options.url, connectionTimeoutMillis: 5_000, options: '-c jit=off' },
      pool: { min: 0, max: 10 },
      ...(options.schema ? { searchPath: [options.schema] } : {}),
    });
    await reachable(db, options.url);
    const { schema } = options;
    if (schema) await whileRacing(() => db.raw('create schema if not exists ??', [schema]));
    await migrateToLatest(db);
    return { db, description: redactUrl(options.url), embedded: false, close: () => db.destroy() };
  }

  const dir = options.pgliteDir ?? 'memory://';
  if (!dir.startsWith('memory://')) mkdirSync(path.dirname(dir), { recursive: true });
  let pglite: PGlite;
  try {
    // Trigrams index the request index's citation text for free-text search.
    pglite = await PGlite.create(dir, { extensions: { pg_trgm } });
  } catch (error) {
    throw new SettingError('ILL_DATA_DIR', `cannot open the embedded database at ${dir} (${(error as Error).message})`);
  }
  const port = await freePort();
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port, maxConnections: 1 });
  await server.start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // PGlite is single-connection: one pooled connection keeps transactions from interleaving.
  const db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  await reachable(db, url);
  await migrateToLatest(db);
  return {
    db,
    description: dir.startsWith('memory://') ? 'PGlite in memory' : `PGlite at ${dir}`,
    embedded: true,
    async close() {
      await db.destroy();
      await server.stop();
      await pglite.close();
    },
  };
}

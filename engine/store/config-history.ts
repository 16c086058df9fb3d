// The configuration versions administrators published from the workbench, and the requests of
// recent days a draft is compared over before it is published.
import type { Knex } from 'knex';
import type { IllRequest } from '../../domain/request';
import type { ChangedFile, PublishedVersion } from '../../domain/config-versions';


interface VersionRow {
  seq: string | number;
  key: string;
  version: string;
  based_on: string;
  published_at: Date | string;
  published_by: string;
  note: string;
  files: ChangedFile[];
}

const toVersion = (row: VersionRow): PublishedVersion => ({
  seq: Number(row.seq),
  version: row.version,
  basedOn: row.based_on,
  publishedAt: new Date(row.published_at).toISOString(),
  publishedBy: row.published_by,
  note: row.note,
  files: row.files,
});

export class ConfigHistory {
  constructor(private readonly db: Knex) {}

  /** The version recorded under this key (the version it replaced and its files), if it was published. */
  async byKey(key: string): Promise<PublishedVersion | undefined> {
    const row = await this.db<VersionRow>('config_versions').where({ key }).first();
    return row && toVersion(row);
  }

  /** Records a published version once by its key; the one recorded first when the key is known already. */
  async record(key: string, version: Omit<PublishedVersion, 'seq' | 'publishedAt'>): Promise<PublishedVersion> {
    await this.db('config_versions')
      .insert({ key, version: version.version, based_on: version.basedOn, published_by: version.publishedBy, note: version.note, files: JSON.stringify(version.files) })
      .onConflict('key')
      .ignore();
    return (await this.byKey(key))!;
  }

  /** Newest first; `before` continues from a version's `seq`. */
  async list(limit: number, before?: number): Promise<PublishedVersion[]> {
    const rows = await this.db<VersionRow>('config_versions')
      .modify((query) => {
        if (before !== undefined) void query.where('seq', '<', before);
      })
      .orderBy('seq', 'desc')
      .limit(limit);
    return rows.map(toVersion);
  }

  /** The latest `limit` requests submitted since `since`, newest first, as their readers sent them. */
  async recentRequests(since: Date, limit: number): Promise<{ request: IllRequest; submittedAt: string }[]> {
    const rows = await this.db('requests').where('created_at', '>=', since).orderBy('created_at', 'desc').limit(limit).select('body', 'created_at');
    return rows.map((row: { body: IllRequest; created_at: Date | string }) => ({ request: row.body, submittedAt: new Date(row.created_at).toISOString() }));
  }
}

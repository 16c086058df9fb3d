import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/harness';
import type { Database } from '../db/database';
import { KnexRequestStore } from './knex-store';
import { KnexReaderMailStore } from './reader-mail';
import * as readerMail from './migrations/20261207_07_reader_mail';

const notice = (key: string) => ({ key, requestId: 'r-1', libraryId: 'whu', patronId: 'p-7', kind: 'reminder' as const, detail: { dueDate: '2026-12-31' } });

describe.each(databaseKinds)('reader mail store on $name', ({ open }) => {
  let database: Database;
  let requests: KnexRequestStore;
  let mail: KnexReaderMailStore;

  beforeAll(async () => {
    database = await open();
    requests = new KnexRequestStore(database.db);
    mail = new KnexReaderMailStore(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('leases a claimed notice to its claimant alone, and a marked one to no one', async () => {
    await requests.addReaderNotice(notice('lease-1'));
    const [claimed] = await mail.claimReaderMail(10, 60_000);
    expect(claimed).toEqual({ notice: notice('lease-1'), attempts: 1, lease: expect.any(String) });
    expect(await mail.claimReaderMail(10, 60_000)).toEqual([]);
    await mail.markMailed('lease-1', { status: 'sent', to: 'p-7@whu.edu.cn', messageId: '<x@calis.edu.cn>' });
    // A second mark (a late instance) changes nothing.
    await mail.markMailed('lease-1', { status: 'refused', error: 'late' });
    expect(await mail.readerMail('r-1')).toEqual([expect.objectContaining({ key: 'lease-1', status: 'sent', to: 'p-7@whu.edu.cn', messageId: '<x@calis.edu.cn>', attempts: 1 })]);
    expect(await mail.claimReaderMail(10, 60_000)).toEqual([]);
  });

  it('renews a lease only for the claim that holds it, and puts a notice back only for that claim', async () => {
    await requests.addReaderNotice({ ...notice('lost-1'), requestId: 'r-lost' });
    const [first] = await mail.claimReaderMail(10, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The first claim's lease ran out; another instance claims the notice.
    const [second] = await mail.claimReaderMail(10, 60_000);
    expect(second!.notice.key).toBe('lost-1');
    expect(await mail.holdLease(first!, 60_000)).toBe(false);
    await mail.mailLater(first!, 0, 'late');
    // The late claimant's word changed nothing: the notice is still the second claim's.
    expect(await mail.claimReaderMail(10, 60_000)).toEqual([]);
    expect(await mail.holdLease(second!, 60_000)).toBe(true);
    await mail.markMailed('lost-1', { status: 'sent', to: 'p-7@whu.edu.cn' });
    expect(await mail.holdLease(second!, 60_000)).toBe(false);
    expect((await mail.readerMail('r-lost'))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('leaves unmailed the notices written before readers were mailed', async () => {
    await readerMail.down(database.db);
    await database.db('reader_notices').insert({ key: 'old-1', request_id: 'r-old', library_id: 'whu', patron_id: 'p-7', kind: 'reminder', detail: '{}' });
    await readerMail.up(database.db);
    await requests.addReaderNotice({ ...notice('new-1'), requestId: 'r-old' });
    expect((await mail.claimReaderMail(10, 60_000)).map((c) => c.notice.key)).toEqual(['new-1']);
    expect((await mail.readerMail('r-old')).map((m) => [m.key, m.status])).toEqual([
      ['old-1', 'predates-mail'],
      ['new-1', 'pending'],
    ]);
  });
});

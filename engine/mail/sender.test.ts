import { mkdtempSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseKinds } from '../../test/harness';
import { startMailServer, type TestMailServer } from '../../test/mail-server';
import type { Database } from '../db/database';
import type { IllRequest } from '../../domain/request';
import type { ReaderNotice } from '../../domain/notices';
import { freePort } from '../net';
import type { NetworkHolder } from '../network';
import { KnexRequestStore } from '../store/knex-store';
import { KnexReaderMailStore, type ClaimedNotice, type ReaderMailStore } from '../store/reader-mail';
import { keptMail, keptOutlet, listKeptMail, mailId, smtpOutlet, type MailOutlet } from './outlets';
import { ReaderMailSender, type SenderTimings } from './sender';

// The reader-mail sender against a real SMTP server and each kind of database: every notice is
// mailed once by its key, whatever fails or restarts between.

const log = pino({ level: 'silent' });
const network = {
  current: () => ({ config: { libraries: [{ id: 'whu', readerMailDomain: 'whu.edu.cn' }, { id: 'pku' }] } }),
} as unknown as Pick<NetworkHolder, 'current'>;
const FROM = 'CALIS ILL <ill@calis.edu.cn>';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let serial = 0;

describe.each(databaseKinds)('reader mail on $name', ({ open }) => {
  let database: Database;
  let requests: KnexRequestStore;
  let mail: ReaderMailStore;
  let server: TestMailServer;
  const senders: ReaderMailSender[] = [];

  beforeAll(async () => {
    database = await open();
    requests = new KnexRequestStore(database.db);
    mail = new KnexReaderMailStore(database.db);
    server = await startMailServer({ refuses: (address) => address.startsWith('nobody@') });
  });
  afterEach(async () => {
    await Promise.all(senders.splice(0).map((sender) => sender.stop()));
    server.received.length = 0;
    // Whatever a test left pending is no other test's mail.
    await database.db('reader_notices').where({ mail_status: 'pending' }).update({ mail_status: 'predates-mail' });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const sender = (outlet: MailOutlet = smtpOutlet(server.url), timings: Partial<SenderTimings> = {}, store: ReaderMailStore = mail) => {
    const made = new ReaderMailSender({ mail: store, requests, network, outlet, from: FROM, log }, { pollMs: 20, retryBaseMs: 1_000, ...timings });
    senders.push(made);
    return made;
  };

  /** A request of a reader of `libraryId` and its notice that the copy is delivered. */
  const delivered = async (requester: Partial<IllRequest['requester']> = { email: 'p-7@example.edu.cn' }, libraryId = 'whu'): Promise<ReaderNotice> => {
    const id = `mail-${process.pid}-${++serial}`;
    const request: IllRequest = {
      id,
      requester: { libraryId, patronId: 'p-7', ...requester },
      service: 'copy',
      urgency: 'normal',
      citation: { title: '中国近代史纲要', journalTitle: '历史研究', language: 'zh' },
    };
    await requests.insertRequest(request, `request-${id}`);
    const notice: ReaderNotice = {
      key: `request-${id}:reader:6:delivered`,
      requestId: id,
      libraryId,
      patronId: 'p-7',
      kind: 'delivered',
      detail: { url: `https://copies.example.org/${id}.pdf`, expiresAt: '2026-12-10T08:00:00.000Z' },
    };
    await requests.addReaderNotice(notice);
    return notice;
  };

  it('mails a delivered copy once, with its link and expiry, though the server put off the first try and the sender restarted', async () => {
    const notice = await delivered();
    server.deferNext(1);
    const first = sender();
    expect(await first.round()).toBe(1);
    expect(server.received).toHaveLength(0);
    expect((await mail.readerMail(notice.requestId))[0]).toMatchObject({ status: 'pending', attempts: 1, error: expect.stringContaining('try again later') });
    // Put off, it waits its turn rather than being tried at once.
    expect(await first.round()).toBe(0);
    await sleep(1_100);
    expect(await first.round()).toBe(1);
    await first.stop();
    expect(await sender().round()).toBe(0);

    expect(server.received).toHaveLength(1);
    const [message] = server.received;
    expect(message!.to).toMatchObject({ text: 'p-7@example.edu.cn' });
    expect(message!.messageId).toBe(`<${mailId(notice.key)}@calis.edu.cn>`);
    expect(message!.subject).toBe('您申请的文献已送达 / Your document is ready：中国近代史纲要');
    const text = message!.text!;
    expect(text).toContain(`https://copies.example.org/${notice.requestId}.pdf`);
    expect(text).toContain('请在 2026-12-10 16:00（北京时间）前下载');
    expect(text.indexOf('请在')).toBeLessThan(text.indexOf('Download it before 2026-12-10 16:00 (Beijing time)'));
    expect(await mail.readerMail(notice.requestId)).toEqual([
      expect.objectContaining({ status: 'sent', to: 'p-7@example.edu.cn', messageId: message!.messageId, attempts: 2 }),
    ]);
  });

  it('mails again under the same Message-ID what was sent but never marked, once its lease runs out', async () => {
    const notice = await delivered();
    let crashes = 1;
    const crashing: ReaderMailStore = Object.assign(Object.create(mail), {
      markMailed: (key: string, outcome: Parameters<ReaderMailStore['markMailed']>[1]) => (crashes-- > 0 ? Promise.reject(new Error('the service stopped')) : mail.markMailed(key, outcome)),
    });
    await expect(sender(undefined, { leaseMs: 1_000 }, crashing).round()).rejects.toThrow('the service stopped');
    // Another instance leaves it alone while the lease holds...
    const other = sender(undefined, { leaseMs: 1_000 });
    expect(await other.round()).toBe(0);
    await sleep(1_100);
    // ...and mails it once the lease has run out.
    expect(await other.round()).toBe(1);
    expect(server.received.map((m) => m.messageId)).toEqual([`<${mailId(notice.key)}@calis.edu.cn>`, `<${mailId(notice.key)}@calis.edu.cn>`]);
    expect((await mail.readerMail(notice.requestId))[0]).toMatchObject({ status: 'sent' });
  });

  it('leaves a notice to the instance that claimed it after a slow batch outran its first claim', async () => {
    const notice = await delivered();
    const other = sender();
    let stolen = false;
    // The first sender stalls between claiming and mailing until its lease has run out and another instance has mailed the notice.
    const stalling: ReaderMailStore = Object.assign(Object.create(mail), {
      holdLease: async (claimed: ClaimedNotice, leaseMs: number) => {
        if (!stolen) {
          stolen = true;
          await sleep(1_100);
          expect(await other.round()).toBe(1);
        }
        return mail.holdLease(claimed, leaseMs);
      },
    });
    expect(await sender(undefined, { leaseMs: 1_000 }, stalling).round()).toBe(1);
    expect(server.received.map((m) => m.messageId)).toEqual([`<${mailId(notice.key)}@calis.edu.cn>`]);
    expect((await mail.readerMail(notice.requestId))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('mails each notice once when two service instances send at once', async () => {
    const notices = await Promise.all(Array.from({ length: 12 }, () => delivered()));
    const [a, b] = [sender(undefined, { batch: 3 }), sender(undefined, { batch: 3 })];
    const drain = async (s: ReaderMailSender) => {
      while ((await s.round()) > 0);
    };
    await Promise.all([drain(a), drain(b)]);
    expect(server.received.map((m) => m.messageId).sort()).toEqual(notices.map((n) => `<${mailId(n.key)}@calis.edu.cn>`).sort());
  });

  it('tries a mail server that is down again later, each wait longer, and mails once it is up', async () => {
    const port = await freePort();
    const notice = await delivered();
    const s = sender(smtpOutlet(`smtp://127.0.0.1:${port}`));
    expect(await s.round()).toBe(1);
    expect((await mail.readerMail(notice.requestId))[0]).toMatchObject({ status: 'pending', attempts: 1, error: expect.stringContaining('ECONNREFUSED') });
    await sleep(1_100);
    expect(await s.round()).toBe(1);
    // The second wait is twice the first.
    await sleep(1_100);
    expect(await s.round()).toBe(0);
    const up = await startMailServer({ port });
    try {
      await sleep(1_000);
      expect(await s.round()).toBe(1);
      expect(up.received.map((m) => m.messageId)).toEqual([`<${mailId(notice.key)}@calis.edu.cn>`]);
      expect((await mail.readerMail(notice.requestId))[0]).toMatchObject({ status: 'sent', attempts: 3 });
    } finally {
      await up.close();
    }
  });

  it('stops without waiting for a mail server that never answers, and puts the notice back for the next instance', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const notice = await delivered();
      const hanging = sender(smtpOutlet(`smtp://127.0.0.1:${(silent.address() as net.AddressInfo).port}`));
      hanging.start();
      await vi.waitFor(async () => expect((await mail.readerMail(notice.requestId))[0]!.attempts).toBe(1));
      const stopping = Date.now();
      await hanging.stop();
      expect(Date.now() - stopping).toBeLessThan(2_000);
      expect((await mail.readerMail(notice.requestId))[0]).toMatchObject({ status: 'pending', error: expect.stringContaining('the service stopped') });
      expect(await sender().round()).toBe(1);
      expect(server.received.map((m) => m.messageId)).toEqual([`<${mailId(notice.key)}@calis.edu.cn>`]);
    } finally {
      silent.close();
    }
  });

  it('records an address the server refuses for good and does not try it again', async () => {
    const notice = await delivered({ email: 'nobody@example.edu.cn' });
    const s = sender(undefined, { retryBaseMs: 10 });
    expect(await s.round()).toBe(1);
    await sleep(50);
    expect(await s.round()).toBe(0);
    expect(server.received).toHaveLength(0);
    expect((await mail.readerMail(notice.requestId))[0]).toMatchObject({ status: 'refused', to: 'nobody@example.edu.cn', error: expect.stringContaining('no such user') });
  });

  it("mails a reader who gave no address at their library's reader-mail domain, and records one it cannot reach", async () => {
    const atDomain = await delivered({}, 'whu');
    const nowhere = await delivered({}, 'pku');
    expect(await sender().round()).toBe(2);
    expect(server.received.map((m) => m.to)).toEqual([expect.objectContaining({ text: 'p-7@whu.edu.cn' })]);
    expect((await mail.readerMail(atDomain.requestId))[0]).toMatchObject({ status: 'sent', to: 'p-7@whu.edu.cn' });
    expect((await mail.readerMail(nowhere.requestId))[0]).toMatchObject({ status: 'no-address' });
  });

  it('keeps mail as .eml files where no mail server is named, each notice once', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ill-mail-')), 'mail');
    const notice = await delivered();
    expect(await sender(keptOutlet(dir)).round()).toBe(1);
    expect(await sender(keptOutlet(dir)).round()).toBe(0);
    expect(readdirSync(dir)).toEqual([`${mailId(notice.key)}.eml`]);
    expect(await listKeptMail(dir, 10)).toEqual([
      expect.objectContaining({ id: mailId(notice.key), to: 'p-7@example.edu.cn', subject: expect.stringContaining('Your document is ready') }),
    ]);
    expect((await keptMail(dir, mailId(notice.key)))?.text).toContain(`https://copies.example.org/${notice.requestId}.pdf`);
    expect((await mail.readerMail(notice.requestId))[0]).toMatchObject({ status: 'kept', to: 'p-7@example.edu.cn' });
    expect(await server.received).toHaveLength(0);
  });
});

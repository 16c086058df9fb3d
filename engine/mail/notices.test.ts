import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/eventually';
import { startMailServer, type TestMailServer } from '../../test/mail-server';
import { sampleRequest, startTestService, type TestService } from '../../test/service';
import { KnexReaderMailStore } from '../store/reader-mail';
import { mailId } from './outlets';

// Readers hear of their requests by e-mail from the running service: a request taken through its
// workflow to a delivery reaches the mail server, or, with none named, the mail kept for the centre.

let serial = 0;
const sample = () => sampleRequest('chinese-article-ppv', `mail-${process.pid}-${++serial}`);

/** Submits a reader's request and has the supplier it went to fill it with a copy at `url`. */
async function deliver(app: TestService, email: string): Promise<{ id: string; url: string }> {
  const request = sample();
  request.requester.email = email;
  const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
  expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
  const sent = await app.until(request.id, reader, (body) => body.status === 'with-supplier' && body.supplier !== undefined);
  const url = `https://copies.example.org/${request.id}.pdf`;
  const supplier = await app.token('supplier', sent.supplier.id);
  const said = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, supplier, { supplierId: sent.supplier.id, status: 'CopyCompleted', deliveryUrl: url });
  expect(said.status).toBe(202);
  await app.until(request.id, reader, (body) => body.status === 'delivered');
  return { id: request.id, url };
}

describe('readers told through a mail server', () => {
  let app: TestService;
  let server: TestMailServer;

  beforeAll(async () => {
    server = await startMailServer();
    app = await startTestService({ SMTP_URL: server.url, MAIL_FROM: 'CALIS ILL <ill@calis.edu.cn>' });
  });
  afterAll(async () => {
    await app?.service.stop();
    await server?.close();
  });

  it('mails the reader once that their copy is delivered, with its link and when it expires', async () => {
    const { id, url } = await deliver(app, 'reader-1@example.edu.cn');
    const mail = await eventually(
      () => server.received.filter((m) => m.text?.includes(url)),
      (found) => found.length > 0,
      () => `no mail with ${url}`,
    );
    const status = await app.call('GET', `/api/requests/${id}`, await app.token('administrator', 'centre'));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.to).toMatchObject({ text: 'reader-1@example.edu.cn' });
    expect(mail[0]!.subject).toContain('您申请的文献已送达 / Your document is ready');
    expect(mail[0]!.text).toContain('Download it before');
    expect(status.body.delivery.expiresAt).toBeDefined();
    const [notice] = await new KnexReaderMailStore(app.service.database.db).readerMail(id);
    expect(notice).toMatchObject({ kind: 'delivered', status: 'sent', to: 'reader-1@example.edu.cn', messageId: `<${mailId(notice!.key)}@calis.edu.cn>` });
    expect(mail[0]!.messageId).toBe(notice!.messageId);
  });

  it('mails the reader that their request was cancelled', async () => {
    const request = sample();
    request.requester.email = 'reader-2@example.edu.cn';
    const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
    await app.call('POST', '/api/requests', reader, request);
    await app.until(request.id, reader, (body) => body.status === 'with-supplier');
    expect((await app.call('POST', `/api/requests/${request.id}/cancel`, reader, { reason: 'found a copy' })).status).toBe(200);
    const mail = await eventually(
      () => server.received.filter((m) => m.text?.includes(request.id)),
      (found) => found.length > 0,
      () => `no mail about ${request.id}`,
    );
    expect(mail[0]!.subject).toContain('您的申请已取消 / Your request was cancelled');
    expect(mail[0]!.text).toContain('原因：found a copy');
  });

  it('mails the reader that their loan is on its way to their library, with its due date', async () => {
    const request = sampleRequest('loan-same-region', `mail-${process.pid}-${++serial}`);
    request.requester.email = 'reader-4@example.edu.cn';
    const librarian = await app.token('librarian', request.requester.libraryId);
    await app.call('POST', '/api/requests', librarian, request);
    const sent = await app.until(request.id, librarian, (body) => body.status === 'with-supplier' && body.supplier !== undefined);
    const supplier = await app.token('supplier', sent.supplier.id);
    const said = await app.call('POST', `/api/requests/${request.id}/supplier-messages`, supplier, { supplierId: sent.supplier.id, status: 'Loaned', dueDate: '2027-01-15T12:00:00+08:00' });
    expect(said.status).toBe(202);
    const mail = await eventually(
      () => server.received.filter((m) => m.text?.includes(request.id)),
      (found) => found.length > 0,
      () => `no mail about ${request.id}`,
    );
    expect(mail[0]!.subject).toContain('您借阅的图书已寄往您的图书馆 / Your loan is on its way to your library');
    expect(mail[0]!.text).toContain('应还日期：2027-01-15');
    expect(mail[0]!.text).toContain('Due back: 2027-01-15');
  });

  it('refuses a request whose reader address is not an e-mail address, naming the field', async () => {
    const request = sample();
    request.requester.email = 'reader at example';
    const answer = await app.call('POST', '/api/requests', await app.token('librarian', request.requester.libraryId), request);
    expect(answer.status).toBe(400);
    expect(answer.body.error.problems).toEqual([expect.objectContaining({ path: '/body/requester/email', message: expect.stringContaining('is not an e-mail address') })]);
  });
});

describe('readers\' mail kept where no mail server is named', () => {
  let app: TestService;

  beforeAll(async () => {
    app = await startTestService();
  });
  afterAll(async () => {
    await app?.service.stop();
  });

  it('keeps the delivery mail as a file the centre lists and reads, and no one else', async () => {
    const { id, url } = await deliver(app, 'reader-3@example.edu.cn');
    const admin = await app.token('administrator', 'centre');
    const listed = await eventually(
      async () => (await app.call('GET', '/api/mail', admin)).body,
      (body) => body.mail?.length > 0,
      (body) => JSON.stringify(body),
    );
    const [notice] = await new KnexReaderMailStore(app.service.database.db).readerMail(id);
    expect(notice).toMatchObject({ status: 'kept', to: 'reader-3@example.edu.cn' });
    expect(listed.mail).toEqual([expect.objectContaining({ id: mailId(notice!.key), to: 'reader-3@example.edu.cn', subject: expect.stringContaining('Your document is ready') })]);
    const one = await app.call('GET', `/api/mail/${mailId(notice!.key)}`, admin);
    expect(one.status).toBe(200);
    expect(one.body.text).toContain(url);

    expect((await app.call('GET', '/api/mail', await app.token('librarian', 'szu'))).status).toBe(403);
    expect((await app.call('GET', `/api/mail/${mailId(notice!.key)}`, await app.token('reader', 'szu', 'p-1'))).status).toBe(403);
    expect((await app.call('GET', `/api/mail/${'0'.repeat(32)}`, admin)).status).toBe(404);
    const bad = await app.call('GET', '/api/mail/../../auth-secret', admin);
    expect(bad.status).toBe(404);
    const notAnId = await app.call('GET', '/api/mail/not-an-id', admin);
    expect(notAnId).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('/params/id') } } });
    expect((await app.call('GET', '/api/mail?limit=0', admin)).status).toBe(400);
  });
});

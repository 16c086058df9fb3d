import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSupplyingAgencyMessage, parseMessage, type Iso18626Message, type Iso18626Request, type RequestingAgencyMessage } from '../adapters/iso18626';
import type { IllRequest } from '../domain/request';
import { fakeIso18626Peer, type FakePeerOptions } from '../simulator/iso18626-peer';
import { listen } from '../simulator/vendor';
import { sampleRequest, staffAnswered, startTestService, type TestService } from '../test/service';

// ISO 18626 v1.2 with a peer ILL system on loopback: the network's requests go to it as `request`s,
// the requesting library's actions as `requestingAgencyMessage`s, and its `supplyingAgencyMessage`s
// come back to POST /iso18626, where whatever a peer sends is answered with a confirmation.

const root = path.resolve(__dirname, '..');
const samples = path.resolve(root, '../shared/iso18626/samples');
const configDir = mkdtempSync(path.join(os.tmpdir(), 'ill-iso18626-'));
const peerOptions: FakePeerOptions = {
  callbackUrl: '',
  // The peer lends books and copies articles; a title that says so gets no answer, or a price to agree to.
  answers: (request) => {
    const title = `${request.bibliographicInfo.title} ${request.bibliographicInfo.titleOfComponent ?? ''}`;
    if (title.includes('(silent)') || request.serviceInfo?.requestType === 'Retry') return [];
    if (title.includes('(conditional)')) return [{ status: 'RetryPossible', reasonRetry: 'CostExceedsMaxCost', offeredCosts: { amount: 500, currency: 'CNY' } }];
    if (request.serviceInfo?.serviceType === 'Loan') return [{ status: 'RequestReceived' }, { status: 'Loaned', dueDate: '2027-01-15T00:00:00Z' }];
    return [{ status: 'RequestReceived' }, { status: 'WillSupply' }, { status: 'CopyCompleted', url: `https://keris.example/copies/${request.header.requestingAgencyRequestId}` }];
  },
};
const keris = fakeIso18626Peer(peerOptions);
let peerServer: { url: string; close: () => Promise<void> };
let app: TestService;
let serial = 0;

function sample(changes: Partial<IllRequest['citation']> = {}): IllRequest {
  const request = sampleRequest('korean-article-keris', `iso-${process.pid}-${++serial}`);
  return { ...request, citation: { ...request.citation, ...changes } };
}


/** Posts raw text to the network's ISO 18626 address, as a peer would. */
async function post(xml: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.service.url}/iso18626`, { method: 'POST', headers: { 'content-type': 'application/xml', ...headers }, body: xml });
  return { status: response.status, text: await response.text() };
}

/** The first message the peer received that `wanted` picks, once it arrives (within 20 s). */
async function received<M extends Iso18626Message>(wanted: (message: Iso18626Message) => message is M): Promise<M | undefined> {
  const deadline = Date.now() + 20_000;
  while (!keris.received.some(wanted) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return keris.received.find(wanted);
}

const requestTo = (requestId: string, requestType = 'New') => (m: Iso18626Message): m is Iso18626Request =>
  m.kind === 'request' && m.header.requestingAgencyRequestId === requestId && (m.serviceInfo?.requestType ?? 'New') === requestType;
const actionOn = (requestId: string, action: string) => (m: Iso18626Message): m is RequestingAgencyMessage =>
  m.kind === 'requestingAgencyMessage' && m.header.requestingAgencyRequestId === requestId && m.action === action;

async function confirmation(text: string) {
  const parsed = await parseMessage(text);
  if (!parsed.ok) throw new Error(`the network's confirmation is not valid ISO 18626: ${parsed.errorValue}`);
  return parsed.message as { kind: string; confirmationHeader: { messageStatus: string }; errorData?: { errorType: string; errorValue?: string } };
}

beforeAll(async () => {
  peerServer = await listen(keris);
  cpSync(path.join(root, 'config'), configDir, { recursive: true });
  const national = path.join(configDir, 'suppliers/national.yaml');
  writeFileSync(
    national,
    readFileSync(national, 'utf8')
      .replace('http://127.0.0.1:3100/iso18626/keris', `${peerServer.url}/iso18626/keris`)
      .replace('    agencyId: ISIL:KR-KERIS\n    services: [copy]\n', '    agencyId: ISIL:KR-KERIS\n    services: [copy, loan]\n')
      .replace('    agencyId: ISIL:CN-NSTL\n', '    agencyId: ISIL:CN-NSTL\n    auth: { type: bearer, tokenEnv: ILL_TEST_NSTL_TOKEN }\n'),
  );
  // ISO 18626 peers through their real adapter; the other suppliers answered by staff.
  app = await startTestService({ ILL_CONFIG_DIR: configDir }, staffAnswered('iso18626'));
  peerOptions.callbackUrl = `${app.service.url}/iso18626`;
  process.env.ILL_TEST_NSTL_TOKEN = 'nstl-secret';
});

afterAll(async () => {
  await app?.service.stop();
  await peerServer?.close();
  delete process.env.ILL_TEST_NSTL_TOKEN;
});

describe('requesting from an ISO 18626 peer', () => {
  it('sends the request, follows the peer’s answers to delivery, and acts once on a repeated answer', async () => {
    const request = sample();
    const reader = await app.token('reader', 'ybu', request.requester.patronId);
    expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
    const delivered = await app.until(request.id, reader, (body) => body.status === 'delivered');
    expect(delivered.delivery).toMatchObject({ supplierId: 'keris', url: `https://keris.example/copies/${request.id}` });
    await keris.settled();

    const sent = keris.received.find((m) => m.kind === 'request' && m.header.requestingAgencyRequestId === request.id) as Iso18626Request;
    expect(sent.header).toMatchObject({ supplyingAgencyId: { type: 'ISIL', value: 'KR-KERIS' }, requestingAgencyId: { type: 'ISIL', value: 'CN-CALIS' } });
    expect(sent.bibliographicInfo).toMatchObject({ title: '한국사연구', titleOfComponent: '조선족 이주사 연구', pagesRequested: '145-178' });
    expect(sent.serviceInfo).toMatchObject({ serviceType: 'Copy', serviceLevel: 'Normal' });
    for (const text of keris.confirmations.slice(-3)) expect((await confirmation(text)).confirmationHeader.messageStatus).toBe('OK');

    const again = await keris.say(sent, { status: 'CopyCompleted', url: `https://keris.example/copies/${request.id}` });
    expect((await confirmation(again)).confirmationHeader.messageStatus).toBe('OK');
    const after = await app.until(request.id, reader, (body) => body.status === 'delivered');
    expect(after.history.filter((h: { status: string }) => h.status === 'delivered')).toHaveLength(1);
  });

  it('passes a cancellation on to the peer that holds the request', async () => {
    const request = sample({ title: '조선족 이주사 연구 (silent)' });
    const librarian = await app.token('librarian', 'ybu');
    await app.call('POST', '/api/requests', librarian, request);
    await app.until(request.id, librarian, (body) => body.supplier?.id === 'keris' && body.status === 'with-supplier');
    expect((await app.call('POST', `/api/requests/${request.id}/cancel`, librarian, { reason: 'found in the reading room' })).status).toBe(200);
    expect(await received(actionOn(request.id, 'Cancel'))).toMatchObject({ action: 'Cancel', note: 'found in the reading room' });
  });

  it('follows a loan through the peer: loaned, received, overdue, recalled, returned, completed', async () => {
    const book = { ...sample(), service: 'loan' as const, citation: { title: '조선족 이주사', year: 2019, language: 'ko', subjects: ['humanities'] } };
    const librarian = await app.token('librarian', 'ybu');
    await app.call('POST', '/api/requests', librarian, book);
    const shipped = await app.until(book.id, librarian, (body) => body.status === 'shipped');
    expect(shipped.loan).toMatchObject({ supplierId: 'keris', dueDate: '2027-01-15T00:00:00.000Z' });
    const sent = keris.received.find((m) => m.kind === 'request' && m.header.requestingAgencyRequestId === book.id) as Iso18626Request;
    expect(sent.serviceInfo?.serviceType).toBe('Loan');
    const actions = () => keris.received.filter((m): m is RequestingAgencyMessage => m.kind === 'requestingAgencyMessage' && m.header.requestingAgencyRequestId === book.id).map((m) => m.action);

    await app.call('POST', `/api/requests/${book.id}/receive`, librarian, {});
    await app.until(book.id, librarian, (body) => body.status === 'loaned');
    await keris.say(sent, { status: 'Overdue' });
    await app.until(book.id, librarian, (body) => body.status === 'overdue');
    await keris.say(sent, { status: 'Recalled', reasonForMessage: 'StatusChange', dueDate: '2027-01-10T00:00:00Z' });
    expect((await app.until(book.id, librarian, (body) => body.status === 'recalled')).loan.dueDate).toBe('2027-01-10T00:00:00.000Z');
    await app.call('POST', `/api/requests/${book.id}/return`, librarian, {});
    await app.until(book.id, librarian, (body) => body.status === 'returned');
    await keris.say(sent, { status: 'LoanCompleted' });
    await app.until(book.id, librarian, (body) => body.status === 'completed');
    expect(actions()).toEqual(['Received', 'ShippedReturn']);
  });

  it('agrees to a peer’s price once the library approves it, by asking again at that price', async () => {
    const request = sample({ title: '조선족 이주사 연구 (conditional)' });
    const librarian = await app.token('librarian', 'ybu');
    await app.call('POST', '/api/requests', librarian, request);
    await app.until(request.id, librarian, (body) => body.status === 'awaiting-cost-approval');
    await app.call('POST', `/api/requests/${request.id}/approve-cost`, librarian, { approve: true });
    expect((await received(requestTo(request.id, 'Retry')))?.billingInfo?.maximumCosts).toEqual({ amount: 500, currency: 'CNY' });
  });

  it('tells the peer who asks and where the library takes delivery, in a request the schema admits', async () => {
    const request = sample({ title: '조선족 이주사 연구 (silent)' });
    const librarian = await app.token('librarian', 'ybu');
    await app.call('POST', '/api/requests', librarian, request);
    // The peer keeps only what passed the v1.2 schema: an invalid request would be missing here.
    const sent = await received(requestTo(request.id));
    const email = { electronicAddress: { electronicAddressType: 'Email', electronicAddressData: 'ill@lib.ybu.edu.cn' } };
    const desk = { physicalAddress: expect.objectContaining({ line2: '公园路977号 (977 Gongyuan Road)', locality: '延吉市 (Yanji)', postalCode: '133002', region: 'CN-JL', country: 'CN' }) };
    expect(sent?.requestedDeliveryInfo).toEqual([
      { sortOrder: 1, address: email },
      { sortOrder: 2, address: desk },
    ]);
    expect(sent?.requestingAgencyInfo).toEqual({ name: '延边大学图书馆 (Yanbian University Library)', address: [desk, email] });
    await app.call('POST', `/api/requests/${request.id}/cancel`, librarian, { reason: 'test over' });
  });

  describe('a loan condition the peer sets', () => {
    /** A silent request at the peer, which then will supply it only in the reading room. */
    async function conditional(librarian: string) {
      const request = sample({ title: '조선족 이주사 연구 (silent)' });
      await app.call('POST', '/api/requests', librarian, request);
      const sent = (await received(requestTo(request.id)))!;
      const now = new Date().toISOString();
      const retryPossible = buildSupplyingAgencyMessage({
        header: { ...sent.header, timestamp: now, supplyingAgencyRequestId: `peer-${request.id}` },
        messageInfo: { reasonForMessage: 'StatusChange', reasonRetry: 'LoanCondition', note: 'reading room only' },
        statusInfo: { status: 'RetryPossible', lastChange: now },
        deliveryInfo: { dateSent: now, loanCondition: 'LibraryUseOnly' },
      });
      expect((await confirmation((await post(retryPossible)).text)).confirmationHeader.messageStatus).toBe('OK');
      const asking = await app.until(request.id, librarian, (body) => body.status === 'awaiting-condition-approval');
      expect(asking.tasks).toEqual([
        expect.objectContaining({
          type: 'loanCondition',
          assignee: { role: 'librarian', libraryId: 'ybu' },
          dueAt: expect.any(String),
          detail: { supplierId: 'keris', condition: 'LibraryUseOnly', reason: 'LoanCondition: reading room only' },
        }),
      ]);
      return request;
    }

    it('accepted by the library, is agreed to by asking the peer again', async () => {
      const librarian = await app.token('librarian', 'ybu');
      const request = await conditional(librarian);
      // Another library's request answers as one that does not exist.
      expect((await app.call('POST', `/api/requests/${request.id}/loan-condition`, await app.token('librarian', 'pku'), { approve: true })).status).toBe(404);
      const accepted = await app.call('POST', `/api/requests/${request.id}/loan-condition`, librarian, { approve: true });
      expect(accepted).toMatchObject({ status: 200, body: { status: 'with-supplier', tasks: [] } });
      const retry = await received(requestTo(request.id, 'Retry'));
      expect(retry?.serviceInfo?.note).toBe('loan condition accepted: LibraryUseOnly');
      expect(retry?.requestedDeliveryInfo?.[0]?.address).toEqual({ electronicAddress: { electronicAddressType: 'Email', electronicAddressData: 'ill@lib.ybu.edu.cn' } });
      expect(retry?.billingInfo?.maximumCosts).toEqual({ amount: 50, currency: 'CNY' });
    });

    it('refused by the library, cancels the request at the peer and moves on', async () => {
      const librarian = await app.token('librarian', 'ybu');
      const request = await conditional(librarian);
      await app.call('POST', `/api/requests/${request.id}/loan-condition`, librarian, { approve: false, reason: 'the reader must take it home' });
      expect(await received(actionOn(request.id, 'Cancel'))).toMatchObject({ note: 'loan condition refused: LibraryUseOnly' });
      const moved = await app.until(request.id, librarian, (body) => body.tried?.length > 0);
      expect(moved.tried[0]).toMatchObject({ supplierId: 'keris', outcome: 'condition-refused', reason: 'LibraryUseOnly' });
    });
  });

  it("records the peer's notes and sends the library's notes to it, changing nothing else", async () => {
    const request = sample({ title: '조선족 이주사 연구 (silent)' });
    const librarian = await app.token('librarian', 'ybu');
    await app.call('POST', '/api/requests', librarian, request);
    const sent = (await received(requestTo(request.id)))!;
    await keris.say(sent, { status: 'WillSupply' });
    const promised = await app.until(request.id, librarian, (body) => body.supplier?.status === 'WillSupply');
    // The peer's note names its status as it sees it, an earlier one here.
    const notification = await keris.say(sent, { status: 'RequestReceived', reasonForMessage: 'Notification', note: 'the volume is at the bindery until Friday' });
    expect(await confirmation(notification)).toMatchObject({ confirmationHeader: { messageStatus: 'OK' } });
    const noted = await app.until(request.id, librarian, (body) => body.history.some((h: { note?: string }) => h.note === 'note from keris: the volume is at the bindery until Friday'));
    expect(noted).toMatchObject({ status: 'with-supplier', supplier: promised.supplier });

    const note = (body: unknown, token = librarian) => app.call('POST', `/api/requests/${request.id}/supplier-note`, token, body);
    const answer = await note({ note: 'Chapter 2 alone would do.' });
    expect(answer.status).toBe(200);
    expect(answer.body.history.at(-1)).toMatchObject({ by: 'librarian@ybu', supplierId: 'keris', note: 'note to keris: Chapter 2 alone would do.' });
    expect(await received(actionOn(request.id, 'Notification'))).toMatchObject({ note: 'Chapter 2 alone would do.' });
    expect(await note({ note: ' ' })).toMatchObject({ status: 400, body: { error: { message: '/body/note must not be blank' } } });
    expect((await note({ note: 'x'.repeat(2001) })).body.error.message).toMatch(/at most 2000 characters/);
    expect((await note({ text: 'hello' })).status).toBe(400);
    expect((await note({ note: 'from elsewhere' }, await app.token('librarian', 'pku'))).status).toBe(404);

    await app.call('POST', `/api/requests/${request.id}/cancel`, librarian, { reason: 'test over' });
    expect(await note({ note: 'are you there?' })).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('cancelled') } } });
  });

  it('moves on at once when the peer refuses the request', async () => {
    peerOptions.refuse = { errorType: 'UnrecognisedDataValue', errorValue: 'we do not lend abroad' };
    try {
      const request = sample();
      const librarian = await app.token('librarian', 'ybu');
      await app.call('POST', '/api/requests', librarian, request);
      const moved = await app.until(request.id, librarian, (body) => body.tried?.length > 0);
      expect(moved.tried[0]).toMatchObject({ supplierId: 'keris', outcome: 'send-failed', reason: 'rejected' });
    } finally {
      delete peerOptions.refuse;
    }
  });
});

describe('what any peer may send to POST /iso18626', () => {
  const invalid: [string, string][] = [
    ['msg-invalid.xml', 'BadlyFormedMessage'],
    ['reqmsg-invalid-action.xml', 'UnsupportedActionType'],
    ['supmsg-invalid-reason.xml', 'UnsupportedReasonForMessageType'],
    ['supmsg-invalid-status.xml', 'UnrecognisedDataValue'],
  ];

  it.each(invalid)('answers the sample %s with an ERROR confirmation of type %s', async (file, errorType) => {
    const answer = await post(readFileSync(path.join(samples, file), 'utf8'));
    expect(answer.status).toBe(200);
    expect(await confirmation(answer.text)).toMatchObject({ confirmationHeader: { messageStatus: 'ERROR' }, errorData: { errorType } });
  });

  it('answers every valid sample with a confirmation, changing no request it does not know', async () => {
    const valid = readdirSync(samples).filter((file) => file.endsWith('.xml') && !file.includes('invalid'));
    for (const file of valid) {
      const answer = await post(readFileSync(path.join(samples, file), 'utf8'));
      expect(answer.status, file).toBe(200);
      const confirmed = await confirmation(answer.text);
      expect(confirmed.kind, file).toMatch(/Confirmation$/);
    }
  });

  it('refuses external entities, entity bombs, oversized and malformed messages, and stays healthy', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ISO18626Message xmlns="http://illtransactions.org/2013/iso18626">&e;</ISO18626Message>`;
    const bomb = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><ISO18626Message>&c;</ISO18626Message>`;
    const oversized = `<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626">${' '.repeat(400 * 1024)}</ISO18626Message>`;
    for (const xml of [xxe, bomb, oversized, '<ISO18626Message><unclosed>', '', 'not xml at all']) {
      const answer = await post(xml);
      expect(answer.status).toBe(200);
      const confirmed = await confirmation(answer.text);
      expect(confirmed.errorData?.errorType).toBe('BadlyFormedMessage');
      expect(answer.text).not.toContain('root:');
    }
    expect((await app.call('GET', '/healthz')).status).toBe(200);
  });

  it('turns away a peer presenting the wrong credentials, and changes nothing', async () => {
    const request = readFileSync(path.join(samples, 'supmsg-ok.xml'), 'utf8')
      .replace(/<agencyIdValue>SUP_B<\/agencyIdValue>/, '<agencyIdValue>CN-NSTL</agencyIdValue>')
      .replace(/<agencyIdValue>SUP_A<\/agencyIdValue>/, '<agencyIdValue>CN-CALIS</agencyIdValue>');
    expect((await post(request)).status).toBe(401);
    expect((await post(request, { authorization: 'Bearer guess' })).status).toBe(401);
    const known = await post(request, { authorization: 'Bearer nstl-secret' });
    expect(known.status).toBe(200);
    expect(await confirmation(known.text)).toMatchObject({ errorData: { errorType: 'UnrecognisedDataValue', errorValue: expect.stringContaining('names no request') } });
  });
});

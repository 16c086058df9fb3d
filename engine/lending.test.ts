import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage, type Iso18626Message, Iso18626Request, SupplyingAgencyMessage } from '../adapters/iso18626';
import { UNFILLED_REASONS } from '../domain/lending';
import { fakeIso18626Borrower, type FakeBorrower } from '../simulator/iso18626-borrower';
import { listen } from '../simulator/vendor';
import { startTestService, type TestService } from '../test/service';
import { eventually } from '../test/eventually';

// Lending to outside systems over ISO 18626: the National Library's system (a configured peer)
// borrows from Peking University Library, whose librarians answer through the API; every answer
// reaches the borrower as a supplyingAgencyMessage, and the borrower's own messages reach them.

const samples = path.resolve(__dirname, '../../shared/iso18626/samples');
const PKU = 'ISIL:CN-PKU';
const NLC = 'ISIL:CN-100000-0';
let app: TestService;
let borrowerServer: { url: string; close: () => Promise<void> };
let borrower: FakeBorrower;
let librarian: string;
let configDir: string;
let serial = 0;

const article: Pick<Iso18626Request, 'bibliographicInfo' | 'serviceInfo'> & Partial<Iso18626Request> = {
  bibliographicInfo: { title: '北京大学学报', titleOfComponent: '燕园考古', authorOfComponent: '王; 李', volume: '61', pagesRequested: '12-20', bibliographicItemId: [{ code: 'ISSN', identifier: '1000-5919' }] },
  publicationInfo: { publicationDate: '2024' },
  serviceInfo: { serviceType: 'Copy', serviceLevel: 'Rush', requestType: 'New' },
  billingInfo: { maximumCosts: { amount: 50, currency: 'CNY' } },
};
const book: typeof article = { bibliographicInfo: { title: '中国考古学通论', author: '张' }, serviceInfo: { serviceType: 'Loan', requestType: 'New' } };

const confirmed = (message: Iso18626Message) => (message as { confirmationHeader: { messageStatus: string }; errorData?: { errorType: string; errorValue?: string } });
const nextId = () => `nlc-${process.pid}-${++serial}`;

/** The borrower asks Peking University and the lending request it became, as PKU's librarians list it. */
async function asked(request = article, lender = PKU) {
  const requestId = nextId();
  expect(confirmed(await borrower.ask(lender, requestId, request)).confirmationHeader.messageStatus).toBe('OK');
  const [first] = await borrower.heard(requestId, 1);
  const id = first!.header.supplyingAgencyRequestId!;
  return { requestId, id };
}

const answer = (id: string, body: Record<string, unknown>, token = librarian) => app.call('POST', `/api/lending/${id}/answer`, token, body);
const lendingRequest = async (id: string) => (await app.call('GET', `/api/lending/${id}`, librarian)).body;
const statuses = (messages: SupplyingAgencyMessage[]) => messages.map((message) => message.statusInfo.status);

const until = (id: string, check: (body: Record<string, any>) => boolean) => eventually(() => lendingRequest(id), check, (body) => `lending request ${id} is ${body.status}`);

beforeAll(async () => {
  borrower = fakeIso18626Borrower({ networkUrl: '', agencyId: NLC });
  borrowerServer = await listen(borrower);
  borrower.answersUrl = `${borrowerServer.url}/iso18626`;
  // The National Library's configured endpoint is the borrower's, for requests that give no address of their own.
  configDir = mkdtempSync(path.join(os.tmpdir(), 'ill-lending-'));
  cpSync(path.join(__dirname, '../config'), configDir, { recursive: true });
  const national = path.join(configDir, 'suppliers/national.yaml');
  // CASHL presents a token of its own, as a peer off this machine must.
  process.env.ILL_TEST_CASHL_TOKEN = 'cashl-secret';
  writeFileSync(
    national,
    readFileSync(national, 'utf8')
      .replace('http://127.0.0.1:3100/iso18626/nlc', borrower.answersUrl)
      .replace('    agencyId: ISIL:CN-CASHL\n', '    agencyId: ISIL:CN-CASHL\n    auth: { type: bearer, tokenEnv: ILL_TEST_CASHL_TOKEN }\n'),
  );
  app = await startTestService({ ILL_CONFIG_DIR: configDir });
  borrower.networkUrl = `${app.service.url}/iso18626`;
  librarian = await app.token('librarian', 'pku');
});

afterAll(async () => {
  await app?.service.stop();
  await borrowerServer?.close();
});

describe('lending to an outside ILL system', () => {
  it('takes a peer’s request for a copy, lists it for the lending library, and sends each answer back', async () => {
    const { requestId, id } = await asked();
    const listed = await app.call('GET', '/api/libraries/pku/lending?status=received', librarian);
    expect(listed.status).toBe(200);
    expect(listed.body.lending.find((item: { id: string }) => item.id === id)).toMatchObject({
      lenderId: 'pku',
      status: 'received',
      service: 'copy',
      urgency: 'rush',
      maxCost: { amount: 50, currency: 'CNY' },
      borrower: { agencyId: NLC, requestId, peerId: 'nlc', address: borrower.answersUrl },
      citation: { title: '燕园考古', journalTitle: '北京大学学报', authors: ['王', '李'], issn: '1000-5919', year: 2024, volume: '61', pages: '12-20' },
    });

    expect((await answer(id, { answer: 'will-supply', note: 'on the shelf' })).status).toBe(200);
    expect((await answer(id, { answer: 'copy-sent', url: 'https://lib.pku.edu.cn/ill/copies/1.pdf' })).status).toBe(200);
    const messages = await borrower.heard(requestId, 3);
    expect(statuses(messages)).toEqual(['RequestReceived', 'WillSupply', 'CopyCompleted']);
    expect(messages[0]!.messageInfo.reasonForMessage).toBe('RequestResponse');
    expect(messages[1]!.messageInfo).toMatchObject({ reasonForMessage: 'StatusChange', note: 'on the shelf' });
    expect(messages[2]!.deliveryInfo).toMatchObject({ itemId: 'https://lib.pku.edu.cn/ill/copies/1.pdf', sentVia: 'URL' });
    expect(messages[2]!.header).toMatchObject({ supplyingAgencyId: { type: 'ISIL', value: 'CN-PKU' }, requestingAgencyId: { type: 'ISIL', value: 'CN-100000-0' } });

    expect(confirmed(await borrower.act(PKU, requestId, 'Received')).confirmationHeader.messageStatus).toBe('OK');
    const done = await until(id, (body) => body.status === 'completed');
    expect(done.history.map((entry: { status: string }) => entry.status)).toEqual(['received', 'will-supply', 'copy-sent', 'completed']);
  });

  it('makes one lending request of a request sent twice, and answers it once', async () => {
    const { requestId, id } = await asked();
    expect(confirmed(await borrower.ask(PKU, requestId, article)).confirmationHeader.messageStatus).toBe('OK');
    await answer(id, { answer: 'expect-to-supply' });
    expect(statuses(await borrower.heard(requestId, 2))).toEqual(['RequestReceived', 'ExpectToSupply']);
    const listed = await app.call('GET', '/api/libraries/pku/lending?limit=200', librarian);
    expect(listed.body.lending.filter((item: { id: string }) => item.id === id)).toHaveLength(1);
  });

  it('lends a book: loaned, renewed when the borrower asks and the library agrees, returned, completed', async () => {
    const { requestId, id } = await asked(book);
    expect((await answer(id, { answer: 'copy-sent' })).body.error.message).toContain('asked for a loan, not a copy');
    await answer(id, { answer: 'loaned', dueDate: '2027-02-01T00:00:00.000Z' });
    expect(confirmed(await borrower.act(PKU, requestId, 'Renew', 'thesis defence in March')).confirmationHeader.messageStatus).toBe('OK');
    expect(await until(id, (body) => body.question !== undefined)).toMatchObject({ status: 'loaned', question: { kind: 'renew', note: 'thesis defence in March' } });
    await answer(id, { answer: 'renew', approve: true, dueDate: '2027-03-15T00:00:00.000Z' });
    const renewal = (await borrower.heard(requestId, 3))[2]!;
    expect(renewal).toMatchObject({ messageInfo: { reasonForMessage: 'RenewResponse', answerYesNo: 'Y' }, statusInfo: { status: 'Loaned', dueDate: '2027-03-15T00:00:00.000Z' } });

    await borrower.act(PKU, requestId, 'ShippedReturn');
    await until(id, (body) => body.status === 'return-shipped');
    await answer(id, { answer: 'return-received' });
    expect(statuses(await borrower.heard(requestId, 4))).toEqual(['RequestReceived', 'Loaned', 'Loaned', 'LoanCompleted']);
    await until(id, (body) => body.status === 'completed');
  });

  it('sets a price as a condition, and supplies once the borrower asks again agreeing to it', async () => {
    const { requestId, id } = await asked();
    await answer(id, { answer: 'conditional', cost: { amount: 80, currency: 'CNY' }, note: 'colour plates' });
    const condition = (await borrower.heard(requestId, 2))[1]!;
    expect(condition).toMatchObject({ statusInfo: { status: 'RetryPossible' }, messageInfo: { offeredCosts: { amount: 80, currency: 'CNY' }, note: 'colour plates' } });
    const tooLittle = await borrower.ask(PKU, requestId, { ...article, serviceInfo: { serviceType: 'Copy', requestType: 'Retry' } });
    expect(confirmed(tooLittle).errorData).toMatchObject({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringContaining('must agree to the price offered, 80 CNY') });
    const agreed = await borrower.ask(PKU, requestId, { ...article, serviceInfo: { serviceType: 'Copy', requestType: 'Retry' }, billingInfo: { maximumCosts: { amount: 80, currency: 'CNY' } } });
    expect(confirmed(agreed).confirmationHeader.messageStatus).toBe('OK');
    expect(statuses(await borrower.heard(requestId, 3))).toEqual(['RequestReceived', 'RetryPossible', 'WillSupply']);
    expect(await until(id, (body) => body.status === 'will-supply')).toMatchObject({ agreedCost: { amount: 80, currency: 'CNY' } });
  });

  it('passes the borrower’s cancel request to the librarians, and tells the borrower their answer', async () => {
    const { requestId, id } = await asked();
    await borrower.act(PKU, requestId, 'Cancel', 'found it locally');
    await until(id, (body) => body.question?.kind === 'cancel');
    await answer(id, { answer: 'cancel', approve: true });
    const answered = (await borrower.heard(requestId, 2))[1]!;
    expect(answered).toMatchObject({ statusInfo: { status: 'Cancelled' }, messageInfo: { reasonForMessage: 'CancelResponse', answerYesNo: 'Y' } });
    await until(id, (body) => body.status === 'cancelled');
    const late = confirmed(await borrower.act(PKU, requestId, 'Renew'));
    expect(late.errorData).toMatchObject({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringContaining('cancelled') });
  });

  it('answers a status request with the status, and refuses a cancel once the copy is sent', async () => {
    const { requestId, id } = await asked();
    await answer(id, { answer: 'copy-sent' });
    await borrower.heard(requestId, 2);
    expect(confirmed(await borrower.act(PKU, requestId, 'Cancel')).errorData?.errorValue).toContain('supplied already');
    await borrower.act(PKU, requestId, 'StatusRequest');
    const reply = (await borrower.heard(requestId, 3))[2]!;
    expect(reply).toMatchObject({ messageInfo: { reasonForMessage: 'StatusRequestResponse' }, statusInfo: { status: 'CopyCompleted' } });
    expect(reply.deliveryInfo).toBeUndefined();
  });

  it('takes a request sent again after its lending request ended as the same request, and starts nothing new', async () => {
    const { requestId, id } = await asked();
    await answer(id, { answer: 'unfilled', reason: 'NotOnShelf' });
    await until(id, (body) => body.status === 'unfilled');
    await borrower.heard(requestId, 2);
    expect(confirmed(await borrower.ask(PKU, requestId, article)).confirmationHeader.messageStatus).toBe('OK');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(statuses(borrower.received.filter((m) => m.header.requestingAgencyRequestId === requestId))).toEqual(['RequestReceived', 'Unfilled']);
    expect((await lendingRequest(id)).status).toBe('unfilled');
  });

  it.each(UNFILLED_REASONS)('tells the borrower the request is unfilled because %s', async (reason) => {
    const { requestId, id } = await asked();
    expect((await answer(id, { answer: 'unfilled', reason })).status).toBe(200);
    expect((await borrower.heard(requestId, 2))[1]).toMatchObject({ statusInfo: { status: 'Unfilled' }, messageInfo: { reasonUnfilled: reason } });
  });
});

describe('the shared samples, sent by a peer to a service library', () => {
  /** A sample as the National Library would send it to Peking University, under request ids of this run. */
  const addressed = (file: string, requestId: (sent: string) => string) =>
    readFileSync(path.join(samples, file), 'utf8')
      .replace(/(<(?:\w+:)?supplyingAgencyId>\s*<(?:\w+:)?agencyIdType>)[^<]*(<\/(?:\w+:)?agencyIdType>\s*<(?:\w+:)?agencyIdValue>)[^<]*/, '$1ISIL$2CN-PKU')
      .replace(/(<(?:\w+:)?requestingAgencyId>\s*<(?:\w+:)?agencyIdType>)[^<]*(<\/(?:\w+:)?agencyIdType>\s*<(?:\w+:)?agencyIdValue>)[^<]*/, '$1ISIL$2CN-100000-0')
      .replace(/(<(?:\w+:)?requestingAgencyRequestId>)([^<]*)/, (_, open: string, sent: string) => open + (sent ? requestId(sent) : ''));
  const post = async (xml: string) => {
    const response = await fetch(`${app.service.url}/iso18626`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });
    const parsed = await parseMessage(await response.text());
    if (!parsed.ok) throw new Error(parsed.errorValue);
    return confirmed(parsed.message);
  };
  const run = `samples-${process.pid}`;

  it('takes every request sample as a lending request, and refuses the one without a request id', async () => {
    const requests = readdirSync(samples).filter((file) => /^(req|renew-req|cancel-req|error-req|request-.*)\.xml$/.test(file));
    expect(requests.length).toBeGreaterThan(20);
    for (const file of requests) {
      const confirmation = await post(addressed(file, () => `${run}-${file}`));
      if (file === 'request-no-reqid.xml') expect(confirmation.errorData, file).toMatchObject({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringContaining('requestingAgencyRequestId is empty') });
      else expect(confirmation.confirmationHeader.messageStatus, `${file}: ${confirmation.errorData?.errorValue}`).toBe('OK');
    }
    const listed = await app.call('GET', '/api/libraries/pku/lending?limit=200', librarian);
    const borrowerIds = listed.body.lending.map((item: { borrower: { requestId: string } }) => item.borrower.requestId);
    expect(borrowerIds).toEqual(expect.arrayContaining(requests.filter((file) => file !== 'request-no-reqid.xml').map((file) => `${run}-${file}`)));
  });

  it('passes the borrower-message samples on to the lending request they name', async () => {
    const requestId = `${run}-req.xml`;
    for (const file of ['reqmsg-notification.xml', 'reqmsg-ok.xml']) {
      expect((await post(addressed(file, () => requestId))).confirmationHeader.messageStatus, file).toBe('OK');
    }
    expect((await post(addressed('reqmsg-no-reqid.xml', () => requestId))).errorData?.errorType).toBe('UnrecognisedDataValue');
    const [listed] = (await app.call('GET', `/api/libraries/pku/lending?limit=200`, librarian)).body.lending.filter((item: { borrower: { requestId: string } }) => item.borrower.requestId === requestId);
    expect(await lendingRequest(listed.id)).toMatchObject({ question: { kind: 'cancel' } });
  });
});

describe('a new peer', () => {
  it('borrows once its entry is written and the configuration reloaded, and hears at its configured endpoint', async () => {
    const dtu = fakeIso18626Borrower({ networkUrl: borrower.networkUrl, agencyId: 'ISIL:DK-820010' });
    const server = await listen(dtu);
    try {
      const requestId = nextId();
      expect(confirmed(await dtu.ask(PKU, requestId, article)).errorData?.errorValue).toBe('requestingAgencyId ISIL:DK-820010 is not a peer of this network');
      writeFileSync(
        path.join(configDir, 'suppliers/dtu.yaml'),
        [
          'suppliers:',
          '  - id: dtu',
          '    name: DTU Library',
          '    kind: overseas',
          '    adapter: iso18626',
          `    endpoint: ${server.url}/iso18626`,
          '    agencyId: ISIL:DK-820010',
          '    services: [copy]',
          '    formats: [pdf]',
          '    coverage: { languages: [en] }',
          '    cost: { currency: CNY, perArticle: 80 }',
          '    capacityPerDay: 20',
          '    sendMode: auto',
          '    status: { state: active }',
          '    region: overseas',
          '',
        ].join('\n'),
      );
      expect((await app.call('POST', '/api/admin/config/reload', await app.token('administrator', 'centre'))).status).toBe(200);
      // No address in the request: answers go to the endpoint configured for the peer.
      expect(confirmed(await dtu.ask(PKU, requestId, article)).confirmationHeader.messageStatus).toBe('OK');
      expect((await dtu.heard(requestId, 1))[0]).toMatchObject({ statusInfo: { status: 'RequestReceived' }, header: { requestingAgencyId: { type: 'ISIL', value: 'DK-820010' } } });
    } finally {
      await server.close();
    }
  });
});

describe('what lending refuses', () => {
  it('refuses answers that do not fit, malformed answers, and other libraries’ staff, changing nothing', async () => {
    const { requestId, id } = await asked();
    expect((await answer(id, { answer: 'return-received' })).status).toBe(409);
    expect((await answer(id, { answer: 'unfilled', reason: 'Bored' })).body.error.message).toContain('reason must be one of NotHeld');
    expect((await answer(id, { answer: 'loaned', dueDate: 'soon', extra: 1 })).status).toBe(400);
    expect((await answer(id, { answer: 'shrug' })).status).toBe(400);
    expect((await answer(id, { answer: 'will-supply' }, await app.token('librarian', 'tsinghua'))).status).toBe(404);
    expect((await app.call('GET', '/api/libraries/pku/lending', await app.token('librarian', 'tsinghua'))).status).toBe(403);
    expect((await app.call('GET', '/api/libraries/pku/lending', await app.token('reader', 'pku'))).status).toBe(403);
    expect((await app.call('GET', '/api/libraries/pku/lending?status=lost', librarian)).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(statuses(borrower.received.filter((m) => m.header.requestingAgencyRequestId === requestId))).toEqual(['RequestReceived']);
    expect((await lendingRequest(id)).status).toBe('received');
  });

  it('turns away a borrower presenting the wrong credentials, and makes no lending request', async () => {
    const requestId = nextId();
    const cashl = (authorization?: string) =>
      Object.assign(fakeIso18626Borrower({ networkUrl: borrower.networkUrl, agencyId: 'ISIL:CN-CASHL', ...(authorization ? { authorization } : {}) }), { answersUrl: borrower.answersUrl });
    expect(confirmed(await cashl().ask(PKU, requestId, article)).errorData?.errorValue).toBe('the credentials presented are not those of cashl');
    expect(confirmed(await cashl('Bearer guess').ask(PKU, requestId, article)).confirmationHeader.messageStatus).toBe('ERROR');
    const listed = async () => (await app.call('GET', '/api/libraries/pku/lending?limit=200', librarian)).body.lending.filter((item: { borrower: { requestId: string } }) => item.borrower.requestId === requestId);
    expect(await listed()).toEqual([]);
    expect(confirmed(await cashl('Bearer cashl-secret').ask(PKU, requestId, article)).confirmationHeader.messageStatus).toBe('OK');
    expect(await listed()).toHaveLength(1);
  });

  it('answers messages it cannot take with an ERROR confirmation that says why', async () => {
    const unknownLender = confirmed(await borrower.ask('ISIL:CN-NOWHERE', nextId(), article));
    expect(unknownLender.errorData).toMatchObject({ errorType: 'UnrecognisedDataValue', errorValue: expect.stringContaining('no service library') });
    const stranger = fakeIso18626Borrower({ networkUrl: `${app.service.url}/iso18626`, agencyId: 'ISIL:XX-STRANGER' });
    expect(confirmed(await stranger.ask(PKU, nextId(), article)).errorData?.errorValue).toContain('is not a peer of this network');
    expect(confirmed(await borrower.act(PKU, 'never-asked', 'Cancel')).errorData?.errorValue).toContain("names no lending request of ISIL:CN-PKU");
    const { requestId } = await asked();
    expect(confirmed(await borrower.act(PKU, requestId, 'ShippedForward')).errorData?.errorType).toBe('UnsupportedActionType');
    expect(confirmed(await borrower.act('ISIL:CN-TSINGHUA', requestId, 'Cancel')).errorData?.errorValue).toContain('names no lending request of ISIL:CN-TSINGHUA');
  });
});

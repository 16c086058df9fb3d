import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage, type Iso18626Request, type RequestingAgencyMessage } from '../adapters/iso18626';
import type { IllRequest } from '../domain/request';
import type { Iso18626Status } from '../domain/supplier-messages';
import { fakeIso18626Peer, type FakePeerOptions, type PeerAnswer } from '../simulator/iso18626-peer';
import { listen } from '../simulator/vendor';
import { tryDeadline } from '../rules/clock';
import { loadNetwork } from '../rules/load';
import { networkWithKerisAt } from '../test/fixtures/iso18626-network';
import { sampleRequest, staffAnswered, startTestService, type TestService } from '../test/service';
import { eventually } from '../test/eventually';

// Every status an ISO 18626 peer may send about a request the network gave it, one request each,
// through the real adapter and POST /iso18626: what the request does with it. The peer here says only
// what each case tells it to (`say`), in order, and the next message goes once the last was acted on.
// engine/iso18626.test.ts follows whole exchanges (a copy delivered, a loan's cycle, a price agreed).

const HOUR = 3_600_000;
/** The standard's code list for reasonUnfilled (ISO 18626 maintenance agency). */
const REASONS_UNFILLED = ['NonCirculating', 'NotAvailableForILL', 'NotHeld', 'NotOnShelf', 'PolicyProblem', 'PoorCondition'];
/** The copy request's rota after Keris, the peer (config/requests/korean-article-keris.json). */
const NEXT_SUPPLIER = 'nlc';

type Body = Record<string, any>;
type Entry = { status: string; note?: string; supplierId?: string; at: string };
/** What happens to a request, in order: the peer speaks, or the requesting library acts through the API. */
type Step = PeerAnswer | { library: 'receive' | 'return' | 'cancel' } | { approveCost: boolean };

interface Case {
  title: string;
  status: Iso18626Status;
  service?: 'copy' | 'loan';
  /** A copy the rules give 12 hours per supplier (a medical article), shorter than any promise extends it. */
  urgent?: boolean;
  steps: (id: string) => Step[];
  /** The request once the last step has been acted on. */
  done: (body: Body) => boolean;
  check: (body: Body, seen: Seen) => void;
}

interface Seen {
  /** The request as it stood when the peer had it, before any step. */
  sent: Body;
  /** Messages the network sent the peer about the request. */
  received: () => Iso18626Request[];
  actions: () => string[];
  /** The network's confirmation of the peer's last message. */
  lastConfirmation: { status: string; errorValue?: string };
}

const peerOptions: FakePeerOptions = { callbackUrl: '' };
const peer = fakeIso18626Peer(peerOptions);
let peerServer: { url: string; close: () => Promise<void> };
let configDir: string;
let app: TestService;
let librarian: string;
let serial = 0;

const last = (body: Body): Entry => body.history.at(-1);
const entries = (body: Body, supplierId: string): Entry[] => body.history.filter((entry: Entry) => entry.supplierId === supplierId);
/** The deadline the send gave Keris: the decision's hours counted in Keris's working hours from the send. */
function sentDeadline(body: Body): number {
  const sent = entries(body, 'keris').find((entry) => entry.note === 'try 1')!;
  return Date.parse(tryDeadline(loadNetwork(configDir).config!, 'keris', body.decision.deadlineHours, sent.at).at!);
}
const inDays = (days: number) => new Date(Date.now() + days * 24 * HOUR).toISOString().replace(/\.\d{3}Z$/, '.000Z');

function requestFor(kase: Case): IllRequest {
  const request = sampleRequest('korean-article-keris', `statuses-${process.pid}-${++serial}`);
  if (kase.service === 'loan') return { ...request, service: 'loan', citation: { title: `조선족 이주사 ${serial}`, year: 2019, language: 'ko', subjects: ['humanities'] } };
  // A journal title of its own: from the 11th copy from one title in a year a librarian reviews the request.
  const citation = { ...request.citation, journalTitle: `${request.citation.journalTitle} ${serial}` };
  return { ...request, citation: kase.urgent ? { ...citation, subjects: ['medicine'] } : citation };
}

/** Plays the case's steps, each once the one before has been acted on; the peer's last confirmation is kept. */
async function play(kase: Case, request: IllRequest, sent: Iso18626Request): Promise<Seen['lastConfirmation']> {
  let confirmation: Seen['lastConfirmation'] = { status: 'none' };
  for (const step of kase.steps(request.id)) {
    const { body: before } = await app.call('GET', `/api/requests/${request.id}`, librarian);
    if ('status' in step) {
      const parsed = await parseMessage(await peer.say(sent, step));
      if (!parsed.ok) throw new Error(`the network's confirmation is not ISO 18626: ${parsed.errorValue}`);
      const { confirmationHeader, errorData } = parsed.message as { confirmationHeader: { messageStatus: string }; errorData?: { errorValue?: string } };
      confirmation = { status: confirmationHeader.messageStatus, errorValue: errorData?.errorValue };
    } else if ('library' in step) {
      const answer = await app.call('POST', `/api/requests/${request.id}/${step.library}`, librarian, step.library === 'cancel' ? { reason: 'found in the reading room' } : {});
      expect(answer.status, `${step.library}: ${JSON.stringify(answer.body)}`).toBe(200);
    } else {
      await app.until(request.id, librarian, (body) => body.tasks.some((task: { type: string }) => task.type === 'approveCost'));
      expect((await app.call('POST', `/api/requests/${request.id}/approve-cost`, librarian, { approve: step.approveCost })).status).toBe(200);
    }
    // Acted on: the request noted something, or it has ended (a message about an ended request notes nothing).
    await app.until(request.id, librarian, (body) => body.history.length > before.history.length || ['cancelled', 'completed'].includes(body.status));
  }
  return confirmation;
}

const copyCases: Case[] = [
  {
    title: 'notes RequestReceived and goes on waiting for the supplier',
    status: 'RequestReceived',
    steps: () => [{ status: 'RequestReceived' }],
    done: (body) => body.supplier?.status === 'RequestReceived',
    check: (body) => {
      expect(body).toMatchObject({ status: 'with-supplier', supplier: { id: 'keris', status: 'RequestReceived' } });
      expect(Date.parse(body.supplier.deadline)).toBe(sentDeadline(body));
      expect(last(body)).toMatchObject({ status: 'with-supplier', supplierId: 'keris', note: 'RequestReceived' });
    },
  },
  ...(['ExpectToSupply', 'WillSupply'] as const).map(
    (status): Case => ({
      title: `gives the supplier more time on ${status}: ${status === 'WillSupply' ? 48 : 24} hours from when it says so`,
      status,
      urgent: true,
      steps: () => [{ status }],
      done: (body) => body.supplier?.status === status,
      check: (body) => {
        const entry = last(body);
        // The promise extends the deadline the send set, never shortens it.
        const deadline = Math.max(sentDeadline(body), Date.parse(entry.at) + (status === 'WillSupply' ? 48 : 24) * HOUR);
        expect(Date.parse(body.supplier.deadline)).toBe(deadline);
        expect(entry).toMatchObject({ status: 'with-supplier', supplierId: 'keris', note: `${status}; deadline ${body.supplier.deadline}` });
      },
    }),
  ),
  {
    title: 'accepts by itself a RetryPossible price within the library’s limit, asks the peer again at it, and charges it on the fill',
    status: 'RetryPossible',
    steps: (id) => [
      { status: 'RetryPossible', offeredCosts: { amount: 45, currency: 'CNY' } },
      { status: 'CopyCompleted', url: `https://keris.example/copies/${id}` },
    ],
    done: (body) => body.status === 'delivered',
    check: (body, { received }) => {
      const retry = received().find((message) => message.serviceInfo?.requestType === 'Retry');
      expect(retry?.billingInfo?.maximumCosts).toEqual({ amount: 45, currency: 'CNY' });
      expect(entries(body, 'keris').map((entry) => entry.note)).toContain('cost 45 CNY accepted');
      expect(body.tasks.filter((task: { type: string }) => task.type === 'approveCost')).toEqual([]);
      expect(body.charges).toMatchObject([{ supplierId: 'keris', amount: 45, currency: 'CNY' }]);
    },
  },
  {
    title: 'asks the library about a RetryPossible price above its limit and, refused, cancels at the peer and moves on',
    status: 'RetryPossible',
    steps: () => [{ status: 'RetryPossible', offeredCosts: { amount: 80, currency: 'CNY' } }, { approveCost: false }],
    done: (body) => body.supplier?.id === NEXT_SUPPLIER,
    check: (body, { actions }) => {
      expect(body.tried).toMatchObject([{ supplierId: 'keris', outcome: 'cost-refused', reason: '80 CNY' }]);
      expect(body.history.map((entry: Entry) => entry.status)).toContain('awaiting-cost-approval');
      expect(actions()).toEqual(['Cancel']);
      expect(body).toMatchObject({ status: 'with-supplier', supplier: { id: NEXT_SUPPLIER } });
    },
  },
  ...REASONS_UNFILLED.map(
    (reason): Case => ({
      title: `takes Unfilled (${reason}) as the supplier declining, records why and moves on to the next supplier`,
      status: 'Unfilled',
      steps: () => [{ status: 'Unfilled', reasonUnfilled: reason }],
      done: (body) => body.supplier?.id === NEXT_SUPPLIER,
      check: (body) => {
        expect(body.tried).toMatchObject([{ supplierId: 'keris', outcome: 'unfilled', reason }]);
        expect(entries(body, 'keris').at(-1)).toMatchObject({ status: 'with-supplier', note: `Unfilled: ${reason}` });
        expect(last(body)).toMatchObject({ status: 'with-supplier', supplierId: NEXT_SUPPLIER, note: 'try 2' });
        expect(body.delivery).toBeUndefined();
      },
    }),
  ),
  {
    title: 'delivers the copy of a CopyCompleted at its link and charges the supplier’s price',
    status: 'CopyCompleted',
    steps: (id) => [{ status: 'CopyCompleted', url: `https://keris.example/copies/${id}` }],
    done: (body) => body.status === 'delivered',
    check: (body) => {
      expect(body.delivery).toMatchObject({ kind: 'copy', supplierId: 'keris', url: `https://keris.example/copies/${body.requestId}` });
      // Keris's configured price for an article.
      expect(body.charges).toMatchObject([{ supplierId: 'keris', amount: 30, currency: 'CNY' }]);
      expect(body.supplier).toBeUndefined();
    },
  },
  {
    title: 'confirms the peer’s Cancelled in answer to the library’s cancel and leaves the cancelled request as it was',
    status: 'Cancelled',
    steps: () => [{ status: 'RequestReceived' }, { library: 'cancel' }, { status: 'Cancelled', reasonForMessage: 'CancelResponse' }],
    done: (body) => body.status === 'cancelled',
    check: (body, { actions, lastConfirmation }) => {
      expect(actions()).toEqual(['Cancel']);
      expect(body).toMatchObject({ status: 'cancelled', reason: 'found in the reading room' });
      expect(last(body)).toMatchObject({ status: 'cancelled', note: 'found in the reading room' });
      expect(body.history.filter((entry: Entry) => entry.status === 'cancelled')).toHaveLength(1);
      // The request ended when the library cancelled; the peer's answer to that cancel is still confirmed.
      expect(lastConfirmation).toEqual({ status: 'OK', errorValue: undefined });
    },
  },
];

const loaned = (dueDate = inDays(30)): Step[] => [{ status: 'Loaned', dueDate }, { library: 'receive' }];

const loanCases: Case[] = [
  {
    title: 'ships the loan of a Loaned, due when the peer says, and asks the library to receive it',
    status: 'Loaned',
    service: 'loan',
    steps: () => [{ status: 'Loaned', dueDate: inDays(30) }],
    done: (body) => body.status === 'shipped',
    check: (body) => {
      expect(body.loan).toMatchObject({ supplierId: 'keris', renewals: 0 });
      expect(Date.parse(body.loan.dueDate)).toBeGreaterThan(Date.now() + 29 * 24 * HOUR);
      expect(body.tasks.map((task: { type: string }) => task.type)).toEqual(['receive']);
      expect(last(body)).toMatchObject({ status: 'shipped', supplierId: 'keris', note: `due ${body.loan.dueDate}` });
    },
  },
  {
    title: 'marks the loan overdue on the peer’s Overdue',
    status: 'Overdue',
    service: 'loan',
    steps: () => [...loaned(), { status: 'Overdue' }],
    done: (body) => body.status === 'overdue',
    check: (body) => {
      expect(last(body)).toMatchObject({ status: 'overdue', supplierId: 'keris', note: 'the supplier reports the item overdue' });
      expect(body.history.filter((entry: Entry) => entry.status === 'overdue')).toHaveLength(1);
    },
  },
  {
    title: 'brings the due date forward on the peer’s Recalled',
    status: 'Recalled',
    service: 'loan',
    steps: () => [...loaned(inDays(30)), { status: 'Recalled', dueDate: inDays(7) }],
    done: (body) => body.status === 'recalled',
    check: (body) => {
      expect(Math.abs(Date.parse(body.loan.dueDate) - (Date.now() + 7 * 24 * HOUR))).toBeLessThan(HOUR);
      expect(last(body)).toMatchObject({ status: 'recalled', supplierId: 'keris', note: `recalled; due ${body.loan.dueDate}` });
    },
  },
  {
    title: 'completes a returned loan once the peer confirms it with LoanCompleted',
    status: 'LoanCompleted',
    service: 'loan',
    steps: () => [...loaned(), { library: 'return' }, { status: 'LoanCompleted' }],
    done: (body) => body.status === 'completed',
    check: (body, { actions }) => {
      expect(actions()).toEqual(['Received', 'ShippedReturn']);
      expect(body.history.map((entry: Entry) => entry.status).slice(-3)).toEqual(['loaned', 'returned', 'completed']);
      expect(last(body)).toMatchObject({ status: 'completed', note: 'return confirmed by the supplier' });
    },
  },
  {
    title: 'completes a loan the peer closes with CompletedWithoutReturn, with no return from the library',
    status: 'CompletedWithoutReturn',
    service: 'loan',
    steps: () => [...loaned(), { status: 'CompletedWithoutReturn' }],
    done: (body) => body.status === 'completed',
    check: (body, { actions }) => {
      expect(actions()).toEqual(['Received']);
      expect(body.history.map((entry: Entry) => entry.status)).not.toContain('returned');
      expect(last(body)).toMatchObject({ status: 'completed', note: 'CompletedWithoutReturn' });
    },
  },
];

beforeAll(async () => {
  peerServer = await listen(peer);
  configDir = networkWithKerisAt(peerServer.url);
  app = await startTestService({ ILL_CONFIG_DIR: configDir }, staffAnswered('iso18626'));
  peerOptions.callbackUrl = `${app.service.url}/iso18626`;
  librarian = await app.token('librarian', 'ybu');
});

afterAll(async () => {
  await app?.service.stop();
  await peerServer?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe.each([
  ['a copy', copyCases],
  ['a loan', loanCases],
])('each ISO 18626 status a peer sends about %s the network asked of it', (_, cases) => {
  it.each(cases.map((kase) => [kase.status, kase.title, kase] as const))('%s: %s', async (_status, _title, kase) => {
    const request = requestFor(kase);
    expect((await app.call('POST', '/api/requests', librarian, request)).status).toBe(201);
    const sent = await app.until(request.id, librarian, (body) => body.status === 'with-supplier' && body.supplier?.id === 'keris' && body.history.length > 0);
    const received = () => peer.received.filter((message) => (message as { header?: { requestingAgencyRequestId?: string } }).header?.requestingAgencyRequestId === request.id);
    const original = await waitFor(() => received().find((message): message is Iso18626Request => message.kind === 'request'));
    const lastConfirmation = await play(kase, request, original);
    const body = await app.until(request.id, librarian, kase.done);
    kase.check(body, {
      sent,
      lastConfirmation,
      received: () => received().filter((message): message is Iso18626Request => message.kind === 'request'),
      actions: () => received().filter((message): message is RequestingAgencyMessage => message.kind === 'requestingAgencyMessage').map((message) => message.action),
    });
  });
});

const waitFor = async <T>(find: () => T | undefined): Promise<T> => (await eventually(find, (found) => found !== undefined, () => 'the peer was never sent the request'))!;

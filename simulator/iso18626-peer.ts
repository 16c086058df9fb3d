// A peer ILL system speaking ISO 18626 v1.2 over HTTP, for tests and the supplier simulator: it
// confirms what the network sends it and then, as a real peer does, answers each request with
// supplying-agency messages posted to the network's own ISO 18626 address.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  buildConfirmation,
  buildSupplyingAgencyMessage,
  parseMessage,
  type DeliveryInfo,
  type ErrorType,
  type Header,
  type Iso18626Message,
  type Iso18626Request,
  type ReasonForMessage,
  type RequestingAgencyMessage,
} from '../adapters/iso18626';
import type { Money } from '../domain/request';
import type { Iso18626Status } from '../domain/supplier-messages';

/** One message the peer sends about a request, and what it adds to the standard's fields. */
export interface PeerAnswer {
  status: Iso18626Status;
  reasonForMessage?: ReasonForMessage;
  note?: string;
  reasonUnfilled?: string;
  /** RetryPossible: why, as the standard's codes say (`CostExceedsMaxCost`). */
  reasonRetry?: string;
  offeredCosts?: Money;
  /** CopyCompleted: where the copy is, as the delivery's item id (v1.2 has no URL element). */
  url?: string;
  /** CopyCompleted, Loaned: what the supply costs the network. */
  deliveryCosts?: Money;
  dueDate?: string;
}

export interface FakePeerOptions {
  /** Where the network takes ISO 18626 messages (`<publicUrl>/iso18626`). */
  callbackUrl: string;
  /** What the peer presents calling back, as an Authorization header value. */
  authorization?: string;
  /** How the peer answers each request; nothing when absent. */
  answers?: (request: Iso18626Request) => PeerAnswer[];
  /** Confirms a request with this error instead of OK. */
  refuse?: { errorType: ErrorType; errorValue: string };
  /** How long the peer's staff take before each answer to a request, knowing how many answers they send. */
  answerDelayMs?: number | ((request: Iso18626Request, answers: number) => number);
  /** What goes wrong with the peer's answers to a request, as real peers misbehave. */
  misbehaves?: (request: Iso18626Request) => PeerFault[];
}

/**
 * `duplicate`: every answer is sent twice; `outOfOrder`: a RequestReceived follows the last
 * answer; `malformed`: a broken document goes first; `refuse`: the request is confirmed with an ERROR.
 */
export type PeerFault = 'duplicate' | 'outOfOrder' | 'malformed' | 'refuse';

export interface FakePeer {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Every valid message the network sent, in order of arrival. */
  readonly received: Iso18626Message[];
  /** The network's confirmation of each message the peer sent, as text. */
  readonly confirmations: string[];
  /** Posts a supplying-agency message about a request the peer was sent, as the peer would. */
  say(request: Iso18626Request, answer: PeerAnswer): Promise<string>;
  /** Resolves once every answer the peer has started posting is confirmed. */
  settled(): Promise<void>;
}

function deliveryInfo(dateSent: string, { url, deliveryCosts }: PeerAnswer): DeliveryInfo {
  return { dateSent, ...(url ? { itemId: url, sentVia: 'URL' } : {}), ...(deliveryCosts ? { deliveryCosts } : {}) };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function fakeIso18626Peer(options: FakePeerOptions): FakePeer {
  const received: Iso18626Message[] = [];
  const confirmations: string[] = [];
  const posting: Promise<unknown>[] = [];

  const say = async (request: Iso18626Request, answer: PeerAnswer): Promise<string> => {
    const now = new Date().toISOString();
    const header: Header = { ...request.header, timestamp: now, supplyingAgencyRequestId: `peer-${request.header.requestingAgencyRequestId}` };
    const xml = buildSupplyingAgencyMessage({
      header,
      messageInfo: {
        reasonForMessage: answer.reasonForMessage ?? 'StatusChange',
        ...(answer.note ? { note: answer.note } : {}),
        ...(answer.reasonUnfilled ? { reasonUnfilled: answer.reasonUnfilled } : {}),
        ...(answer.reasonRetry ? { reasonRetry: answer.reasonRetry } : {}),
        ...(answer.offeredCosts ? { offeredCosts: answer.offeredCosts } : {}),
      },
      statusInfo: { status: answer.status, lastChange: now, ...(answer.dueDate ? { dueDate: answer.dueDate } : {}) },
      ...(answer.url || answer.deliveryCosts ? { deliveryInfo: deliveryInfo(now, answer) } : {}),
    });
    const response = await fetch(options.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', ...(options.authorization ? { authorization: options.authorization } : {}) },
      body: xml,
    });
    const text = await response.text();
    confirmations.push(text);
    return text;
  };

  /** The answers as a misbehaving peer sends them. */
  const sent = (request: Iso18626Request, faults: PeerFault[]): (PeerAnswer | 'malformed')[] => {
    const answers = options.answers?.(request) ?? [];
    const twice = faults.includes('duplicate') ? answers.flatMap((answer) => [answer, answer]) : answers;
    const late: PeerAnswer[] = faults.includes('outOfOrder') && answers.length > 1 ? [{ status: 'RequestReceived', note: 'late' }] : [];
    return [...(faults.includes('malformed') ? ['malformed' as const] : []), ...twice, ...late];
  };

  const postRaw = async (text: string) => {
    const response = await fetch(options.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: text });
    confirmations.push(await response.text());
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const parsed = await parseMessage(await body(req));
    res.setHeader('content-type', 'application/xml');
    if (!parsed.ok) {
      res.end(buildConfirmation('request', parsed.header ?? {}, { status: 'ERROR', errorType: parsed.errorType, errorValue: parsed.errorValue }));
      return;
    }
    const message = parsed.message;
    received.push(message);
    if (message.kind === 'request') {
      const faults = options.misbehaves?.(message) ?? [];
      const refusal = options.refuse ?? (faults.includes('refuse') ? { errorType: 'UnrecognisedDataValue' as const, errorValue: 'the simulated peer refuses this request' } : undefined);
      res.end(buildConfirmation('request', message.header, refusal ? { status: 'ERROR', ...refusal } : { status: 'OK' }));
      if (refusal) return;
      // Answers follow the confirmation, one after another, as a peer's staff work on the request.
      const answers = sent(message, faults);
      const delay = typeof options.answerDelayMs === 'function' ? options.answerDelayMs(message, answers.length) : (options.answerDelayMs ?? 0);
      const pause = () => new Promise((resolve) => setTimeout(resolve, delay));
      posting.push(
        answers.reduce<Promise<unknown>>(
          (previous, answer) => previous.then(pause).then((): Promise<unknown> => (answer === 'malformed' ? postRaw('<ISO18626Message><broken') : say(message, answer))),
          Promise.resolve(),
        ),
      );
      return;
    }
    if (message.kind === 'requestingAgencyMessage') {
      res.end(buildConfirmation('requestingAgencyMessage', message.header, { status: 'OK', action: (message as RequestingAgencyMessage).action }));
      return;
    }
    res.end(buildConfirmation('request', {}, { status: 'ERROR', errorType: 'UnsupportedActionType', errorValue: `a peer takes no ${message.kind}` }));
  };

  return Object.assign((req: IncomingMessage, res: ServerResponse) => void handle(req, res), {
    received,
    confirmations,
    say,
    settled: async () => {
      await Promise.all(posting);
    },
  });
}

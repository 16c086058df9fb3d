// A peer ILL system speaking ISO 18626 v1.2 over HTTP, for tests and the supplier simulator: it
// confirms what the network sends it and then, as a real peer does, answers each request with
// supplying-agency messages posted to the network's own ISO 18626 address.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  buildConfirmation,
  buildSupplyingAgencyMessage,
  parseMessage,
  type ErrorType,
  type Header,
  type Iso18626Message,
  type Iso18626Request,
  type ReasonForMessage,
  type RequestingAgencyMessage,
} from '../adapters/iso18626';
import type { Iso18626Status } from '../domain/supplier-messages';

/** One message the peer sends about a request, and what it adds to the standard's fields. */
export interface PeerAnswer {
  status: Iso18626Status;
  reasonForMessage?: ReasonForMessage;
  note?: string;
  reasonUnfilled?: string;
  offeredCosts?: { amount: number; currency: string };
  /** CopyCompleted: where the copy is, as the delivery's item id (v1.2 has no URL element). */
  url?: string;
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
  /** How long the peer's staff take before each answer. */
  answerDelayMs?: number;
}

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
        ...(answer.offeredCosts ? { offeredCosts: answer.offeredCosts } : {}),
      },
      statusInfo: { status: answer.status, lastChange: now, ...(answer.dueDate ? { dueDate: answer.dueDate } : {}) },
      ...(answer.url ? { deliveryInfo: { dateSent: now, itemId: answer.url, sentVia: 'URL' } } : {}),
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
      res.end(buildConfirmation('request', message.header, options.refuse ? { status: 'ERROR', ...options.refuse } : { status: 'OK' }));
      if (options.refuse) return;
      // Answers follow the confirmation, one after another, as a peer's staff work on the request.
      const answers = options.answers?.(message) ?? [];
      const pause = () => new Promise((resolve) => setTimeout(resolve, options.answerDelayMs ?? 0));
      posting.push(answers.reduce<Promise<unknown>>((previous, answer) => previous.then(pause).then(() => say(message, answer)), Promise.resolve()));
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

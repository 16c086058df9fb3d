import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { agencyText, sameAgency } from '../../../adapters/iso18626/peer';
import {
  buildConfirmation,
  DEFAULT_MAX_MESSAGE_BYTES,
  isConfirmedKind,
  parseMessage,
  toSupplierMessage,
  type ConfirmedIds,
  type ConfirmedKind,
  type ErrorType,
  type Iso18626Request,
  type RequestingAgencyMessage,
  type SupplyingAgencyMessage,
} from '../../../adapters/iso18626';
import { lendingId, type LendingService } from '../../lending';
import type { Supplier } from '../../../rules/types';
import type { NetworkHolder } from '../../network';
import { Refused, type RequestService } from '../../requests';
import type { Settings } from '../../settings';
import type { RequestStore } from '../../store/store';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';
import { HttpError } from '../http-error';

export interface Iso18626RouteDeps {
  requests: RequestService;
  lending: LendingService;
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
  settings: Pick<Settings, 'agencyId'>;
  log: Logger;
  /** Where peers' credentials are read, as the suppliers' `auth` names them. */
  env?: Record<string, string | undefined>;
}

type Answer = { status: 'OK' } | { status: 'ERROR'; errorType: ErrorType; errorValue: string };
const refuse = (errorType: ErrorType, errorValue: string): Answer => ({ status: 'ERROR', errorType, errorValue });

/** Past this a body is not even drained: the connection is answered 413 and closed. */
const DRAIN_LIMIT = 8 * 1024 * 1024;

/**
 * Reads the body as text, keeping no more than a little past the limit, so an oversized message
 * costs no memory and is still answered with a confirmation saying so.
 */
async function text(ctx: Context, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > DRAIN_LIMIT) {
      ctx.set('connection', 'close');
      throw new HttpError(413, `an ISO 18626 message may be at most ${limit} bytes`);
    }
    if (kept > limit) continue;
    chunks.push(chunk as Buffer);
    kept += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function equal(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * How long a peer's message waits for its request's workflow to take it. A worker that dies hands its
 * requests on within seconds; with no worker at all the wait would last as long as the outage, so the
 * peer is told instead to send the message again, and the workflow recognises the repeat.
 */
const TAKE_WITHIN_MS = 15_000;

/** The message handed on, or refused once it has waited too long; one taken after that still counts, once. */
async function takenInTime<T>(handing: Promise<T>, requestId: string, log: Logger): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let waitedTooLong = false;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      waitedTooLong = true;
      reject(new Refused(`request ${requestId} cannot take the message now (no worker is running it); send it again`));
    }, TAKE_WITHIN_MS);
  });
  handing.catch((error: unknown) => waitedTooLong && log.info({ err: error, requestId }, 'a supplier message the peer was told to send again was refused after all'));
  try {
    return await Promise.race([handing, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A peer with credentials configured must present them; one without is trusted only from this machine. */
function authenticated(ctx: Context, peer: Supplier, env: Record<string, string | undefined>): boolean {
  const auth = peer.auth;
  const presented = ctx.get('authorization');
  if (!auth) return ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(ctx.req.socket.remoteAddress ?? '');
  if (auth.type === 'bearer') {
    const token = env[auth.tokenEnv];
    return Boolean(token) && equal(presented, `Bearer ${token}`);
  }
  const user = env[auth.userEnv];
  const password = env[auth.passwordEnv];
  return Boolean(user && password) && equal(presented, `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`);
}

/**
 * `POST /iso18626`: where peer ILL systems send ISO 18626 messages, as suppliers of the network's
 * requests and as borrowers from its service libraries.
 * Every message is checked against the schema before anything changes and answered with the
 * confirmation the standard defines; a peer's mistake is an ERROR confirmation, never a 5xx.
 */
export function iso18626Routes({ requests, lending, store, network, settings, log, env = process.env }: Iso18626RouteDeps): Routes {

  const confirm = (ctx: Context, kind: ConfirmedKind, header: ConfirmedIds, answer: Answer, echo: object = {}) => {
    ctx.type = 'application/xml';
    ctx.body = buildConfirmation(kind, header, { ...answer, ...echo } as Parameters<typeof buildConfirmation>[2]);
  };

  /** A refusal of the network's is an ERROR confirmation saying why; anything else is a fault of ours. */
  const answered = async (act: () => Promise<unknown>): Promise<Answer> => {
    try {
      await act();
      return { status: 'OK' };
    } catch (error) {
      if (error instanceof Refused) return refuse('UnrecognisedDataValue', error.message);
      throw error;
    }
  };

  /** A peer's status message about a request of ours that it holds. */
  async function supplyingAgencyMessage(message: SupplyingAgencyMessage, peer: Supplier): Promise<Answer> {
    const requestId = message.header.requestingAgencyRequestId;
    if (!sameAgency(message.header.requestingAgencyId, settings.agencyId)) {
      return refuse('UnrecognisedDataValue', `requestingAgencyId ${agencyText(message.header.requestingAgencyId)} is not this network (${settings.agencyId})`);
    }
    if (!requestId || !(await store.getRequest(requestId))) return refuse('UnrecognisedDataValue', `requestingAgencyRequestId '${requestId}' names no request of this network`);
    // A repeat or a step back is confirmed like any message: the request's workflow recorded it and did not act on it again.
    const answer = await answered(() => takenInTime(requests.supplierMessage(requestId, toSupplierMessage(peer.id, message)), requestId, log));
    // Cancelled is how a peer answers the library's cancel, which ended the request: it is heard, not refused.
    if (answer.status === 'ERROR' && message.statusInfo.status === 'Cancelled' && (await requests.state(requestId).catch(() => undefined))?.status === 'cancelled') return { status: 'OK' };
    return answer;
  }

  /** A peer asks one of the network's service libraries for an item. */
  const request = (message: Iso18626Request, peer: Supplier): Promise<Answer> =>
    answered(() => takenInTime(lending.receive(message, peer), message.header.requestingAgencyRequestId, log));

  /** A borrower acts on a request it made of one of the network's service libraries. */
  async function requestingAgencyMessage(message: RequestingAgencyMessage): Promise<Answer> {
    const { header, action, note } = message;
    if (action === 'ShippedForward') return refuse('UnsupportedActionType', 'the network\'s service libraries do not take items shipped forward');
    const id = lendingId(agencyText(header.requestingAgencyId), header.requestingAgencyRequestId);
    const stored = await store.getLending(id);
    if (!stored || !sameAgency(stored.lending.lenderAgencyId, header.supplyingAgencyId)) {
      return refuse('UnrecognisedDataValue', `requestingAgencyRequestId '${header.requestingAgencyRequestId}' names no lending request of ${agencyText(header.supplyingAgencyId)}`);
    }
    return answered(() => takenInTime(lending.borrowerMessage(id, { action, ...(note ? { note } : {}) }), id, log));
  }

  const contract = {
    method: 'post',
    path: '/iso18626',
    summary: "Take a peer ILL system's ISO 18626 message, as a supplier of the network's requests or a borrower from its service libraries",
    accepts: {
      mediaType: 'application/xml',
      description: `An ISO 18626 v1.2 ISO18626Message (request, supplyingAgencyMessage or requestingAgencyMessage) of at most ${DEFAULT_MAX_MESSAGE_BYTES} bytes, checked against the standard's XML Schema; the peer presents the credentials its supplier entry names, or none from this machine`,
    },
    responses: {
      '200': { description: 'The confirmation the standard defines, OK or ERROR with its errorType', mediaType: 'application/xml' },
      '401': { description: 'An ERROR confirmation: the credentials are not those of the peer', mediaType: 'application/xml' },
    },
  } as const;
  return new Routes(new Router<AuthState>()).add(contract, async (ctx) => {
    const parsed = await parseMessage(await text(ctx, DEFAULT_MAX_MESSAGE_BYTES));
    if (!parsed.ok) {
      log.info({ errorType: parsed.errorType, errorValue: parsed.errorValue }, 'ISO 18626 message refused');
      confirm(ctx, isConfirmedKind(parsed.kind) ? parsed.kind : 'request', parsed.header ?? {}, refuse(parsed.errorType, parsed.errorValue));
      return;
    }
    const { message } = parsed;
    if (!isConfirmedKind(message.kind)) {
      confirm(ctx, 'request', {}, refuse('UnsupportedActionType', `a ${message.kind} answers a message; this network sent none that it could answer`));
      return;
    }
    const { header } = message as { header: SupplyingAgencyMessage['header'] };
    const echo =
      message.kind === 'supplyingAgencyMessage' ? { reasonForMessage: message.messageInfo.reasonForMessage } : message.kind === 'requestingAgencyMessage' ? { action: message.action } : {};
    // A supplier speaks of the network's requests; a borrower of its own requests to the network.
    const [role, speaker] = message.kind === 'supplyingAgencyMessage' ? ['supplyingAgencyId', header.supplyingAgencyId] : ['requestingAgencyId', header.requestingAgencyId];
    const peer = network.current().config.suppliers.find((supplier) => supplier.adapter === 'iso18626' && sameAgency(speaker, supplier.agencyId));
    if (!peer) {
      confirm(ctx, message.kind, header, refuse('UnrecognisedDataValue', `${role} ${agencyText(speaker)} is not a peer of this network`), echo);
      return;
    }
    if (!authenticated(ctx, peer, env)) {
      ctx.status = 401;
      ctx.set('www-authenticate', peer.auth?.type === 'basic' ? 'Basic realm="iso18626"' : 'Bearer');
      confirm(ctx, message.kind, header, refuse('UnrecognisedDataValue', `the credentials presented are not those of ${peer.id}`), echo);
      return;
    }
    const answer =
      message.kind === 'supplyingAgencyMessage'
        ? await supplyingAgencyMessage(message, peer)
        : message.kind === 'request'
          ? await request(message, peer)
          : await requestingAgencyMessage(message as RequestingAgencyMessage);
    confirm(ctx, message.kind, header, answer, echo);
  });
}

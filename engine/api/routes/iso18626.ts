import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { agencyIdOf } from '../../../adapters/iso18626/peer';
import {
  buildConfirmation,
  DEFAULT_MAX_MESSAGE_BYTES,
  isConfirmedKind,
  parseMessage,
  toSupplierMessage,
  type ConfirmedIds,
  type ConfirmedKind,
  type ErrorType,
  type SupplyingAgencyMessage,
} from '../../../adapters/iso18626';
import type { Supplier } from '../../../rules/types';
import type { NetworkHolder } from '../../network';
import { Refused, type RequestService } from '../../requests';
import type { Settings } from '../../settings';
import type { RequestStore } from '../../store/store';
import { HttpError } from '../http-error';

export interface Iso18626RouteDeps {
  requests: RequestService;
  store: RequestStore;
  network: Pick<NetworkHolder, 'current'>;
  settings: Pick<Settings, 'agencyId'>;
  log: Logger;
  /** Where peers' credentials are read, as the suppliers' `auth` names them. */
  env?: Record<string, string | undefined>;
}

type Answer = { status: 'OK' } | { status: 'ERROR'; errorType: ErrorType; errorValue: string };
const refuse = (errorType: ErrorType, errorValue: string): Answer => ({ status: 'ERROR', errorType, errorValue });
const sameAgency = (a: { type: string; value: string } | undefined, b: { type: string; value: string }) =>
  a !== undefined && a.type.toUpperCase() === b.type.toUpperCase() && a.value.toUpperCase() === b.value.toUpperCase();

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
 * `POST /iso18626`: where peer ILL systems send ISO 18626 messages about the network's requests.
 * Every message is checked against the schema before anything changes and answered with the
 * confirmation the standard defines; a peer's mistake is an ERROR confirmation, never a 5xx.
 */
export function iso18626Routes({ requests, store, network, settings, log, env = process.env }: Iso18626RouteDeps): Router {
  const router = new Router();
  const ours = agencyIdOf(settings.agencyId);

  const confirm = (ctx: Context, kind: ConfirmedKind, header: ConfirmedIds, answer: Answer, echo: object = {}) => {
    ctx.type = 'application/xml';
    ctx.body = buildConfirmation(kind, header, { ...answer, ...echo } as Parameters<typeof buildConfirmation>[2]);
  };

  /** A peer's status message about a request of ours that it holds. */
  async function supplyingAgencyMessage(message: SupplyingAgencyMessage, peer: Supplier): Promise<Answer> {
    const requestId = message.header.requestingAgencyRequestId;
    if (!sameAgency(message.header.requestingAgencyId, ours)) {
      return refuse('UnrecognisedDataValue', `requestingAgencyId ${message.header.requestingAgencyId.type}:${message.header.requestingAgencyId.value} is not this network (${settings.agencyId})`);
    }
    if (!requestId || !(await store.getRequest(requestId))) return refuse('UnrecognisedDataValue', `requestingAgencyRequestId '${requestId}' names no request of this network`);
    try {
      // A repeat or a step back is confirmed like any message: the request's workflow recorded it and did not act on it again.
      await requests.supplierMessage(requestId, toSupplierMessage(peer.id, message));
      return { status: 'OK' };
    } catch (error) {
      if (error instanceof Refused) return refuse('UnrecognisedDataValue', error.message);
      throw error;
    }
  }

  router.post('/iso18626', async (ctx) => {
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
    const peer = network.current().config.suppliers.find((supplier) => supplier.adapter === 'iso18626' && supplier.agencyId && sameAgency(header.supplyingAgencyId, agencyIdOf(supplier.agencyId)));
    if (message.kind !== 'supplyingAgencyMessage') {
      // Lending to outside systems is not offered yet: the network only requests over ISO 18626.
      const echo = message.kind === 'requestingAgencyMessage' ? { action: message.action } : {};
      confirm(ctx, message.kind, header, refuse('UnsupportedActionType', `this network does not take a ${message.kind} over ISO 18626`), echo);
      return;
    }
    const echo = { reasonForMessage: message.messageInfo.reasonForMessage };
    if (!peer) {
      confirm(ctx, message.kind, header, refuse('UnrecognisedDataValue', `supplyingAgencyId ${header.supplyingAgencyId.type}:${header.supplyingAgencyId.value} is not a peer of this network`), echo);
      return;
    }
    if (!authenticated(ctx, peer, env)) {
      ctx.status = 401;
      ctx.set('www-authenticate', peer.auth?.type === 'basic' ? 'Basic realm="iso18626"' : 'Bearer');
      confirm(ctx, message.kind, header, refuse('UnrecognisedDataValue', `the credentials presented are not those of ${peer.id}`), echo);
      return;
    }
    confirm(ctx, message.kind, header, await supplyingAgencyMessage(message, peer), echo);
  });

  return router;
}

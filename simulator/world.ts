// The outside world of the shipped network, simulated on one loopback port: every supplier whose
// endpoint points there gets a fake of its system that fills what its configured fill rate says, at
// the prices its cost model names, in about the time it promises and no more than it takes in a
// day, so a newcomer sees requests filled without any outside system.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Service, Urgency } from '../domain/request';
import type { NetworkConfig, Supplier } from '../rules/types';
import type { Iso18626Request } from '../adapters/iso18626';
import { fakeCalisEbooks } from './calis-ebooks';
import { fakeIso18626Peer, type PeerAnswer, type PeerFault } from './iso18626-peer';
import { fakeOpenAccess } from './open-access';
import { answerHours, dailyCapacity, draw, fills, priceOf } from './terms';
import { fakeVendor, type Fault, type FakeSupplierOptions } from './vendor';

/**
 * `fail`: HTTP 500; `slow`: an answer later than the engine waits; `timeout`: the connection taken
 * and never answered; the rest as a peer misbehaves (`PeerFault`).
 */
export type WorldFault = 'fail' | 'slow' | 'timeout' | PeerFault;

/** How often each fault strikes, 0 to 1: for every supplier (`fail`), or for one (`fail@cnki`), which overrides it. */
export type FaultRates = Partial<Record<WorldFault | `${WorldFault}@${string}`, number>>;

export interface WorldOptions {
  /** The loopback port the configuration's endpoints name. */
  port: number;
  /** Where the network takes ISO 18626 messages (`<ILL_PUBLIC_URL>/iso18626`). */
  callbackUrl: string;
  /**
   * How many milliseconds stand for one hour of a supplier's promised turnaround: a peer's last
   * answer comes after a log-normal draw around its promise (`answerHours`). 0: at once.
   */
  msPerHour?: number;
  /** How often each fault strikes, drawn per call or per request so a run can be repeated. */
  faultRates?: FaultRates;
  /** The suppliers' clock, by which their day's capacity is counted. */
  now?: () => Date;
}

const FAULT_KINDS: WorldFault[] = ['fail', 'slow', 'timeout', 'duplicate', 'outOfOrder', 'malformed', 'refuse'];

/** `duplicate=0.1,fail=0.05,timeout@nlc=1`, as ILL_SIMULATOR_FAULTS is written. */
export function parseFaultRates(text: string | undefined): FaultRates {
  const rates: FaultRates = {};
  for (const part of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [fault, rate] = part.split('=').map((p) => p.trim());
    const [kind, supplierId] = (fault ?? '').split('@');
    if (!FAULT_KINDS.includes(kind as WorldFault) || supplierId === '' || !(Number(rate) >= 0 && Number(rate) <= 1)) {
      throw new Error(`'${part}' is not KIND=RATE or KIND@SUPPLIER=RATE with KIND one of ${FAULT_KINDS.join(', ')} and RATE from 0 to 1`);
    }
    rates[fault as WorldFault] = Number(rate);
  }
  return rates;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Whether a fault strikes a supplier on this call or request: fixed by what it strikes, as every draw here. */
type Strikes = (fault: WorldFault, ...about: string[]) => boolean;

const striking = (supplier: Supplier, rates: FaultRates): Strikes => (fault, ...about) =>
  draw(supplier.id, fault, ...about) < (rates[`${fault}@${supplier.id}`] ?? rates[fault] ?? 0);

const itemOf = (citation: Record<string, unknown>) => String(citation.doi ?? citation.isbn ?? `${citation.issn ?? ''}|${citation.title ?? ''}`);

const SERVICES: Record<string, Service> = { Copy: 'copy', Loan: 'loan' };
const URGENCIES: Record<string, Urgency> = { Normal: 'normal', Rush: 'rush', Express: 'express' };

/** What a peer is asked for, in the network's terms. */
function orderOf({ serviceInfo, bibliographicInfo }: Iso18626Request): { service: Service; urgency: Urgency; pages?: string } {
  return { service: SERVICES[serviceInfo?.serviceType ?? ''] ?? 'copy', urgency: URGENCIES[serviceInfo?.serviceLevel ?? ''] ?? 'normal', pages: bibliographicInfo.pagesRequested };
}

/**
 * A peer's answers to a request: taken while its day's capacity lasts, filled by its fill rate at
 * its price; a price above the request's maximumCosts is offered back (RetryPossible) instead. A
 * Retry (the network agreeing to the price) is the same request again, so it is not acknowledged twice.
 */
function peerAnswers(supplier: Supplier, takes: (request: string) => boolean, downloadBase: string) {
  return (request: Iso18626Request): PeerAnswer[] => {
    const id = request.header.requestingAgencyRequestId;
    const order = orderOf(request);
    const received: PeerAnswer[] = request.serviceInfo?.requestType === 'Retry' ? [] : [{ status: 'RequestReceived' }];
    if (!takes(id)) return [...received, { status: 'Unfilled', reasonUnfilled: 'NotAvailableForILL', note: `no more than ${supplier.capacityPerDay} requests a day` }];
    if (!fills(supplier, id)) return [...received, { status: 'Unfilled', reasonUnfilled: 'NotHeld' }];
    const price = priceOf(supplier, order, id);
    const most = request.billingInfo?.maximumCosts;
    if (most && (most.currency !== price.currency || most.amount < price.amount)) return [...received, { status: 'RetryPossible', reasonRetry: 'CostExceedsMaxCost', offeredCosts: price }];
    if (order.service === 'loan') return [...received, { status: 'WillSupply' }, { status: 'Loaned', deliveryCosts: price }];
    return [...received, { status: 'WillSupply' }, { status: 'CopyCompleted', url: `${downloadBase}/${encodeURIComponent(id)}`, deliveryCosts: price }];
  };
}

function fakeFor(supplier: Supplier, path: string, options: WorldOptions, targets: NetworkConfig['policy']['targets']): Handler | undefined {
  const strikes = striking(supplier, options.faultRates ?? {});
  const callFault = (call: number): Fault => (strikes('fail', String(call)) ? 'fail' : strikes('slow', String(call)) ? 'slow' : 'ok');
  // Slower than the adapters wait for an answer (5 s), so a slow call is retried.
  const common: FakeSupplierOptions = { basePath: path, faults: callFault, delayMs: 6_000 };
  const takes = dailyCapacity(supplier.capacityPerDay, options.now);
  const downloadBase = `http://127.0.0.1:${options.port}/downloads/${supplier.id}`;
  switch (supplier.adapter) {
    case 'vendor-ppv':
      return fakeVendor({
        ...common,
        takes,
        catalogue: (citation) => (fills(supplier, itemOf(citation)) ? priceOf(supplier, { service: 'copy', pages: typeof citation.pages === 'string' ? citation.pages : undefined }, itemOf(citation)) : undefined),
        downloadBase,
      });
    case 'open-access':
      return fakeOpenAccess({
        ...common,
        articles: (doi) => ({ doi, ...(fills(supplier, doi) ? { openCopy: { landingPage: `https://repository.example/${doi}`, pdf: `https://repository.example/${doi}.pdf`, hostType: 'repository' as const } } : {}) }),
      });
    case 'calis-ebooks':
      return fakeCalisEbooks({
        ...common,
        collection: ({ isbn, title }) => (fills(supplier, isbn ?? title ?? '') ? { isbn: isbn ?? '', title: title ?? '' } : undefined),
        downloadBase,
      });
    case 'iso18626':
      return fakeIso18626Peer({
        callbackUrl: options.callbackUrl,
        // The answers spread evenly over the time the peer takes, the last one at its end.
        answerDelayMs: (request, answers) => (answerHours(supplier, targets, orderOf(request), request.header.requestingAgencyRequestId) * (options.msPerHour ?? 0)) / answers,
        misbehaves: (request) => (['duplicate', 'outOfOrder', 'malformed', 'refuse'] as const).filter((fault) => strikes(fault, request.header.requestingAgencyRequestId)),
        answers: peerAnswers(supplier, takes, downloadBase),
      });
    default:
      return undefined;
  }
}

/** The supplier's system as the `timeout` fault leaves it: some calls taken and never answered, counted in `unanswered`. */
function unanswering(supplier: Supplier, handle: Handler, strikes: Strikes, unanswered: Record<string, number>): Handler {
  let calls = 0;
  return (req, res) => {
    if (!strikes('timeout', String(calls++))) return handle(req, res);
    unanswered[supplier.id] = (unanswered[supplier.id] ?? 0) + 1;
    req.resume();
  };
}

/** Serves a fake of every supplier system on `port`, each under its endpoint's path. */
export async function startWorld(
  config: Pick<NetworkConfig, 'suppliers' | 'policy'>,
  options: WorldOptions,
): Promise<{ url: string; suppliers: string[]; unanswered: Readonly<Record<string, number>>; stop: () => Promise<void> }> {
  const mounted: { path: string; supplierId: string; handle: Handler }[] = [];
  const unanswered: Record<string, number> = {};
  for (const supplier of config.suppliers) {
    if (!supplier.endpoint) continue;
    const endpoint = new URL(supplier.endpoint);
    if (!['127.0.0.1', 'localhost'].includes(endpoint.hostname) || Number(endpoint.port) !== options.port) continue;
    const path = endpoint.pathname.replace(/\/+$/, '');
    const handle = fakeFor(supplier, path, options, config.policy.targets);
    if (handle) mounted.push({ path, supplierId: supplier.id, handle: unanswering(supplier, handle, striking(supplier, options.faultRates ?? {}), unanswered) });
  }
  // The longest path first, so `/iso18626/nlc` is not taken for another peer's.
  mounted.sort((a, b) => b.path.length - a.path.length);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const fake = mounted.find((m) => path === m.path || path.startsWith(`${m.path}/`));
    if (fake) return fake.handle(req, res);
    res.statusCode = path.startsWith('/downloads/') ? 200 : 404;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(path.startsWith('/downloads/') ? `A copy delivered by the simulated supplier (${path}).\n` : `no simulated supplier at ${path}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    suppliers: mounted.map((m) => m.supplierId).sort(),
    unanswered,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

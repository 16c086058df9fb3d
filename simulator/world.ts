// The outside world of the shipped network, simulated on one loopback port: every supplier whose
// endpoint points there gets a fake of its system that fills what its configured fill rate says,
// so a newcomer sees requests filled without any outside system.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NetworkConfig, Supplier } from '../rules/types';
import { fakeCalisEbooks } from './calis-ebooks';
import { fakeIso18626Peer, type PeerAnswer, type PeerFault } from './iso18626-peer';
import { fakeOpenAccess } from './open-access';
import { fakeVendor, type Fault, type FakeSupplierOptions } from './vendor';

/** `fail`: HTTP 500; `slow`: an answer later than the engine waits; the rest as a peer misbehaves (`PeerFault`). */
export type WorldFault = 'fail' | 'slow' | PeerFault;

export interface WorldOptions {
  /** The loopback port the configuration's endpoints name. */
  port: number;
  /** Where the network takes ISO 18626 messages (`<ILL_PUBLIC_URL>/iso18626`). */
  callbackUrl: string;
  /**
   * How many milliseconds stand for one hour of a supplier's promised turnaround: a peer takes
   * between half and one and a half of its promise over its answers.
   */
  msPerHour?: number;
  /** How often each fault strikes, 0 to 1, drawn per call or per request so a run can be repeated. */
  faultRates?: Partial<Record<WorldFault, number>>;
}

/** `duplicate=0.1,fail=0.05`, as ILL_SIMULATOR_FAULTS is written. */
export function parseFaultRates(text: string | undefined): Partial<Record<WorldFault, number>> {
  const kinds: WorldFault[] = ['fail', 'slow', 'duplicate', 'outOfOrder', 'malformed', 'refuse'];
  const rates: Partial<Record<WorldFault, number>> = {};
  for (const part of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [kind, rate] = part.split('=').map((p) => p.trim());
    if (!kinds.includes(kind as WorldFault) || !(Number(rate) >= 0 && Number(rate) <= 1)) {
      throw new Error(`'${part}' is not KIND=RATE with KIND one of ${kinds.join(', ')} and RATE from 0 to 1`);
    }
    rates[kind as WorldFault] = Number(rate);
  }
  return rates;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A number in [0, 1) fixed by what it is drawn for, so a retry or a restart draws the same. */
const draw = (...about: string[]) => createHash('sha256').update(about.join('\n')).digest().readUInt32BE(0) / 2 ** 32;

/** Whether a supplier fills this item: fixed by the two, so a retry or a restart gets the same answer. */
export function fills(supplier: Pick<Supplier, 'id' | 'fillRate'>, item: string): boolean {
  return draw(supplier.id, item) < (supplier.fillRate ?? 0.8);
}

const itemOf = (citation: Record<string, unknown>) => String(citation.doi ?? citation.isbn ?? `${citation.issn ?? ''}|${citation.title ?? ''}`);

function fakeFor(supplier: Supplier, path: string, options: WorldOptions): Handler | undefined {
  const rates = options.faultRates ?? {};
  const strikes = (fault: WorldFault, ...about: string[]) => draw(supplier.id, fault, ...about) < (rates[fault] ?? 0);
  const callFault = (call: number): Fault => (strikes('fail', String(call)) ? 'fail' : strikes('slow', String(call)) ? 'slow' : 'ok');
  // Slower than the adapters wait for an answer (5 s), so a slow call is retried.
  const common: FakeSupplierOptions = { basePath: path, faults: callFault, delayMs: 6_000 };
  const promisedHours = supplier.turnaroundHours?.copy?.normal ?? 24;
  switch (supplier.adapter) {
    case 'vendor-ppv':
      return fakeVendor({
        ...common,
        catalogue: (citation) => (fills(supplier, itemOf(citation)) ? { amount: supplier.cost.perArticle ?? 10, currency: supplier.cost.currency } : undefined),
        downloadBase: `http://127.0.0.1:${options.port}/downloads/${supplier.id}`,
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
        downloadBase: `http://127.0.0.1:${options.port}/downloads/calis-ebooks`,
      });
    case 'iso18626':
      return fakeIso18626Peer({
        callbackUrl: options.callbackUrl,
        answerDelayMs: (request) => ((0.5 + draw(supplier.id, request.header.requestingAgencyRequestId)) * promisedHours * (options.msPerHour ?? 0)) / 3,
        misbehaves: (request) => (['duplicate', 'outOfOrder', 'malformed', 'refuse'] as const).filter((fault) => strikes(fault, request.header.requestingAgencyRequestId)),
        answers: (request): PeerAnswer[] => {
          const id = request.header.requestingAgencyRequestId;
          if (!fills(supplier, id)) return [{ status: 'RequestReceived' }, { status: 'Unfilled', reasonUnfilled: 'NotHeld' }];
          if (request.serviceInfo?.serviceType === 'Loan') return [{ status: 'RequestReceived' }, { status: 'WillSupply' }, { status: 'Loaned' }];
          return [{ status: 'RequestReceived' }, { status: 'WillSupply' }, { status: 'CopyCompleted', url: `http://127.0.0.1:${options.port}/downloads/${supplier.id}/${encodeURIComponent(id)}` }];
        },
      });
    default:
      return undefined;
  }
}

/** Serves a fake of every supplier system on `port`, each under its endpoint's path. */
export async function startWorld(config: Pick<NetworkConfig, 'suppliers'>, options: WorldOptions): Promise<{ url: string; suppliers: string[]; stop: () => Promise<void> }> {
  const mounted: { path: string; supplierId: string; handle: Handler }[] = [];
  for (const supplier of config.suppliers) {
    if (!supplier.endpoint) continue;
    const endpoint = new URL(supplier.endpoint);
    if (!['127.0.0.1', 'localhost'].includes(endpoint.hostname) || Number(endpoint.port) !== options.port) continue;
    const path = endpoint.pathname.replace(/\/+$/, '');
    const handle = fakeFor(supplier, path, options);
    if (handle) mounted.push({ path, supplierId: supplier.id, handle });
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
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

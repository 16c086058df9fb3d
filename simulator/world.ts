// The outside world of the shipped network, simulated on one loopback port: every supplier whose
// endpoint points there gets a fake of its system that fills what its configured fill rate says,
// so a newcomer sees requests filled without any outside system.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NetworkConfig, Supplier } from '../rules/types';
import { fakeCalisEbooks } from './calis-ebooks';
import { fakeIso18626Peer, type PeerAnswer } from './iso18626-peer';
import { fakeOpenAccess } from './open-access';
import { fakeVendor, type FakeSupplierOptions } from './vendor';

export interface WorldOptions {
  /** The loopback port the configuration's endpoints name. */
  port: number;
  /** Where the network takes ISO 18626 messages (`<ILL_PUBLIC_URL>/iso18626`). */
  callbackUrl: string;
  /** How long a peer's staff take before each answer. */
  answerDelayMs?: number;
  /** The fate of every fake's first calls, to try the engine against failing suppliers. */
  faults?: FakeSupplierOptions['faults'];
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Whether a supplier fills this item: fixed by the two, so a retry or a restart gets the same answer. */
export function fills(supplier: Pick<Supplier, 'id' | 'fillRate'>, item: string): boolean {
  const draw = createHash('sha256').update(`${supplier.id}\n${item}`).digest().readUInt32BE(0) / 2 ** 32;
  return draw < (supplier.fillRate ?? 0.8);
}

const itemOf = (citation: Record<string, unknown>) => String(citation.doi ?? citation.isbn ?? `${citation.issn ?? ''}|${citation.title ?? ''}`);

function fakeFor(supplier: Supplier, path: string, options: WorldOptions): Handler | undefined {
  const common = { basePath: path, faults: options.faults };
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
        answerDelayMs: options.answerDelayMs,
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

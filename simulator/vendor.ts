// A pay-per-view vendor (CNKI, VIP, Wanfang, EBSCO) speaking the contract of adapters/vendor-ppv.md,
// and what every fake supplier in this folder does alike: credentials, injected faults, JSON bodies
// and Idempotency-Key.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMoney } from '../adapters/http';
import type { Money } from '../domain/request';

export type Credentials = { type: 'bearer'; token: string } | { type: 'basic'; user: string; password: string };

/**
 * What happens to one call: answered as the contract says; answered HTTP 500 without being acted
 * on; or acted on but answered only after `delayMs`, as when the caller gives up while the
 * supplier is still working.
 */
export type Fault = 'ok' | 'fail' | 'slow';

export interface FakeSupplierOptions {
  /** The path the fake is mounted under, as in the supplier's configured endpoint (`/vendor/cnki`). */
  basePath?: string;
  /** What every call must present; none asked when absent. */
  credentials?: Credentials;
  /** The fate of each call by its number (retries included): a list for the first calls, later ones answered normally, or a rule for all. */
  faults?: Fault[] | ((call: number) => Fault);
  delayMs?: number;
}

export interface FakeCall {
  method: string;
  /** The path below `basePath`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
}

/** A node:http request listener, with what it has done so far for tests to assert. */
export type FakeSupplier<Counts> = ((req: IncomingMessage, res: ServerResponse) => void) & { readonly counts: Counts & { calls: number } };

export const refusal = (status: number, message: string): FakeAnswer => ({ status, body: { error: { message } } });

/** Identifiers and titles as written by different hands: `1003-0077` is `10030077`. */
export const normal = (value: unknown) => (typeof value === 'string' ? value.replace(/[\s-]/g, '').toLowerCase() : undefined);

function presented(header: string | undefined): Credentials | undefined {
  const [scheme, value = ''] = header?.split(' ') ?? [];
  if (scheme?.toLowerCase() === 'bearer') return { type: 'bearer', token: value };
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { type: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function accepted(required: Credentials | undefined, given: Credentials | undefined): boolean {
  if (!required) return true;
  if (required.type === 'bearer') return given?.type === 'bearer' && given.token === required.token;
  return given?.type === 'basic' && given.user === required.user && given.password === required.password;
}

async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  // Joined before decoding, so a character split between chunks (most of a Chinese title) survives.
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function write(res: ServerResponse, { status, body }: FakeAnswer): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 401) headers['www-authenticate'] = 'Bearer, Basic';
  res.writeHead(status, headers).end(JSON.stringify(body));
}

/**
 * A fake supplier answering through `route`. A call repeating an earlier Idempotency-Key on the same
 * method and path gets the first answer again and never reaches `route`, so nothing is done twice.
 */
export function fakeSupplier<Counts extends object>(options: FakeSupplierOptions, counts: Counts, route: (call: FakeCall) => FakeAnswer): FakeSupplier<Counts> {
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const first = new Map<string, FakeAnswer>();
  const all = Object.assign(counts, { calls: 0 });

  const answer = async (req: IncomingMessage): Promise<FakeAnswer> => {
    if (!accepted(options.credentials, presented(req.headers.authorization))) return refusal(401, 'credentials refused');
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return refusal(404, `nothing at ${url.pathname}`);
    const path = url.pathname.slice(base.length) || '/';
    const raw = await text(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return refusal(400, 'the body is not JSON');
    }
    const key = req.headers['idempotency-key'];
    const slot = typeof key === 'string' ? `${req.method} ${path} ${key}` : undefined;
    const earlier = slot === undefined ? undefined : first.get(slot);
    if (earlier) return earlier;
    const fresh = route({ method: req.method ?? 'GET', path, query: url.searchParams, body });
    if (slot !== undefined) first.set(slot, fresh);
    return fresh;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const call = all.calls++;
    const fault = (typeof options.faults === 'function' ? options.faults(call) : options.faults?.[call]) ?? 'ok';
    if (fault === 'fail') return write(res, refusal(500, 'injected failure'));
    const reply = await answer(req);
    if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
    write(res, reply);
  };

  return Object.assign((req: IncomingMessage, res: ServerResponse) => void handle(req, res).catch((error: unknown) => write(res, refusal(500, String(error)))), {
    counts: all,
  });
}

/** Serves a fake on 127.0.0.1 at a free port; `close` also drops the connections callers keep alive. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** What a vendor sells: one article by DOI, every article of a journal by ISSN, a book by ISBN, or an item by title. */
export interface VendorItem {
  doi?: string;
  issn?: string;
  isbn?: string;
  title?: string;
  price: Money;
}

export interface FakeVendorOptions extends FakeSupplierOptions {
  /** What it sells: a list, or for a simulated world the price of whatever it sells of a citation. */
  catalogue: VendorItem[] | ((citation: Record<string, unknown>) => Money | undefined);
  /** Where purchased copies are said to be downloadable. */
  downloadBase?: string;
  /** Whether it takes the order under this reference today; every order when absent. */
  takes?: (reference: string) => boolean;
}

export interface VendorCounts {
  quotes: number;
  purchases: number;
}

interface Quote {
  quoteId: string;
  reference: string;
  price: Money;
}

const same = (a: unknown, b: unknown) => normal(a) !== undefined && normal(a) === normal(b);

export function fakeVendor(options: FakeVendorOptions): FakeSupplier<VendorCounts> {
  const counts: VendorCounts = { quotes: 0, purchases: 0 };
  const quotes = new Map<string, Quote>();
  const latestQuote = new Map<string, Quote>();
  const downloadBase = options.downloadBase ?? 'https://vendor.example/downloads';

  const quote = (body: unknown): FakeAnswer => {
    const { reference, citation } = (body ?? {}) as { reference?: unknown; citation?: Record<string, unknown> };
    if (typeof reference !== 'string' || typeof citation !== 'object' || citation === null) return refusal(400, 'a quote needs a reference and a citation');
    if (options.takes && !options.takes(reference)) return refusal(404, 'no more orders taken today');
    const { catalogue } = options;
    const price =
      typeof catalogue === 'function'
        ? catalogue(citation)
        : catalogue.find((entry) => (['doi', 'issn', 'isbn', 'title'] as const).some((field) => same(entry[field], citation[field])))?.price;
    if (!price) return refusal(404, 'not in the collection');
    const made = { quoteId: `q-${++counts.quotes}`, reference, price };
    quotes.set(made.quoteId, made);
    latestQuote.set(reference, made);
    return { status: 200, body: made };
  };

  const purchase = (body: unknown): FakeAnswer => {
    const { quoteId, maxPrice } = (body ?? {}) as { quoteId?: unknown; maxPrice?: unknown };
    if (typeof quoteId !== 'string' || !isMoney(maxPrice)) return refusal(400, 'a purchase needs a quoteId and a maxPrice');
    const quoted = quotes.get(quoteId);
    if (!quoted) return refusal(404, `no quote ${quoteId}`);
    const { price } = quoted;
    if (price.currency !== maxPrice.currency || price.amount > maxPrice.amount) {
      return { status: 409, body: { error: { message: `the price is ${price.amount} ${price.currency}` }, price } };
    }
    const purchaseId = `p-${++counts.purchases}`;
    return { status: 200, body: { purchaseId, downloadUrl: `${downloadBase}/${purchaseId}`, price } };
  };

  return fakeSupplier(options, counts, ({ method, path, query, body }) => {
    if (method === 'POST' && path === '/quotes') return quote(body);
    if (method === 'GET' && path === '/quotes') {
      const found = latestQuote.get(query.get('reference') ?? '');
      return found ? { status: 200, body: found } : refusal(404, 'no quote under this reference');
    }
    if (method === 'POST' && path === '/purchases') return purchase(body);
    return refusal(404, `no route ${method} ${path}`);
  });
}

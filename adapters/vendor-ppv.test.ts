import { afterEach, describe, expect, it } from 'vitest';
import type { SupplierNotice, SupplierOrder } from '../domain/orders';
import type { SupplierMessage } from '../domain/supplier-messages';
import type { Supplier } from '../rules/types';
import { fakeVendor, listen, type FakeVendorOptions } from '../simulator/vendor';
import { PermanentSupplierError } from './adapter';
import { createVendorPpvAdapter } from './vendor-ppv';
import { supplierEntry } from '../test/suppliers';

const ARTICLE = { doi: '10.3969/j.issn.1003-0077.2021.01.001', price: { amount: 12, currency: 'CNY' } };
const DEAR_ARTICLE = { doi: '10.1000/dear', price: { amount: 45, currency: 'CNY' } };
const CATALOGUE = [ARTICLE, DEAR_ARTICLE];

const cnki = (endpoint: string, auth?: Supplier['auth']): Supplier => supplierEntry({ id: 'cnki', kind: 'vendor', adapter: 'vendor-ppv', endpoint, auth, cost: { currency: 'CNY', perArticle: 5 } });

const order = (doi: string, attempt = 1): SupplierOrder => ({
  key: `request-r-1:send:${attempt}`,
  requestId: 'r-1',
  supplierId: 'cnki',
  request: {
    id: 'r-1',
    requester: { libraryId: 'pku', patronId: 'p-1' },
    service: 'copy',
    urgency: 'normal',
    citation: { title: 'Deep learning for word segmentation', issn: '1003-0077', doi },
  },
  costLimits: { autoApproveLimit: { amount: 20, currency: 'CNY' }, maxCost: { amount: 100, currency: 'CNY' } },
});

const notice = (action: SupplierNotice['action'], detail: Record<string, unknown>): SupplierNotice => ({
  key: `request-r-1:notice:7:${action}`,
  requestId: 'r-1',
  supplierId: 'cnki',
  action,
  detail,
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function vendor(options: Partial<FakeVendorOptions> = {}, adapterOptions: { env?: Record<string, string>; timeoutMs?: number; auth?: Supplier['auth'] } = {}) {
  const fake = fakeVendor({ catalogue: CATALOGUE, basePath: '/vendor/cnki', ...options });
  const { url, close } = await listen(fake);
  closers.push(close);
  const replies: [string, SupplierMessage][] = [];
  const adapter = createVendorPpvAdapter({
    reply: async (requestId, message) => void replies.push([requestId, message]),
    env: adapterOptions.env ?? {},
    timeoutMs: adapterOptions.timeoutMs,
  });
  return { fake, adapter, replies, supplier: cnki(`${url}/vendor/cnki`, adapterOptions.auth) };
}

const filled = (cost: { amount: number; currency: string }) => ['r-1', { supplierId: 'cnki', status: 'CopyCompleted', deliveryUrl: 'https://vendor.example/downloads/p-1', cost }];

describe('vendor-ppv adapter', () => {
  it('buys a price within the limits once, however often the same order is sent', async () => {
    const { fake, adapter, replies, supplier } = await vendor();
    await adapter.send(order(ARTICLE.doi), supplier);
    await adapter.send(order(ARTICLE.doi), supplier);
    expect(fake.counts.purchases).toBe(1);
    expect(fake.counts.quotes).toBe(1);
    expect(replies).toEqual([filled(ARTICLE.price), filled(ARTICLE.price)]);
  });

  it('asks the library about a dearer price, and buys it when the cost is accepted', async () => {
    const { fake, adapter, replies, supplier } = await vendor();
    await adapter.send(order(DEAR_ARTICLE.doi), supplier);
    expect(fake.counts.purchases).toBe(0);
    expect(replies).toEqual([
      ['r-1', { supplierId: 'cnki', status: 'RetryPossible', cost: DEAR_ARTICLE.price, reason: '45 CNY is above the autoApproveLimit of 20 CNY' }],
    ]);
    // A fresh adapter: the worker that takes the notice keeps nothing from the one that sent.
    const elsewhere = createVendorPpvAdapter({ reply: async (requestId, message) => void replies.push([requestId, message]), env: {} });
    await elsewhere.notify(notice('acceptCost', { cost: DEAR_ARTICLE.price }), supplier);
    await elsewhere.notify(notice('acceptCost', { cost: DEAR_ARTICLE.price }), supplier);
    expect(fake.counts.purchases).toBe(1);
    expect(replies.slice(1)).toEqual([filled(DEAR_ARTICLE.price), filled(DEAR_ARTICLE.price)]);
  });

  it('buys at once a price a librarian already approved for this supplier', async () => {
    const { fake, adapter, replies, supplier } = await vendor();
    await adapter.send({ ...order(DEAR_ARTICLE.doi), approvedCost: { amount: 50, currency: 'CNY' } }, supplier);
    expect(fake.counts.purchases).toBe(1);
    expect(replies).toEqual([filled(DEAR_ARTICLE.price)]);
  });

  it('buys nothing when the cost is refused or the request cancelled', async () => {
    const { fake, adapter, replies, supplier } = await vendor();
    await adapter.send(order(DEAR_ARTICLE.doi), supplier);
    await adapter.notify(notice('refuseCost', { cost: DEAR_ARTICLE.price }), supplier);
    await adapter.notify(notice('cancel', { reason: 'no longer needed' }), supplier);
    expect(fake.counts.purchases).toBe(0);
    expect(replies.map(([, message]) => message.status)).toEqual(['RetryPossible']);
  });

  it('asks again when the vendor now wants more than the library accepted', async () => {
    const { fake, adapter, replies, supplier } = await vendor();
    await adapter.send(order(DEAR_ARTICLE.doi), supplier);
    await adapter.notify(notice('acceptCost', { cost: { amount: 40, currency: 'CNY' } }), supplier);
    expect(fake.counts.purchases).toBe(0);
    expect(replies[1]).toEqual(['r-1', { supplierId: 'cnki', status: 'RetryPossible', cost: DEAR_ARTICLE.price, reason: 'the vendor now asks 45 CNY' }]);
  });

  it('reports an item the vendor does not sell as unfilled, and an accepted cost without a quote likewise', async () => {
    const { adapter, replies, supplier } = await vendor();
    await adapter.send(order('10.1000/unknown'), supplier);
    await adapter.notify(notice('acceptCost', { cost: ARTICLE.price }), supplier);
    expect(replies).toEqual([
      ['r-1', { supplierId: 'cnki', status: 'Unfilled', reason: 'not in the collection' }],
      ['r-1', { supplierId: 'cnki', status: 'Unfilled', reason: 'the vendor no longer holds a quote for this request' }],
    ]);
  });

  it('sends the credentials named in the configuration, and treats their refusal as permanent', async () => {
    const credentials = { type: 'bearer', token: 'cnki-secret' } as const;
    const bearer = { type: 'bearer', tokenEnv: 'CNKI_TOKEN' } as const;
    const right = await vendor({ credentials }, { auth: bearer, env: { CNKI_TOKEN: 'cnki-secret' } });
    await right.adapter.send(order(ARTICLE.doi), right.supplier);
    expect(right.replies).toEqual([filled(ARTICLE.price)]);

    const wrong = await vendor({ credentials }, { auth: bearer, env: { CNKI_TOKEN: 'stale' } });
    await expect(wrong.adapter.send(order(ARTICLE.doi), wrong.supplier)).rejects.toThrow(PermanentSupplierError);
    const unset = await vendor({ credentials }, { auth: bearer });
    const unsetSend = unset.adapter.send(order(ARTICLE.doi), unset.supplier);
    await expect(unsetSend).rejects.toThrow(PermanentSupplierError);
    await expect(unsetSend).rejects.toThrow(/CNKI_TOKEN is not set/);
    expect(wrong.replies).toEqual([]);
  });

  it('sends basic credentials', async () => {
    const basic = { type: 'basic', userEnv: 'EBSCO_USER', passwordEnv: 'EBSCO_PASSWORD' } as const;
    const { fake, adapter, replies, supplier } = await vendor(
      { credentials: { type: 'basic', user: 'pku', password: 'p:w' } },
      { auth: basic, env: { EBSCO_USER: 'pku', EBSCO_PASSWORD: 'p:w' } },
    );
    await adapter.send(order(ARTICLE.doi), supplier);
    expect(fake.counts.purchases).toBe(1);
    expect(replies).toEqual([filled(ARTICLE.price)]);
  });

  it('throws a server error as retryable, and the retry succeeds', async () => {
    const { fake, adapter, replies, supplier } = await vendor({ faults: ['ok', 'fail'] });
    const failed = adapter.send(order(ARTICLE.doi), supplier);
    await expect(failed).rejects.toThrow(/HTTP 500/);
    await expect(failed).rejects.not.toThrow(PermanentSupplierError);
    await adapter.send(order(ARTICLE.doi), supplier);
    expect(fake.counts.purchases).toBe(1);
    expect(replies).toEqual([filled(ARTICLE.price)]);
  });

  it('gives up on a purchase answered too late as retryable, and the retry finds it bought once', async () => {
    const { fake, adapter, replies, supplier } = await vendor({ faults: ['ok', 'slow'], delayMs: 1_000 }, { timeoutMs: 200 });
    const late = adapter.send(order(ARTICLE.doi), supplier);
    await expect(late).rejects.toThrow(/no answer within 200 ms/);
    await expect(late).rejects.not.toThrow(PermanentSupplierError);
    expect(fake.counts.purchases).toBe(1);
    await adapter.send(order(ARTICLE.doi), supplier);
    expect(fake.counts.purchases).toBe(1);
    expect(replies).toEqual([filled(ARTICLE.price)]);
  });

  it('throws a vendor that cannot be reached as retryable', async () => {
    const { adapter, supplier } = await vendor();
    await closers.pop()!();
    const refused = adapter.send(order(ARTICLE.doi), supplier);
    await expect(refused).rejects.toThrow(/ECONNREFUSED/);
    await expect(refused).rejects.not.toThrow(PermanentSupplierError);
  });
});

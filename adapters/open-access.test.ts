import { afterEach, describe, expect, it } from 'vitest';
import type { SupplierOrder } from '../domain/orders';
import type { SupplierMessage } from '../domain/supplier-messages';
import type { Supplier } from '../rules/types';
import { fakeOpenAccess, type FakeOpenAccessOptions } from '../simulator/open-access';
import { listen } from '../simulator/vendor';
import { PermanentSupplierError } from './adapter';
import { createOpenAccessAdapter } from './open-access';
import { supplierEntry } from '../test/suppliers';

const EMAIL = 'ill@calis.example';
const ARTICLES: FakeOpenAccessOptions['articles'] = [
  {
    doi: '10.7717/PeerJ.4375',
    openCopy: { landingPage: 'https://peerj.com/articles/4375', pdf: 'https://peerj.com/articles/4375.pdf', license: 'cc-by', hostType: 'publisher' },
  },
  { doi: '10.1000/green', openCopy: { landingPage: 'https://repository.example/item/7', hostType: 'repository', version: 'acceptedVersion' } },
  { doi: '10.1000/closed' },
];

const resolver = (endpoint: string): Supplier => supplierEntry({ id: 'oa-resolver', kind: 'open-access', adapter: 'open-access', endpoint, cost: { currency: 'CNY', perArticle: 0 } });

const order = (doi: string | undefined): SupplierOrder => ({
  key: 'request-r-2:send:1',
  requestId: 'r-2',
  supplierId: 'oa-resolver',
  request: {
    id: 'r-2',
    requester: { libraryId: 'pku', patronId: 'p-1' },
    service: 'copy',
    urgency: 'normal',
    citation: { title: 'The state of OA', doi },
  },
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function openAccess(options: Partial<FakeOpenAccessOptions> = {}, timeoutMs?: number) {
  const fake = fakeOpenAccess({ articles: ARTICLES, basePath: '/unpaywall', ...options });
  const { url, close } = await listen(fake);
  closers.push(close);
  const replies: [string, SupplierMessage][] = [];
  const adapter = createOpenAccessAdapter({ reply: async (requestId, message) => void replies.push([requestId, message]), email: EMAIL, env: {}, timeoutMs });
  return { fake, adapter, replies, endpoint: `${url}/unpaywall`, supplier: resolver(`${url}/unpaywall`) };
}

describe('open-access adapter', () => {
  it('fills with the best open copy at no cost', async () => {
    const { adapter, replies, supplier } = await openAccess();
    await adapter.send(order('10.7717/peerj.4375'), supplier);
    await adapter.send(order('10.1000/green'), supplier);
    expect(replies).toEqual([
      ['r-2', { supplierId: 'oa-resolver', status: 'CopyCompleted', deliveryUrl: 'https://peerj.com/articles/4375.pdf', cost: { amount: 0, currency: 'CNY' } }],
      ['r-2', { supplierId: 'oa-resolver', status: 'CopyCompleted', deliveryUrl: 'https://repository.example/item/7', cost: { amount: 0, currency: 'CNY' } }],
    ]);
  });

  it('reports a closed article, an unknown DOI and a citation without a DOI as unfilled, each with its reason', async () => {
    const { fake, adapter, replies, supplier } = await openAccess();
    await adapter.send(order('10.1000/closed'), supplier);
    await adapter.send(order('10.1000/unknown'), supplier);
    await adapter.send(order(undefined), supplier);
    expect(replies).toEqual([
      ['r-2', { supplierId: 'oa-resolver', status: 'Unfilled', reason: 'no open-access copy of DOI 10.1000/closed is known' }],
      ['r-2', { supplierId: 'oa-resolver', status: 'Unfilled', reason: 'the open-access resolver does not know DOI 10.1000/unknown' }],
      ['r-2', { supplierId: 'oa-resolver', status: 'Unfilled', reason: 'the citation has no DOI to look an open copy up by' }],
    ]);
    expect(fake.counts.lookups).toBe(2);
  });

  it('finds an open copy for routing, from a DOI however it is written, and replies nothing', async () => {
    const { adapter, replies, supplier } = await openAccess();
    const find = (doi: string | undefined) => adapter.findCopy!(order(doi).request, supplier);
    expect(await find('https://doi.org/10.7717/peerj.4375')).toEqual({ url: 'https://peerj.com/articles/4375.pdf', license: 'cc-by' });
    expect(await find('doi:10.1000/green')).toEqual({ url: 'https://repository.example/item/7' });
    expect(await find('10.1000/closed')).toBeUndefined();
    expect(await find('10.1000/unknown')).toBeUndefined();
    expect(await find(undefined)).toBeUndefined();
    expect(replies).toEqual([]);
  });

  it('treats a refused call as permanent', async () => {
    const { supplier } = await openAccess();
    const refused = createOpenAccessAdapter({ reply: async () => undefined, email: '', env: {} });
    await expect(refused.findCopy!(order('10.1000/green').request, supplier)).rejects.toThrow(PermanentSupplierError);
  });

  it('throws a server error and a late answer as retryable', async () => {
    const { adapter, replies, supplier } = await openAccess({ faults: ['fail', 'slow'], delayMs: 1_000 }, 200);
    const failed = adapter.send(order('10.1000/green'), supplier);
    await expect(failed).rejects.toThrow(/HTTP 500/);
    await expect(failed).rejects.not.toThrow(PermanentSupplierError);
    const late = adapter.send(order('10.1000/green'), supplier);
    await expect(late).rejects.toThrow(/no answer within 200 ms/);
    await expect(late).rejects.not.toThrow(PermanentSupplierError);
    await adapter.send(order('10.1000/green'), supplier);
    expect(replies.map(([, message]) => message.status)).toEqual(['CopyCompleted']);
  });
});

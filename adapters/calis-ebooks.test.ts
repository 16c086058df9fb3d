import { afterEach, describe, expect, it } from 'vitest';
import type { SupplierOrder } from '../domain/orders';
import type { Citation } from '../domain/request';
import type { SupplierMessage } from '../domain/supplier-messages';
import type { Supplier } from '../rules/types';
import { fakeCalisEbooks, type FakeCalisEbooksOptions } from '../simulator/calis-ebooks';
import { listen } from '../simulator/vendor';
import { PermanentSupplierError } from './adapter';
import { createCalisEbooksAdapter } from './calis-ebooks';
import { supplierEntry } from '../test/suppliers';

const NOW = new Date('2026-03-02T08:00:00Z');
const COLLECTION = [{ isbn: '978-7-04-050838-5', title: '信息检索导论' }];

const platform = (endpoint: string): Supplier =>
  supplierEntry({
    id: 'calis-ebooks',
    kind: 'calis-ebooks',
    adapter: 'calis-ebooks',
    endpoint,
    auth: { type: 'basic', userEnv: 'CALIS_EBOOKS_USER', passwordEnv: 'CALIS_EBOOKS_PASSWORD' },
    services: ['ebook'],
    formats: ['pdf', 'epub'],
  });

const order = (citation: Citation): SupplierOrder => ({
  key: 'request-r-3:send:1',
  requestId: 'r-3',
  supplierId: 'calis-ebooks',
  request: { id: 'r-3', requester: { libraryId: 'ybu', patronId: 'p-9' }, service: 'ebook', urgency: 'normal', citation },
});

const ENV = { CALIS_EBOOKS_USER: 'centre', CALIS_EBOOKS_PASSWORD: 'secret' };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function ebooks(options: Partial<FakeCalisEbooksOptions> = {}, env: Record<string, string> = ENV) {
  const fake = fakeCalisEbooks({ collection: COLLECTION, basePath: '/calis-ebooks', credentials: { type: 'basic', user: 'centre', password: 'secret' }, now: () => NOW, ...options });
  const { url, close } = await listen(fake);
  closers.push(close);
  const replies: [string, SupplierMessage][] = [];
  const adapter = createCalisEbooksAdapter({ reply: async (requestId, message) => void replies.push([requestId, message]), validDays: 30, env, timeoutMs: 200 });
  return { fake, adapter, replies, supplier: platform(`${url}/calis-ebooks`) };
}

const granted = ['r-3', { supplierId: 'calis-ebooks', status: 'CopyCompleted', deliveryUrl: 'https://ebooks.calis.example/downloads/g-1' }];

describe('calis-ebooks adapter', () => {
  it('grants the reader a download once per order, however often it is sent', async () => {
    const { fake, adapter, replies, supplier } = await ebooks();
    await adapter.send(order({ title: 'Introduction to Information Retrieval', isbn: '9787040508385' }), supplier);
    await adapter.send(order({ title: 'Introduction to Information Retrieval', isbn: '9787040508385' }), supplier);
    expect(fake.counts.grants).toBe(1);
    expect(fake.issued).toEqual([
      { grantId: 'g-1', isbn: '978-7-04-050838-5', patronId: 'p-9', libraryId: 'ybu', validDays: 30, expiresAt: '2026-04-01T08:00:00.000Z' },
    ]);
    expect(replies).toEqual([granted, granted]);
  });

  it('finds a book by its title when the citation has no ISBN', async () => {
    const { adapter, replies, supplier } = await ebooks();
    await adapter.send(order({ title: '信息检索导论' }), supplier);
    expect(replies).toEqual([granted]);
  });

  it('reports a book not in the collection as unfilled', async () => {
    const { fake, adapter, replies, supplier } = await ebooks();
    await adapter.send(order({ title: 'A book CALIS does not have', isbn: '9780262046305' }), supplier);
    expect(fake.counts.grants).toBe(0);
    expect(replies).toEqual([['r-3', { supplierId: 'calis-ebooks', status: 'Unfilled', reason: 'not in the CALIS e-book collection' }]]);
  });

  it('treats refused credentials as permanent and a late answer as retryable', async () => {
    const refused = await ebooks({}, { ...ENV, CALIS_EBOOKS_PASSWORD: 'old' });
    await expect(refused.adapter.send(order({ isbn: '9787040508385' }), refused.supplier)).rejects.toThrow(PermanentSupplierError);

    const slow = await ebooks({ faults: ['slow'], delayMs: 1_000 });
    const late = slow.adapter.send(order({ isbn: '9787040508385' }), slow.supplier);
    await expect(late).rejects.toThrow(/no answer within 200 ms/);
    await expect(late).rejects.not.toThrow(PermanentSupplierError);
    await slow.adapter.send(order({ isbn: '9787040508385' }), slow.supplier);
    expect(slow.fake.counts.grants).toBe(1);
    expect(slow.replies).toEqual([granted]);
  });
});

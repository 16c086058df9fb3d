import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupplierOrder } from '../../domain/orders';
import type { Money } from '../../domain/request';
import type { Supplier } from '../../rules/types';
import { fakeIso18626Peer } from '../../simulator/iso18626-peer';
import { listen } from '../../simulator/vendor';
import type { Iso18626Request } from './messages';
import { createIso18626Adapter } from './peer';
import { supplierEntry } from '../../test/suppliers';

// What a peer is told it may charge: the least of the library's limit and the reader's, or a price a
// librarian approved in place of the library's limit. A real peer on loopback receives each request.

const peer = fakeIso18626Peer({ callbackUrl: 'http://127.0.0.1:9/unused' });
let server: { url: string; close: () => Promise<void> };
let serial = 0;
const cny = (amount: number): Money => ({ amount, currency: 'CNY' });

const keris = (): Supplier => supplierEntry({ id: 'keris', kind: 'keris', adapter: 'iso18626', endpoint: server.url, agencyId: 'ISIL:KR-KERIS', cost: { currency: 'CNY', perArticle: 30 } });

async function maximumSent(limits: Pick<SupplierOrder, 'costLimits' | 'approvedCost'>): Promise<Money | undefined> {
  const requestId = `max-${++serial}`;
  const order: SupplierOrder = {
    key: `request-${requestId}:send:1`,
    requestId,
    supplierId: 'keris',
    request: { id: requestId, requester: { libraryId: 'ybu', patronId: 'p-1' }, service: 'copy', citation: { title: '조선족 이주사' }, urgency: 'normal' },
    ...limits,
  };
  await createIso18626Adapter({ agencyId: 'ISIL:CN-CALIS' }).send(order, keris());
  const sent = peer.received.find((message) => message.kind === 'request' && message.header.requestingAgencyRequestId === requestId) as Iso18626Request;
  return sent.billingInfo?.maximumCosts;
}

beforeAll(async () => {
  server = await listen(peer);
});

afterAll(async () => {
  await server?.close();
});

describe('the maximum cost a peer is sent', () => {
  it('is the least of the library’s limit and the reader’s', async () => {
    expect(await maximumSent({ costLimits: { autoApproveLimit: cny(50), maxCost: cny(200) } })).toEqual(cny(50));
    expect(await maximumSent({ costLimits: { autoApproveLimit: cny(50), maxCost: cny(40) } })).toEqual(cny(40));
    expect(await maximumSent({})).toBeUndefined();
  });

  it('is the price a librarian approved, above the library’s limit, but never above the reader’s', async () => {
    expect(await maximumSent({ costLimits: { autoApproveLimit: cny(50), maxCost: cny(200) }, approvedCost: cny(120) })).toEqual(cny(120));
    expect(await maximumSent({ costLimits: { autoApproveLimit: cny(50), maxCost: cny(100) }, approvedCost: cny(120) })).toEqual(cny(100));
  });
});

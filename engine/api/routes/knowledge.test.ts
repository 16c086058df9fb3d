import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequest, startTestService, type TestService } from '../../../test/service';

// The dispatch knowledge base per supplier through the API: configured targets beside the figures
// routing reads, which move as the supplier fills and declines orders.

let app: TestService;
let serial = 0;

beforeAll(async () => {
  app = await startTestService();
});
afterAll(async () => {
  await app?.service.stop();
});

/** A reader's request as it reaches its first supplier. */
async function withSupplier(): Promise<{ id: string; supplierId: string }> {
  const request = sampleRequest('chinese-article-ppv', `knowledge-${process.pid}-${++serial}`);
  const librarian = await app.token('librarian', request.requester.libraryId);
  expect((await app.call('POST', '/api/requests', librarian, request)).status).toBe(201);
  const sent = await app.until(request.id, librarian, (body) => body.status === 'with-supplier' && body.supplier !== undefined);
  return { id: request.id, supplierId: sent.supplier.id };
}

const knowledgeOf = async (supplierId: string) => (await app.call('GET', `/api/suppliers/${supplierId}/knowledge`, await app.token('administrator', 'centre'))).body;
const answer = async (order: { id: string; supplierId: string }, message: Record<string, unknown>) => {
  const said = await app.call('POST', `/api/requests/${order.id}/supplier-messages`, await app.token('supplier', order.supplierId), { supplierId: order.supplierId, ...message });
  expect(said.status).toBe(202);
};

describe('what the network has seen of each supplier', () => {
  it('shows the configured targets beside the observed fill rate and turnaround, and moves them as orders are filled and unfilled', async () => {
    const filled = await withSupplier();
    const before = await knowledgeOf(filled.supplierId);
    expect(before).toMatchObject({
      supplierId: filled.supplierId,
      configured: { fillRate: expect.any(Number), turnaroundHours: { copy: { normal: { hours: expect.any(Number), from: expect.stringMatching(/^(supplier|network)$/) } } } },
      orders: { ended: 0, open: 1 },
    });
    expect(before.observed).toBeUndefined();

    await answer(filled, { status: 'CopyCompleted', deliveryUrl: 'https://copies.example.org/k.pdf' });
    const afterFill = await knowledgeOf(filled.supplierId);
    expect(afterFill.orders).toMatchObject({ ended: 1, open: 0 });
    expect(afterFill.observed).toMatchObject({ fillTimes: 1, turnaroundHours: expect.any(Number) });
    expect(afterFill.observed.fillRate).toBeGreaterThan(before.configured.fillRate);

    const declined = await withSupplier();
    const beforeDecline = await knowledgeOf(declined.supplierId);
    const rateBefore = beforeDecline.observed?.fillRate ?? beforeDecline.configured.fillRate;
    await answer(declined, { status: 'Unfilled', reason: 'not held' });
    await app.until(declined.id, await app.token('administrator', 'centre'), (body) => body.supplier?.id !== declined.supplierId);
    const afterDecline = await knowledgeOf(declined.supplierId);
    expect(afterDecline.orders.ended).toBe(beforeDecline.orders.ended + 1);
    expect(afterDecline.observed.fillRate).toBeLessThan(rateBefore);
    expect(afterDecline.observed.unfilledTimes).toBe(1);

    const all = await app.call('GET', '/api/suppliers/knowledge', await app.token('librarian', 'szu'));
    expect(all.status).toBe(200);
    const listed = all.body.suppliers.find((entry: { supplierId: string }) => entry.supplierId === declined.supplierId);
    expect(listed).toMatchObject({ orders: { ended: afterDecline.orders.ended }, observed: { fillRate: afterDecline.observed.fillRate } });
    expect(all.body.suppliers.length).toBe(app.service.network.current().config.suppliers.length);
  });

  it('lets a supplier read its own figures only, and no reader at all', async () => {
    const [first, second] = app.service.network.current().config.suppliers.map((s) => s.id);
    expect((await app.call('GET', `/api/suppliers/${first}/knowledge`, await app.token('supplier', first!))).status).toBe(200);
    expect((await app.call('GET', `/api/suppliers/${second}/knowledge`, await app.token('supplier', first!))).status).toBe(404);
    expect((await app.call('GET', '/api/suppliers/knowledge', await app.token('supplier', first!))).status).toBe(403);
    expect((await app.call('GET', `/api/suppliers/${first}/knowledge`, await app.token('reader', 'szu', 'p-1'))).status).toBe(403);
    expect((await app.call('GET', '/api/suppliers/nowhere/knowledge', await app.token('administrator', 'centre'))).status).toBe(404);
    expect((await app.call('GET', '/api/suppliers/bad%20id/knowledge', await app.token('administrator', 'centre'))).status).toBe(400);
  });
});

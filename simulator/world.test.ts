import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IllRequest } from '../domain/request';
import { lookupHoldings } from '../rules/holdings';
import { loadNetwork } from '../rules/load';
import { compile, route } from '../rules/route';
import type { NetworkConfig } from '../rules/types';
import { sampleRequest, startTestService, type TestService } from '../test/service';
import { shippedNetworkOnOwnPort } from './shipped-network';
import { fills } from './terms';
import { parseFaultRates, startWorld } from './world';

// The shipped network against its simulated suppliers: the engine's real adapters talk HTTP to fakes
// of every supplier system on one loopback port, as `npm start` with ILL_SIMULATOR=on does, here with
// peers that repeat every answer, send one out of order and a broken document, and vendors whose
// calls fail a third of the time.

let app: TestService;
let world: Awaited<ReturnType<typeof startWorld>>;
let network: NetworkConfig;

/**
 * The sample under an id its first supplier fills: an ISO 18626 peer decides by the request id,
 * which differs from run to run, and a rota that runs out would end with search-proxy staff.
 */
function filledSample(name: string): IllRequest {
  const probe = sampleRequest(name, 'world');
  const first = route(compile(network), { request: probe, holdings: lookupHoldings(network, probe) }).rota[0]!;
  const supplier = network.suppliers.find((s) => s.id === first.supplierId)!;
  for (let n = 0; ; n++) {
    const request = sampleRequest(name, `world-${process.pid}-${n}`);
    if (fills(supplier, request.id)) return request;
  }
}

beforeAll(async () => {
  const { configDir, port } = await shippedNetworkOnOwnPort();
  app = await startTestService({ ILL_CONFIG_DIR: configDir }, {});
  const { config } = loadNetwork(configDir);
  network = config!;
  world = await startWorld(config!, {
    port,
    callbackUrl: `${app.service.url}/iso18626`,
    faultRates: { duplicate: 1, outOfOrder: 1, malformed: 1, fail: 0.3 },
  });
});

afterAll(async () => {
  await world?.stop();
  await app?.service.stop();
});

describe('the supplier simulator', () => {
  it('serves every supplier system the configuration points at it', () => {
    expect(world.suppliers).toEqual(expect.arrayContaining(['calis-ebooks', 'cnki', 'keris', 'nlc', 'nstl', 'oa-resolver', 'vip']));
  });

  it('reads fault rates as ILL_SIMULATOR_FAULTS writes them, and refuses a mistake', () => {
    expect(parseFaultRates('duplicate=0.1, fail=0.05')).toEqual({ duplicate: 0.1, fail: 0.05 });
    expect(parseFaultRates('timeout@nlc=1,timeout=0.01')).toEqual({ 'timeout@nlc': 1, timeout: 0.01 });
    expect(() => parseFaultRates('timeout@=1')).toThrow("'timeout@=1' is not KIND=RATE");
    expect(parseFaultRates(undefined)).toEqual({});
    expect(() => parseFaultRates('sometimes=0.1')).toThrow("'sometimes=0.1' is not KIND=RATE");
  });

  it('fills by each supplier’s fill rate, the same way every time', () => {
    const cnki = { id: 'cnki', fillRate: 0.97 };
    const draws = Array.from({ length: 1000 }, (_, n) => fills(cnki, `item-${n}`));
    expect(draws.filter(Boolean).length).toBeGreaterThan(940);
    expect(draws.filter(Boolean).length).toBeLessThan(1000);
    expect(Array.from({ length: 1000 }, (_, n) => fills(cnki, `item-${n}`))).toEqual(draws);
  });

  it.each(['chinese-article-ppv', 'korean-article-keris', 'ebook-calis'])('takes the sample %s to delivery through the suppliers’ own protocols', async (name) => {
    const request = filledSample(name);
    const reader = await app.token('reader', request.requester.libraryId, request.requester.patronId);
    expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
    // A supplier may price the item above the library's limit: its librarian agrees to the price.
    const answered = await app.until(request.id, reader, (body) => ['delivered', 'awaiting-cost-approval'].includes(body.status));
    if (answered.status === 'awaiting-cost-approval') {
      const librarian = await app.token('librarian', request.requester.libraryId);
      expect((await app.call('POST', `/api/requests/${request.id}/approve-cost`, librarian, { approve: true })).status).toBe(200);
    }
    const delivered = await app.until(request.id, reader, (body) => body.status === 'delivered');
    expect(delivered.delivery.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/downloads\/|^https:\/\/repository\.example\//);
    // Repeated and late answers were confirmed and recorded by the workflow, and acted on once.
    await new Promise((r) => setTimeout(r, 500));
    const settled = await app.until(request.id, reader, () => true);
    expect(settled.history.filter((h: { status: string }) => h.status === 'delivered')).toHaveLength(1);
    // Each supplier tried (a vendor may still refuse, passing the request on) acknowledged it once.
    const received = settled.history.filter((h: { note?: string }) => h.note === 'RequestReceived').map((h: { supplierId: string }) => h.supplierId);
    expect(received).toEqual([...new Set(received)]);
  });
});

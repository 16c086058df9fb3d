import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../test/harness';
import type { Database } from './db/database';
import type { IllRequest } from '../domain/request';
import { backlogFromIndex, ServiceMetrics } from './metrics';
import { KnexRequestStore } from './store/knex-store';

// What the metrics read from the store, on every database kind, and the metrics' own registry.

const request = (id: string): IllRequest => ({
  id,
  requester: { libraryId: 'whu', patronId: 'p-7' },
  service: 'copy',
  citation: { title: '中国近代史纲要' },
  urgency: 'normal',
});

describe.each(databaseKinds)('what the metrics read from the store, on $name', ({ open }) => {
  let database: Database;
  let store: KnexRequestStore;

  beforeAll(async () => {
    database = await open();
    store = new KnexRequestStore(database.db);
    const walk = async (id: string, statuses: string[]) => {
      await store.insertRequest(request(id), `request-${id}`);
      await store.appendEvents(statuses.map((status, n) => ({ key: `request-${id}:${n}`, requestId: id, status, at: new Date(Date.UTC(2026, 11, 1, 8, n)).toISOString(), detail: {} })));
    };
    await walk('m-1', ['submitted', 'routing', 'awaiting-review']);
    await walk('m-2', ['submitted', 'routing', 'awaiting-review', 'with-supplier']);
    await walk('m-3', ['submitted', 'routing', 'with-search-proxy']);
    await walk('m-4', ['submitted', 'routing', 'with-supplier', 'awaiting-cost-approval']);
    await walk('m-5', ['submitted', 'routing', 'awaiting-review']);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('reads requests by status and open tasks from the request index, once a scrape', async () => {
    let reads = 0;
    const counted = { openWork: () => (reads++, store.openWork()) };
    const text = await new ServiceMetrics(backlogFromIndex(counted)).text();
    expect(reads).toBe(1);
    for (const [status, count] of Object.entries({ 'awaiting-review': 2, 'with-supplier': 1, 'with-search-proxy': 1, 'awaiting-cost-approval': 1 })) {
      expect(text).toContain(`ill_requests{status="${status}"} ${count}`);
    }
    for (const [kind, count] of Object.entries((await store.openWork()).tasks)) expect(text).toContain(`ill_open_tasks{kind="${kind}"} ${count}`);
  });

  it('tells when the latest order to a supplier for a request went out', async () => {
    expect(await store.orderSentAt('m-2', 'nlc')).toBeUndefined();
    await store.enqueueForSupplier({ key: 'request-m-2:send:1', requestId: 'm-2', supplierId: 'nlc', action: 'send', detail: {} });
    const queued = await store.orderSentAt('m-2', 'nlc');
    expect(Date.parse(queued!)).toBeGreaterThan(Date.now() - 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.markSent('request-m-2:send:1');
    const sent = await store.orderSentAt('m-2', 'nlc');
    // Handed over after it was queued: the answer's time counts from then.
    expect(Date.parse(sent!)).toBeGreaterThan(Date.parse(queued!));
    expect(await store.orderSentAt('m-2', 'keris')).toBeUndefined();
  });
});

describe('the service metrics', () => {
  const backlog = { requestsByStatus: async () => ({ 'with-supplier': 3 }), tasksByKind: async () => ({ review: 1 }) };

  it('keeps each service’s metrics on a registry of its own', async () => {
    const one = new ServiceMetrics(backlog);
    const two = new ServiceMetrics(backlog);
    one.routed('route');
    one.routed('route');
    two.routed('escalate');
    expect(await one.text()).toContain('ill_routing_decisions_total{outcome="route"} 2');
    expect(await one.text()).not.toContain('outcome="escalate"');
    expect(await two.text()).toContain('ill_routing_decisions_total{outcome="escalate"} 1');
  });

  it('reads the backlog when scraped, dropping statuses no request is at any more', async () => {
    let counts: Record<string, number> = { 'with-supplier': 3, 'awaiting-review': 1 };
    const metrics = new ServiceMetrics({ requestsByStatus: async () => counts, tasksByKind: async () => ({ review: counts['awaiting-review'] ?? 0 }) });
    const first = await metrics.text();
    expect(first).toContain('ill_requests{status="with-supplier"} 3');
    expect(first).toContain('ill_open_tasks{kind="review"} 1');
    counts = { 'with-supplier': 4 };
    const second = await metrics.text();
    expect(second).toContain('ill_requests{status="with-supplier"} 4');
    expect(second).not.toContain('status="awaiting-review"');
    expect(second).toContain('ill_open_tasks{kind="review"} 0');
  });
});

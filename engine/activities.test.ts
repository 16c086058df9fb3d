import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createOpenAccessAdapter } from '../adapters/open-access';
import { createSimulatedAdapter } from '../adapters/simulated';
import { fakeOpenAccess } from '../simulator/open-access';
import { listen } from '../simulator/vendor';
import { holdingOf } from '../domain/holdings';
import type { IllRequest } from '../domain/request';
import type { TransitionRecord } from '../domain/transitions';
import type { LifecycleActivities } from '../workflows/activities';
import { createActivities } from './activities';
import type { Database } from './db/database';
import { NetworkHolder } from './network';
import { KnexRequestStore } from './store/knex-store';
import { databaseKinds } from '../test/harness';

// The request workflow's activities in an activity context of their own, without a Temporal server,
// against every database the store supports: each does its work once, however often it is retried.

const root = path.resolve(__dirname, '..');

function sample(id: string): IllRequest {
  const { $schema: _schema, ...request } = JSON.parse(readFileSync(path.join(root, 'config/requests/chinese-article-ppv.json'), 'utf8'));
  return { ...request, id };
}

const transition = (requestId: string, n: number, status: string): TransitionRecord => ({
  key: `request-${requestId}:${n}`,
  requestId,
  status,
  at: new Date(Date.UTC(2026, 10, 25, 0, n)).toISOString(),
  detail: {},
});

describe.each(databaseKinds)('activities on $name', ({ open }) => {
  let database: Database;
  let store: KnexRequestStore;
  let activities: LifecycleActivities;
  let journal: string;
  const env = new MockActivityEnvironment();
  // The environment's own typing loses an activity's result when it has optional parameters.
  const run = <A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A) => env.run(activity, ...args) as Promise<R>;
  let serial = 0;
  const stored = async (name: string) => {
    const request = sample(`activities-${name}-${process.pid}-${++serial}`);
    await store.insertRequest(request, `request-${request.id}`);
    return request;
  };
  const journalled = () => readFileSync(journal, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));

  beforeAll(async () => {
    database = await open();
    store = new KnexRequestStore(database.db);
    journal = path.join(mkdtempSync(path.join(os.tmpdir(), 'ill-activities-')), 'journal.jsonl');
    const adapter = createSimulatedAdapter({ reply: async () => undefined, journal });
    activities = createActivities({ store, network: new NetworkHolder(path.join(root, 'config')), adapterFor: () => adapter, now: () => new Date(Date.UTC(2026, 10, 25)) });
  });

  afterAll(async () => {
    await database?.close();
  });

  it('writes the transitions an activity carries before it acts, once however often it runs', async () => {
    const request = await stored('route');
    const carried = [transition(request.id, 1, 'submitted'), transition(request.id, 2, 'checking')];
    const { holdings } = await run(activities.checkAvailability, request, carried);
    await run(activities.checkAvailability, request, carried);
    expect(holdings.length).toBeGreaterThan(0);
    const routing = await run(activities.routeRequest, { request, holdings: holdings.map((h) => holdingOf(h).libraryId) }, [transition(request.id, 3, 'routing')]);
    expect(routing.decision.rota.length).toBeGreaterThan(0);
    const lookedUp = await run(activities.routeRequest, { request }, []);
    expect(lookedUp.holdings).toEqual(holdings);
    expect(lookedUp.decision.rota).toEqual(routing.decision.rota);
    await run(activities.recordTransitions, [transition(request.id, 4, 'routing'), transition(request.id, 3, 'routing')]);
    expect((await store.listEvents(request.id)).map((e) => e.status)).toEqual(['submitted', 'checking', 'routing', 'routing']);
  });

  it('sends an order to its supplier once, even when the send is retried', async () => {
    const request = await stored('send');
    const order = { key: `request-${request.id}:send:1`, requestId: request.id, supplierId: 'cnki', request };
    await run(activities.sendToSupplier, order, [transition(request.id, 5, 'with-supplier')]);
    await run(activities.sendToSupplier, order, [transition(request.id, 5, 'with-supplier')]);
    expect(journalled().filter((entry) => entry.key === order.key)).toHaveLength(1);
    expect((await store.listOutbox('cnki', 100)).filter((entry) => entry.requestId === request.id).map((entry) => entry.action)).toEqual(['send']);
    expect(await store.listEvents(request.id)).toHaveLength(1);
  });

  it("says when a try runs out by the supplier's working hours, counted from the send", async () => {
    const request = await stored('clock');
    const order = { key: `request-${request.id}:send:1`, requestId: request.id, supplierId: 'nstl', request };
    // 14:00 on 30 September 2026: 3.5 hours that day, the National Day holiday, 9 on 8 October, 3.5 on the 9th.
    const sent = await run(activities.sendToSupplier, order, [], { sentAt: '2026-09-30T06:00:00.000Z', workingHours: 16 });
    expect(sent).toEqual({
      deadline: { workingHours: 16, clock: "08:30–17:30 Asia/Shanghai, working days of China's public calendar", at: '2026-10-09T04:00:00.000Z' },
    });
    // A pay-per-view vendor works around the clock; a request started before the clock existed gets nothing back.
    const vendor = { ...order, key: `request-${request.id}:send:2`, supplierId: 'cnki' };
    expect(await run(activities.sendToSupplier, vendor, [], { sentAt: '2026-09-30T06:00:00.000Z', workingHours: 16 })).toMatchObject({ deadline: { at: '2026-09-30T22:00:00.000Z' } });
    expect(await run(activities.sendToSupplier, { ...vendor, key: `request-${request.id}:send:3` }, [])).toBeUndefined();
  });

  it('posts a fill’s charge and tells the reader once, in one activity', async () => {
    const request = await stored('fill');
    const fill = {
      charge: { key: `request-${request.id}:charge:1`, requestId: request.id, libraryId: 'szu', supplierId: 'cnki', amount: 12.5, currency: 'CNY' },
      notice: { key: `request-${request.id}:reader:6:delivered`, requestId: request.id, patronId: 'p-1', libraryId: 'szu', kind: 'delivered' as const, detail: {} },
    };
    await run(activities.recordFill, fill, [transition(request.id, 6, 'delivered')]);
    await run(activities.recordFill, fill, [transition(request.id, 6, 'delivered')]);
    expect(await store.listCharges(request.id)).toEqual([expect.objectContaining({ amount: 12.5, supplierId: 'cnki' })]);
    expect(await database.db('reader_notices').where({ request_id: request.id }).pluck('kind')).toEqual(['delivered']);
    // Posted to the ledger with it, once, by the shipped settlement terms: a vendor's price and the 5% fee.
    expect((await store.listPostings(request.id)).map((p) => [p.kind, p.account.kind, p.amountMinor])).toEqual([
      ['price', 'library', 1250],
      ['price', 'supplier', -1250],
      ['fee', 'library', 63],
      ['fee', 'centre', -63],
    ]);
  });

  it('posts the charge of a request started before fills were recorded whole to the ledger too, once; and reverses it once', async () => {
    const request = await stored('legacy-charge');
    // A service library's copy: the centre pays half the library's part.
    const charge = { key: `request-${request.id}:charge:2`, requestId: request.id, libraryId: 'szu', supplierId: 'pku', amount: 9, currency: 'CNY' };
    await run(activities.postCharge, charge);
    await run(activities.postCharge, charge);
    const postings = await store.listPostings(request.id);
    expect(postings.map((p) => [p.kind, p.account.kind, p.amountMinor, p.month])).toEqual([
      ['price', 'library', 900, '2026-11'],
      ['price', 'supplier', -900, '2026-11'],
      ['fee', 'library', 45, '2026-11'],
      ['fee', 'centre', -45, '2026-11'],
      ['subsidy', 'centre', 450, '2026-11'],
      ['subsidy', 'library', -450, '2026-11'],
    ]);
    expect(await run(activities.reversePostings, request.id, [transition(request.id, 9, 'cancelled')])).toEqual({ reversed: 6, settled: 0 });
    expect(await run(activities.reversePostings, request.id, [transition(request.id, 9, 'cancelled')])).toEqual({ reversed: 6, settled: 0 });
    expect(await store.listPostings(request.id)).toHaveLength(12);
    expect((await store.listEvents(request.id)).map((e) => e.status)).toEqual(['cancelled']);
  });

  it('reads the network’s load and observed statistics for routing at most once while they are fresh', async () => {
    const reads = { load: 0, stats: 0 };
    // The real store, its reads counted.
    const counted = Object.assign(Object.create(store) as KnexRequestStore, {
      ordersSince: (since: Date) => (reads.load++, store.ordersSince(since)),
      supplierOutcomes: (since: Date, latest: number) => (reads.stats++, store.supplierOutcomes(since, latest)),
    });
    let clock = Date.UTC(2026, 10, 25, 9);
    const routing = createActivities({ store: counted, network: new NetworkHolder(path.join(root, 'config')), adapterFor: () => createSimulatedAdapter({ reply: async () => undefined }), now: () => new Date(clock) });
    const route = async () => run(routing.routeRequest, { request: await stored('fresh'), holdings: [] }, []);
    await Promise.all([route(), route(), route()]);
    expect(reads).toEqual({ load: 1, stats: 1 });
    clock += 11_000;
    await route();
    expect(reads).toEqual({ load: 2, stats: 1 });
    clock += 5 * 60_000;
    await route();
    expect(reads).toEqual({ load: 3, stats: 2 });
    // A new day is a new count of orders, however fresh the last one was.
    clock = Date.UTC(2026, 10, 26, 0, 0, 1);
    await route();
    expect(reads.load).toBe(4);
  });

  it("routes by what the suppliers were seen to do: the orders' outcomes in the store, counted in their working hours", async () => {
    // 11:00 on a Wednesday in Beijing: a vendor's minutes are the reader's working minutes too.
    const now = Date.UTC(2026, 10, 25, 3);
    const routing = createActivities({ store, network: new NetworkHolder(path.join(root, 'config')), adapterFor: () => createSimulatedAdapter({ reply: async () => undefined }), now: () => new Date(now) });
    const before = (await run(routing.routeRequest, { request: await stored('learnt'), holdings: [] })).decision;
    expect(before.rota[0]?.supplierId).toBe('cnki');
    expect(before.eta?.basis).toMatch(/^Configured fill rates and promised turnarounds of the 5 rota suppliers;/);
    // CNKI answers thirty orders unfilled within minutes; one more order is still with it.
    const sent = now - 3_600_000;
    for (let n = 0; n <= 30; n++) {
      const request = await stored('cnki-unfilled');
      const event = (k: number, note: string, at: number) => ({ key: `request-${request.id}:${k}`, requestId: request.id, status: 'with-supplier', at: new Date(at).toISOString(), detail: { supplierId: 'cnki', note } });
      await store.enqueueForSupplier({ key: `request-${request.id}:send:1`, requestId: request.id, supplierId: 'cnki', action: 'send', detail: {} }, [event(1, 'try 1', sent)]);
      if (n < 30) await store.appendEvents([event(2, 'Unfilled: not in the database', sent + 6 * 60_000)]);
    }
    // A new instance reads the store afresh (the first keeps its figures for five minutes).
    const learnt = createActivities({ store, network: new NetworkHolder(path.join(root, 'config')), adapterFor: () => createSimulatedAdapter({ reply: async () => undefined }), now: () => new Date(now) });
    const after = (await run(learnt.routeRequest, { request: await stored('learnt'), holdings: [] })).decision;
    const cnki = (decision: typeof before) => decision.rota.find((entry) => entry.supplierId === 'cnki');
    expect(cnki(after)?.terms.fillRate ?? 0).toBeLessThan(cnki(before)!.terms.fillRate! / 2);
    // The reader is told to expect the copy later: from the suppliers after CNKI, most likely.
    expect(after.eta!.workingHours.median).toBeGreaterThan(before.eta!.workingHours.median);
    expect(after.eta?.basis).toMatch(/^Observed figures for 1 of the 5 rota suppliers, configured ones for the rest;/);
  });

  it('refuses, without retrying, a supplier the configuration does not know and a library that is not a member', async () => {
    const request = await stored('unknown');
    const order = { key: `request-${request.id}:send:1`, requestId: request.id, supplierId: 'nowhere', request };
    const refused = await run(activities.sendToSupplier, order).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ nonRetryable: true, message: "supplier 'nowhere' is not in the configuration" });
    const stranger = { ...request, requester: { libraryId: 'atlantis', patronId: 'p-1' } };
    const notMember = await run(activities.routeRequest, { request: stranger, holdings: [] }).catch((error: unknown) => error);
    expect(notMember).toMatchObject({ nonRetryable: true, message: "library 'atlantis' is not a member" });
  });
});

describe('routing, open access first', () => {
  let database: Database;
  let store: KnexRequestStore;
  let resolver: { url: string; close: () => Promise<void> };
  const fake = fakeOpenAccess({
    basePath: '/unpaywall',
    articles: [
      { doi: '10.7717/PeerJ.4375', openCopy: { landingPage: 'https://peerj.com/articles/4375', pdf: 'https://peerj.com/articles/4375.pdf', license: 'cc-by', hostType: 'publisher' } },
      { doi: '10.1000/closed' },
    ],
  });
  const env = new MockActivityEnvironment();
  const run = <A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A) => env.run(activity, ...args) as Promise<R>;

  /** The shipped network with its open-access resolver at `endpoint`. */
  const routingWith = (endpoint: string) => {
    const holder = new NetworkHolder(path.join(root, 'config'));
    const network = {
      current: () => {
        const loaded = holder.current();
        const suppliers = loaded.config.suppliers.map((s) => (s.kind === 'open-access' ? { ...s, endpoint } : s));
        return { ...loaded, config: { ...loaded.config, suppliers } };
      },
    };
    const openAccess = createOpenAccessAdapter({ reply: async () => undefined, email: 'ill@calis.example', env: {} });
    const simulated = createSimulatedAdapter({ reply: async () => undefined });
    return createActivities({ store, network, adapterFor: (name) => (name === 'open-access' ? openAccess : simulated), now: () => new Date(Date.UTC(2026, 10, 25)) });
  };
  const article = (doi: string, service: IllRequest['service'] = 'copy'): IllRequest => ({ ...sample(`oa-${doi}-${service}`), service, citation: { ...sample('x').citation, doi } });

  beforeAll(async () => {
    database = await databaseKinds[0]!.open();
    store = new KnexRequestStore(database.db);
    resolver = await listen(fake);
  });

  afterAll(async () => {
    await resolver.close();
    await database.close();
  });

  it('delivers a free copy before routing: no supplier is ranked', async () => {
    const routing = routingWith(`${resolver.url}/unpaywall`);
    const { decision, estimatedCosts } = await run(routing.routeRequest, { request: article('https://doi.org/10.7717/peerj.4375'), holdings: [] });
    expect(decision).toMatchObject({
      outcome: 'open-access',
      rota: [],
      excluded: [],
      tasks: [],
      openCopy: { supplierId: 'oa-resolver', url: 'https://peerj.com/articles/4375.pdf', license: 'cc-by' },
      // The reader has it at once.
      eta: { workingHours: { p10: 0, median: 0, p90: 0 }, likelyAt: '2026-11-25T00:00:00.000Z' },
    });
    expect(estimatedCosts).toEqual({});
  });

  it('routes on when there is none, without the resolver in the rota, and says why', async () => {
    const routing = routingWith(`${resolver.url}/unpaywall`);
    const { decision } = await run(routing.routeRequest, { request: article('10.1000/closed'), holdings: [] });
    expect(decision.outcome).not.toBe('open-access');
    expect(decision.rota.map((entry) => entry.supplierId)).not.toContain('oa-resolver');
    expect(decision.excluded).toContainEqual({
      supplierId: 'oa-resolver',
      reasons: ['no open-access copy of DOI 10.1000/closed (looked up before routing)'],
      causes: [{ code: 'no-open-copy', doi: '10.1000/closed' }],
    });
  });

  it('leaves a resolver that cannot answer in the rota, and asks nothing for loans or the library’s own copy', async () => {
    const down = routingWith('http://127.0.0.1:9/unpaywall');
    const { decision } = await run(down.routeRequest, { request: article('10.1000/closed'), holdings: [] });
    expect(decision.rota.map((entry) => entry.supplierId)).toContain('oa-resolver');

    const routing = routingWith(`${resolver.url}/unpaywall`);
    const lookups = fake.counts.lookups;
    expect((await run(routing.routeRequest, { request: article('10.7717/peerj.4375', 'loan'), holdings: [] })).decision.outcome).not.toBe('open-access');
    const own = article('10.7717/peerj.4375');
    const held = await run(routing.routeRequest, { request: own, holdings: [own.requester.libraryId] });
    expect(held.decision).toMatchObject({ outcome: 'local', local: { libraryId: own.requester.libraryId } });
    expect(fake.counts.lookups).toBe(lookups);
  });
});

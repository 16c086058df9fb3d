import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Database } from '../engine/db/database';
import type { RequestState } from '../domain/request-state';
import { testDatabase } from '../test/harness';
import { createTimeSkippingEnv } from '../test/time-skipping';
import { disagreements, simulatedOutcome, workflowOutcome, type Outcome } from './agreement';
import { simulationNetwork, type SimulatedNetwork } from './network';
import { requestStream, type SimulatedArrival } from './requests';
import { simulate } from './simulate';
import type { Plan } from './strategies';
import { loadProfiles } from './suppliers';
import { WorkflowRun } from './workflow-run';

// The network simulation's engine strategy and the real request workflows, on the same 200
// requests, the same network and the same simulated suppliers, end each request the same way.
//
// The workflows run on the time-skipping test server, with the real activities over PGlite; every
// supplier answers through the simulation's supplier model (simulation/suppliers.ts) at the instant
// it gives, and librarians and search-proxy staff answer as the simulation has them answer: a
// review and a cost approval approved, an escalated request supplied by staff or found unfillable,
// each after the staff's working hours the model draws for it.
//
// Both sides route on the configuration alone: the engine's store reports no load and no observed
// figures, and the simulation's engine strategy is given no load and learns nothing from the run
// (`withoutFeedback`), so neither the day's load nor the knowledge base can tell them apart. No
// supplier comes near its daily capacity over 200 requests, which the run checks. The copies each
// library already had this year from a journal, which the copyright cap counts, are the request
// stream's, as charges in the database; no library asks twice for one journal among the 200, so
// the copies the run itself delivers (which the engine counts and the simulation does not) never
// reach the cap of a later request.

// simulate() makes its strategies itself: the engine's is made here without feedback, and tells its plans.
const plans = vi.hoisted(() => new Map<string, Plan>());
vi.mock('./strategies', async (importOriginal) => {
  const original = await importOriginal<typeof import('./strategies')>();
  const { withoutFeedback } = await import('./agreement');
  return { ...original, engine: (network: SimulatedNetwork) => withoutFeedback(original.engine(network), plans) };
});

const SEED = 7;
const REQUESTS = 200;
const DAY = 86_400_000;
const profiles = loadProfiles();

let env: TestWorkflowEnvironment;
let database: Database;
let run: WorkflowRun;
let network: SimulatedNetwork;
let arrivals: SimulatedArrival[];
let start: number;
let workflows: Map<string, RequestState>;

/** Midnight in Beijing of the first Monday more than a day after `now`. */
function nextMonday(now: number): number {
  const BEIJING = 8 * 3_600_000;
  let day = Math.ceil((now + DAY + BEIJING) / DAY) * DAY - BEIJING;
  while (new Date(day + BEIJING).getUTCDay() !== 1) day += DAY;
  return day;
}

/** The simulation's engine strategy on the run's requests: each request's outcome, by id. */
function simulated(played: SimulatedNetwork): Map<string, Outcome> {
  plans.clear();
  const result = simulate({ days: 1, perDay: REQUESTS, seed: SEED, start, network: played, profiles, arrivals, degraded: [] });
  return new Map(result.played.engine.records.map((record) => [record.id, simulatedOutcome(record, plans.get(record.id), network.centre)]));
}

/** Each request on which the two accounts differ, with how. */
function compare(simulation: Map<string, Outcome>): string[] {
  const found: string[] = [];
  for (const { request } of arrivals) {
    const differences = disagreements(simulation.get(request.id)!, workflowOutcome(workflows.get(request.id)!, network.centre));
    if (differences.length > 0) found.push(`${request.id}: ${differences.join('; ')}`);
  }
  return found;
}

beforeAll(async () => {
  [env, database] = await Promise.all([createTimeSkippingEnv(), testDatabase()]);
  start = nextMonday(await env.currentTimeMs());
  network = simulationNetwork(start);
  arrivals = requestStream(network.config, { days: 1, perDay: REQUESTS, seed: SEED, start });
  run = new WorkflowRun({ env, network, profiles, db: database.db, workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } });
  await run.start();
});

afterAll(async () => {
  await run?.close();
  await database?.close();
  await env?.teardown();
});

describe('the simulated network through the real workflows', () => {
  it('ends each of 200 requests as the simulation does: outcome, suppliers tried in turn, who filled it, its charge', async () => {
    const titles = arrivals.filter(({ request }) => request.service === 'copy').flatMap(({ request: { requester, citation } }) => [`${requester.libraryId} ${citation.issn}`, `${requester.libraryId} ${citation.journalTitle}`]);
    expect(new Set(titles).size).toBe(titles.length);
    const began = performance.now();
    workflows = await run.run(arrivals.map(({ request, holdings, at, titleCopiesThisYear }) => ({ request, holdings, at, titleCopiesThisYear })));
    console.log(`${REQUESTS} requests through the workflows in ${((performance.now() - began) / 1000).toFixed(1)} s, ${run.orders.size} orders`);
    expect(workflows.size).toBe(REQUESTS);
    expect(run.refused).toEqual([]);
    expect([...run.orders.values()].filter((order) => order.overCapacity)).toEqual([]);

    const simulation = simulated(network);
    expect(simulation.size).toBe(REQUESTS);
    const tally: Record<string, number> = {};
    const slower: string[] = [];
    for (const { request } of arrivals) {
      const workflow = workflowOutcome(workflows.get(request.id)!, network.centre);
      const key = `${workflow.outcome}${workflow.escalated ? ' after search-proxy' : ''}`;
      tally[key] = (tally[key] ?? 0) + 1;
      const expected = simulation.get(request.id)!;
      if (workflow.hours !== undefined && expected.hours !== undefined && Math.abs(workflow.hours - expected.hours) > 0.01) {
        slower.push(`${request.id}: ${expected.hours.toFixed(3)} working hours in the simulation, ${workflow.hours.toFixed(3)} through the workflows`);
      }
    }
    // What the run went through, so a change that leaves a path untried shows.
    const paths: Record<string, number> = {};
    const count = (what: string) => (paths[what] = (paths[what] ?? 0) + 1);
    for (const state of workflows.values()) {
      count(`decided ${state.decision?.outcome}`);
      for (const t of state.tried) count(`try ${t.outcome}`);
      for (const status of new Set(state.history.map((h) => h.status))) if (status.startsWith('awaiting-')) count(status);
    }
    console.log('outcomes through the workflows:', tally, 'on the way:', paths);
    for (const path of ['decided route', 'decided review', 'decided escalate', 'decided reject', 'decided open-access', 'try unfilled', 'try deadline-missed', 'awaiting-review', 'awaiting-cost-approval']) {
      expect(paths[path], path).toBeGreaterThan(0);
    }
    if (slower.length > 0) console.log(`turnaround differs on ${slower.length} request(s):\n${slower.join('\n')}`);
    expect(compare(simulation)).toEqual([]);
  }, 300_000);

  it('tells a supplier that answers otherwise than the simulation has it', () => {
    // The supplier that filled most through the workflows, made to decline everything in the simulation.
    const fills = new Map<string, number>();
    for (const state of workflows.values()) {
      const { filledBy, tried } = workflowOutcome(state, network.centre);
      if (filledBy !== undefined && tried.at(-1) === filledBy) fills.set(filledBy, (fills.get(filledBy) ?? 0) + 1);
    }
    const [wrong, filled] = [...fills.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const suppliers = new Map(network.suppliers);
    suppliers.set(wrong, { ...suppliers.get(wrong)!, kind: 'search-proxy' });
    const found = compare(simulated({ ...network, suppliers }));
    expect(found.length).toBeGreaterThanOrEqual(filled);
    expect(found.filter((line) => line.includes(`filled by: simulation`) && line.includes(`workflow "${wrong}"`))).toHaveLength(filled);
  });
});

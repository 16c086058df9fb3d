import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { generateNetwork, generateRequests } from '../bench/network-generator';
import type { Database } from '../engine/db/database';
import { compile } from '../rules/route';
import type { NetworkConfig } from '../rules/types';
import { testDatabase } from '../test/harness';
import { createTimeSkippingEnv } from '../test/time-skipping';
import { loadProfiles } from './suppliers';
import { WorkflowRun, type RunRequest } from './workflow-run';

let env: TestWorkflowEnvironment;
let database: Database;
let run: WorkflowRun;

function network(): NetworkConfig {
  const config = generateNetwork(11);
  config.policy.workingHours = { days: 'calendar', from: '08:30', to: '17:30', timeZone: 'Asia/Shanghai' };
  for (const supplier of config.suppliers) if (['vendor', 'open-access', 'calis-ebooks'].includes(supplier.kind)) supplier.workingHours = 'always';
  return config;
}

const config = network();

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  database = await testDatabase();
  run = new WorkflowRun({ env, network: { config, compiled: compile(config) }, profiles: loadProfiles(), db: database.db, workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } });
  await run.start();
});

afterAll(async () => {
  await run?.close();
  await database?.close();
  await env?.teardown();
});

describe('the simulated network through the real workflows', () => {
  it('runs 200 requests', async () => {
    const now = await env.currentTimeMs();
    const start = Math.ceil(now / 86_400_000) * 86_400_000 + 86_400_000 + 30 * 60_000;
    const requests: RunRequest[] = generateRequests(11, config, 200).map((input, i) => ({ request: input.request, holdings: input.holdings, at: start + i * 6 * 60_000 }));
    const began = Date.now();
    const states = await run.run(requests);
    console.log(`${Date.now() - began} ms`);
    const tally: Record<string, number> = {};
    for (const state of states.values()) tally[state.status] = (tally[state.status] ?? 0) + 1;
    console.log(tally, run.refused, run.orders.size);
    expect(states.size).toBe(200);
  }, 600_000);
});

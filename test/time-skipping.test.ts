import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowStartOptions } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { REQUEST_STATUS, URGENCY } from '../workflows/search-attributes';
import { addNote, APPROVAL_WINDOW_MS, approve, awaitApproval, state } from './fixtures/timer-workflows';
import { createTimeSkippingEnv } from './time-skipping';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `time-skipping-${randomUUID()}`;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./fixtures/timer-workflows.ts'),
  });
  running = worker.run();
});

afterAll(async () => {
  if (worker) {
    worker.shutdown();
    await running;
  }
  await env?.teardown();
});

const start = (options: Pick<WorkflowStartOptions, 'typedSearchAttributes'> = {}) =>
  env.client.workflow.start(awaitApproval, { taskQueue, workflowId: `approval-${randomUUID()}`, ...options });

describe('the time-skipping test server', () => {
  it('lets a three-day wait run out without waiting for it', async () => {
    const outcome = await env.client.workflow.execute(awaitApproval, { taskQueue, workflowId: `approval-${randomUUID()}` });

    expect(outcome).toMatchObject({ timedOut: true, approvedBy: null, notes: [] });
    expect(outcome.waitedMs).toBeGreaterThanOrEqual(APPROVAL_WINDOW_MS);
    expect(outcome.waitedMs).toBeLessThan(APPROVAL_WINDOW_MS + 60 * 60 * 1000);
  });

  it('applies an update its validator accepts and refuses one it rejects', async () => {
    const handle = await start();

    await expect(handle.executeUpdate(addNote, { args: ['asked the supplier for a scan'] })).resolves.toBe(1);
    const refused = await handle.executeUpdate(addNote, { args: ['  '] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toBe('a note must not be blank');
    expect(await handle.query(state)).toEqual({ approvedBy: null, notes: ['asked the supplier for a scan'] });

    await handle.signal(approve, 'reviewer');
    await expect(handle.result()).resolves.toMatchObject({ timedOut: false, notes: ['asked the supplier for a scan'] });
  });

  it('delivers a signal and answers queries', async () => {
    const handle = await start();
    expect(await handle.query(state)).toEqual({ approvedBy: null, notes: [] });

    await handle.signal(approve, 'reviewer');
    const outcome = await handle.result();

    expect(outcome).toMatchObject({ timedOut: false, approvedBy: 'reviewer' });
    expect(outcome.waitedMs).toBeLessThan(APPROVAL_WINDOW_MS);
    expect(await handle.query(state)).toEqual({ approvedBy: 'reviewer', notes: [] });
  });

  it('keeps search attributes set at start and upserted by the workflow', async () => {
    const handle = await start({ typedSearchAttributes: [{ key: URGENCY, value: 'URGENT' }] });
    await handle.signal(approve, 'reviewer');
    await handle.result();

    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(URGENCY)).toBe('URGENT');
    expect(typedSearchAttributes.get(REQUEST_STATUS)).toBe('APPROVED');
  });
});

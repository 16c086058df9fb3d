import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalTestServerPath } from '../engine/temporal/test-server-path';
import { registerSearchAttributes } from '../engine/temporal/search-attributes';

/**
 * A private Temporal test server whose clock jumps to the next timer whenever a test awaits a
 * workflow's result, so deadlines of days pass at once. Tear it down after use.
 *
 * Let a workflow's first task finish (query it, say) before terminating it: the test server
 * loses track of a task it was still waiting on, and from then on runs timers in real time.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = await temporalTestServerPath();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  try {
    // The test server refuses workflows that set attributes it does not know.
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}

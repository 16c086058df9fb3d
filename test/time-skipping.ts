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
  const env = await startWithin3Tries(() => TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } }));
  try {
    // The test server refuses workflows that set attributes it does not know.
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}

/**
 * The SDK gives the Java test server 5 seconds to listen, which a JVM starting on a loaded 2-core
 * machine sometimes misses; a second start then finds the machine warmer.
 */
async function startWithin3Tries(start: () => Promise<TestWorkflowEnvironment>): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt === 3 || !/did not start within/.test((error as Error).message)) throw error;
    }
  }
}

import { pathFromScript } from './cli-path';

/** Finds, or fetches once from Maven Central, Temporal's time-skipping test server (for tests only). */
export function temporalTestServerPath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return pathFromScript('temporal-test-server.sh', 'TEMPORAL_TEST_SERVER', env);
}

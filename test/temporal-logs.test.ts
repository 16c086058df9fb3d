import { Runtime } from '@temporalio/worker';
import { afterEach, expect, test, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
});

test("a test process's Temporal runtime drops INFO and keeps warnings and errors", () => {
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
  const { logger } = Runtime.instance();
  logger.info('Worker state changed', { state: 'RUNNING' });
  logger.debug('Workflow bundle created');
  logger.warn('Activity failed', { attempt: 1 });
  logger.error('Worker failed', { error: 'gone' });
  expect(written).toEqual([
    expect.stringMatching(/\[WARN\] Activity failed .*attempt/),
    expect.stringMatching(/\[ERROR\] Worker failed .*gone/),
  ]);
});

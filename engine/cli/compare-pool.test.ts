import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { SHIPPED_CONFIG } from '../../rules/config-fixture';
import { loadNetwork } from '../../rules/load';
import { compile } from '../../rules/route';
import type { NetworkConfig } from '../../rules/types';
import { compareVersions } from '../../rules/versions';
import type { Finding, Lines } from './compare-batch';
import { compareBatches, Workers, type WorkerSetup } from './compare-pool';

const SAMPLES = join(SHIPPED_CONFIG, 'requests');
const BATCHES = 40;
const BATCH_LINES = 50;

function shipped(): NetworkConfig {
  const { config, problems } = loadNetwork(SHIPPED_CONFIG);
  if (!config) throw new Error(problems.map((problem) => problem.message).join('\n'));
  return config;
}

/** The shipped network with Keris suspended, so that the Korean requests are routed differently. */
function withKerisSuspended(): NetworkConfig {
  const config = shipped();
  return { ...config, suppliers: config.suppliers.map((supplier) => (supplier.id === 'keris' ? { ...supplier, status: { state: 'suspended' as const } } : supplier)) };
}

function batchesOfSamples(): Lines[] {
  const samples = readdirSync(SAMPLES)
    .sort()
    .map((name) => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8')) as { id: string });
  return Array.from({ length: BATCHES }, (_, b) => {
    const numbers = Array.from({ length: BATCH_LINES }, (_, i) => b * BATCH_LINES + i + 1);
    const texts = numbers.map((number) => {
      const request = samples[number % samples.length] as { id: string };
      return JSON.stringify({ ...request, id: `${request.id}-${number}` });
    });
    return { texts, numbers };
  });
}

test('a worker thread that stops mid-comparison loses nothing: the batches it held are compared by this thread, and the findings are those of one thread alone', async () => {
  const setup: WorkerSetup = { before: shipped(), after: withKerisSuspended(), file: 'requests.jsonl', facts: { now: '2026-03-02T09:30:00Z' } };
  const comparison = compareVersions(compile(setup.before), compile(setup.after));
  const batches = batchesOfSamples();
  const compared = async (workers: Workers, threads: number, stopOne: boolean): Promise<Finding[][]> => {
    const written: Finding[][] = [];
    const lines = async function* (): AsyncGenerator<Lines> {
      for (const [b, batch] of batches.entries()) {
        // Once the workers hold batches, one of them is stopped as if it had run out of memory.
        if (stopOne && b === 10) void [...workers.pending.keys()][0]?.terminate();
        yield batch;
      }
    };
    await compareBatches(comparison, setup, { threads, slowBatchMs: 0, minRequests: 0 }, workers, undefined, lines(), (findings) => written.push(findings));
    return written;
  };

  const alone = await compared(new Workers({ threads: 0, slowBatchMs: 0, minRequests: 0 }, undefined), 0, false);
  expect(alone).toHaveLength(BATCHES);
  expect(alone.flat().filter((finding) => 'change' in finding).length).toBeGreaterThan(BATCHES);

  const workers = new Workers({ threads: 2, slowBatchMs: 0, minRequests: 0 }, undefined);
  try {
    expect(await compared(workers, 2, true)).toEqual(alone);
    expect(workers.stopped.map(({ message }) => message)).toEqual([expect.stringMatching(/^a worker thread stopped \(exit code \d+\) while comparing$/)]);
    expect(workers.pending.size).toBe(1);
  } finally {
    await workers.end();
  }
});

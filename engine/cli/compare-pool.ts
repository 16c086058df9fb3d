// `ill route --compare` over a long batch on every core: this thread and worker threads
// (compare-worker.ts) each compare a share of the batch's lines, a thousand at a time, and what
// each share came to is written in the order of the file, as one thread alone would write it.

import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { NetworkConfig } from '../../rules/types';
import type { RoutingFacts, VersionComparison } from '../../rules/versions';
import { compareLines, type Finding, type Lines } from './compare-batch';
import type { Batch, Compared } from './compare-worker';

/** What each worker is sent first: the configurations as loaded and checked in this thread, compiled again there. */
export interface WorkerSetup {
  before: NetworkConfig;
  after: NetworkConfig;
  /** How problems name the batch file. */
  file: string;
  facts: RoutingFacts;
}

/** Batches a worker holds unanswered, so that it has the next at hand while this thread compares one of its own. */
const AHEAD = 3;

/** Worker threads started before the configurations are loaded, so that they load their code meanwhile. */
export class ComparePool {
  readonly workers: Worker[];

  constructor(threads: number) {
    this.workers = Array.from({ length: threads }, () => new Worker(join(__dirname, 'compare-worker.mjs')));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/**
 * Compares the batches: each goes to a worker of the pool that has fewer than `AHEAD` unanswered,
 * or, when none has, is compared in this thread. `write` gets each batch's findings in the order
 * the batches came. Without a pool every batch is compared here.
 */
export async function compareBatches(
  comparison: VersionComparison,
  setup: WorkerSetup,
  pool: ComparePool | undefined,
  batches: AsyncIterable<Lines>,
  write: (findings: Finding[]) => void,
): Promise<void> {
  const workers = pool?.workers ?? [];
  const pending = new Map(workers.map((worker) => [worker, 0]));
  const answered = new Map<number, Finding[]>();
  let written = 0;
  let sent = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const answer = (batch: number, findings: Finding[]) => {
    answered.set(batch, findings);
    for (let next = answered.get(written); next; next = answered.get(written)) {
      answered.delete(written++);
      write(next);
    }
  };
  const changed = () => {
    wake?.();
    wake = undefined;
  };
  const listeners = workers.map((worker) => {
    const message = ({ batch, findings }: Compared) => {
      pending.set(worker, (pending.get(worker) ?? 0) - 1);
      answer(batch, findings);
      changed();
    };
    const error = (cause: Error) => {
      failure ??= cause;
      changed();
    };
    const exit = (code: number) => {
      failure ??= new Error(`a worker thread stopped (exit code ${code}) while comparing`);
      changed();
    };
    worker.on('message', message).on('error', error).on('exit', exit);
    worker.postMessage(setup);
    return () => worker.off('message', message).off('error', error).off('exit', exit);
  });
  /** The worker with the fewest batches unanswered, if it has room for another. */
  const free = (): Worker | undefined => {
    const [worker] = [...pending].sort((a, b) => a[1] - b[1])[0] ?? [];
    return worker && (pending.get(worker) ?? 0) < AHEAD ? worker : undefined;
  };
  try {
    for await (const lines of batches) {
      if (failure) break;
      const worker = free();
      const batch = sent++;
      if (worker) {
        pending.set(worker, (pending.get(worker) ?? 0) + 1);
        worker.postMessage({ batch, lines } satisfies Batch);
      } else {
        answer(batch, compareLines(comparison, lines, setup.file, setup.facts));
        // Lets the workers' answers in before the next batch is read.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    while (written < sent && !failure) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
  } finally {
    for (const stop of listeners) stop();
  }
}

// `ill route --compare` over a long batch on every core: where comparing a thousand lines takes
// long enough that starting a worker thread pays, this thread and worker threads
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
/**
 * A worker takes about a second to start, compile both configurations and warm up: worth it when
 * this thread takes longer than this for a batch (a draft whose every request both versions
 * decide), not when most requests are settled by their own facts at a few microseconds each.
 */
export const SLOW_BATCH_MS = 100;
/** Nor for a batch file of fewer requests than this, which one thread compares in a few seconds at most. */
export const MIN_REQUESTS = 20_000;

/**
 * How many worker threads, started once this thread took `slowBatchMs` or longer over a batch of
 * a file that holds, by the length of its first lines, `minRequests` or more.
 */
export interface Threads {
  threads: number;
  slowBatchMs: number;
  minRequests: number;
}

/**
 * Compares the batches in order, in this thread until one takes `slowBatchMs` or longer (at once
 * for 0; in a file of `fileBytes`, where known, long enough), then on `threads` workers as well: each batch goes to the worker with the fewest unanswered,
 * if it has fewer than `AHEAD`, or else is compared here. `write` gets each batch's findings in
 * the order the batches came.
 */
export async function compareBatches(
  comparison: VersionComparison,
  setup: WorkerSetup,
  { threads, slowBatchMs, minRequests }: Threads,
  fileBytes: number | undefined,
  batches: AsyncIterable<Lines>,
  write: (findings: Finding[]) => void,
): Promise<void> {
  const pending = new Map<Worker, number>();
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
  const start = () => {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(join(__dirname, 'compare-worker.mjs'));
      pending.set(worker, 0);
      worker.on('message', ({ batch, findings }: Compared) => {
        pending.set(worker, (pending.get(worker) ?? 0) - 1);
        answer(batch, findings);
        changed();
      });
      worker.on('error', (error) => {
        failure ??= error;
        changed();
      });
      worker.on('exit', (code) => {
        failure ??= new Error(`a worker thread stopped (exit code ${code}) while comparing`);
        changed();
      });
      worker.postMessage(setup);
    }
  };
  /** The worker with the fewest batches unanswered, if it has room for another. */
  const free = (): Worker | undefined => {
    const [worker, count] = [...pending].sort((a, b) => a[1] - b[1])[0] ?? [];
    return count !== undefined && count < AHEAD ? worker : undefined;
  };
  let long: boolean | undefined;
  /** Starts the workers once this thread has taken `ms` over a batch, if that is long enough in a file long enough. */
  const startAfter = (ms: number) => {
    if (pending.size === 0 && threads > 0 && long && ms >= slowBatchMs) start();
  };
  try {
    for await (const lines of batches) {
      // The first lines tell how long the file's lines are, so how many requests it holds.
      long ??= fileBytes === undefined || (fileBytes * lines.texts.length) / lines.texts.reduce((total, text) => total + Buffer.byteLength(text) + 1, 0) >= minRequests;
      startAfter(0);
      if (failure) break;
      const worker = free();
      const batch = sent++;
      if (worker) {
        pending.set(worker, (pending.get(worker) ?? 0) + 1);
        worker.postMessage({ batch, lines } satisfies Batch);
        continue;
      }
      const started = performance.now();
      answer(batch, compareLines(comparison, lines, setup.file, setup.facts));
      startAfter(performance.now() - started);
      // Lets the workers' answers in before the next batch is read.
      await new Promise((resolve) => setImmediate(resolve));
    }
    while (written < sent && !failure) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
  } finally {
    await Promise.all([...pending.keys()].map((worker) => worker.removeAllListeners('exit').terminate()));
  }
}

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
/** `--threads` asks for at most this many workers for each core. */
export const MAX_THREADS_PER_CORE = 4;

/**
 * How many worker threads, started once this thread took `slowBatchMs` or longer over a batch of
 * a file that holds, by the length of its first lines, `minRequests` or more.
 */
export interface Threads {
  threads: number;
  slowBatchMs: number;
  minRequests: number;
}

/** The shortest a request's line is taken to be, to tell from a file's size alone whether it may hold enough requests to want workers. */
const SHORTEST_LINE = 100;

/**
 * The worker threads of one comparison. Those wanted at once, or likely to be (for a file whose
 * size allows `minRequests` requests), are started before the configurations are loaded: each
 * loads its code meanwhile, which takes it about half a second, and is sent the configurations
 * only when the comparison wants it. One never wanted is ended unused.
 */
export class Workers {
  /** Batches each worker sent the configurations holds unanswered; a worker that stops leaves it. */
  readonly pending = new Map<Worker, number>();
  private readonly early: Worker[];
  /** Whether workers were sent the configurations, even if all have stopped since. */
  started = false;
  /** Why each worker that stopped before the comparison ended did so. */
  readonly stopped: Error[] = [];
  /** Called with each batch a worker answers, with each worker that stops, and whenever either happens. */
  answered: (batch: number, findings: Finding[]) => void = () => undefined;
  lost: (worker: Worker) => void = () => undefined;
  changed: () => void = () => undefined;

  constructor({ threads, minRequests }: Threads, fileBytes: number | undefined) {
    const likely = minRequests === 0 || (fileBytes !== undefined && fileBytes >= minRequests * SHORTEST_LINE);
    this.early = likely ? Array.from({ length: threads }, () => this.spawn()) : [];
  }

  private spawn(): Worker {
    const worker = new Worker(join(__dirname, 'compare-worker.mjs'));
    worker.on('message', ({ batch, findings }: Compared) => {
      // A worker's last answer can come after its error, once its batches were handed back: they are compared here.
      const unanswered = this.pending.get(worker);
      if (unanswered === undefined) return;
      this.pending.set(worker, unanswered - 1);
      this.answered(batch, findings);
      this.changed();
    });
    // A worker that fails (out of memory, say) ends with an error, then an exit: it is lost once.
    const stop = (error: Error): void => {
      const early = this.early.indexOf(worker);
      if (early >= 0) this.early.splice(early, 1);
      else if (!this.pending.delete(worker)) return;
      this.stopped.push(error);
      this.lost(worker);
      this.changed();
    };
    worker.on('error', stop);
    worker.on('exit', (code) => stop(new Error(`a worker thread stopped (exit code ${code}) while comparing`)));
    return worker;
  }

  /** Sends `count` workers, those started early first, the configurations. */
  start(count: number, setup: WorkerSetup): void {
    this.started = true;
    for (let i = 0; i < count; i++) {
      const worker = this.early.shift() ?? this.spawn();
      this.pending.set(worker, 0);
      worker.postMessage(setup);
    }
  }

  async end(): Promise<void> {
    await Promise.all([...this.early, ...this.pending.keys()].map((worker) => worker.removeAllListeners('exit').removeAllListeners('error').terminate()));
  }
}

/**
 * Compares the batches in order, in this thread until one takes `slowBatchMs` or longer (at once
 * for 0; in a file of `fileBytes`, where known, long enough), then on `threads` workers as well: each batch goes to the worker with the fewest unanswered,
 * if it has fewer than `AHEAD`, or else is compared here. A worker that stops loses nothing: the
 * batches it held are compared here. `write` gets each batch's findings in the order the batches came.
 */
export async function compareBatches(
  comparison: VersionComparison,
  setup: WorkerSetup,
  { threads, slowBatchMs, minRequests }: Threads,
  workers: Workers,
  fileBytes: number | undefined,
  batches: AsyncIterable<Lines>,
  write: (findings: Finding[]) => void,
): Promise<void> {
  const { pending } = workers;
  const answered = new Map<number, Finding[]>();
  /** Each batch a worker holds unanswered, with its lines, should the worker stop. */
  const held = new Map<number, { worker: Worker; lines: Lines }>();
  /** Batches a worker held when it stopped, to be compared here. */
  const orphaned: [number, Lines][] = [];
  let written = 0;
  let sent = 0;
  let wake: (() => void) | undefined;
  const answer = (batch: number, findings: Finding[]) => {
    held.delete(batch);
    answered.set(batch, findings);
    for (let next = answered.get(written); next; next = answered.get(written)) {
      answered.delete(written++);
      write(next);
    }
  };
  const adopt = () => {
    for (let next = orphaned.shift(); next; next = orphaned.shift()) answer(next[0], compareLines(comparison, next[1], setup.file, setup.facts));
  };
  workers.answered = answer;
  workers.lost = (worker) => {
    for (const [batch, { worker: holder, lines }] of held) if (holder === worker) orphaned.push([batch, lines]);
  };
  workers.changed = () => {
    wake?.();
    wake = undefined;
  };
  /** The worker with the fewest batches unanswered, if it has room for another. */
  const free = (): Worker | undefined => {
    const [worker, count] = [...pending].sort((a, b) => a[1] - b[1])[0] ?? [];
    return count !== undefined && count < AHEAD ? worker : undefined;
  };
  let long: boolean | undefined;
  /** Starts the workers once this thread has taken `ms` over a batch, if that is long enough in a file long enough. */
  const startAfter = (ms: number) => {
    if (!workers.started && threads > 0 && long && ms >= slowBatchMs) workers.start(threads, setup);
  };
  try {
    for await (const lines of batches) {
      // The first lines tell how long the file's lines are, so how many requests it holds.
      long ??= fileBytes === undefined || (fileBytes * lines.texts.length) / lines.texts.reduce((total, text) => total + Buffer.byteLength(text) + 1, 0) >= minRequests;
      startAfter(0);
      adopt();
      const worker = free();
      const batch = sent++;
      if (worker) {
        pending.set(worker, (pending.get(worker) ?? 0) + 1);
        held.set(batch, { worker, lines });
        worker.postMessage({ batch, lines } satisfies Batch);
        continue;
      }
      const started = performance.now();
      answer(batch, compareLines(comparison, lines, setup.file, setup.facts));
      startAfter(performance.now() - started);
      // Lets the workers' answers in before the next batch is read.
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (adopt(); written < sent; adopt()) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    workers.answered = () => undefined;
    workers.lost = () => undefined;
    workers.changed = () => undefined;
  }
}

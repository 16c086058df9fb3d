// A worker thread of `ill route --compare` (compare-pool.ts): it compiles the two configurations it
// is sent first, then compares each batch of lines it is sent, answering with what the batch came to.

import { parentPort } from 'node:worker_threads';
import { compile } from '../../rules/route';
import { compareVersions, type VersionComparison } from '../../rules/versions';
import { compareLines, type Finding, type Lines } from './compare-batch';
import type { WorkerSetup } from './compare-pool';

export interface Batch {
  batch: number;
  lines: Lines;
}

export interface Compared {
  batch: number;
  findings: Finding[];
}

const port = parentPort;
if (!port) throw new Error('compare-worker.ts runs only as a worker thread');
let setup: { comparison: VersionComparison; file: string; facts: WorkerSetup['facts'] } | undefined;
port.on('message', (message: WorkerSetup | Batch) => {
  if ('before' in message) {
    const { before, after, file, facts } = message;
    setup = { comparison: compareVersions(compile(before), compile(after)), file, facts };
    return;
  }
  if (!setup) throw new Error('a batch came before the configurations to compare it under');
  const { batch, lines } = message;
  port.postMessage({ batch, findings: compareLines(setup.comparison, lines, setup.file, setup.facts) } satisfies Compared);
});

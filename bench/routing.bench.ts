// Routing throughput at full network scale: the compiled evaluator against json-rules-engine run
// once per candidate, on the same generated network and requests, in one process: first both on
// this thread alone, then both on every core, one worker thread per core routing its share.
// Run with `npm run bench:routing`; the last line of output is a JSON summary.

import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compile } from '../rules/compile';
import { prepare, type RouteInput } from '../rules/rank';
import { createReference, routeWithReference } from '../rules/reference';
import { route } from '../rules/route';
import type { RouteDecision } from '../domain/decision';
import { FULL_SCALE, generateNetwork, generateRequests } from './network-generator';
import { ownCpuMs } from './cpu';
import type { Ran, Run, Share } from './routing-worker';

const NETWORK_SEED = 20130601;
const REQUEST_SEED = 4;
const REQUESTS = 4000;
const PASSES = 3;
/** json-rules-engine takes about half a second per decision here, so it routes only the first requests. */
const BASELINE_REQUESTS = 40;

interface Timed {
  seconds: number;
  /** The whole process's CPU over the run, every worker thread's included. */
  cpuMs: number;
  ran: Ran[];
}

/**
 * Starts one worker thread per core, each with the same network and requests built from the seeds,
 * and once all are compiled and warmed up, times a run of each evaluator from the moment all are
 * told to start until the last has finished its share.
 */
async function onEveryCore(threads: number): Promise<Record<Run, Timed>> {
  const workers = Array.from({ length: threads }, (_, thread) => {
    const share: Share = { networkSeed: NETWORK_SEED, requestSeed: REQUEST_SEED, requests: REQUESTS, passes: PASSES, baselineRequests: BASELINE_REQUESTS, threads, thread };
    return new Worker(join(__dirname, 'routing-worker.mjs'), { workerData: share });
  });
  try {
    await Promise.all(workers.map((worker) => once(worker, 'message')));
    const timed = async (run: Run): Promise<Timed> => {
      const started = performance.now();
      const cpu = ownCpuMs();
      const answers = workers.map((worker) => once(worker, 'message'));
      for (const worker of workers) worker.postMessage(run);
      const ran = (await Promise.all(answers)).map(([answer]) => answer as Ran);
      return { seconds: (performance.now() - started) / 1000, cpuMs: ownCpuMs() - cpu, ran };
    };
    return { compiled: await timed('compiled'), baseline: await timed('baseline') };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

const sum = (ran: readonly Ran[]): number => ran.reduce((total, { decisions }) => total + decisions, 0);

async function main(): Promise<void> {
  const config = generateNetwork(NETWORK_SEED, FULL_SCALE);
  const inputs: RouteInput[] = generateRequests(REQUEST_SEED, config, REQUESTS);

  let started = performance.now();
  const compiled = compile(config);
  const compileMs = performance.now() - started;
  const candidates = inputs.reduce((total, input) => total + prepare(compiled, input).candidates.count, 0) / inputs.length;

  for (const input of inputs.slice(0, 500)) route(compiled, input);
  let decisions: RouteDecision[] = [];
  started = performance.now();
  let cpu = ownCpuMs();
  for (let pass = 0; pass < PASSES; pass++) decisions = inputs.map((input) => route(compiled, input));
  const compiledSeconds = (performance.now() - started) / 1000;
  // All the process's threads, the garbage collector's included: on a busy machine wall time moves with whatever else runs.
  const compiledCpuMicros = ((ownCpuMs() - cpu) * 1000) / (REQUESTS * PASSES);
  const decisionsPerSec = (REQUESTS * PASSES) / compiledSeconds;

  const reference = createReference(config);
  const baselineInputs = inputs.slice(0, BASELINE_REQUESTS);
  const baseline: RouteDecision[] = [];
  started = performance.now();
  cpu = ownCpuMs();
  for (const input of baselineInputs) baseline.push(await routeWithReference(reference, input));
  const baselineSeconds = (performance.now() - started) / 1000;
  const baselineCpuMs = (ownCpuMs() - cpu) / BASELINE_REQUESTS;
  const baselineDecisionsPerSec = BASELINE_REQUESTS / baselineSeconds;
  const mismatches = baseline.filter((decision, i) => JSON.stringify(decision) !== JSON.stringify(decisions[i])).length;

  const outcomes: Record<string, number> = {};
  for (const decision of decisions) outcomes[decision.outcome] = (outcomes[decision.outcome] ?? 0) + 1;

  const threads = availableParallelism();
  const parallel = await onEveryCore(threads);
  const parallelDecisionsPerSec = sum(parallel.compiled.ran) / parallel.compiled.seconds;
  const parallelBaselinePerSec = sum(parallel.baseline.ran) / parallel.baseline.seconds;
  // The threads' decisions must be the ones this thread made: their outcomes add up to the same, and json-rules-engine's agree with the compiled ones field for field.
  const parallelOutcomes: Record<string, number> = {};
  for (const { outcomes: theirs } of parallel.compiled.ran) for (const [outcome, n] of Object.entries(theirs)) parallelOutcomes[outcome] = (parallelOutcomes[outcome] ?? 0) + n;
  const parallelMismatches =
    parallel.baseline.ran.flatMap(({ baseline: theirs }) => theirs).filter(([i, json]) => json !== JSON.stringify(decisions[i])).length +
    Object.keys({ ...outcomes, ...parallelOutcomes }).filter((outcome) => outcomes[outcome] !== parallelOutcomes[outcome]).length;
  console.log(`network: ${config.libraries.length} libraries, ${config.suppliers.length} suppliers, ${config.rules.length} rules; compiled in ${compileMs.toFixed(1)} ms`);
  console.log(`requests: ${REQUESTS}, mean candidates per decision ${candidates.toFixed(1)}, outcomes ${JSON.stringify(outcomes)}`);
  console.log(`compiled: ${REQUESTS * PASSES} decisions in ${compiledSeconds.toFixed(2)} s (${(1e6 / decisionsPerSec).toFixed(1)} µs each, ${compiledCpuMicros.toFixed(1)} µs CPU)`);
  console.log(`json-rules-engine per candidate: first ${BASELINE_REQUESTS} requests only, ${baselineSeconds.toFixed(2)} s (${(1000 / baselineDecisionsPerSec).toFixed(1)} ms each, ${baselineCpuMs.toFixed(1)} ms CPU)`);
  console.log(`decisions differing between the two on those ${BASELINE_REQUESTS} requests: ${mismatches}`);
  console.log(`on ${threads} threads at once, each routing its share (the process's CPU, every thread's):`);
  console.log(`  compiled: ${sum(parallel.compiled.ran)} decisions in ${parallel.compiled.seconds.toFixed(2)} s (${parallelDecisionsPerSec.toFixed(0)} a second, ${((parallel.compiled.cpuMs * 1000) / sum(parallel.compiled.ran)).toFixed(1)} µs CPU each)`);
  console.log(`  json-rules-engine per candidate: first ${sum(parallel.baseline.ran)} requests, ${parallel.baseline.seconds.toFixed(2)} s (${parallelBaselinePerSec.toFixed(2)} a second, ${(parallel.baseline.cpuMs / sum(parallel.baseline.ran)).toFixed(1)} ms CPU each)`);
  console.log(`  decisions differing from this thread's: ${parallelMismatches}`);
  console.log(
    JSON.stringify({
      bench: 'routing',
      threads: 1,
      decisionsPerSec: Math.round(decisionsPerSec),
      baselineDecisionsPerSec: Number(baselineDecisionsPerSec.toFixed(2)),
      ratio: Math.round(decisionsPerSec / baselineDecisionsPerSec),
      cpuMicrosPerDecision: Number(compiledCpuMicros.toFixed(1)),
      cpuRatio: Math.round((baselineCpuMs * 1000) / compiledCpuMicros),
      mismatches,
      allThreads: {
        threads,
        decisionsPerSec: Math.round(parallelDecisionsPerSec),
        baselineDecisionsPerSec: Number(parallelBaselinePerSec.toFixed(2)),
        ratio: Math.round(parallelDecisionsPerSec / parallelBaselinePerSec),
        cpuMicrosPerDecision: Number(((parallel.compiled.cpuMs * 1000) / sum(parallel.compiled.ran)).toFixed(1)),
        mismatches: parallelMismatches,
      },
      requests: REQUESTS,
      candidates: Number(candidates.toFixed(1)),
      rules: config.rules.length,
    }),
  );
}

void main();

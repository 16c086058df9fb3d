// Routing throughput at full network scale: the compiled evaluator against json-rules-engine run
// once per candidate, on the same generated network and requests, in one process.
// Run with `npm run bench:routing`; the last line of output is a JSON summary.

import { compile } from '../rules/compile';
import { prepare, type RouteInput } from '../rules/rank';
import { createReference, routeWithReference } from '../rules/reference';
import { route } from '../rules/route';
import type { RouteDecision } from '../domain/decision';
import { FULL_SCALE, generateNetwork, generateRequests } from './network-generator';
import { ownCpuMs } from './cpu';

const NETWORK_SEED = 20130601;
const REQUEST_SEED = 4;
const REQUESTS = 4000;
const PASSES = 3;
/** json-rules-engine takes about half a second per decision here, so it routes only the first requests. */
const BASELINE_REQUESTS = 40;

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
  console.log(`network: ${config.libraries.length} libraries, ${config.suppliers.length} suppliers, ${config.rules.length} rules; compiled in ${compileMs.toFixed(1)} ms`);
  console.log(`requests: ${REQUESTS}, mean candidates per decision ${candidates.toFixed(1)}, outcomes ${JSON.stringify(outcomes)}`);
  console.log(`compiled: ${REQUESTS * PASSES} decisions in ${compiledSeconds.toFixed(2)} s (${(1e6 / decisionsPerSec).toFixed(1)} µs each, ${compiledCpuMicros.toFixed(1)} µs CPU)`);
  console.log(`json-rules-engine per candidate: first ${BASELINE_REQUESTS} requests only, ${baselineSeconds.toFixed(2)} s (${(1000 / baselineDecisionsPerSec).toFixed(1)} ms each, ${baselineCpuMs.toFixed(1)} ms CPU)`);
  console.log(`decisions differing between the two on those ${BASELINE_REQUESTS} requests: ${mismatches}`);
  console.log(
    JSON.stringify({
      bench: 'routing',
      decisionsPerSec: Math.round(decisionsPerSec),
      baselineDecisionsPerSec: Number(baselineDecisionsPerSec.toFixed(2)),
      ratio: Math.round(decisionsPerSec / baselineDecisionsPerSec),
      cpuMicrosPerDecision: Number(compiledCpuMicros.toFixed(1)),
      cpuRatio: Math.round((baselineCpuMs * 1000) / compiledCpuMicros),
      mismatches,
      requests: REQUESTS,
      candidates: Number(candidates.toFixed(1)),
      rules: config.rules.length,
    }),
  );
}

void main();

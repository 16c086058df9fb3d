// One thread of the routing benchmark's run on every core (routing.bench.ts): it builds the same
// network and requests from the same seeds, compiles, warms up, and when told routes its share of
// the requests, every `threads`-th one, by the compiled evaluator or by json-rules-engine.

import { parentPort, workerData } from 'node:worker_threads';
import { compile } from '../rules/compile';
import { prepare } from '../rules/rank';
import { createReference, routeWithReference } from '../rules/reference';
import { route } from '../rules/route';
import type { RouteDecision } from '../domain/decision';
import { FULL_SCALE, generateNetwork, generateRequests } from './network-generator';

export interface Share {
  networkSeed: number;
  requestSeed: number;
  requests: number;
  passes: number;
  baselineRequests: number;
  threads: number;
  thread: number;
}

/** What the main thread asks for once every thread is ready: a timed run by one of the two evaluators. */
export type Run = 'compiled' | 'baseline';

export interface Ran {
  run: Run;
  decisions: number;
  /** The last pass's outcomes, for the main thread to check against its own. */
  outcomes: Record<string, number>;
  /** json-rules-engine's decisions as JSON, by request number, for the main thread to compare with the compiled evaluator's. */
  baseline: [number, string][];
}

const port = parentPort;
if (!port) throw new Error('routing-worker.ts runs only as a worker thread');
const share = workerData as Share;
const config = generateNetwork(share.networkSeed, FULL_SCALE);
const mine = generateRequests(share.requestSeed, config, share.requests).filter((_, i) => i % share.threads === share.thread);
const compiled = compile(config);
const reference = createReference(config);
// Warmed up as the main thread is: every request prepared once (every requesting library's view of
// the suppliers made), and 500 routed, each thread's code being compiled by its own engine.
for (const input of mine) prepare(compiled, input);
for (const input of mine.slice(0, 500)) route(compiled, input);

port.on('message', (run: Run) => {
  void (async () => {
    let decisions: RouteDecision[] = [];
    if (run === 'compiled') for (let pass = 0; pass < share.passes; pass++) decisions = mine.map((input) => route(compiled, input));
    else for (const input of mine.slice(0, Math.ceil((share.baselineRequests - share.thread) / share.threads))) decisions.push(await routeWithReference(reference, input));
    const outcomes: Record<string, number> = {};
    for (const decision of decisions) outcomes[decision.outcome] = (outcomes[decision.outcome] ?? 0) + 1;
    port.postMessage({
      run,
      decisions: run === 'compiled' ? decisions.length * share.passes : decisions.length,
      outcomes,
      baseline: run === 'baseline' ? decisions.map((decision, i) => [i * share.threads + share.thread, JSON.stringify(decision)]) : [],
    } satisfies Ran);
  })();
});
port.postMessage('ready');

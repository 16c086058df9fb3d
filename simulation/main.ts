// `npm run simulate [-- --days N --per-day N --seed N --policy speed|generated --weights NAME=N,... --rota-length N]`:
// plays a stretch of the national network's life and scores the engine's routing against a static
// rota and random choice on the same requests and the same suppliers. Progress goes to stderr; the
// last line of stdout is the JSON summary. The network's policy is the one set for speed
// (`SPEED_POLICY` in simulation/network.ts) unless `--policy generated` keeps the generator's;
// `--weights` and `--rota-length` change it further, for all three strategies alike (only the
// engine reads weights).
import { parseArgs } from 'node:util';
import { FULL_SCALE } from '../bench/network-generator';
import { firstChoiceShares } from './metrics';
import { DEFAULT_START, NETWORK_SEED, simulationNetwork, SPEED_POLICY, type PolicyChanges } from './network';
import { simulate, summaryLine } from './simulate';
import type { StrategyName } from './strategies';

const INTEGER = /^[1-9]\d*$/;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!INTEGER.test(value)) {
    console.error(`simulate: --${name} must be a positive integer, not ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return Number(value);
}

const WEIGHTS = ['cost', 'turnaround', 'fillRate', 'tier', 'load'] as const;

/** `--weights turnaround=8,cost=2`: ranking weights in place of the network's, for all three strategies. */
function weights(value: string | undefined): PolicyChanges['weights'] {
  if (value === undefined) return undefined;
  const changed: NonNullable<PolicyChanges['weights']> = {};
  for (const pair of value.split(',')) {
    const [name, number] = pair.split('=');
    if (!WEIGHTS.includes(name as (typeof WEIGHTS)[number]) || number === undefined || !Number.isFinite(Number(number))) {
      console.error(`simulate: --weights takes NAME=NUMBER pairs, NAME one of ${WEIGHTS.join(', ')}; not ${JSON.stringify(pair)}`);
      process.exit(2);
    }
    changed[name as (typeof WEIGHTS)[number]] = Number(number);
  }
  return changed;
}

function main(): void {
  const { values } = parseArgs({ options: { days: { type: 'string' }, 'per-day': { type: 'string' }, seed: { type: 'string' }, policy: { type: 'string' }, weights: { type: 'string' }, 'rota-length': { type: 'string' } } });
  const days = integer('days', values.days, 7);
  const perDay = integer('per-day', values['per-day'], 5000);
  const seed = integer('seed', values.seed, 1);
  const policy = values.policy ?? 'speed';
  if (policy !== 'speed' && policy !== 'generated') {
    console.error(`simulate: --policy is speed (the default) or generated, not ${JSON.stringify(policy)}`);
    process.exit(2);
  }
  const base: PolicyChanges = policy === 'speed' ? SPEED_POLICY : {};
  const changes: PolicyChanges = {
    ...base,
    weights: { ...base.weights, ...weights(values.weights) },
    ...(values['rota-length'] === undefined ? {} : { maxRotaLength: integer('rota-length', values['rota-length'], 8) }),
  };
  const began = performance.now();
  const network = simulationNetwork(DEFAULT_START, FULL_SCALE, NETWORK_SEED, changes);
  const { weights: used, escalation } = network.config.policy;
  console.error(`simulate: ${days} day(s), ${perDay} requests a day, seed ${seed}; ${policy} policy: weights ${JSON.stringify(used)}, rota length ${escalation.maxRotaLength}, ${network.config.rules.length} rules`);
  const result = simulate({ days, perDay, seed, network, progress: (line) => console.error(line) });
  console.error(`degraded at ${new Date(result.degradeAt).toISOString()}: ${result.degraded.join(', ')}`);
  for (const [name, figures] of Object.entries(result.figures)) {
    console.error(`${name}: ${JSON.stringify(figures)}`);
    for (const id of result.degraded) console.error(`  ${id}: first choice among requests it could serve: ${firstChoiceShares(result.played[name as StrategyName].trace, id, result.start)}`);
  }
  console.error(`done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  console.log(summaryLine(result));
}

main();

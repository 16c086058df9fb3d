// `npm run simulate [-- --days N --per-day N --seed N]`: plays a stretch of the national network's
// life and scores the engine's routing against a static rota and random choice on the same
// requests and the same suppliers. Progress goes to stderr; the last line of stdout is the JSON
// summary.
import { parseArgs } from 'node:util';
import { simulate } from './simulate';

const INTEGER = /^[1-9]\d*$/;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!INTEGER.test(value)) {
    console.error(`simulate: --${name} must be a positive integer, not ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return Number(value);
}

function main(): void {
  const { values } = parseArgs({ options: { days: { type: 'string' }, 'per-day': { type: 'string' }, seed: { type: 'string' } } });
  const days = integer('days', values.days, 7);
  const perDay = integer('per-day', values['per-day'], 5000);
  const seed = integer('seed', values.seed, 1);
  const began = performance.now();
  console.error(`simulate: ${days} day(s), ${perDay} requests a day, seed ${seed}`);
  const result = simulate({ days, perDay, seed, progress: (line) => console.error(line) });
  console.error(`degraded at ${new Date(result.degradeAt).toISOString()}: ${result.degraded.join(', ')}`);
  for (const [name, figures] of Object.entries(result.figures)) console.error(`${name}: ${JSON.stringify(figures)}`);
  console.error(`done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify({ bench: 'simulate', requests: result.requests, ...result.figures }));
}

main();

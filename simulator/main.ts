// `npm run simulator`: the shipped network's suppliers' systems on 127.0.0.1:3100, in a process of
// their own, for an engine started with `npm start` beside it.
//
//   ILL_CONFIG_DIR         the network configuration (default: config)
//   ILL_SIMULATOR_PORT     the port its endpoints name (default: 3100)
//   ILL_PUBLIC_URL         where the engine takes ISO 18626 messages (default: http://127.0.0.1:3000)
//   ILL_SIMULATOR_MS_PER_HOUR  milliseconds standing for an hour of a supplier's promised turnaround (default: 250)
//   ILL_SIMULATOR_FAULTS   how often faults strike, e.g. fail=0.05,slow=0.02,timeout=0.01,duplicate=0.1,outOfOrder=0.05,
//                          malformed=0.02,refuse=0.05, or at one supplier: timeout@nlc=1
import { join } from 'node:path';
import { loadNetwork } from '../rules/load';
import { parseFaultRates, startWorld } from './world';

async function main(): Promise<void> {
  const configDir = process.env.ILL_CONFIG_DIR || 'config';
  const { config, problems } = loadNetwork(configDir, { name: (relative) => join(configDir, relative) });
  if (!config) {
    for (const problem of problems) process.stderr.write(`${problem.file}:${problem.line}:${problem.column}: ${problem.message}\n`);
    process.exit(2);
  }
  const port = Number(process.env.ILL_SIMULATOR_PORT || 3100);
  const world = await startWorld(config, {
    port,
    callbackUrl: `${(process.env.ILL_PUBLIC_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '')}/iso18626`,
    msPerHour: Number(process.env.ILL_SIMULATOR_MS_PER_HOUR || 250),
    faultRates: parseFaultRates(process.env.ILL_SIMULATOR_FAULTS),
  });
  process.stdout.write(`supplier simulator on ${world.url}: ${world.suppliers.join(', ')}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void world.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator: ${(error as Error).message}\n`);
  process.exit(1);
});

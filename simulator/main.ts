// `npm run simulator`: the shipped network's suppliers' systems on 127.0.0.1:3100, in a process of
// their own, for an engine started with `npm start` beside it.
//
//   ILL_CONFIG_DIR         the network configuration (default: config)
//   ILL_SIMULATOR_PORT     the port its endpoints name (default: 3100)
//   ILL_PUBLIC_URL         where the engine takes ISO 18626 messages (default: http://127.0.0.1:3000)
//   ILL_SIMULATOR_DELAY_MS how long a peer's staff take before each answer (default: 2000)
import { loadNetwork } from '../rules/load';
import { startWorld } from './world';

async function main(): Promise<void> {
  const configDir = process.env.ILL_CONFIG_DIR || 'config';
  const { config, problems } = loadNetwork(configDir);
  if (!config) {
    for (const problem of problems) process.stderr.write(`${problem.file}:${problem.line}:${problem.column}: ${problem.message}\n`);
    process.exit(2);
  }
  const port = Number(process.env.ILL_SIMULATOR_PORT || 3100);
  const world = await startWorld(config, {
    port,
    callbackUrl: `${(process.env.ILL_PUBLIC_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '')}/iso18626`,
    answerDelayMs: Number(process.env.ILL_SIMULATOR_DELAY_MS || 2000),
  });
  process.stdout.write(`supplier simulator on ${world.url}: ${world.suppliers.join(', ')}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void world.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator: ${(error as Error).message}\n`);
  process.exit(1);
});

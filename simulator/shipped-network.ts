// The shipped network for a test run of the simulator: a copy of config/ whose suppliers' simulated
// systems are on a loopback port of the run's own rather than 3100, so runs never meet.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../engine/net';

/** The copy's folder (for ILL_CONFIG_DIR) and the port its simulated endpoints name. */
export async function shippedNetworkOnOwnPort(): Promise<{ configDir: string; port: number }> {
  const port = await freePort();
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'ill-simulated-'));
  cpSync(path.resolve(__dirname, '..', 'config'), configDir, { recursive: true });
  for (const file of readdirSync(path.join(configDir, 'suppliers'))) {
    const at = path.join(configDir, 'suppliers', file);
    writeFileSync(at, readFileSync(at, 'utf8').replaceAll('http://127.0.0.1:3100/', `http://127.0.0.1:${port}/`));
  }
  return { configDir, port };
}

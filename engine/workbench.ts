import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/** The workbench's sources, and where Vite puts the pages the service serves. */
export const WORKBENCH_SOURCE = path.resolve(__dirname, '../web');
export const WORKBENCH_DIR = path.join(WORKBENCH_SOURCE, 'dist');

/** Builds the workbench into `outDir` with the project's Vite configuration. */
export async function buildWorkbench(outDir = WORKBENCH_DIR): Promise<void> {
  const { build } = await import('vite');
  await build({ root: WORKBENCH_SOURCE, configFile: path.join(WORKBENCH_SOURCE, 'vite.config.mts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/** A checkout where `npm ci` did not run its prepare step still serves pages: they are built once, at start. */
export async function ensureWorkbenchBuilt(log: Logger): Promise<void> {
  if (existsSync(path.join(WORKBENCH_DIR, 'index.html'))) return;
  log.info({ dir: WORKBENCH_DIR }, 'building the workbench');
  await buildWorkbench();
}

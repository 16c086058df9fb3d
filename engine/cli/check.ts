import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { byLocation, loadNetwork } from '../../rules/load';
import type { CliIo } from './io';

const USAGE = 'usage: ill check [--config DIR]';

export type CheckIo = Pick<CliIo, 'stdout' | 'stderr'> & { env?: CliIo['env'] };

/**
 * `ill check`: validates a configuration directory before it is deployed. Problems go to stdout as
 * `FILE:LINE:COLUMN: message`, the form editors and CI annotate; exit 1 when there are any, 2 when
 * the check itself could not run. Warnings are printed the same way, their message starting
 * `warning:`, and do not fail the check: the configuration routes, perhaps not as meant.
 */
export async function runCheck(args: string[], io: CheckIo): Promise<number> {
  try {
    const { values } = parseArgs({ args, options: { config: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const dir = values.config ?? (io.env ?? process.env).ILL_CONFIG_DIR ?? 'config';
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      io.stderr.write(`ill check: configuration directory '${dir}' not found\n`);
      return 2;
    }
    // Named by a path its user can open from where the command ran.
    const { config, problems, warnings } = loadNetwork(dir, { name: (relative) => join(dir, relative) });
    for (const { file, line, column, message } of [...problems, ...warnings].sort(byLocation)) {
      io.stdout.write(`${file}:${line}:${column}: ${message}\n`);
    }
    if (!config) return 1;
    const { suppliers, libraries, rules, version } = config;
    io.stdout.write(`${dir} OK: ${suppliers.length} suppliers, ${libraries.length} libraries, ${rules.length} rules, version ${version}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`ill check: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}\n`);
    return 2;
  }
}

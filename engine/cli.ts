import { runToken } from './cli/token';
import type { CliIo } from './cli/io';
import { SettingError } from './settings';

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: () => Promise<Command>; help: string }> = {
  check: { run: async () => (await import('./cli/check')).runCheck, help: 'validate a configuration directory' },
  route: { run: async () => (await import('./cli/route')).runRoute, help: 'route a request, or show which requests a new configuration routes differently' },
  token: { run: async () => runToken, help: 'sign an API token for an account' },
};

function usage(): string {
  return ['usage: ill <command> [options]', ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)}${c.help}`)].join('\n');
}

/** The `ill` command line. Every failure is one line and an exit code, never a stack trace. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`${name && name !== 'help' && name !== '--help' ? `ill: unknown command "${name}"\n` : ''}${usage()}\n`);
    return name === 'help' || name === '--help' ? 0 : 2;
  }
  try {
    return await (await command.run())(args, io);
  } catch (error) {
    io.stderr.write(`ill ${name}: ${error instanceof SettingError ? error.message : (error as Error).message.split('\n')[0]}\n`);
    return 2;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin }).then(
    (code) => (process.exitCode = code),
  );
}

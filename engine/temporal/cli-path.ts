import { execFile } from 'node:child_process';
import path from 'node:path';
import { SettingError } from '../settings';

/**
 * Runs one of the scripts that find, or build once, a Temporal executable, and resolves to the path it
 * prints. Its last line on stderr says what went wrong, so that becomes the error for `setting`.
 */
export function pathFromScript(scriptName: string, setting: string, env: NodeJS.ProcessEnv): Promise<string> {
  const script = path.resolve(__dirname, '../../scripts', scriptName);
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [script], { env, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const reason = stderr.trim().split('\n').pop() || error.message;
        reject(new SettingError(setting, reason));
        return;
      }
      resolve(stdout.trim());
    });
    // The first build takes a while; let the operator see its progress line.
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  });
}

/** Finds, or builds once from the Go module proxy, the Temporal CLI that runs the development server. */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return pathFromScript('temporal-cli.sh', 'TEMPORAL_CLI', env);
}

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenAuthority } from './auth/tokens';
import { loadAuthSecret } from './auth/secret';
import { runCli } from './cli';

function io(env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  return {
    io: { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env },
    out: () => stdout,
    err: () => stderr,
  };
}

describe('ill', () => {
  it('signs tokens the service accepts', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ill-cli-'));
    const run = io({ ILL_DATA_DIR: dataDir });
    expect(await runCli(['token', '--role', 'reader', '--library', 'fudan', '--subject', 'p-9'], run.io)).toBe(0);
    const caller = await new TokenAuthority(loadAuthSecret(undefined, dataDir)).verify(run.out().trim());
    expect(caller).toEqual({ subject: 'p-9', role: 'reader', libraryId: 'fudan' });
  });

  it('says what is wrong in one line, without a stack trace', async () => {
    const unknownRole = io();
    expect(await runCli(['token', '--role', 'adapter', '--library', 'fudan'], unknownRole.io)).toBe(2);
    expect(unknownRole.err()).toMatch(/^usage: ill token --role reader\|librarian\|supplier\|search-proxy\|administrator --library ID/);

    const unknownOption = io();
    expect(await runCli(['token', '--colour', 'red'], unknownOption.io)).toBe(2);
    expect(unknownOption.err().trim().split('\n')).toHaveLength(1);
    expect(unknownOption.err()).toContain("ill token: Unknown option '--colour'");

    const unknownCommand = io();
    expect(await runCli(['fly'], unknownCommand.io)).toBe(2);
    expect(unknownCommand.err()).toMatch(/^ill: unknown command "fly"\nusage: ill <command>/);
  });
});

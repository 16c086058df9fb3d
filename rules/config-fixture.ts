// Test support: a scratch copy of the shipped configuration to break on purpose, and the exact
// `file:line:column` where a patch landed, so tests can assert where problems are reported.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { Problem } from './types';

export const SHIPPED_CONFIG = fileURLToPath(new URL('../config', import.meta.url));

export class ConfigCopy {
  readonly dir = mkdtempSync(join(tmpdir(), 'ill-config-'));

  constructor() {
    cpSync(SHIPPED_CONFIG, this.dir, { recursive: true });
  }

  read(relative: string): string {
    return readFileSync(join(this.dir, relative), 'utf8');
  }

  write(relative: string, text: string): void {
    writeFileSync(join(this.dir, relative), text);
  }

  /** Replaces the single occurrence of `from` in the file. */
  patch(relative: string, from: string, to: string): void {
    const text = this.read(relative);
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`${relative}: expected one '${from}', found ${count}`);
    this.write(relative, text.replace(from, () => to));
  }

  /** `relative:line:column` of the single `marker` in the file, `offset` characters into it. */
  at(relative: string, marker: string, offset = 0): string {
    const text = this.read(relative);
    const index = text.indexOf(marker);
    if (index < 0 || text.indexOf(marker, index + 1) >= 0) throw new Error(`${relative}: '${marker}' is not unique`);
    const before = text.slice(0, index + offset).split('\n');
    return `${relative}:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
  }

  /** Problems as `relative:line:column: message`, with this copy's directory left out. */
  lines(problems: Problem[]): string[] {
    return problems.map(({ file, line, column, message }) => `${file.replace(this.dir + '/', '')}:${line}:${column}: ${message}`);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A factory of fresh copies for the tests of the calling file, each removed after its test. */
export function configCopies(): () => ConfigCopy {
  const copies: ConfigCopy[] = [];
  afterEach(() => copies.splice(0).forEach((copy) => copy.remove()));
  return () => {
    const copy = new ConfigCopy();
    copies.push(copy);
    return copy;
  };
}

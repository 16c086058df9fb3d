import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { configCopies, SHIPPED_CONFIG } from '../../rules/config-fixture';
import { loadNetwork } from '../../rules/load';
import { runCheck } from './check';

// Caps on readers' open requests in policy.yaml, as `ill check` holds them.

const copies = configCopies();

async function check(dir: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io = { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => out.push(text) }, env: {} };
  return { code: await runCheck([`--config=${dir}`], io), out };
}

describe('quotas in policy.yaml', () => {
  test('the shipped network caps readers, with a library of its own cap', () => {
    const { config } = loadNetwork(SHIPPED_CONFIG);
    expect(config?.policy.quotas).toEqual({ openRequestsPerReader: 30, libraries: { pku: 50 } });
  });

  test('a library cap naming no member library is a problem, located, with the library meant', async () => {
    const copy = copies();
    copy.patch('policy.yaml', '    pku: 50', '    pkuu: 50');
    const { code, out } = await check(copy.dir);
    expect(code).toBe(1);
    expect(out).toEqual([`${join(copy.dir, copy.at('policy.yaml', '50'))}: unknown library 'pkuu' (did you mean 'pku'?)\n`]);
  });

  test('a cap below one is a problem', async () => {
    const copy = copies();
    copy.patch('policy.yaml', 'openRequestsPerReader: 30', 'openRequestsPerReader: 0');
    const { code, out } = await check(copy.dir);
    expect(code).toBe(1);
    expect(out).toEqual([`${join(copy.dir, copy.at('policy.yaml', 'openRequestsPerReader: 0', 'openRequestsPerReader: '.length))}: 'quotas.openRequestsPerReader' must be >= 1\n`]);
  });

  test('without quotas a network loads and caps nobody', () => {
    const copy = copies();
    const text = copy.read('policy.yaml');
    copy.write('policy.yaml', text.replace(/\nquotas:\n(?: {2}.*\n)+/, '\n'));
    const { config, problems } = loadNetwork(copy.dir);
    expect(problems).toEqual([]);
    expect(config?.policy.quotas).toBeUndefined();
  });
});

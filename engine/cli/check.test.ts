import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { configCopies, SHIPPED_CONFIG } from '../../rules/config-fixture';
import { runCheck } from './check';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) }, env: {} },
  };
}

const broken = configCopies();

describe('ill check', () => {
  test('a sound configuration: one summary line, exit 0', async () => {
    const { out, err, io } = capture();
    expect(await runCheck(['--config', SHIPPED_CONFIG], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(new RegExp(`^${SHIPPED_CONFIG} OK: \\d+ suppliers, \\d+ libraries, \\d+ rules, version sha256:[0-9a-f]{64}\\n$`));
  });

  test('takes the directory from ILL_CONFIG_DIR', async () => {
    const { out, io } = capture();
    expect(await runCheck([], { ...io, env: { ILL_CONFIG_DIR: SHIPPED_CONFIG } })).toBe(0);
    expect(out[0]).toContain(`${SHIPPED_CONFIG} OK:`);
  });

  test('problems: one FILE:LINE:COLUMN line each on stdout, exit 1', async () => {
    const copy = broken();
    copy.patch('holdings.yaml', '[lzu, nwu, xju]', '[lzu, nwu, xjuu]');
    copy.patch('policy.yaml', 'ebookValidDays: 30', 'ebookValidDays: thirty');
    const { out, err, io } = capture();
    expect(await runCheck([`--config=${copy.dir}`], io)).toBe(1);
    expect(err).toEqual([]);
    expect(out).toEqual([
      `${join(copy.dir, copy.at('holdings.yaml', 'xjuu'))}: unknown library 'xjuu' (did you mean 'xju'?)\n`,
      `${join(copy.dir, copy.at('policy.yaml', 'thirty'))}: 'delivery.ebookValidDays' must be integer, found 'thirty'\n`,
    ]);
  });

  test('warnings: located like problems, marked warning, and the check still passes', async () => {
    const copy = broken();
    copy.write(
      'rules/extra.yaml',
      'rules:\n  - name: review-dear-suppliers\n    conditions:\n      all:\n        - { fact: candidate, path: $.estimatedCost, operator: greaterThan, value: 100 }\n    event: { type: review, params: { reason: dear } }\n',
    );
    copy.patch('titles/cnki.txt', '0254-4156  自动化学报', '0254-4164  计算机学报 again');
    const { out, io } = capture();
    expect(await runCheck(['--config', copy.dir], io)).toBe(0);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(new RegExp(`^${join(copy.dir, copy.at('rules/extra.yaml', '{ fact: candidate'))}: warning: 'review' rule 'review-dear-suppliers' reads candidate \\$\\.estimatedCost`));
    expect(out[1]).toBe(`${join(copy.dir, copy.at('titles/cnki.txt', '0254-4164  计算机学报 again'))}: warning: ISSN 0254-4164 is listed twice (first at line 4)\n`);
    expect(out[2]).toMatch(/ OK: /);
  });

  test('a missing directory: one line on stderr, exit 2', async () => {
    const { out, err, io } = capture();
    expect(await runCheck(['--config', '/nonexistent/ill-config'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual(["ill check: configuration directory '/nonexistent/ill-config' not found\n"]);
  });

  test('an unknown option: one line on stderr, exit 2', async () => {
    const { err, io } = capture();
    expect(await runCheck(['--strict'], io)).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^ill check: Unknown option '--strict'/);
  });

  test('an unexpected failure: one line, no stack trace, exit 2', async () => {
    const copy = broken();
    rmSync(join(copy.dir, 'policy.yaml'));
    mkdirSync(join(copy.dir, 'policy.yaml'));
    const { err, io } = capture();
    expect(await runCheck(['--config', copy.dir], io)).toBe(2);
    expect(err).toEqual(['ill check: EISDIR: illegal operation on a directory, read\n']);
  });
});

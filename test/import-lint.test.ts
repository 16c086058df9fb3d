import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// What each layer may import, as the lint enforces it: workflow code is replayed and must stay
// deterministic, and the kernel and the routing rules stay free of I/O so every part can use them.

const root = path.resolve(__dirname, '..');
const eslint = new ESLint({ cwd: root });

async function importProblems(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('workflow import rules', () => {
  const lint = (code: string) => importProblems('workflows/example.ts', code);

  it('fails a workflow file that imports a Node built-in', async () => {
    expect(await lint("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n")).toHaveLength(1);
    expect(await lint("import http from 'http';\nexport const h = http;\n")).toHaveLength(1);
  });

  it('fails a workflow file that imports an adapter or the engine', async () => {
    expect(await lint("import * as a from '../adapters/simulated';\nexport const x = a;\n")).toHaveLength(1);
    expect(await lint("import { openDatabase } from '../engine/db/database';\nexport const x = openDatabase;\n")).toHaveLength(1);
  });

  it('allows the workflow SDK, the kernel and the rules types', async () => {
    const code =
      "import { sleep } from '@temporalio/workflow';\nimport type { IllRequest } from '../domain/request';\nimport type { Rule } from '../rules/types';\nexport const f = (r: IllRequest, _: Rule) => sleep(r.id.length);\n";
    expect(await lint(code)).toEqual([]);
  });
});

describe('kernel import rules', () => {
  const lint = (code: string) => importProblems('domain/example.ts', code);

  it('fails a kernel file that imports a Node built-in, an I/O library or Temporal', async () => {
    expect(await lint("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n")).toHaveLength(1);
    expect(await lint("import knex from 'knex';\nexport const k = knex;\n")).toHaveLength(1);
    expect(await lint("import { sleep } from '@temporalio/workflow';\nexport const s = sleep;\n")).toHaveLength(1);
  });

  it('fails a kernel file that imports any other part of the engine', async () => {
    expect(await lint("import type { Rule } from '../rules/types';\nexport type R = Rule;\n")).toHaveLength(1);
    expect(await lint("import { statusQuery } from '../workflows/definitions';\nexport const q = statusQuery;\n")).toHaveLength(1);
  });

  it('allows the kernel its own modules', async () => {
    expect(await lint("import type { Money } from './request';\nexport type M = Money;\n")).toEqual([]);
  });
});

describe('routing import rules', () => {
  const lint = (code: string) => importProblems('rules/example.ts', code);

  it('fails a rules file that reaches the network, a database, Temporal, or the engine', async () => {
    expect(await lint("import http from 'node:http';\nexport const h = http;\n")).toHaveLength(1);
    expect(await lint("import { Client } from '@temporalio/client';\nexport const c = Client;\n")).toHaveLength(1);
    expect(await lint("import type { RequestStore } from '../engine/store/store';\nexport type S = RequestStore;\n")).toHaveLength(1);
  });

  it('allows reading and hashing the configuration, and the kernel', async () => {
    const code =
      "import { readFileSync } from 'node:fs';\nimport { createHash } from 'node:crypto';\nimport type { Money } from '../domain/request';\nexport const f = (m: Money) => createHash('sha256').update(readFileSync(String(m.amount))).digest('hex');\n";
    expect(await lint(code)).toEqual([]);
  });
});

describe('workbench import rules', () => {
  const lint = (code: string) => importProblems('web/src/example.tsx', code);

  it('fails a workbench file that imports the engine, an adapter, the rules or a Node built-in', async () => {
    expect(await lint("import { createApp } from '../../engine/api/app';\nexport const a = createApp;\n")).toHaveLength(1);
    expect(await lint("import type { Rule } from '../../rules/types';\nexport type R = Rule;\n")).toHaveLength(1);
    expect(await lint("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n")).toHaveLength(1);
    expect(await lint("import { Client } from '@temporalio/client';\nexport const c = Client;\n")).toHaveLength(1);
  });

  it('allows Preact and the kernel’s types', async () => {
    expect(await lint("import { render } from 'preact';\nimport type { IllRequest } from '../../domain/request';\nexport const f = (r: IllRequest) => render(r.id, document.body);\n")).toEqual([]);
  });
});

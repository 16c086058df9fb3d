import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Workflow code is replayed and must stay deterministic; the lint is what keeps I/O out of it.

const root = path.resolve(__dirname, '..');

async function lintAsWorkflow(code: string) {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, 'workflows/example.ts') });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('workflow import rules', () => {
  it('fails a workflow file that imports a Node built-in', async () => {
    expect(await lintAsWorkflow("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n")).toHaveLength(1);
    expect(await lintAsWorkflow("import http from 'http';\nexport const h = http;\n")).toHaveLength(1);
  });

  it('fails a workflow file that imports an adapter or the engine', async () => {
    expect(await lintAsWorkflow("import * as a from '../adapters/simulated';\nexport const x = a;\n")).toHaveLength(1);
    expect(await lintAsWorkflow("import { openDatabase } from '../engine/db/database';\nexport const x = openDatabase;\n")).toHaveLength(1);
  });

  it('allows the workflow SDK and the rules types', async () => {
    const code = "import { sleep } from '@temporalio/workflow';\nimport type { IllRequest } from '../rules/types';\nexport const f = (r: IllRequest) => sleep(r.id.length);\n";
    expect(await lintAsWorkflow(code)).toEqual([]);
  });
});

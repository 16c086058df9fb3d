import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

// Histories of representative requests, recorded from real runs (RECORD_HISTORIES=1 npx vitest run
// workflows/requestLifecycle.test.ts). Replaying them against today's workflow code fails if a change
// would break requests already running: such a change needs `patched()`.

const HISTORIES = path.join(__dirname, 'histories');
const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.json'));

describe('replay of recorded request histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')));
    await Worker.runReplayHistory(
      { workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } },
      history,
      `replay-${file}`,
    );
  });
});

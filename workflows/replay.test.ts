import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

// Histories of representative requests, recorded from real runs into a folder named for the day
// (RECORD_HISTORIES=<yyyy-mm-dd> npx vitest run workflows/requestLifecycle.test.ts). Every folder is
// replayed against today's workflow code, which fails if a change would break requests already
// running, whichever code started them: such a change needs `patched()` and a new folder.

const HISTORIES = path.join(__dirname, 'histories');
const files = readdirSync(HISTORIES, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.json'))
  .sort();

describe('replay of recorded request histories', () => {
  it('has histories of every recorded version of the workflow to replay', () => {
    const versions = new Set(files.map((file) => path.dirname(file)));
    expect(versions.size).toBeGreaterThanOrEqual(2);
    for (const version of versions) expect(files.filter((file) => path.dirname(file) === version).length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')));
    await Worker.runReplayHistory(
      { workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } },
      history,
      `replay-${file.replaceAll('/', '-')}`,
    );
  });
});

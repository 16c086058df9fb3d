import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath } from '../engine/temporal/cli-path';
import { devServerSearchAttributeArgs } from '../engine/temporal/search-attributes';
import { bundleWorkflows } from '../engine/worker';
import { buildWorkbench } from '../engine/workbench';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/**
 * One real Temporal server for the whole run (or the one at TEMPORAL_ADDRESS), and the workflow
 * code bundled once so that each test file's worker starts in milliseconds. The workbench is built
 * once too, from its sources as they stand, before any file's service serves it.
 */
export default async function setup(project: TestProject) {
  let env: TestWorkflowEnvironment | undefined;
  let address = process.env.TEMPORAL_ADDRESS;
  if (!address) {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: await temporalCliPath() },
        ip: '127.0.0.1',
        extraArgs: ['--log-level', 'error', ...devServerSearchAttributeArgs()],
      },
    });
    address = env.address;
  }
  await buildWorkbench();
  const { code } = await bundleWorkflows();
  const bundlePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'ill-workflows-')), 'workflows.js');
  writeFileSync(bundlePath, code);
  project.provide('temporalAddress', address);
  project.provide('workflowBundlePath', bundlePath);
  return async () => {
    await env?.teardown();
  };
}

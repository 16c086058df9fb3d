// Loads the TypeScript sources with tsx, in the main thread only (`node --import ./engine/typescript.mjs`).
// Temporal's workflow threads inherit the process's flags but run bundled JavaScript: with tsx loaded
// there too, its source-map support would inspect every function the SDK compiles, which it does
// twice for each promise a workflow makes.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) await import('tsx');

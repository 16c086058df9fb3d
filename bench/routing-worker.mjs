// Starts routing-worker.ts in a worker thread: the benchmark's main thread loads TypeScript for itself only.
import { tsImport } from 'tsx/esm/api';

await tsImport('./routing-worker.ts', import.meta.url);

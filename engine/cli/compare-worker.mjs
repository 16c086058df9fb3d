// Starts compare-worker.ts in a worker thread, whether or not the thread that started it loads TypeScript for its workers too.
import { tsImport } from 'tsx/esm/api';

await tsImport('./compare-worker.ts', import.meta.url);

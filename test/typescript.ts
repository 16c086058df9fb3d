import path from 'node:path';

/** Node's flags that run a TypeScript entry point as `npm start` does: tsx in the main thread only. */
export const RUN_TYPESCRIPT = ['--import', path.resolve(__dirname, '../engine/typescript.mjs')];

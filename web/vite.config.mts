import path from 'node:path';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

/** codemirror-json-schema's markdown renderer, replaced by plain text (web/src/schema-markdown.ts). */
const SCHEMA_MARKDOWN = /\/utils\/markdown(\.js)?$/;

// The workbench is served by the engine itself from `web/dist`, on the API's own origin.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    preact(),
    {
      name: 'schema-descriptions-as-text',
      enforce: 'pre',
      resolveId: (source, importer) =>
        importer?.includes(`${path.sep}codemirror-json-schema${path.sep}`) && SCHEMA_MARKDOWN.test(source) ? path.resolve(import.meta.dirname, 'src/schema-markdown.ts') : undefined,
    },
  ],
  // The configuration editor (CodeMirror, a YAML parser, the schemas) is a chunk of its own, about
  // 720 kB, loaded only when an administrator opens it; every other page loads the main chunk alone.
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 800 },
});

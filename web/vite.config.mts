import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The workbench is served by the engine itself from `web/dist`, on the API's own origin.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true },
});

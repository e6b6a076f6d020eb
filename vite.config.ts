import { defineConfig } from 'vite';

export default defineConfig({
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist-web', sourcemap: true },
  server: { port: 5173, strictPort: false },
  // The Wasm build is an input, not a dependency to pre-bundle.
  optimizeDeps: { exclude: ['wasm'] },
});

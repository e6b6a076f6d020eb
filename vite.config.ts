import { defineConfig } from 'vite';

export default defineConfig({
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist-web', sourcemap: true },
  server: { port: 5173, strictPort: false },
  optimizeDeps: {
    // The dependency scan does not follow `new Worker(new URL(...))`: name the workers as entries, or
    // their dependencies (the Azure SDKs) are found on first use and the dev server reloads the page.
    entries: ['index.html', 'workers/*.ts'],
    include: ['@azure/event-hubs', '@azure/cosmos', 'buffer', 'process', 'comlink', 'papaparse', 'fflate', 'ajv', 'uplot'],
    // The Wasm build is an input, not a dependency to pre-bundle.
    exclude: ['wasm'],
  },
});

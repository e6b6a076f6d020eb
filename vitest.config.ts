import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { TZ: 'UTC' },
    // Browser tests start Chromium and a Vite server; keep files from competing for the 2 cores.
    fileParallelism: false,
  },
});

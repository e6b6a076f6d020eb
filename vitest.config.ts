import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { TZ: 'UTC' },
    // What a poll waits on is mostly work in a worker or another process: on a loaded CI machine
    // a second (vitest's default) is too short. A poll that should fail still fails, later.
    expect: { poll: { timeout: 10_000 } },
    // Browser tests start Chromium and a Vite server; keep files from competing for the 2 cores.
    fileParallelism: false,
  },
});

import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Generous: CLI tests start Node + tsx per call, and a loaded CI machine can take seconds for each.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Many tests wait on real servers and spawned CLIs rather than the CPU: more files than cores run at once
    // (vitest's default is cores - 1, a single worker on a 2-core machine).
    maxWorkers: Math.max(3, availableParallelism()),
    globalSetup: ['test/support/global-setup.ts'],
  },
});

import { defineConfig } from 'vitest/config';
import { summaryReporter } from './scripts/summary-reporter.js';

// Tests import workspace packages from source (the "source" export
// condition), so `vitest run` needs no build; `pnpm test` still builds first
// to prove the published ESM/CJS outputs.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    reporters: ['default', summaryReporter()],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * Integration files that must import the application afresh: OpenTelemetry's instrumentations patch
 * node:http and undici when tracing starts, and in a worker where earlier files already loaded them the
 * inbound server span was missing (a clean-clone CI run failed so).
 */
const ISOLATED = ['test/e2e/traces.test.ts'];

// Two projects: `unit` (pure, fast, no services) and `integration` (real PostgreSQL + Redis, real SDKs
// against the protocol fakes in test/fakes). `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/architecture/boundaries.test.ts'],
          environment: 'node',
          // Some unit tests do real work (10,000 CSV rows on PGlite, minutes of virtual clock): on a busy
          // 2-core machine (load 15-20 while CI shares it) they take several times their quiet duration,
          // and the 5 s default turned that into failures. Slowness is measured in bench/, not here.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Vitest's default on 2 cores is one worker (cores - 1): two keep both busy.
          maxWorkers: 2,
          // Unit tests are pure (no services, no module mocks, no stubbed globals or env), so the files of a
          // worker share their imported modules instead of each importing the application again: that was
          // most of this project's CPU time. A file that changes global state (fake timers) restores it.
          isolate: false,
          // Unit tests first, then the integration project with its own worker limit.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/contracts/**/*.test.ts'],
          environment: 'node',
          // dist/ built once up front: the tests start Kring and the CLI through it (test/support/build-once.ts).
          globalSetup: ['test/support/build-once.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two cores: keep parallel files to what the machine carries.
          maxWorkers: 2,
          // The files of a worker share their imported modules, as the unit project's do: importing the
          // application, the SDKs and Prisma again for each of ~120 files was a fifth of this project's
          // time (15 files: 87 -> 68 s, import 30 -> 11 s). Each file starts its own Kring, fakes, database
          // and Redis prefix and closes them. Files that need modules of their own are in the next project.
          isolate: false,
          exclude: [...ISOLATED],
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'integration-isolated',
          include: [...ISOLATED],
          environment: 'node',
          globalSetup: ['test/support/build-once.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});

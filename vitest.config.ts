import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The tests mirror the source: every file under test/ but test/infra is in both the unit and the
 * integration project, and each of its suites registers in one of them (test/support/projects.ts:
 * `offline` suites in unit, `onEmulator` suites in integration). A file with no suite for a
 * project counts there as "(0 test)".
 */
const MIRRORED = ['test/**/*.test.ts'];
const NOT_MIRRORED = [...configDefaults.exclude, 'test/infra/**'];
/**
 * Per project, so a run that finds no test file at all (a mistyped filter) still fails. Vitest's
 * ProjectConfig type leaves the option out, but its runner reads it from each project's config.
 */
const PASS_WITH_NO_TESTS = { passWithNoTests: true } as object;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: MIRRORED,
          exclude: NOT_MIRRORED,
          environment: 'node',
          env: { FIXBRIDGE_TEST_PROJECT: 'unit' },
          ...PASS_WITH_NO_TESTS,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: MIRRORED,
          exclude: NOT_MIRRORED,
          environment: 'node',
          env: { FIXBRIDGE_TEST_PROJECT: 'integration' },
          ...PASS_WITH_NO_TESTS,
          globalSetup: ['test/support/emulator-global.ts'],
          setupFiles: ['test/support/emulator-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

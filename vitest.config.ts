import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The tests mirror the source: a file under test/ (but test/infra) holds a module's offline suites
 * and its emulator suites, and each suite registers in one project (test/support/projects.ts:
 * `offline` suites in unit, `onEmulator` suites in integration). A project loads only the files
 * that have suites for it: loading a file costs its imports (the AWS SDK, about a second), twice
 * over if every file were loaded by both projects.
 */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === join('test', 'infra') ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}
const MIRRORED = testFiles('test');
const withSuites = (call: string) => MIRRORED.filter((f) => readFileSync(f, 'utf8').includes(`${call}(`));
const NOT_MIRRORED = [...configDefaults.exclude, 'test/infra/**'];
/**
 * Per project, so a run that finds no test file at all (a mistyped filter) still fails. Vitest's
 * ProjectConfig type leaves the option out, but its runner reads it from each project's config.
 */
const PASS_WITH_NO_TESTS = { passWithNoTests: true } as object;
/** Approvals filed by tests in approval mode go to a directory of this run, never the user's state dir. */
const APPROVALS_DIR = join(tmpdir(), `fixbridge-test-approvals-${process.pid}`);

export default defineConfig({
  test: {
    // Test files of a worker share one module graph: the AWS SDK loads once per worker, not once per
    // file (a third of the wall time). So a test must not leave state behind: a mocked SDK client is
    // restored in afterAll, an environment variable set in a test is put back in finally.
    poolOptions: { forks: { isolate: false } },
    projects: [
      {
        test: {
          name: 'unit',
          include: withSuites('offline'),
          exclude: NOT_MIRRORED,
          environment: 'node',
          env: { FIXBRIDGE_TEST_PROJECT: 'unit', FIXBRIDGE_APPROVALS_DIR: APPROVALS_DIR },
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
          include: withSuites('onEmulator'),
          exclude: NOT_MIRRORED,
          environment: 'node',
          env: { FIXBRIDGE_TEST_PROJECT: 'integration', FIXBRIDGE_APPROVALS_DIR: APPROVALS_DIR },
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

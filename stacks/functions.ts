/** The Lambda functions: handler paths and bundling, shared by the stack and scripts/bundle-size.ts. */
import type { FunctionProps } from 'sst/constructs';

/** SST's own esbuild options (SST v2 bundles with the esbuild it ships). */
type NodeJsProps = NonNullable<FunctionProps['nodejs']>;
type BuildOptions = NonNullable<NodeJsProps['esbuild']>;
type Plugin = NonNullable<BuildOptions['plugins']>[number];

/**
 * zod's classic API re-exports every locale it has (about a quarter of a megabyte) and uses only
 * English; every message fixbridge shows is English. The bundles get zod's English locale alone.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales-en', namespace: 'fixbridge' } : undefined,
    );
    build.onLoad({ filter: /^zod-locales-en$/, namespace: 'fixbridge' }, () => ({ contents: "export { default as en } from 'zod/v4/locales/en.js';", resolveDir: process.cwd() }));
  },
};

/**
 * `@aws-sdk/client-cloudwatch` is pinned for the emulator (README "Tests and the emulator"); the
 * deployed functions talk to real CloudWatch, so they bundle the current client instead (the same
 * API, and no second copy of the SDK's core).
 */
const ALIAS = { '@aws-sdk/client-cloudwatch': '@aws-sdk/client-cloudwatch-latest' };

export const ESBUILD: BuildOptions = { plugins: [zodEnglishOnly], alias: ALIAS };
export const NODEJS = { format: 'esm', minify: true, sourcemap: true, esbuild: ESBUILD } satisfies NodeJsProps;
export const RUNTIME = 'nodejs22.x' as const;

export const FUNCTIONS = {
  router: { handler: 'packages/functions/src/router.handler', timeout: 120, memorySize: 512, description: 'fixbridge: events to work items on the FIFO work queue' },
  worker: { handler: 'packages/functions/src/worker.handler', timeout: 300, memorySize: 512, description: 'fixbridge: runs the engine for each work item, and lists the sweep' },
  runbook: { handler: 'packages/functions/src/runbook.handler', timeout: 300, memorySize: 512, description: 'fixbridge: runbook requests by direct invocation' },
  slack: { handler: 'packages/functions/src/slack.handler', timeout: 10, memorySize: 256, description: 'fixbridge: Slack approval clicks to the work queue' },
} as const;

/** The handler's source file, e.g. `packages/functions/src/router.ts`. */
export function entryOf(handler: string): string {
  return `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
}

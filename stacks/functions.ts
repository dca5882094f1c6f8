/** The Lambda functions: handler paths and bundling, shared by the stack and scripts/bundle-size.ts. */
export const NODEJS = { format: 'esm', minify: true, sourcemap: true } as const;
export const RUNTIME = 'nodejs22.x' as const;

export const FUNCTIONS = {
  router: { handler: 'packages/functions/src/router.handler', timeout: 120, memorySize: 512, description: 'fixbridge: events to work items on the FIFO work queue' },
  worker: { handler: 'packages/functions/src/worker.handler', timeout: 300, memorySize: 512, description: 'fixbridge: runs the engine for each work item' },
  runbook: { handler: 'packages/functions/src/runbook.handler', timeout: 300, memorySize: 512, description: 'fixbridge: runbook requests by direct invocation' },
} as const;

/** The handler's source file, e.g. `packages/functions/src/router.ts`. */
export function entryOf(handler: string): string {
  return `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
}

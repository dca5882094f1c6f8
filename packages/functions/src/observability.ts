/** Powertools logger and metrics, as middy middleware around every handler. */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import type { Result } from '@fixbridge/core';

export const logger = new Logger({ serviceName: 'fixbridge' });
export const metrics = new Metrics({ namespace: 'fixbridge', serviceName: 'fixbridge' });

export function countResult(result: Result): void {
  metrics.addMetric(`result.${result.status}`, MetricUnit.Count, 1);
}

export function withObservability<E, R>(fn: (event: E, context: Context) => Promise<R>) {
  return middy(fn).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

/** Memoize a cold-start step; a failure is logged once with its clear message and rethrown on every call. */
export function coldStart<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () =>
    (p ??= load().catch((err: unknown) => {
      logger.error('cold start failed', { error: (err as Error).message });
      throw err;
    }));
}

/**
 * Worker: runs the engine for each work item of an SQS FIFO batch, records and reports the result.
 * A message that throws is reported as a batch item failure (SQS redelivers it, then dead-letters
 * it); later messages of the same group in the batch are failed too, so a resource's edits stay in
 * order. A `failed` result is not an error here: it is recorded and reported like any other.
 */
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent } from 'aws-lambda';
import { fromWorkMessage, processItem, type Outcome } from '@fixbridge/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { coldStart, countResult, logger, metrics, withObservability } from './observability';
import { engineRuntime, type EngineRuntime } from './runtime';

export function createWorker(load: () => Promise<EngineRuntime>) {
  return withObservability(async (event: SQSEvent): Promise<PromiseSettledResult<Outcome>[]> => {
    const rt = await load();
    const failedGroups = new Set<string>();
    const settled: PromiseSettledResult<Outcome>[] = [];
    for (const record of event.Records) {
      const group = record.attributes.MessageGroupId ?? record.messageId;
      if (failedGroups.has(group)) {
        settled.push({ status: 'rejected', reason: new Error(`an earlier message of group ${group} failed in this batch; redelivered in order`) });
        continue;
      }
      try {
        const outcome = await processItem(fromWorkMessage(record.body), rt.deps);
        countResult(outcome.result);
        logger.info('result', { ...outcome.result, changes: outcome.result.changes.length, changeId: outcome.changeId, duplicate: outcome.duplicate });
        settled.push({ status: 'fulfilled', value: outcome });
      } catch (err) {
        failedGroups.add(group);
        settled.push({ status: 'rejected', reason: err });
      }
    }
    metrics.addMetric('failedMessages', MetricUnit.Count, settled.filter((s) => s.status === 'rejected').length);
    return settled;
  }).use(sqsPartialBatchFailure({ logger: (reason: unknown, record: { messageId: string }) => logger.error('work item failed', { messageId: record.messageId, error: (reason as Error)?.message ?? String(reason) }) }));
}

export const handler = createWorker(coldStart(() => engineRuntime()));

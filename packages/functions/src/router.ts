/**
 * Router: an EventBridge event (CloudTrail call, Security Hub finding or custom action, the daily
 * schedule) → work items → the FIFO work queue. Skips are logged and dropped here, so only work
 * reaches the worker. Each resource is a message group: edits to one resource run in order.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { InputError, parseEvent, route, type WorkItem } from '@fixbridge/core';
import { deduplicationId, isScheduledEvent, messageGroupId, sweepItems, toWorkMessage } from '@fixbridge/core/hub';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { coldStart, logger, metrics, withObservability } from './observability';
import { routerRuntime, type RouterRuntime } from './runtime';

export interface RouterResponse {
  queued: number;
  skipped: number;
  /** Why the event was not understood (it is not retried: it would fail the same way). */
  rejected?: string;
}

async function send(rt: RouterRuntime, items: WorkItem[]): Promise<void> {
  for (let i = 0; i < items.length; i += 10) {
    const batch = items.slice(i, i + 10);
    const out = await rt.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: rt.queueUrl,
        Entries: batch.map((item, n) => ({
          Id: String(n),
          MessageBody: JSON.stringify(toWorkMessage(item)),
          MessageGroupId: messageGroupId(item.ref!),
          MessageDeduplicationId: deduplicationId(item),
        })),
      }),
    );
    if (out.Failed?.length) throw new Error(`the work queue refused ${out.Failed.length} message(s): ${out.Failed.map((f) => `${f.Code} ${f.Message}`).join('; ')}`);
  }
}

export function createRouter(load: () => Promise<RouterRuntime>) {
  return withObservability(async (event: unknown): Promise<RouterResponse> => {
    const rt = await load();
    let items: WorkItem[];
    try {
      items = isScheduledEvent(event) ? await sweepItems(rt.clients, event.id) : route(parseEvent(event), rt.config);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      logger.error('event rejected', { reason: err.message });
      metrics.addMetric('rejected', MetricUnit.Count, 1);
      return { queued: 0, skipped: 0, rejected: err.message };
    }
    const work = items.filter((i) => !i.skip && i.remediation && i.ref);
    for (const i of items) if (!work.includes(i)) logger.info('skipped', { remediation: i.remediation?.id ?? null, resourceArn: i.resourceArn, reason: i.skip });
    await send(rt, work);
    metrics.addMetric('queued', MetricUnit.Count, work.length);
    return { queued: work.length, skipped: items.length - work.length };
  });
}

export const handler = createRouter(coldStart(() => routerRuntime()));

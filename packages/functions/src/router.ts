/**
 * Router: an EventBridge event (CloudTrail call, Security Hub finding or custom action, the daily
 * schedule) → messages on the FIFO work queue. Skips are logged and dropped here, so only work
 * reaches the worker. Each resource is a message group: edits to one resource run in order. The
 * schedule lists nothing here: it becomes one listing message per account, region and resource kind
 * of the sweep, which workers list in parallel (`@fixbridge/core/hub` sweep).
 */
import { InputError, parseEvent, route, type WorkItem } from '@fixbridge/core';
import { isScheduledEvent, listEntry, listMessages, sendAll, workEntry, type QueueEntry } from '@fixbridge/core/hub';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { coldStart, logger, metrics, withObservability } from './observability';
import { routerRuntime, type RouterRuntime } from './runtime';

export interface RouterResponse {
  /** Messages queued: work items, or for the schedule the sweep's listings. */
  queued: number;
  skipped: number;
  /** Why the event was not understood (it is not retried: it would fail the same way). */
  rejected?: string;
}

export function createRouter(load: () => Promise<RouterRuntime>) {
  return withObservability(async (event: unknown): Promise<RouterResponse> => {
    const rt = await load();
    if (isScheduledEvent(event)) {
      const listings = listMessages(rt.sweep, event.id);
      await sendAll(rt.sqs, rt.queueUrl, listings.map(listEntry));
      logger.info('sweep queued', { listings: listings.length, accounts: rt.sweep.accountIds, regions: rt.sweep.regions });
      metrics.addMetric('listingsQueued', MetricUnit.Count, listings.length);
      return { queued: listings.length, skipped: 0 };
    }
    let items: WorkItem[];
    try {
      items = route(parseEvent(event), rt.config);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      logger.error('event rejected', { reason: err.message });
      metrics.addMetric('rejected', MetricUnit.Count, 1);
      return { queued: 0, skipped: 0, rejected: err.message };
    }
    const work = items.filter((i) => !i.skip && i.remediation && i.ref);
    for (const i of items) if (!work.includes(i)) logger.info('skipped', { remediation: i.remediation?.id ?? null, resourceArn: i.resourceArn, reason: i.skip });
    const entries: QueueEntry[] = work.map((i) => workEntry(i));
    await sendAll(rt.sqs, rt.queueUrl, entries);
    metrics.addMetric('queued', MetricUnit.Count, work.length);
    return { queued: work.length, skipped: items.length - work.length };
  });
}

export const handler = createRouter(coldStart(() => routerRuntime()));

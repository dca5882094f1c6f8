/**
 * The daily sweep: the schedule asks the engine to re-check every resource. The router lists the
 * resources of each type the catalog remediates (in its own account and region) and queues one work
 * item per resource and remediation (trigger kind `sweep`: a resource deleted meanwhile is skipped).
 * A listed resource fixbridge cannot name becomes one skipped item (the router logs and drops it);
 * the rest of the sweep goes on.
 */
import { ListBrokersCommand } from '@aws-sdk/client-mq';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { parseArn, queueArnFromUrl, RESOURCE_TYPE_LABEL, type ResourceRef, type ResourceType } from '../arn';
import type { Clients } from '../aws/clients';
import { allPages } from '../aws/pages';
import { CATALOG, remediationsForType } from '../catalog';
import { InputError } from '../errors';
import type { AnyRemediation } from '../remediations/types';
import type { TriggerInfo, WorkItem } from '../routing';

export const SCHEDULE_SOURCE = 'aws.events';
export const SCHEDULED_EVENT = 'Scheduled Event';

/** An EventBridge schedule event, which the router answers with a sweep. */
export function isScheduledEvent(raw: unknown): raw is { id: string; source: string; 'detail-type': string } {
  const e = raw as Record<string, unknown> | null;
  return typeof e === 'object' && e !== null && e.source === SCHEDULE_SOURCE && e['detail-type'] === SCHEDULED_EVENT && typeof e.id === 'string';
}

/** How to list each resource type (ids as the service lists them), the one IAM action that takes, and each id's ARN. */
export const SWEEP_LISTERS: Record<ResourceType, { permission: string; list(clients: Clients): Promise<string[]>; arnOf?(listed: string, region: string): string }> = {
  'sqs-queue': {
    permission: 'sqs:ListQueues',
    list: async (c) => allPages((NextToken) => c.sqs.send(new ListQueuesCommand({ NextToken, MaxResults: 1000 })).then((o) => ({ items: o.QueueUrls, next: o.NextToken }))),
    arnOf: queueArnFromUrl,
  },
  'sns-topic': {
    permission: 'sns:ListTopics',
    list: async (c) => (await allPages((NextToken) => c.sns.send(new ListTopicsCommand({ NextToken })).then((o) => ({ items: o.Topics, next: o.NextToken })))).flatMap((t) => t.TopicArn ?? []),
  },
  'mq-broker': {
    permission: 'mq:ListBrokers',
    list: async (c) =>
      (await allPages((NextToken) => c.mq.send(new ListBrokersCommand({ NextToken, MaxResults: 100 })).then((o) => ({ items: o.BrokerSummaries, next: o.NextToken })))).flatMap((b) => b.BrokerArn ?? []),
  },
};

function sweptTypes(catalog: readonly AnyRemediation[]): ResourceType[] {
  return [...new Set(catalog.map((r) => r.resourceType))];
}

/** The IAM actions the sweep needs: one list action per resource type the catalog remediates. */
export function sweepPermissions(catalog: readonly AnyRemediation[] = CATALOG): string[] {
  return sweptTypes(catalog).map((t) => SWEEP_LISTERS[t].permission).sort();
}

export async function sweepItems(clients: Clients, eventId: string, catalog: readonly AnyRemediation[] = CATALOG): Promise<WorkItem[]> {
  const trigger: TriggerInfo = { kind: 'sweep', eventId, eventName: SCHEDULED_EVENT };
  const items: WorkItem[] = [];
  for (const type of sweptTypes(catalog)) {
    const lister = SWEEP_LISTERS[type];
    for (const listed of await lister.list(clients)) {
      let ref: ResourceRef;
      try {
        ref = parseArn(lister.arnOf?.(listed, clients.region) ?? listed);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        items.push({ remediation: null, resourceArn: listed, trigger, skip: `the sweep listed an ${RESOURCE_TYPE_LABEL[type]} fixbridge cannot name: ${err.message}` });
        continue;
      }
      for (const r of remediationsForType(type, catalog)) items.push({ remediation: r, resourceArn: ref.arn, ref, trigger });
    }
  }
  return items;
}

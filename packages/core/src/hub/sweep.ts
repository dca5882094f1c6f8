/**
 * The daily sweep, fanned out through the work queue so that many workers sweep at once:
 * 1. the schedule makes the router queue one listing message (`type: 'list'`) per account, region
 *    and resource kind of the stage's sweep (`listMessages`): nothing is listed in the router;
 * 2. a worker handles a listing (`runListing`): it lists that kind in that account and region (the
 *    member role for another account), every page, and queues one work message per resource, all of
 *    the resource's remediations in it (they run together and share one read), trigger kind `sweep`;
 * 3. workers run those like any work item (a resource deleted meanwhile is `skipped`).
 * A listed resource fixbridge cannot name is a skipped item (logged). A listing that fails for good
 * (no role to assume, access denied) is reported for its account, region and kind — a bus event and a
 * notification — and the other listings go on; any other failure is thrown, so SQS retries it.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { partitionOf, REGION_RE } from '../arn';
import type { Clients } from '../aws/clients';
import { CATALOG, catalogKinds, remediationsForType } from '../catalog';
import { describeError } from '../errors';
import { kindOf, RESOURCE_KINDS, type ResourceType } from '../resources';
import type { AnyRemediation } from '../remediations/types';
import { routeListed, TriggerSchema, type Listed, type Trigger, type WorkItem } from '../routing';
import type { AccountRegion } from './member';
import { EVENT_SOURCE } from './bus';
import { typedMessageOf, workEntry } from './work-message';
import { SEND_BATCH_SIZE, sendBatch, type QueueEntry } from './work-queue';

export const SCHEDULE_SOURCE = 'aws.events';
export const SCHEDULED_EVENT = 'Scheduled Event';

/** An EventBridge schedule event, which the router answers with a sweep. */
export function isScheduledEvent(raw: unknown): raw is { id: string; source: string; 'detail-type': string } {
  const e = raw as Record<string, unknown> | null;
  return typeof e === 'object' && e !== null && e.source === SCHEDULE_SOURCE && e['detail-type'] === SCHEDULED_EVENT && typeof e.id === 'string';
}

/** The IAM actions the sweep needs: one list action per resource kind the catalog remediates. */
export function sweepPermissions(catalog: readonly AnyRemediation[] = CATALOG): string[] {
  return catalogKinds(catalog).map((k) => k.list.permission).sort();
}

/** What the daily sweep covers: every one of these accounts in every one of these regions. */
export interface SweepTargets {
  accountIds: readonly string[];
  regions: readonly string[];
}

const RESOURCE_TYPE_VALUES = RESOURCE_KINDS.map((k) => k.type) as [ResourceType, ...ResourceType[]];

/** A work-queue message asking a worker to list one kind of resource in one account and region. */
export const ListMessageSchema = z
  .object({
    type: z.literal('list'),
    resourceType: z.enum(RESOURCE_TYPE_VALUES),
    partition: z.string().min(1),
    accountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'),
    region: z.string().regex(REGION_RE, 'expected an AWS region'),
    trigger: TriggerSchema,
  })
  .strict();
export type ListMessage = z.infer<typeof ListMessageSchema>;

/** The trigger of every work item of one sweep: the schedule event's id. */
export function sweepTrigger(eventId: string): Trigger {
  return { kind: 'sweep', eventId, eventName: SCHEDULED_EVENT };
}

/** One listing message per account, region and resource kind the catalog remediates (duplicates once). */
export function listMessages(targets: SweepTargets, eventId: string, catalog: readonly AnyRemediation[] = CATALOG): ListMessage[] {
  const trigger = sweepTrigger(eventId);
  return [...new Set(targets.accountIds)].flatMap((accountId) =>
    [...new Set(targets.regions)].flatMap((region) =>
      catalogKinds(catalog).map((k) => ({ type: 'list' as const, resourceType: k.type as ResourceType, partition: partitionOf(region), accountId, region, trigger })),
    ),
  );
}

/** A listing's queue entry: its own message group (listings run in parallel), deduplicated per sweep. */
export function listEntry(m: ListMessage): QueueEntry {
  const where = `${m.accountId}#${m.region}#${m.resourceType}`;
  return {
    body: JSON.stringify(m),
    groupId: `list#${where}`,
    deduplicationId: createHash('sha256').update(`${m.trigger.eventId ?? ''}\n${where}`).digest('hex'),
  };
}

/**
 * The listing message in a work-queue body, or undefined when the body is another message (a work
 * item has no `type`). A body that says `type: 'list'` but is malformed is an `InputError`.
 */
export function listMessageOf(body: string): ListMessage | undefined {
  return typedMessageOf(body, 'list', ListMessageSchema, 'listing message');
}

/**
 * The work of one listed resource: one item per remediation of its kind, or one skipped item when the
 * listing gave something fixbridge cannot name.
 */
export function sweepWork(kind: ResourceType, listed: Listed, trigger: Trigger, catalog: readonly AnyRemediation[] = CATALOG): WorkItem[] {
  return routeListed(kindOf(kind), listed, remediationsForType(kind, catalog), trigger);
}

/** A listing that could not be done: which account, region and kind, and why. */
export interface ListingFailure {
  accountId: string;
  region: string;
  resourceType: ResourceType;
  /** Resources listed (and queued) before it failed. */
  queued: number;
  error: string;
  trigger: Trigger;
}

export interface ListingDeps {
  /** Clients of an account and region (the member role for another account). */
  clientsFor(where: AccountRegion): Promise<Clients> | Clients;
  sqs: SQSClient;
  queueUrl: string;
  /** Tells people about a listing that failed for good (a bus event and a notification). */
  report(failure: ListingFailure): Promise<void>;
  catalog?: readonly AnyRemediation[];
}

export interface ListingOutcome {
  /** Work messages queued: one per listed resource. */
  queued: number;
  /** Listed resources fixbridge could not name. */
  skipped: WorkItem[];
  /** Set when the listing failed for good (and was reported). */
  failure?: ListingFailure;
}

/**
 * A listing failure that retrying will not cure: the service refused the request as the caller's
 * (no role to assume, access denied, an unknown account), not throttling or a fault of its own.
 */
export function isPermanentListingError(err: unknown): boolean {
  for (let e = err as { $fault?: string; $retryable?: unknown; name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.$fault === 'client') return !e.$retryable && !/Throttl|TooManyRequests|RequestLimitExceeded/.test(e.name ?? '');
  }
  return false;
}

/**
 * Handle a listing message: list the kind in the account and region, every page, and queue one work
 * message per listed resource as the pages arrive (batches of ten). A permanent failure is reported
 * and resolves with it; any other failure throws (SQS retries the listing; what it queued again is
 * deduplicated by the work queue and the delivery claims).
 */
export async function runListing(m: ListMessage, deps: ListingDeps): Promise<ListingOutcome> {
  const kind = kindOf(m.resourceType);
  const outcome: ListingOutcome = { queued: 0, skipped: [] };
  // Only the listing's own calls (the role, the list pages) can fail it for good; a refused send throws.
  const failed = async (err: unknown): Promise<ListingOutcome> => {
    if (!isPermanentListingError(err)) throw err;
    outcome.failure = {
      accountId: m.accountId,
      region: m.region,
      resourceType: m.resourceType,
      queued: outcome.queued,
      error: `cannot list ${kind.label} resources (${kind.list.permission}) in account ${m.accountId}, ${m.region}: ${describeError(err)}`,
      trigger: m.trigger,
    };
    await deps.report(outcome.failure);
    return outcome;
  };
  let pages: AsyncIterator<Listed>;
  try {
    pages = kind.list.all(await deps.clientsFor({ partition: m.partition, accountId: m.accountId, region: m.region }))[Symbol.asyncIterator]();
  } catch (err) {
    return failed(err);
  }
  let batch: QueueEntry[] = [];
  const flush = async () => {
    await sendBatch(deps.sqs, deps.queueUrl, batch);
    outcome.queued += batch.length;
    batch = [];
  };
  for (;;) {
    let next: IteratorResult<Listed>;
    try {
      next = await pages.next();
    } catch (err) {
      await flush();
      return failed(err);
    }
    if (next.done) break;
    const items = sweepWork(m.resourceType, next.value, m.trigger, deps.catalog);
    const work = items.filter((i) => !i.skip);
    outcome.skipped.push(...items.filter((i) => i.skip));
    if (work.length) batch.push(workEntry(...work));
    if (batch.length === SEND_BATCH_SIZE) await flush();
  }
  await flush();
  return outcome;
}

export const LISTING_FAILED = 'Sweep Listing Failed';

/** The bus event of a failed listing. */
export function listingFailureEntry(f: ListingFailure, busName: string, time = new Date()) {
  return { Source: EVENT_SOURCE, DetailType: LISTING_FAILED, Detail: JSON.stringify(f), Resources: [], EventBusName: busName, Time: time };
}

/** A failed listing, for a person: what was not swept and why. */
export function listingFailureNotification(f: ListingFailure): { subject: string; message: string } {
  const { label } = kindOf(f.resourceType);
  return {
    subject: `fixbridge sweep: cannot list ${label} resources in ${f.accountId} ${f.region}`.slice(0, 100),
    message: [
      `fixbridge's sweep ${f.trigger.eventId ?? ''} did not check the ${label} resources of account ${f.accountId} in ${f.region}${f.queued ? ` beyond the first ${f.queued}` : ''}.`,
      f.error,
      'Deploy the fixbridge member stack in that account (same external id), or remove the account or region from the hub stage settings.',
    ].join('\n'),
  };
}

/** Report a failed listing: one `Sweep Listing Failed` event on the bus and one notification. */
export function listingFailureReporter(events: EventBridgeClient, busName: string, sns: SNSClient, topicArn: string): (f: ListingFailure) => Promise<void> {
  return async (f) => {
    const n = listingFailureNotification(f);
    const [bus, note] = await Promise.allSettled([
      events.send(new PutEventsCommand({ Entries: [listingFailureEntry(f, busName)] })).then((out) => {
        if (out.FailedEntryCount) throw new Error(`EventBridge rejected the listing failure event: ${out.Entries?.find((e) => e.ErrorCode)?.ErrorCode}`);
      }),
      sns.send(new PublishCommand({ TopicArn: topicArn, Subject: n.subject, Message: n.message })),
    ]);
    const failed = [bus, note].filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed.length) throw new AggregateError(failed.map((s) => s.reason), `reporting the failed listing failed: ${failed.map((s) => describeError(s.reason)).join('; ')}`);
  };
}

/**
 * The work queue's message: a work item without its remediation object, so it survives JSON.
 * The router writes it, the worker turns it back into a work item. A message may name several
 * remediations of one resource (a sweep queues each resource once): the worker runs them together,
 * and they share one read of the resource.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ResourceRef } from '../arn';
import { CATALOG, findRemediation } from '../catalog';
import { InputError } from '../errors';
import { firstIssue } from '../events/envelope';
import { parseArn, resourceKey } from '../resources';
import { ModeSchema } from '../results';
import type { AnyRemediation } from '../remediations/types';
import { TriggerSchema, type WorkItem } from '../routing';
import type { QueueEntry } from './work-queue';

export const WorkMessageSchema = z
  .object({
    /** The remediation's id, or the ids of several remediations of the resource, run in this order. */
    remediation: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    resourceArn: z.string().min(1),
    /** The kind's locator of the resource (an SQS queue URL), when the event or listing gave it. */
    hint: z.string().min(1).optional(),
    trigger: TriggerSchema,
    forcedMode: ModeSchema.optional(),
    requestedMode: ModeSchema.optional(),
  })
  .strict();
export type WorkMessage = z.infer<typeof WorkMessageSchema>;

/**
 * Only runnable items become messages: the router drops skips before sending. Several items make one
 * message when they are remediations of one resource with one trigger and the same modes.
 */
export function toWorkMessage(...items: WorkItem[]): WorkMessage {
  const [item, ...more] = items;
  if (!item) throw new Error('a work message needs a work item');
  for (const i of items) if (i.skip || !i.remediation || !i.ref) throw new Error('a skipped work item is not sent to the work queue');
  const ids = items.map((i) => i.remediation!.id);
  const same = (i: WorkItem) =>
    resourceKey(i.ref!) === resourceKey(item.ref!) && JSON.stringify(i.trigger) === JSON.stringify(item.trigger) && i.forcedMode === item.forcedMode && i.requestedMode === item.requestedMode;
  if (!more.every(same)) throw new Error('one work message holds remediations of one resource, with one trigger and the same modes');
  if (new Set(ids).size !== ids.length) throw new Error(`a work message names each remediation once (${ids.join(', ')})`);
  return {
    remediation: more.length ? ids : ids[0]!,
    resourceArn: item.ref!.arn,
    ...(item.ref!.hint ? { hint: item.ref!.hint } : {}),
    trigger: item.trigger,
    ...(item.forcedMode ? { forcedMode: item.forcedMode } : {}),
    ...(item.requestedMode ? { requestedMode: item.requestedMode } : {}),
  };
}

/** The work items of a message: one per remediation it names. */
export function fromWorkMessage(body: string, catalog: readonly AnyRemediation[] = CATALOG): WorkItem[] {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (cause) {
    throw new InputError(`work message is not valid JSON (${(cause as Error).message})`, { cause });
  }
  const parsed = WorkMessageSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`work message ${firstIssue(parsed.error)}`);
  const m = parsed.data;
  const ids = [...new Set([m.remediation].flat())];
  const ref = { ...parseArn(m.resourceArn), ...(m.hint ? { hint: m.hint } : {}) };
  return ids.map((id) => {
    const remediation = findRemediation(id, catalog);
    if (!remediation) throw new InputError(`work message names unknown remediation "${id}"`);
    return {
      remediation,
      resourceArn: ref.arn,
      ref,
      trigger: m.trigger,
      ...(m.forcedMode ? { forcedMode: m.forcedMode } : {}),
      ...(m.requestedMode ? { requestedMode: m.requestedMode } : {}),
    };
  });
}

/** The work queue entry of one message (`toWorkMessage`): its body, its resource's group, its deduplication id. */
export function workEntry(...items: WorkItem[]): QueueEntry {
  return { body: JSON.stringify(toWorkMessage(...items)), groupId: messageGroupId(items[0]!.ref!), deduplicationId: deduplicationId(...items) };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The identity of one delivery of one piece of work: event id + finding id (for a finding) +
 * remediation + resource (its `resourceKey`, so every ARN form of one broker gives one key). The
 * same EventBridge event delivered twice has the same key; two findings of one resource in one
 * event (the FSBP and the NIST finding of a queue, in one custom action) have two, so the FIFO queue
 * keeps both and each is written back. Undefined when the trigger has no event id.
 */
export function idempotencyKey(item: WorkItem): string | undefined {
  const { eventId, findingId } = item.trigger;
  if (!eventId || !item.remediation || !item.ref) return undefined;
  // Without a finding (CloudTrail events) the key is what it always was.
  const finding = findingId ? `${findingId}\n` : '';
  // An approved plan is other work than the plan filed for approval by the same event.
  const approved = item.approved ? `\napproved ${item.approved.id}` : '';
  return sha256(`${eventId}\n${finding}${item.remediation.id}\n${resourceKey(item.ref)}${approved}`);
}

/** The FIFO deduplication id (at most 128 characters): the idempotency key (of each item), or a hash of the message. */
export function deduplicationId(...items: WorkItem[]): string {
  const keys = items.map(idempotencyKey);
  if (keys.length === 1 && keys[0]) return keys[0];
  return keys.every(Boolean) ? sha256(keys.join('\n')) : sha256(JSON.stringify(toWorkMessage(...items)));
}

/** The FIFO message group: the resource's key (hashed when longer than SQS's 128 characters). */
export function messageGroupId(ref: ResourceRef): string {
  const key = resourceKey(ref);
  return key.length <= 128 ? key : sha256(key);
}

/** Change ids are `ch-` and 20 hex digits; derived from the idempotency key, so a retry reuses its id. */
export const CHANGE_ID_RE = /^ch-[0-9a-f]{20}$/;
export function changeIdFor(key: string | undefined): string {
  return `ch-${key ? key.slice(0, 20) : randomBytes(10).toString('hex')}`;
}

/**
 * A message of another type on the work queue (`type: 'list'`, `type: 'decision'`): parsed with
 * `schema`, or undefined when the body is not JSON (the work-item parser says so) or is of another
 * type (a work item has none). A body of this type that `schema` refuses is an `InputError` naming
 * `what`.
 */
export function typedMessageOf<T>(body: string, type: string, schema: z.ZodType<T>, what: string): T | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || (raw as { type?: unknown }).type !== type) return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${what} ${firstIssue(parsed.error)}`);
  return parsed.data;
}
